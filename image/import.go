package image

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"go.podman.io/storage/pkg/archive"

	"github.com/nook-dev/nook/internal/errdefs"
)

// ImportOptions describe `nook import`.
type ImportOptions struct {
	// Source is a file path, an http(s) URL, or "-" for Stdin.
	Source string
	// Stdin is read when Source is "-".
	Stdin io.Reader
	// Reference names the image ("" leaves it untagged).
	Reference string
	// Message is the history comment (-m).
	Message string
	// Changes applies Dockerfile-like config changes (-c); see ApplyChanges.
	Changes []string
	// Platform is os/arch[/variant] recorded in the config, as docker
	// import --platform; "" is this machine's (linux/GOARCH).
	Platform string
}

// Import creates a one-layer image from a root filesystem tar (plain,
// gzip, bzip2, xz or zstd) and returns its ID.
func (s *Store) Import(opts ImportOptions) (string, error) {
	var names []string
	if opts.Reference != "" {
		n, err := Normalize(opts.Reference)
		if err != nil {
			return "", err
		}
		names = []string{n}
	}
	osName, arch, variant, err := importPlatform(opts.Platform)
	if err != nil {
		return "", err
	}
	in, err := openSource(opts)
	if err != nil {
		return "", err
	}
	defer in.Close()
	plain, err := archive.DecompressStream(in)
	if err != nil {
		return "", errdefs.Invalid("import %s: not a tar archive: %w", opts.Source, err)
	}
	defer plain.Close()
	layer, _, err := s.PutLayer("", "", nil, "", false, nil, plain)
	if err != nil {
		return "", errdefs.Invalid("import %s: %w", opts.Source, err)
	}
	now := time.Now().UTC()
	cfg := Config{
		Created: &now, Architecture: arch, OS: osName, Variant: variant,
		RootFS:  RootFS{Type: "layers", DiffIDs: []string{layer.UncompressedDigest.String()}},
		History: []History{{Created: &now, CreatedBy: "nook import " + opts.Source, Comment: importComment(opts)}},
	}
	if err := ApplyChanges(&cfg.Config, opts.Changes); err != nil {
		s.DeleteLayer(layer.ID)
		return "", err
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	id, err := s.CreateImage(b, layer.ID, names)
	if err != nil {
		s.DeleteLayer(layer.ID)
		return "", err
	}
	return id, nil
}

// importPlatform is the os/arch/variant an import records; both os and
// arch are needed, as a half-set platform describes no real image.
func importPlatform(p string) (osName, arch, variant string, err error) {
	if p == "" {
		return "linux", runtime.GOARCH, "", nil
	}
	if err := checkPlatform("import", p); err != nil {
		return "", "", "", err
	}
	osName, arch, variant = parsePlatform(p)
	if arch == "" {
		return "", "", "", errdefs.Invalid("import: invalid platform %q: want OS/ARCH[/VARIANT], e.g. linux/arm64", p)
	}
	return osName, arch, variant, nil
}

func importComment(opts ImportOptions) string {
	if opts.Message != "" {
		return opts.Message
	}
	return "Imported from " + opts.Source
}

func openSource(opts ImportOptions) (io.ReadCloser, error) {
	switch {
	case opts.Source == "-":
		return io.NopCloser(opts.Stdin), nil
	case strings.HasPrefix(opts.Source, "http://"), strings.HasPrefix(opts.Source, "https://"):
		resp, err := http.Get(opts.Source)
		if err != nil {
			return nil, fmt.Errorf("download %s: %w", opts.Source, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("download %s: %s", opts.Source, resp.Status)
		}
		return resp.Body, nil
	}
	f, err := os.Open(opts.Source)
	if err != nil {
		return nil, errdefs.NotFound("import: open %s: %w", opts.Source, err)
	}
	return f, nil
}
