package image

import (
	"fmt"
	"time"
)

// ImageUsage is one image's part of the layer store (`nook system df`).
type ImageUsage struct {
	ID      string
	Names   []string
	Created time.Time
	// Size is the sum of the image's layers; SharedSize is the part of it
	// in layers that another image uses too.
	Size, SharedSize int64
	// Layers are the IDs of the image's layers, top first.
	Layers []string
}

// DiskUsage returns the usage of every image and the recorded size of
// every layer (a container's rw layer has none: see DiffSize).
func (s *Store) DiskUsage() ([]ImageUsage, map[string]int64, error) {
	layers, err := s.Layers()
	if err != nil {
		return nil, nil, fmt.Errorf("list layers: %w", err)
	}
	sizes := make(map[string]int64, len(layers))
	parents := make(map[string]string, len(layers))
	for _, l := range layers {
		sizes[l.ID], parents[l.ID] = max(l.UncompressedSize, 0), l.Parent
	}
	imgs, err := s.Images()
	if err != nil {
		return nil, nil, fmt.Errorf("list images: %w", err)
	}
	out := make([]ImageUsage, 0, len(imgs))
	users := map[string]int{}
	for i := range imgs {
		img := &imgs[i]
		u := ImageUsage{ID: img.ID, Names: img.Names, Created: img.Created}
		if cfg, err := s.Config(img); err == nil && cfg.Created != nil {
			u.Created = *cfg.Created
		}
		for id := img.TopLayer; id != ""; id = parents[id] {
			u.Layers = append(u.Layers, id)
			u.Size += sizes[id]
			users[id]++
		}
		out = append(out, u)
	}
	for i := range out {
		for _, id := range out[i].Layers {
			if users[id] > 1 {
				out[i].SharedSize += sizes[id]
			}
		}
	}
	return out, sizes, nil
}
