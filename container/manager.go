package container

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/records"
	"github.com/nook-dev/nook/userns"
)

// Manager creates and finds containers.
type Manager struct {
	Store *image.Store
	// DataDir is $XDG_DATA_HOME/nook; records live in DataDir/containers.
	DataDir string
	// RunDir is the runtime dir.
	RunDir string
	// Identity is who runs nook, passed on to child processes.
	Identity userns.Identity
}

// Dir is the directory holding a container's record and logs.
func (m *Manager) Dir(id string) string {
	return filepath.Join(m.DataDir, "containers", id)
}

// newID returns 64 random hex digits whose 12-char prefix is not all
// digits (Docker regenerates those: they look like numbers).
func newID() string {
	for {
		b := make([]byte, 32)
		rand.Read(b)
		id := hex.EncodeToString(b)
		if strings.Trim(id[:12], "0123456789") != "" {
			return id
		}
	}
}

// Load reads a container's record by full ID.
func (m *Manager) Load(id string) (*Record, error) {
	var r Record
	if err := readJSON(filepath.Join(m.Dir(id), configFile), &r); err != nil {
		if os.IsNotExist(err) {
			return nil, errdefs.NotFound("No such container: %s", id)
		}
		return nil, fmt.Errorf("read container %s: %w", id[:12], err)
	}
	return &r, nil
}

// Lookup resolves a full ID, a name or a unique ID prefix, in Docker's
// order. It reads only nook's own records, not the storage, so that hot
// commands (exec) need not open the store.
func (m *Manager) Lookup(ref string) (*Record, error) {
	id, err := records.Resolve(records.ContainersDir(m.DataDir), ref)
	if err != nil {
		return nil, err
	}
	return m.Load(id)
}

// List returns every container record with its state.
func (m *Manager) List() ([]*Record, error) {
	entries, err := os.ReadDir(filepath.Join(m.DataDir, "containers"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []*Record
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue // being removed
		}
		if r, err := m.Load(e.Name()); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// ReadState returns the container's recorded state.
func (m *Manager) ReadState(id string) State {
	return records.ReadState(records.ContainersDir(m.DataDir), id)
}

// WriteState records the container's state.
func (m *Manager) WriteState(id string, s State) error {
	return writeJSON(filepath.Join(m.Dir(id), stateFile), s)
}
