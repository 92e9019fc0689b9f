package container

import (
	"errors"
	"fmt"

	"go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"

	"github.com/nook-dev/nook/fuseoverlay"
	"github.com/nook-dev/nook/image"
)

// StagedLayer is a new layer whose diff directory the caller fills
// directly (build ADD/COPY), then commits in place like a RUN step's
// (commitInPlace): no tar is written nor extracted.
type StagedLayer struct {
	m      *Manager
	id     string
	parent string
	// Dir is the layer's diff directory (overlay upper directory).
	Dir  string
	done bool
	tar  *LayerTar // set by TarStream
}

// NewStagedLayer creates a staged layer on parent. ok is false, with
// nothing created, where committing in place is not possible (only native
// overlay can: see commitInPlace).
func (m *Manager) NewStagedLayer(parent string) (st *StagedLayer, ok bool, err error) {
	if m.Store.Driver.Name != fuseoverlay.Overlay {
		return nil, false, nil
	}
	id := newID()
	l, err := m.Store.CreateLayer(id, parent, nil, "", true, nil)
	if err != nil {
		return nil, false, fmt.Errorf("create layer: %w", err)
	}
	dir, err := m.Store.DifferTarget(l.ID)
	if err != nil {
		m.Store.DeleteLayer(l.ID)
		if errors.Is(err, storage.ErrNotSupported) || errors.Is(err, graphdriver.ErrNotSupported) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("create layer: %w", err)
	}
	return &StagedLayer{m: m, id: l.ID, parent: parent, Dir: dir}, true, nil
}

// Abort deletes the layer.
func (s *StagedLayer) Abort() {
	if !s.done {
		s.done = true
		if s.tar != nil {
			s.tar.ts.Close()
			s.tar = nil
		}
		s.m.Store.DeleteLayer(s.id)
	}
}

// Commit makes the layer read-only and names it. With a TarStream, the
// layer's digest is that stream's; else the directory is hashed as a RUN
// step's is. When the store refuses
// to stage it, its diff is copied into a new layer (as RunStep does).
// Nothing is left behind on failure.
func (s *StagedLayer) Commit(names []string) (image.LayerInfo, error) {
	if s.done {
		return image.LayerInfo{}, errors.New("staged layer already committed or aborted")
	}
	if s.tar != nil {
		err := s.commitWithTarSplit()
		s.tar = nil // its file is closed or storage's now
		if err != nil {
			s.Abort()
			return image.LayerInfo{}, err
		}
		s.done = true
		return s.m.finishStepLayer(s.id, names)
	}
	ok, err := s.m.commitInPlace(s.id)
	if err != nil {
		s.Abort()
		return image.LayerInfo{}, err
	}
	if ok {
		s.done = true
		return s.m.finishStepLayer(s.id, names)
	}
	defer s.Abort()
	diff, release, err := s.m.diffReader(s.id)
	if err != nil {
		return image.LayerInfo{}, fmt.Errorf("read layer: %w", err)
	}
	defer release()
	return s.m.Store.AddLayer(s.parent, names, diff)
}
