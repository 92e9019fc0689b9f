package container

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
)

// CommitOptions are `nook commit` flags.
type CommitOptions struct {
	// Reference names the new image ("" = untagged).
	Reference string
	Author    string
	Message   string
	// Changes are Dockerfile instructions applied to the config (-c).
	Changes []string
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
	diff, err := m.spoolDiff(sc.LayerID)
	if err != nil {
		return "", fmt.Errorf("read changes of %s: %w", r.ID[:12], err)
	}
	layer, _, err := m.Store.PutLayer("", img.TopLayer, nil, "", false, nil, diff)
	diff.Close()
	os.Remove(diff.Name())
	if err != nil {
		return "", fmt.Errorf("write layer: %w", err)
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

// spoolDiff writes a layer's changes to a temporary file: the reader
// returned by Diff holds the layer store's lock until closed, so feeding
// it straight into PutLayer would deadlock.
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
