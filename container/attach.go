package container

import (
	"errors"
	"fmt"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/monitor"
)

// Attach connects to the monitor of a running detached container and
// copies its streams (output from now on) until it exits; it returns the
// container's exit code, or monitor.ErrDetached after the detach keys.
func (m *Manager) Attach(r *Record, o monitor.AttachOptions) (int, error) {
	if err := m.CanAttach(r); err != nil {
		return 0, err
	}
	code, err := monitor.Attach(m.Dir(r.ID), o)
	switch {
	case err == nil:
		// As with docker attach, the state is final once attach returns.
		m.waitExited(r)
		return code, nil
	case errors.Is(err, monitor.ErrDetached):
		return code, err
	case errors.Is(err, monitor.ErrNoExitCode):
		return m.streamEnded(r)
	}
	if err := m.CanAttach(r); err != nil {
		return 0, err
	}
	return 0, errdefs.WithHint(fmt.Errorf("attach to container %s: %w", r.Name, err),
		"only containers started in the background (run -d, start) by this version of nook accept attach; `nook logs -f` follows any container")
}

// CanAttach says why r cannot be attached to, as Docker words it.
func (m *Manager) CanAttach(r *Record) error {
	switch st := m.CurrentState(r); st.Status {
	case StatusRunning:
		if st.Paused {
			return errdefs.Conflict("You cannot attach to a paused container, unpause it first")
		}
		return nil
	case StatusRestarting:
		return errdefs.Conflict("You cannot attach to a restarting container, wait until it is running")
	}
	return errdefs.Conflict("You cannot attach to a stopped container, start it first")
}

// streamEnded explains a stream that ended without an exit code: the
// container exited as we connected or its monitor died (the record then
// says so shortly), or the monitor cut off a client that did not keep up.
func (m *Manager) streamEnded(r *Record) (int, error) {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		if st := m.CurrentState(r); st.Status != StatusRunning {
			return st.ExitCode, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, errdefs.WithHint(fmt.Errorf("attach to container %s: the output stream ended while the container runs: this client did not read its output fast enough", r.Name),
		"attach again, or follow the output with `nook logs -f`")
}

// waitExited waits until r's current process ended (a restart counts).
func (m *Manager) waitExited(r *Record) int {
	for {
		st := m.CurrentState(r)
		if st.Status != StatusRunning {
			return st.ExitCode
		}
		time.Sleep(20 * time.Millisecond)
	}
}
