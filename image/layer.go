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
func (s *Store) AddLayer(parent string, names []string, tar io.Reader) (LayerInfo, error) {
	l, _, err := s.PutLayer("", parent, names, "", false, nil, tar)
	if err != nil {
		return LayerInfo{}, fmt.Errorf("write layer: %w", err)
	}
	return InfoOf(l), nil
}
