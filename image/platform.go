package image

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/types"

	"github.com/nook-dev/nook/internal/errdefs"
)

// parsePlatform splits "os/arch[/variant]" (either part may be empty) and
// normalizes it as Docker does (containerd's platforms.Normalize): lower
// case, x86_64 is amd64, aarch64 is arm64. containers/image compares the
// index's strings literally, so `--platform linux/aarch64` would miss.
func parsePlatform(p string) (osName, arch, variant string) {
	parts := strings.SplitN(strings.ToLower(p), "/", 3)
	switch len(parts) {
	case 3:
		variant = parts[2]
		fallthrough
	case 2:
		arch = parts[1]
		fallthrough
	case 1:
		osName = parts[0]
	}
	switch arch {
	case "x86_64", "x86-64":
		arch = "amd64"
	case "aarch64":
		arch = "arm64"
	}
	return osName, arch, variant
}

// checkPlatform rejects a --platform that is not os[/arch[/variant]].
func checkPlatform(verb, p string) error {
	if p == "" {
		return nil
	}
	parts := strings.Split(p, "/")
	if len(parts) > 3 || slices.Contains(parts, "") {
		return errdefs.Invalid("%s: invalid platform %q: want OS/ARCH[/VARIANT], e.g. linux/arm64", verb, p)
	}
	return nil
}

// applyPlatform sets the platform choice of a pull ("" keeps the host's).
func applyPlatform(sys *types.SystemContext, platform string) {
	if platform == "" {
		return
	}
	sys.OSChoice, sys.ArchitectureChoice, sys.VariantChoice = parsePlatform(platform)
}

// wantedPlatform is the platform a pull asks for, as "os/arch[/variant]"
// with the host's parts filled in.
func wantedPlatform(platform string) string {
	osName, arch, variant := parsePlatform(platform)
	if osName == "" {
		osName = "linux"
	}
	if arch == "" {
		arch = runtime.GOARCH
	}
	if variant != "" {
		return osName + "/" + arch + "/" + variant
	}
	return osName + "/" + arch
}

// noPlatformError explains err, containers/image's failure to choose an
// entry of the index raw for the wanted platform, in Docker's words and
// listing the platforms the index has; it returns nil for other failures.
func noPlatformError(op registryOp, raw []byte, platform string, err error) error {
	// containers/image: "no image found in image index|manifest list for architecture ..."
	if err == nil || !strings.Contains(err.Error(), "no image found in ") ||
		raw == nil || !manifest.MIMETypeIsMultiImage(manifest.GuessMIMEType(raw)) {
		return nil
	}
	list, lerr := manifest.ListFromBlob(raw, manifest.GuessMIMEType(raw))
	if lerr != nil {
		return nil
	}
	want := wantedPlatform(platform)
	var have []string
	for _, d := range list.Instances() {
		inst, ierr := list.Instance(d)
		if ierr != nil || inst.ReadOnly.Platform == nil {
			continue
		}
		p := inst.ReadOnly.Platform
		s := p.OS + "/" + p.Architecture
		if p.Variant != "" {
			s += "/" + p.Variant
		}
		if !slices.Contains(have, s) {
			have = append(have, s)
		}
	}
	return errdefs.WithHint(errdefs.NotFound("%s %s: no matching manifest for %s in the manifest list entries (the image has: %s)%.0w",
		op.verb, op.name, want, strings.Join(have, ", "), err),
		fmt.Sprintf("choose one of the image's platforms with --platform, e.g. --platform %s", firstOr(have, "linux/amd64")))
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

// warnPlatform prints Docker's warning when --platform was given but the
// image is single-platform for another one: it is pulled anyway, as
// Docker keeps that for backward compatibility.
func (s *Store) warnPlatform(out io.Writer, id string, named reference.Named, platform string) {
	if out == nil || platform == "" {
		return
	}
	img, err := s.Image(id)
	if err != nil || s.matchesPlatform(img, platform) {
		return
	}
	cfg, err := s.Config(img)
	if err != nil {
		return
	}
	actual := cfg.OS + "/" + cfg.Architecture
	if cfg.Variant != "" {
		actual += "/" + cfg.Variant
	}
	fmt.Fprintf(out, "WARNING: image with reference %s was found but does not match the specified platform: wanted %s, actual: %s\n",
		reference.FamiliarString(named), wantedPlatform(platform), actual)
}

// PlatformMismatch returns Docker's error when the stored image ref is not
// for platform ("" matches anything), and nil when it is.
func (s *Store) PlatformMismatch(ref, platform string) error {
	if platform == "" {
		return nil
	}
	if err := checkPlatform("run", platform); err != nil {
		return err
	}
	img, err := s.Lookup(ref)
	if err != nil || s.matchesPlatform(img, platform) {
		return err
	}
	actual := "unknown"
	if cfg, err := s.Config(img); err == nil {
		actual = cfg.OS + "/" + cfg.Architecture
		if cfg.Variant != "" {
			actual += "/" + cfg.Variant
		}
	}
	return errdefs.Conflict("image with reference %s was found but does not match the specified platform: wanted %s, actual: %s",
		ref, wantedPlatform(platform), actual)
}
