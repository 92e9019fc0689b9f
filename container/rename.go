package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/storage"
	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/names"
)

// lockNames serializes claiming container names (Create, Rename).
func (m *Manager) lockNames() (func(), error) {
	f, err := os.OpenFile(filepath.Join(m.DataDir, "names.lock"), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock container names: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock container names: %w", err)
	}
	return func() { f.Close() }, nil
}

// Rename gives r a new name. The store's name index is the source of truth
// for uniqueness (two concurrent renames to one name: exactly one wins);
// the record follows it.
func (m *Manager) Rename(r *Record, newName string) error {
	newName = strings.TrimPrefix(newName, "/")
	if newName == "" {
		return errdefs.Invalid("Neither old nor new names may be empty")
	}
	if err := names.ValidName(newName); err != nil {
		return err
	}
	unlock, err := m.lock(r.ID)
	if err != nil {
		return err
	}
	defer unlock()
	// Reload under the lock: another CLI may have renamed it meanwhile.
	if r, err = m.Load(r.ID); err != nil {
		return err
	}
	if r.Name == newName {
		return errdefs.Invalid("Renaming a container with the same name as its current name")
	}
	// SetNames takes a name away from its holder instead of failing: check
	// first, under the lock Create also takes around its name claim.
	unlockNames, err := m.lockNames()
	if err != nil {
		return err
	}
	defer unlockNames()
	if c, err := m.Store.Container(newName); err == nil {
		return errdefs.Conflict("Conflict. The container name \"/%s\" is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", newName, c.ID)
	} else if !errors.Is(err, storage.ErrContainerUnknown) {
		return fmt.Errorf("rename container %s: %w", r.ID[:12], err)
	}
	if err := m.Store.SetNames(r.ID, []string{newName}); err != nil {
		if isUnknown(err) {
			return errdefs.NotFound("No such container: %s", r.ID)
		}
		return fmt.Errorf("rename container %s: %w", r.ID[:12], err)
	}
	old := r.Name
	r.Name = newName
	if err := writeJSON(filepath.Join(m.Dir(r.ID), configFile), r); err != nil {
		m.Store.SetNames(r.ID, []string{old})
		return fmt.Errorf("rename container %s: write record: %w", r.ID[:12], err)
	}
	return nil
}
