package container

import (
	"errors"

	"go.podman.io/storage"

	"github.com/nook-dev/nook/internal/errdefs"
)

func isUnknown(err error) bool {
	return errors.Is(err, storage.ErrContainerUnknown) || errors.Is(err, storage.ErrNotAContainer)
}

// Remove deletes a container. A running one is refused unless force, in
// which case it is killed first.
func (m *Manager) Remove(r *Record, force, volumes bool) error {
	r.removeVolumes = volumes
	st := m.CurrentState(r)
	if st.Status == StatusRunning || st.Status == StatusRestarting {
		if !force && st.Paused {
			return errdefs.Conflict("cannot remove container \"/%s\": container is paused and must be unpaused first", r.Name)
		}
		if !force {
			return errdefs.Conflict("cannot remove container \"/%s\": container is running: stop the container before removing or force remove", r.Name)
		}
		m.MarkStopped(r)
		// Not running any more (a concurrent rm -f or kill won): go on.
		if err := m.Kill(r, "KILL"); err != nil && !errors.Is(err, errdefs.ErrConflict) {
			return err
		}
		m.waitStopped(r, 10)
	}
	return m.delete(r)
}
