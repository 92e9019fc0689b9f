package image

import (
	"errors"
	"fmt"
	"io"
	"time"

	"go.podman.io/storage"
)

// LayerInfo is what callers above image need to know of a stored layer.
type LayerInfo struct {
	ID      string
	DiffID  string
	Size    int64
	Created time.Time
}

// InfoOf describes l.
func InfoOf(l *storage.Layer) LayerInfo {
	return LayerInfo{ID: l.ID, DiffID: l.UncompressedDigest.String(), Size: l.UncompressedSize, Created: l.Created}
}

// FindLayer finds a layer by ID or name; ok is false when there is none.
func (s *Store) FindLayer(name string) (LayerInfo, bool, error) {
	l, err := s.Layer(name)
	if err != nil {
		if errors.Is(err, storage.ErrLayerUnknown) {
			return LayerInfo{}, false, nil
		}
		return LayerInfo{}, false, err
	}
	return InfoOf(l), true, nil
}

// AddLayer creates a read-only layer on parent from an uncompressed or
// compressed tar stream.
// names (build cache keys) move to the new layer when another layer holds
// them, as a rebuild with --no-cache replaces the cache entries.
func (s *Store) AddLayer(parent string, names []string, tar io.Reader) (LayerInfo, error) {
	l, _, err := s.PutLayer("", parent, nil, "", false, nil, tar)
	if err != nil {
		return LayerInfo{}, fmt.Errorf("write layer: %w", err)
	}
	if err := s.claimLayerNames(l.ID, names); err != nil {
		s.DeleteLayer(l.ID)
		return LayerInfo{}, fmt.Errorf("name layer: %w", err)
	}
	return InfoOf(l), nil
}

// claimLayerNames gives names to layer id. A layer that held one of them
// is deleted when nothing uses it; otherwise it keeps the name with a
// suffix, so it is no cache hit any more but still found by builder prune
// (which matches the prefix).
func (s *Store) claimLayerNames(id string, names []string) error {
	for _, name := range names {
		old, err := s.Layer(name)
		if err != nil || old.ID == id {
			continue
		}
		if s.DeleteLayer(old.ID) == nil {
			continue
		}
		if err := s.RemoveNames(old.ID, []string{name}); err != nil {
			return err
		}
		if err := s.AddNames(old.ID, []string{name + "-replaced-by-" + id[:12]}); err != nil {
			return err
		}
	}
	if len(names) == 0 {
		return nil
	}
	return s.AddNames(id, names)
}
