package container

import (
	"errors"
	"fmt"

	"go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"

	"github.com/nook-dev/nook/fuseoverlay"
	"github.com/nook-dev/nook/internal/trace"
)

// commitCopy stores the changes of the container layer ctrLayer as a new
// read-only layer on parent without a tar stream: it copies the
// container's diff directory into a new layer's (in the kernel, no
// re-executed untar helper, no tar-split to record) and commits that
// layer in place, which hashes the tar storage will make of it. The
// container keeps its own diff directory, so its later changes do not
// reach the new layer.
//
// ok is false, with nothing left behind, where this does not apply
// (fuse-overlayfs and vfs, id-mapped layers) or the copy fails (say, a
// device node the user namespace may not create); the caller then goes
// the tar way, which reports a lasting problem itself.
func (m *Manager) commitCopy(r *Record, ctrLayer, parent string) (layer *storage.Layer, ok bool, err error) {
	if m.Store.Driver.Name != fuseoverlay.Overlay {
		return nil, false, nil
	}
	cl, err := m.Store.Layer(ctrLayer)
	if err != nil {
		return nil, false, err
	}
	if len(cl.UIDMap) > 0 || len(cl.GIDMap) > 0 {
		return nil, false, nil
	}
	src, err := m.Store.DifferTarget(ctrLayer)
	if errors.Is(err, storage.ErrNotSupported) || errors.Is(err, graphdriver.ErrNotSupported) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	l, err := m.Store.CreateLayer(newID(), parent, nil, "", false, nil)
	if err != nil {
		return nil, false, fmt.Errorf("create layer: %w", err)
	}
	defer func() {
		if !ok {
			_ = m.Store.DeleteLayer(l.ID)
		}
	}()
	if len(l.UIDMap) > 0 || len(l.GIDMap) > 0 {
		return nil, false, nil
	}
	dst, err := m.Store.DifferTarget(l.ID)
	if err != nil {
		return nil, false, err
	}
	trace.Mark("new layer created")
	hash, err := m.copyAndHash(r, ctrLayer, src, l.ID, dst)
	if err != nil {
		trace.Mark("copy failed: " + err.Error())
		return nil, false, nil
	}
	trace.Mark("changes copied")
	if done, err := m.commitInPlaceSum(l.ID, hash); err != nil || !done {
		return nil, false, err
	}
	trace.Mark("layer hashed and committed")
	layer, err = m.Store.Layer(l.ID)
	if err != nil {
		return nil, false, err
	}
	return layer, true, nil
}

// copyAndHash copies the container's diff directory src into the new
// layer's dst and returns how to get the hash of the new layer's diff.
// While the container runs, its files may change during the copy: the
// copy is then hashed after it is complete (a second read). A container
// that does not run cannot change them, so its own diff is hashed on
// the other core while the copy is made: the two are the same tar, as
// the copy has the same entries and metadata on the same parent.
func (m *Manager) copyAndHash(r *Record, ctrLayer, src, id, dst string) (func() (diffSum, error), error) {
	before := m.CurrentState(r)
	if !stable(before) {
		if err := copyTree(src, dst); err != nil {
			return nil, err
		}
		return func() (diffSum, error) { return m.hashDiff(id) }, nil
	}
	type result struct {
		sum diffSum
		err error
	}
	ch := make(chan result, 1)
	go func() {
		sum, err := m.hashDiff(ctrLayer)
		ch <- result{sum, err}
	}()
	err := copyTree(src, dst)
	res := <-ch
	if err != nil {
		return nil, err
	}
	if after := m.CurrentState(r); res.err != nil || !stable(after) || !after.StartedAt.Equal(before.StartedAt) {
		// Started meanwhile: only a hash of the copy is certain.
		return func() (diffSum, error) { return m.hashDiff(id) }, nil
	}
	return func() (diffSum, error) { return res.sum, nil }, nil
}

// stable tells whether no process of the container can change its files.
func stable(st State) bool {
	return st.Status != StatusRunning && st.Status != StatusRestarting && st.Status != StatusPaused
}
