package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"

	"github.com/nook-dev/nook/internal/errdefs"
)

// PullOptions describe `nook pull` (and the implicit pull of run/build).
type PullOptions struct {
	// Ref is the user's reference: NAME[:TAG|@DIGEST]; a bare name means
	// Docker Hub (docker.io/library/NAME:latest).
	Ref string
	RegistryOptions
	// Platform is os/arch[/variant] to pick from a multi-platform image
	// ("" = this machine's).
	Platform string
	// Quiet suppresses all progress output.
	Quiet bool
	// Progress receives Docker's pull output (status lines, per-layer
	// lines, or mpb bars when it is a terminal); nil is quiet.
	Progress io.Writer
}

// PullResult says what Pull did.
type PullResult struct {
	// ID is the image ID (config digest hex).
	ID string
	// Name is the full resolved name (docker.io/library/alpine:latest).
	Name string
	// Digest is the manifest (or index) digest the tag resolved to.
	Digest digest.Digest
	// UpToDate is true when the image was already present and current.
	UpToDate bool
}

// digestTimeout bounds the first registry round trip, so an unreachable
// registry fails fast with a clear message.
const digestTimeout = 20 * time.Second

// Pull copies an image from a registry into the store and returns its ID.
func (s *Store) Pull(ctx context.Context, opts PullOptions) (string, error) {
	res, err := s.PullImage(ctx, opts)
	return res.ID, err
}

// PullImage is Pull with the details the CLI prints. A short name may
// resolve to several candidates (registries.conf's unqualified-search
// registries): they are tried in order until one pulls.
func (s *Store) PullImage(ctx context.Context, opts PullOptions) (PullResult, error) {
	_, tagged, err := parsePullRef(opts.Ref)
	if err != nil {
		return PullResult{}, err
	}
	if err := checkPlatform("pull", opts.Platform); err != nil {
		return PullResult{}, err
	}
	cands, how, err := resolvePullRef(s.systemContext(opts.RegistryOptions, ""), opts.Ref)
	if err != nil {
		return PullResult{}, err
	}
	out := opts.Progress
	if opts.Quiet {
		out = nil
	}
	if how != "" && out != nil {
		fmt.Fprintln(out, how)
	}
	if !tagged && out != nil {
		fmt.Fprintln(out, "Using default tag: latest")
	}
	var errs []error
	for _, named := range cands {
		res, err := s.pullNamed(ctx, opts, named, out)
		if err == nil || len(cands) == 1 || ctx.Err() != nil {
			return res, err
		}
		errs = append(errs, fmt.Errorf("%s: %w", reference.FamiliarString(named), err))
	}
	return PullResult{}, fmt.Errorf("pull %s: no candidate could be pulled: %w", opts.Ref, errors.Join(errs...))
}

// pullNamed pulls one fully qualified reference.
func (s *Store) pullNamed(ctx context.Context, opts PullOptions, named reference.Named, out io.Writer) (PullResult, error) {
	var res PullResult
	var err error
	res.Name = named.String()
	op := registryOp{verb: "pull", name: reference.FamiliarString(named), host: registryHost(named)}
	sys := s.systemContext(opts.RegistryOptions, op.host)
	applyPlatform(sys, opts.Platform)
	srcRef, err := docker.NewReference(named)
	if err != nil {
		return res, errdefs.Invalid("pull %s: %w", opts.Ref, err)
	}
	if out != nil {
		fmt.Fprintf(out, "%s: Pulling from %s\n", tagOrDigest(named), reference.Path(named))
	}
	before := s.imageFor(named, opts.Platform)
	if _, byDigest := named.(reference.Digested); byDigest && before != nil && s.current(before, before.Digest, "", opts.Platform) {
		// Content addressed and present: no need to ask the registry.
		res.ID, res.Digest, res.UpToDate = before.ID, named.(reference.Digested).Digest(), true
		printPullStatus(out, res, named)
		// Found by digest, maybe named only by tag: `inspect NAME@DIGEST` must find it.
		return res, s.Retag(res.ID, []string{named.String()})
	}
	si, err := s.probeRemote(ctx, sys, srcRef)
	if err != nil {
		if perr := noPlatformError(op, si.manifest, opts.Platform, err); perr != nil {
			return res, perr
		}
		return res, registryError(op, err)
	}
	res.Digest = si.digest
	if before != nil && s.current(before, si.digest, si.config, opts.Platform) {
		res.ID, res.UpToDate = before.ID, true
		s.warnPlatform(out, res.ID, named, opts.Platform)
		printPullStatus(out, res, named)
		if _, byDigest := named.(reference.Digested); byDigest {
			if err := s.Retag(res.ID, []string{named.String()}); err != nil {
				return res, err
			}
		}
		// Images pulled by older versions lack the record.
		return res, s.addRepoDigest(res.ID, named.Name(), res.Digest)
	}
	if res.ID, err = s.adoptPresent(si, []reference.Named{named}); err != nil {
		return res, err
	}
	if res.ID == "" {
		if res.ID, err = s.copyFromRegistry(ctx, sys, srcRef, named, si.layers, out); err != nil {
			return res, registryError(op, err)
		}
	}
	res.UpToDate = before != nil && before.ID == res.ID
	if err := s.addRepoDigest(res.ID, named.Name(), res.Digest); err != nil {
		return res, err
	}
	s.warnPlatform(out, res.ID, named, opts.Platform)
	printPullStatus(out, res, named)
	return res, nil
}

// parsePullRef normalizes a pull reference; tagged is false when the user
// gave neither tag nor digest.
func parsePullRef(ref string) (reference.Named, bool, error) {
	n, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil, false, badReference(ref, err)
	}
	tagged := !reference.IsNameOnly(n)
	return reference.TagNameOnly(n), tagged, nil
}

func tagOrDigest(n reference.Named) string {
	if d, ok := n.(reference.Digested); ok {
		return d.Digest().String()
	}
	if t, ok := n.(reference.Tagged); ok {
		return t.Tag()
	}
	return "latest"
}

// imageFor returns the stored image the reference names, or nil. Several
// images share an index digest (one per platform pulled): the one for
// platform is preferred.
func (s *Store) imageFor(named reference.Named, platform string) *storage.Image {
	if d, ok := named.(reference.Digested); ok {
		imgs, err := s.ImagesByDigest(d.Digest())
		if err != nil || len(imgs) == 0 {
			return nil
		}
		for _, img := range imgs {
			if s.matchesPlatform(img, platform) {
				return img
			}
		}
		return imgs[0]
	}
	img, err := s.Image(named.String())
	if err != nil {
		return nil
	}
	return img
}

// probeRemote reads the manifest the reference points to, within
// digestTimeout, so that an unreachable or silent registry fails fast.
func (s *Store) probeRemote(ctx context.Context, sys *types.SystemContext, ref types.ImageReference) (sourceInfo, error) {
	hctx, cancel := context.WithTimeout(ctx, digestTimeout)
	defer cancel()
	return inspectSource(hctx, sys, ref)
}

// current reports whether img already is the image with manifest (or
// index) digest remote. config, when known, is the config digest of the
// index entry chosen for this platform: after pulling linux/arm64 from an
// index, a pull for the host must not take the arm64 image as current.
// Unknown (no registry asked yet), the image's own platform must match.
func (s *Store) current(img *storage.Image, remote, config digest.Digest, platform string) bool {
	if !slices.Contains(img.Digests, remote) && img.Digest != remote {
		return false
	}
	if config != "" {
		return img.ID == config.Encoded()
	}
	return s.matchesPlatform(img, platform)
}

// matchesPlatform reports whether img's config is for platform ("" = the
// host's); a wanted arm64 v8 matches a config without variant.
func (s *Store) matchesPlatform(img *storage.Image, platform string) bool {
	cfg, err := s.Config(img)
	if err != nil {
		return false
	}
	osName, arch, variant := parsePlatform(wantedPlatform(platform))
	return cfg.OS == osName && cfg.Architecture == arch &&
		(variant == "" || cfg.Variant == variant || (arch == "arm64" && variant == "v8" && cfg.Variant == ""))
}

// copyFromRegistry runs the copy into the store; nothing is named or
// left as an image unless every blob arrived and verified.
func (s *Store) copyFromRegistry(ctx context.Context, sys *types.SystemContext, src types.ImageReference, named reference.Named, blobs map[digest.Digest]bool, out io.Writer) (string, error) {
	dest, err := istorage.Transport.NewStoreReference(s.Store, named, "")
	if err != nil {
		return "", err
	}
	pc, err := policyContext()
	if err != nil {
		return "", err
	}
	defer pc.Destroy()
	rep := newLayerReporter(out, pullWords)
	var resolved types.ImageReference
	o := &copy.Options{SourceCtx: sys, DestinationCtx: sys, ReportResolvedReference: &resolved,
		OptimizeDestinationImageAlreadyExists: true}
	rep.apply(o)
	before := s.layerIDs()
	_, err = copy.Image(ctx, pc, dest, src, o)
	rep.close()
	if err != nil {
		s.removeNewLayers(before, blobs)
		return "", err
	}
	if resolved == nil {
		resolved = dest
	}
	_, img, err := istorage.ResolveReference(resolved)
	if err != nil {
		return "", fmt.Errorf("find pulled image: %w", err)
	}
	return img.ID, nil
}

func printPullStatus(out io.Writer, res PullResult, named reference.Named) {
	if out == nil {
		return
	}
	if res.Digest != "" {
		fmt.Fprintf(out, "Digest: %s\n", res.Digest)
	}
	status := "Downloaded newer image for "
	if res.UpToDate {
		status = "Image is up to date for "
	}
	fmt.Fprintln(out, "Status: "+status+reference.FamiliarString(named))
}
