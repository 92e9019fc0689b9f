package image

import (
	"time"

	"go.podman.io/storage"
)

// InspectJSON is Docker's `image inspect` shape.
type InspectJSON struct {
	Id            string
	RepoTags      []string
	RepoDigests   []string
	Parent        string
	Comment       string `json:",omitempty"`
	Created       string
	DockerVersion string
	Author        string `json:",omitempty"`
	Config        ContainerConfig
	Architecture  string
	Variant       string `json:",omitempty"`
	Os            string
	Size          int64
	GraphDriver   GraphDriver
	RootFS        InspectRootFS
	Metadata      map[string]string
}

// GraphDriver is Docker's GraphDriver block.
type GraphDriver struct {
	Data map[string]string
	Name string
}

// InspectRootFS lists diff IDs.
type InspectRootFS struct {
	Type   string
	Layers []string
}

// Inspect builds Docker's view of img.
func (s *Store) Inspect(img *storage.Image) (*InspectJSON, error) {
	cfg, err := s.Config(img)
	if err != nil {
		return nil, err
	}
	size, _ := s.ImageSize(img.ID)
	j := &InspectJSON{
		Id: "sha256:" + img.ID, RepoTags: []string{}, RepoDigests: []string{},
		Created: img.Created.UTC().Format(time.RFC3339Nano), Author: cfg.Author, Config: cfg.Config,
		Architecture: cfg.Architecture, Variant: cfg.Variant, Os: cfg.OS, Size: size,
		RootFS:   InspectRootFS{Type: "layers", Layers: cfg.RootFS.DiffIDs},
		Metadata: map[string]string{"LastTagTime": "0001-01-01T00:00:00Z"},
	}
	if cfg.Created != nil {
		j.Created = cfg.Created.UTC().Format(time.RFC3339Nano)
	}
	if j.RootFS.Layers == nil {
		j.RootFS.Layers = []string{}
	}
	for _, n := range img.Names {
		j.RepoTags = append(j.RepoTags, Familiar(n))
	}
	for _, rd := range s.RepoDigests(img) {
		j.RepoDigests = append(j.RepoDigests, Familiar(rd))
	}
	if n := len(cfg.History); n > 0 {
		j.Comment = cfg.History[n-1].Comment
	}
	name := s.GraphDriverName()
	if name == "overlay" {
		name = "overlay2"
	}
	j.GraphDriver = GraphDriver{Name: name, Data: s.GraphDriverData(img.TopLayer)}
	return j, nil
}
