package container

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.podman.io/storage"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/trace"
)

// CommitOptions are `nook commit` flags.
type CommitOptions struct {
	// Reference names the new image ("" = untagged).
	Reference string
	Author    string
	Message   string
	// Changes are Dockerfile instructions applied to the config (-c).
	Changes []string
	// Pause freezes a running container while its layer is read, where
	// it has a cgroup (Docker's default); elsewhere it commits unpaused.
	Pause bool
}

// Commit turns r's rw layer (not its volumes or bind mounts, which live
// outside it) into a new layer on top of its image and returns the image
// ID.
func (m *Manager) Commit(r *Record, o CommitOptions) (string, error) {
	var names []string
	if o.Reference != "" {
		n, err := image.Normalize(o.Reference)
		if err != nil {
			return "", err
		}
		names = []string{n}
	}
	sc, err := m.Store.Container(r.ID)
	if err != nil {
		return "", errdefs.NotFound("No such container: %s", r.ID)
	}
	img, err := m.Store.Lookup(r.ImageID)
	if err != nil {
		return "", err
	}
	cfg, err := m.Store.Config(img)
	if err != nil {
		return "", err
	}
	if o.Pause {
		defer m.pauseForCommit(r)()
	}
	layer, err := m.putDiff(r, sc.LayerID, img.TopLayer)
	if err != nil {
		return "", err
	}
	cfg.Config = commitConfig(cfg.Config, r)
	if err := image.ApplyChanges(&cfg.Config, o.Changes); err != nil {
		m.Store.DeleteLayer(layer.ID)
		return "", err
	}
	now := time.Now().UTC()
	cfg.Created = &now
	if o.Author != "" {
		cfg.Author = o.Author
	}
	cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, layer.UncompressedDigest.String())
	cfg.History = append(cfg.History, image.History{Created: &now, Author: o.Author,
		CreatedBy: strings.Join(r.Args(), " "), Comment: o.Message})
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	id, err := m.Store.CreateImage(b, layer.ID, names)
	if err != nil {
		m.Store.DeleteLayer(layer.ID)
		return "", err
	}
	trace.Mark("image created")
	return id, nil
}

// commitConfig takes the container's runtime config, as docker commit does.
func commitConfig(c image.ContainerConfig, r *Record) image.ContainerConfig {
	out := r.Config
	if out.Healthcheck == nil {
		out.Healthcheck = c.Healthcheck
	}
	return out
}

// putDiff stores the changes of layerID as a new layer on parent.
func (m *Manager) putDiff(r *Record, layerID, parent string) (*storage.Layer, error) {
	if layer, ok, err := m.commitCopy(r, layerID, parent); err != nil {
		return nil, fmt.Errorf("write layer: %w", err)
	} else if ok {
		return layer, nil
	}
	diff, done, err := m.diffReader(layerID)
	if err != nil {
		return nil, err
	}
	defer done()
	layer, _, err := m.Store.PutLayer("", parent, nil, "", false, nil, diff)
	if err != nil {
		return nil, fmt.Errorf("write layer: %w", err)
	}
	return layer, nil
}

// diffReader returns the changes of layerID as a tar stream for PutLayer,
// and a func to call once PutLayer returned.
func (m *Manager) diffReader(layerID string) (io.Reader, func(), error) {
	if m.Store.GraphDriverName() == "overlay" {
		// The overlay driver extracts a new layer into a staging directory
		// before it takes the layer lock, so the diff can stream straight
		// in if it is opened only once that extraction reads it.
		ld := &lazyDiff{open: func() (io.ReadCloser, error) { return m.Store.Diff("", layerID, nil) }}
		return ld, func() { ld.Close() }, nil
	}
	f, err := m.spoolDiff(layerID)
	if err != nil {
		return nil, nil, fmt.Errorf("read changes of %s: %w", layerID[:12], err)
	}
	return f, func() { f.Close(); os.Remove(f.Name()) }, nil
}

// lazyDiff opens a layer's diff on the first Read and closes it (which
// releases the layer store's lock) as soon as it is read to the end or
// fails, before PutLayer locks the store to register the new layer.
type lazyDiff struct {
	open func() (io.ReadCloser, error)
	rc   io.ReadCloser
	err  error
}

func (d *lazyDiff) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.rc == nil {
		if d.rc, d.err = d.open(); d.err != nil {
			d.err = fmt.Errorf("read changes: %w", d.err)
			return 0, d.err
		}
	}
	n, err := d.rc.Read(p)
	if err != nil {
		d.err = err
		d.Close()
	}
	return n, err
}

// Close releases the diff; it is safe to call more than once.
func (d *lazyDiff) Close() error {
	if d.rc == nil {
		return nil
	}
	err := d.rc.Close()
	d.rc = nil
	if d.err == nil {
		d.err = io.ErrClosedPipe
	}
	return err
}

// spoolDiff writes a layer's changes to a temporary file: the reader
// returned by Diff holds the layer store's lock until closed, so feeding
// it straight into a PutLayer that extracts under that lock (drivers
// other than overlay) would deadlock.
func (m *Manager) spoolDiff(layerID string) (*os.File, error) {
	dir := filepath.Join(m.DataDir, "tmp")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "diff-*.tar")
	if err != nil {
		return nil, err
	}
	rc, err := m.Store.Diff("", layerID, nil)
	if err == nil {
		_, err = io.Copy(f, rc)
		rc.Close()
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// pauseForCommit freezes r's cgroup if r runs unpaused in one, and returns
// what undoes it. Without a cgroup (cgroup v1, no delegation) or when the
// freeze fails, the commit reads a running container, as before.
func (m *Manager) pauseForCommit(r *Record) (thaw func()) {
	dir := r.Spec.Cgroup
	if dir == "" || cgroups.Frozen(dir) || m.CurrentState(r).Status != StatusRunning {
		return func() {}
	}
	if err := cgroups.Freeze(dir); err != nil {
		return func() {}
	}
	return func() { _ = cgroups.Thaw(dir) }
}
