package container

import (
	"archive/tar"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/opencontainers/go-digest"
	"go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"
	"go.podman.io/storage/pkg/archive"

	"github.com/nook-dev/nook/fuseoverlay"
)

// commitInPlace makes the step layer id, whose diff directory the RUN
// process wrote through its mount, a finished read-only layer without
// copying it: it hashes the layer's diff (the tar storage will produce for
// it again on save/push), then hands the diff directory to storage as a
// staged diff of the same layer, which records digest and size. The usual
// commit (spool the diff, untar it into a new layer in a re-executed
// helper, delete the step layer) costs several times more per RUN step.
//
// Only for native overlay: with fuse-overlayfs the diff storage generates
// again later differs from the one hashed here (save fails its digest
// check), and vfs cannot stage. ok is false, with nothing changed, for
// those; the caller then copies.
func (m *Manager) commitInPlace(id string) (ok bool, err error) {
	return m.commitInPlaceSum(id, func() (diffSum, error) { return m.hashDiff(id) })
}

// commitInPlaceSum is commitInPlace with the hash of the layer's diff
// from sum, called once the layer's diff directory is final.
func (m *Manager) commitInPlaceSum(id string, hash func() (diffSum, error)) (ok bool, err error) {
	if m.Store.Driver.Name != fuseoverlay.Overlay {
		return false, nil
	}
	src, err := m.Store.DifferTarget(id)
	if errors.Is(err, storage.ErrNotSupported) || errors.Is(err, graphdriver.ErrNotSupported) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sum, err := hash()
	if err != nil {
		return false, err
	}
	out, err := m.Store.PrepareStagedLayer(nil, &moveDiffer{src: src, sum: sum})
	if errors.Is(err, storage.ErrNotSupported) || errors.Is(err, graphdriver.ErrNotSupported) {
		return false, nil
	}
	if err != nil {
		if out != nil && out.Target != "" {
			_ = m.Store.CleanupStagedLayer(out)
		}
		return false, fmt.Errorf("stage step layer: %w", err)
	}
	if _, err := m.Store.ApplyStagedLayer(storage.ApplyStagedLayerOptions{ID: id, DiffOutput: out}); err != nil {
		_ = m.Store.CleanupStagedLayer(out)
		return false, fmt.Errorf("commit step layer: %w", err)
	}
	return true, nil
}

// diffSum is what storage records for a layer's diff.
type diffSum struct {
	digest     digest.Digest
	size       int64
	uids, gids []uint32
}

// hashDiff reads the tar storage generates for layer id against its
// parent: its sha256, length and the owners in it.
func (m *Manager) hashDiff(id string) (diffSum, error) {
	rc, err := m.Store.Diff("", id, &storage.DiffOptions{Compression: ptr(archive.Uncompressed)})
	if err != nil {
		return diffSum{}, fmt.Errorf("read step changes: %w", err)
	}
	defer rc.Close()
	ra := newReadAhead(rc)
	defer ra.stop()
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(ra, h)}
	tr := tar.NewReader(cr)
	uids, gids := map[uint32]bool{}, map[uint32]bool{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return diffSum{}, fmt.Errorf("read step changes: %w", err)
		}
		uids[uint32(hdr.Uid)], gids[uint32(hdr.Gid)] = true, true
	}
	// The tar reader stops at the end-of-archive marker: hash the padding
	// after it too, as storage's digest covers the whole stream.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return diffSum{}, fmt.Errorf("read step changes: %w", err)
	}
	return diffSum{digest: digest.NewDigest(digest.SHA256, h), size: cr.n, uids: sortedKeys(uids), gids: sortedKeys(gids)}, nil
}

func ptr[T any](v T) *T { return &v }

func sortedKeys(m map[uint32]bool) []uint32 {
	out := make([]uint32, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// moveDiffer "applies" a diff by moving the step layer's diff directory
// into storage's staging directory (same file system: a rename).
type moveDiffer struct {
	src string
	sum diffSum
}

func (d *moveDiffer) ApplyDiff(dest string, _ *archive.TarOptions, _ *graphdriver.DifferOptions) (graphdriver.DriverWithDifferOutput, error) {
	fi, err := os.Stat(d.src)
	if err != nil {
		return graphdriver.DriverWithDifferOutput{}, err
	}
	// Without a root mode the driver gives the directory its parent's,
	// and the diff would no longer match the digest taken above.
	mode := fi.Mode()
	if err := os.Remove(dest); err != nil {
		return graphdriver.DriverWithDifferOutput{}, err
	}
	if err := os.Rename(d.src, dest); err != nil {
		return graphdriver.DriverWithDifferOutput{}, err
	}
	// The driver looks at the (replaced) diff directory before the move
	// back: leave an empty one.
	if err := os.Mkdir(d.src, 0o755); err != nil {
		return graphdriver.DriverWithDifferOutput{}, err
	}
	return graphdriver.DriverWithDifferOutput{Size: d.sum.size, UncompressedDigest: d.sum.digest,
		UIDs: d.sum.uids, GIDs: d.sum.gids, RootDirMode: &mode}, nil
}

func (d *moveDiffer) Close() error { return nil }
