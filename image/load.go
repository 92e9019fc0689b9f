package image

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/copy"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ociarchive "go.podman.io/image/v5/oci/archive"
	"go.podman.io/image/v5/pkg/compression"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"

	"github.com/nook-dev/nook/internal/errdefs"
)

// LoadOptions describe `nook load`.
type LoadOptions struct {
	// Input is the archive path; "" reads Reader.
	Input string
	// Reader supplies the archive when Input is "".
	Reader io.Reader
}

// LoadedImage is one image Load created or found.
type LoadedImage struct {
	ID string
	// Names are the full names it was loaded under (none: untagged).
	Names []string
}

// Load reads a docker-archive (`docker save`, also Docker 25's OCI+legacy
// layout) or an oci-archive, plain or compressed, into the store.
func (s *Store) Load(ctx context.Context, opts LoadOptions) ([]LoadedImage, error) {
	path := opts.Input
	if path == "" {
		tmp, err := s.spool(opts.Reader)
		if err != nil {
			return nil, err
		}
		defer os.Remove(tmp)
		path = tmp
	}
	format, index, err := detectArchive(path)
	if err != nil {
		return nil, err
	}
	if format == FormatOCIArchive {
		return s.loadOCIArchive(ctx, path, index)
	}
	return s.loadDockerArchive(ctx, path)
}

// spool copies a stream to a temporary file: both archive readers need a
// file to seek in.
func (s *Store) spool(r io.Reader) (string, error) {
	if r == nil {
		return "", errdefs.Invalid("load: no input")
	}
	f, err := os.CreateTemp(s.tempDir(), ".nook-load-*.tar")
	if err != nil {
		return "", fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("load: read input: %w", err)
	}
	return f.Name(), nil
}

// detectArchive tells a docker-archive (has manifest.json) from an
// oci-archive (has index.json, returned); Docker 25+ archives have both
// and are read as docker-archive.
func detectArchive(path string) (string, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, errdefs.NotFound("load: %w", err)
	}
	defer f.Close()
	plain, _, err := compression.AutoDecompress(f)
	if err != nil {
		return "", nil, errdefs.Invalid("load: %w", err)
	}
	defer plain.Close()
	tr := tar.NewReader(plain)
	var index []byte
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, errdefs.Invalid("load: not an image archive: %w", err)
		}
		switch strings.TrimPrefix(filepath.Clean(h.Name), "./") {
		case "manifest.json":
			return FormatDockerArchive, nil, nil
		case imgspecv1.ImageIndexFile:
			if index, err = io.ReadAll(io.LimitReader(tr, 4<<20)); err != nil {
				return "", nil, errdefs.Invalid("load: read index.json: %w", err)
			}
		}
	}
	if index != nil {
		return FormatOCIArchive, index, nil
	}
	return "", nil, errdefs.Invalid("load: not an image archive (no manifest.json or index.json)")
}

func (s *Store) loadDockerArchive(ctx context.Context, path string) ([]LoadedImage, error) {
	r, err := dockerarchive.NewReader(s.archiveContext(), path)
	if err != nil {
		return nil, errdefs.Invalid("load: %w", err)
	}
	defer r.Close()
	groups, err := r.List()
	if err != nil {
		return nil, errdefs.Invalid("load: %w", err)
	}
	var out []LoadedImage
	for _, refs := range groups {
		var names []reference.Named
		for _, ref := range refs {
			if n := ref.DockerReference(); n != nil {
				names = append(names, n)
			}
		}
		li, err := s.loadOne(ctx, refs[0], names)
		if err != nil {
			return out, err
		}
		out = append(out, li)
	}
	return out, nil
}

func (s *Store) loadOCIArchive(ctx context.Context, path string, indexJSON []byte) ([]LoadedImage, error) {
	var index imgspecv1.Index
	if err := json.Unmarshal(indexJSON, &index); err != nil {
		return nil, errdefs.Invalid("load: parse index.json: %w", err)
	}
	var out []LoadedImage
	for _, m := range index.Manifests {
		annotation := m.Annotations[imgspecv1.AnnotationRefName]
		sel := annotation
		if len(index.Manifests) == 1 {
			sel = "" // the only image; needs no (and may lack a) name
		}
		src, err := ociarchive.NewReference(path, sel)
		if err != nil {
			return out, errdefs.Invalid("load: %w", err)
		}
		var names []reference.Named
		if n := ociImageName(m.Annotations); n != nil {
			names = append(names, n)
		}
		li, err := s.loadOne(ctx, src, names)
		if err != nil {
			return out, err
		}
		out = append(out, li)
	}
	return out, nil
}

// ociImageName reads the image name from a manifest's annotations:
// containerd's full name, else a ref.name that is a name rather than a
// bare tag ("latest" carries no repository).
func ociImageName(ann map[string]string) reference.Named {
	for _, v := range []string{ann["io.containerd.image.name"], ann[imgspecv1.AnnotationRefName]} {
		if v == "" || !strings.ContainsAny(v, ":/") {
			continue
		}
		if n, err := reference.ParseNormalizedNamed(v); err == nil {
			return reference.TagNameOnly(n)
		}
	}
	return nil
}

// loadOne copies one archived image into the store under names; an image
// already stored (same config, so same ID) only gains the names.
func (s *Store) loadOne(ctx context.Context, src types.ImageReference, names []reference.Named) (LoadedImage, error) {
	sys := s.archiveContext()
	si, err := inspectSource(ctx, sys, src)
	if err != nil {
		return LoadedImage{}, errdefs.Invalid("load: %w", err)
	}
	si.manifest = nil // an archive's manifest is no registry digest
	li := LoadedImage{}
	for _, n := range names {
		li.Names = append(li.Names, n.String())
	}
	if li.ID, err = s.adoptPresent(si, names); err != nil || li.ID != "" {
		return li, err
	}
	var first reference.Named
	if len(names) > 0 {
		first = names[0]
	}
	// A storage reference needs a name or an ID: the config digest is
	// the ID the copy gives the image anyway.
	dest, err := istorage.Transport.NewStoreReference(s.Store, first, si.config.Encoded())
	if err != nil {
		return LoadedImage{}, err
	}
	pc, err := policyContext()
	if err != nil {
		return LoadedImage{}, err
	}
	defer pc.Destroy()
	var resolved types.ImageReference
	o := &copy.Options{SourceCtx: sys, DestinationCtx: sys, ReportResolvedReference: &resolved}
	if _, err := copy.Image(ctx, pc, dest, src, o); err != nil {
		return LoadedImage{}, fmt.Errorf("load: %w", err)
	}
	if resolved == nil {
		resolved = dest
	}
	_, img, err := istorage.ResolveReference(resolved)
	if err != nil {
		return LoadedImage{}, fmt.Errorf("load: find loaded image: %w", err)
	}
	li.ID = img.ID
	if len(li.Names) > 1 {
		if err := s.Retag(img.ID, li.Names[1:]); err != nil {
			return li, err
		}
	}
	return li, nil
}
