package image

import (
	"encoding/json"
	"fmt"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/storage"
)

// manifest big-data keys, as go.podman.io/image's storage transport writes
// them, so that images created here can be pushed and saved by it.
const manifestKey = "manifest"

// ConfigBytes returns the raw config JSON of img (whose digest is its ID).
func (s *Store) ConfigBytes(img *storage.Image) ([]byte, error) {
	b, err := s.ImageBigData(img.ID, "sha256:"+img.ID)
	if err != nil {
		return nil, fmt.Errorf("read config of image %s: %w", img.ID[:12], err)
	}
	return b, nil
}

// Config returns the parsed config of img.
func (s *Store) Config(img *storage.Image) (*Config, error) {
	b, err := s.ConfigBytes(img)
	if err != nil {
		return nil, err
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("parse config of image %s: %w", img.ID[:12], err)
	}
	return &c, nil
}

// ociManifest is the minimal OCI manifest stored with each image. Layers
// are described by their diff IDs (uncompressed), which the storage
// transport resolves to stored layers when pushing or saving.
type ociManifest struct {
	SchemaVersion int             `json:"schemaVersion"`
	MediaType     string          `json:"mediaType"`
	Config        ociDescriptor   `json:"config"`
	Layers        []ociDescriptor `json:"layers"`
}

type ociDescriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

// CreateImage stores config (raw JSON) as an image whose top layer is
// topLayer and names it. The ID is the config's sha256, as Docker's. An
// identical existing image only gains the names.
func (s *Store) CreateImage(config []byte, topLayer string, names []string) (string, error) {
	var c Config
	if err := json.Unmarshal(config, &c); err != nil {
		return "", fmt.Errorf("parse image config: %w", err)
	}
	cdig := digest.FromBytes(config)
	id := cdig.Encoded()
	m := ociManifest{SchemaVersion: 2, MediaType: "application/vnd.oci.image.manifest.v1+json",
		Config: ociDescriptor{MediaType: "application/vnd.oci.image.config.v1+json", Digest: cdig.String(), Size: int64(len(config))}}
	layer := topLayer
	sizes := make([]int64, len(c.RootFS.DiffIDs))
	for i := len(c.RootFS.DiffIDs) - 1; i >= 0 && layer != ""; i-- {
		l, err := s.Layer(layer)
		if err != nil {
			return "", fmt.Errorf("read layer %s: %w", layer, err)
		}
		sizes[i] = l.UncompressedSize
		layer = l.Parent
	}
	for i, d := range c.RootFS.DiffIDs {
		m.Layers = append(m.Layers, ociDescriptor{MediaType: "application/vnd.oci.image.layer.v1.tar", Digest: d, Size: sizes[i]})
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	mdig := digest.FromBytes(mb)
	if _, err := s.Image(id); err == nil {
		return id, s.Retag(id, names)
	}
	opts := &storage.ImageOptions{
		Digest: mdig,
		BigData: []storage.ImageBigDataOption{
			{Key: cdig.String(), Data: config, Digest: cdig},
			{Key: manifestKey + "-" + mdig.String(), Data: mb, Digest: mdig},
			{Key: manifestKey, Data: mb, Digest: mdig},
		},
	}
	if c.Created != nil {
		opts.CreationDate = *c.Created
	}
	if _, err := s.Store.CreateImage(id, nil, topLayer, "", opts); err != nil {
		return "", fmt.Errorf("create image: %w", err)
	}
	return id, s.Retag(id, names)
}

// Retag moves names (already normalized) to image id, taking them away from
// any other image, as `docker tag` does.
func (s *Store) Retag(id string, names []string) error {
	if len(names) == 0 {
		return nil
	}
	if err := s.AddNames(id, names); err != nil {
		return fmt.Errorf("tag image %s: %w", id[:12], err)
	}
	return nil
}
