package image

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.podman.io/image/v5/copy"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ociarchive "go.podman.io/image/v5/oci/archive"
	ocilayout "go.podman.io/image/v5/oci/layout"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Archive formats of save and load.
const (
	FormatDockerArchive = "docker-archive"
	FormatOCIArchive    = "oci-archive"
	FormatOCIDir        = "oci-dir"
)

// SaveOptions describe `nook save`.
type SaveOptions struct {
	// Refs are the images to save (names or IDs).
	Refs []string
	// Format is docker-archive (default), oci-archive or oci-dir.
	Format string
	// Path is the output file (a directory for oci-dir); "" writes the
	// archive to Output.
	Path string
	// Output receives the archive when Path is "".
	Output io.Writer
}

// savedImage is one image to write with the name it is saved under (nil
// for an image given by ID, which Docker saves untagged).
type savedImage struct {
	id   string
	name reference.Named
}

// Save writes images to an archive. A file is written under a temporary
// name and renamed at the end, so a failed save leaves no partial file.
func (s *Store) Save(ctx context.Context, opts SaveOptions) error {
	imgs, err := s.savedImages(opts.Refs)
	if err != nil {
		return err
	}
	format := opts.Format
	if format == "" {
		format = FormatDockerArchive
	}
	switch format {
	case FormatDockerArchive, FormatOCIArchive:
	case FormatOCIDir:
		if opts.Path == "" {
			return errdefs.Invalid("save: --format oci-dir needs an output directory (-o DIR)")
		}
		return s.saveOCIDir(ctx, imgs, opts.Path)
	default:
		return errdefs.Invalid("save: unknown format %q (use docker-archive, oci-archive or oci-dir)", format)
	}
	if format == FormatOCIArchive && len(imgs) > 1 {
		return errdefs.Invalid("save: oci-archive holds one image; use docker-archive or oci-dir for several")
	}
	dir := s.tempDir()
	if opts.Path != "" {
		dir = filepath.Dir(opts.Path)
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".nook-save-%d.tar", os.Getpid()))
	_ = os.Remove(tmp)
	defer os.Remove(tmp)
	if format == FormatDockerArchive {
		err = s.saveDockerArchive(ctx, imgs, tmp)
	} else {
		err = s.copyImage(ctx, imgs[0].id, func() (types.ImageReference, error) {
			return ociarchive.NewReference(tmp, ociName(imgs[0].name))
		})
	}
	if err != nil {
		return err
	}
	if opts.Path != "" {
		return os.Rename(tmp, opts.Path)
	}
	return copyFileTo(tmp, opts.Output)
}

// savedImages resolves refs to images and the names to save them under.
func (s *Store) savedImages(refs []string) ([]savedImage, error) {
	if len(refs) == 0 {
		return nil, errdefs.Invalid("save: no image given")
	}
	var out []savedImage
	for _, ref := range refs {
		img, err := s.Lookup(ref)
		if err != nil {
			return nil, err
		}
		si := savedImage{id: img.ID}
		for _, c := range Candidates(ref) {
			for _, n := range img.Names {
				if n == c && si.name == nil {
					si.name, _ = reference.ParseNormalizedNamed(n)
				}
			}
		}
		out = append(out, si)
	}
	return out, nil
}

func (s *Store) saveDockerArchive(ctx context.Context, imgs []savedImage, path string) error {
	w, err := dockerarchive.NewWriter(s.archiveContext(), path)
	if err != nil {
		return fmt.Errorf("save: %w", err)
	}
	for _, img := range imgs {
		var tagged reference.NamedTagged
		if t, ok := img.name.(reference.NamedTagged); ok {
			tagged = t
		}
		err := s.copyImage(ctx, img.id, func() (types.ImageReference, error) { return w.NewReference(tagged) })
		if err != nil {
			w.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("save: finish archive: %w", err)
	}
	return nil
}

func (s *Store) saveOCIDir(ctx context.Context, imgs []savedImage, dir string) error {
	for _, img := range imgs {
		err := s.copyImage(ctx, img.id, func() (types.ImageReference, error) {
			return ocilayout.NewReference(dir, ociName(img.name))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// copyImage copies stored image id to the destination dest creates.
func (s *Store) copyImage(ctx context.Context, id string, dest func() (types.ImageReference, error)) error {
	src, err := istorage.Transport.NewStoreReference(s.Store, nil, id)
	if err != nil {
		return err
	}
	d, err := dest()
	if err != nil {
		return fmt.Errorf("save: %w", err)
	}
	pc, err := policyContext()
	if err != nil {
		return err
	}
	defer pc.Destroy()
	sys := s.archiveContext()
	if _, err := copy.Image(ctx, pc, d, src, &copy.Options{SourceCtx: sys, DestinationCtx: sys}); err != nil {
		return fmt.Errorf("save image %s: %w", id[:12], err)
	}
	return nil
}

// archiveContext is the containers/image context for local archives.
func (s *Store) archiveContext() *types.SystemContext {
	return &types.SystemContext{BigFilesTemporaryDir: s.tempDir()}
}

// ociName is the org.opencontainers.image.ref.name annotation for name.
func ociName(name reference.Named) string {
	if name == nil {
		return ""
	}
	return name.String()
}

func copyFileTo(path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("save: write archive: %w", err)
	}
	return nil
}
