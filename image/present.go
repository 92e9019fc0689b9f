package image

import (
	"context"
	"errors"
	"fmt"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/docker/reference"
	cimage "go.podman.io/image/v5/image"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"
)

// sourceInfo describes a source image before anything is copied.
type sourceInfo struct {
	// manifest is the top-level manifest (an index for multi-platform
	// images) and digest its digest, as RepoDigests shows it.
	manifest []byte
	digest   digest.Digest
	// config is the config digest of the instance for this platform: the
	// image ID the copy would create.
	config digest.Digest
	// layers are the instance's layer blob digests.
	layers map[digest.Digest]bool
}

// inspectSource reads the manifest(s) of src: one round trip to a registry
// (two for a multi-platform index), no layers.
func inspectSource(ctx context.Context, sys *types.SystemContext, src types.ImageReference) (sourceInfo, error) {
	var si sourceInfo
	raw, err := src.NewImageSource(ctx, sys)
	if err != nil {
		return si, err
	}
	defer raw.Close()
	if si.manifest, _, err = raw.GetManifest(ctx, nil); err != nil {
		return si, err
	}
	if si.digest, err = manifest.Digest(si.manifest); err != nil {
		return si, err
	}
	img, err := cimage.FromSource(ctx, sys, raw)
	if err != nil {
		return si, err
	}
	defer img.Close()
	si.config = img.ConfigInfo().Digest
	si.layers = map[digest.Digest]bool{}
	for _, l := range img.LayerInfos() {
		si.layers[l.Digest] = true
	}
	return si, nil
}

// adoptPresent handles a source image whose config, hence image ID, is
// already stored (imported, built or loaded here, then pushed or saved).
// containers/image would copy every layer again and then refuse to
// commit: its layer IDs differ from those of `nook import` and `nook
// build`, and one image ID cannot name two layer stacks. The content is
// identical (the config lists every layer's diff ID), so the stored image
// only gains the names and the source manifest, which puts the digest in
// RepoDigests. It returns "" when no such image is stored.
func (s *Store) adoptPresent(si sourceInfo, names []reference.Named) (string, error) {
	if si.config == "" { // schema 1: no config, no predictable ID
		return "", nil
	}
	stored, err := s.Image(si.config.Encoded())
	if errors.Is(err, storage.ErrImageUnknown) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if si.manifest != nil {
		if err := s.recordManifest(stored.ID, si.digest, si.manifest); err != nil {
			return "", err
		}
	}
	var ns []string
	for _, n := range names {
		ns = append(ns, n.String())
	}
	return stored.ID, s.Retag(stored.ID, ns)
}

// recordManifest stores a manifest under its digest key, which
// containers/storage lists in the image's Digests (RepoDigests).
func (s *Store) recordManifest(id string, d digest.Digest, man []byte) error {
	if err := s.SetImageBigData(id, manifestKey+"-"+d.String(), man, manifest.Digest); err != nil {
		return fmt.Errorf("record manifest %s: %w", d, err)
	}
	return nil
}
