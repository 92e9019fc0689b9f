package container

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/records"
)

// CurrentState returns r's state, correcting a "running" whose holder
// (monitor or foreground CLI) died: that container is shown as exited and
// its leftovers are cleaned, never a phantom "running".
func (m *Manager) CurrentState(r *Record) State {
	st := m.ReadState(r.ID)
	if st.Status != StatusRunning && st.Status != StatusRestarting || HolderAlive(st) {
		st.Paused = st.Status == StatusRunning && paused(r)
		return st
	}
	if st.Pid > 0 {
		unix.Kill(st.Pid, unix.SIGKILL)
	}
	st.Status, st.Pid, st.FinishedAt = StatusExited, 0, time.Now().UTC()
	if st.ExitCode == 0 {
		st.ExitCode = 137
	}
	st.Error = "the process holding the container died"
	removeCgroup(r)
	m.unmountRootfs(r)
	m.WriteState(r.ID, st)
	return st
}

// HolderAlive reports whether the process that holds a running container
// (its monitor or foreground CLI), as recorded in st, still lives.
func HolderAlive(st State) bool { return records.HolderAlive(st) }

// ParseSignal accepts KILL, SIGKILL, kill and 9.
func ParseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65 {
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, errdefs.Invalid("invalid signal: %s", s)
}

// Kill sends sig to the container's pid 1.
func (m *Manager) Kill(r *Record, sig string) error {
	s, err := ParseSignal(sig)
	if err != nil {
		return err
	}
	st := m.CurrentState(r)
	if st.Status != StatusRunning || st.Pid <= 0 {
		return errdefs.Conflict("cannot kill container: %s: container %s is not running", r.Name, r.ID)
	}
	if st.Paused {
		// As Docker: a frozen process would not act on the signal.
		if err := cgroups.Thaw(r.Spec.Cgroup); err != nil {
			return err
		}
	}
	if err := unix.Kill(st.Pid, s); err != nil {
		if errors.Is(err, unix.ESRCH) { // it died since the state was read
			return errdefs.Conflict("cannot kill container: %s: container %s is not running", r.Name, r.ID)
		}
		return fmt.Errorf("kill container %s: %w", r.ID[:12], err)
	}
	return nil
}

// waitStopped polls until r is no longer running or timeout seconds pass.
func (m *Manager) waitStopped(r *Record, timeout float64) bool {
	deadline := time.Now().Add(time.Duration(timeout * float64(time.Second)))
	for {
		st := m.CurrentState(r)
		if st.Status != StatusRunning && st.Status != StatusRestarting {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop sends the stop signal, waits timeout seconds, then SIGKILL.
func (m *Manager) Stop(r *Record, timeout int) error {
	return m.StopWithSignal(r, timeout, "")
}

// StopWithSignal is Stop sending sig (docker stop -s) instead of the
// container's stop signal; "" means the stop signal. A bad signal name
// fails before anything is marked or sent.
func (m *Manager) StopWithSignal(r *Record, timeout int, sig string) error {
	if sig == "" {
		sig = r.Config.StopSignal
	}
	if sig == "" {
		sig = "TERM"
	}
	if _, err := ParseSignal(sig); err != nil {
		return err
	}
	st := m.CurrentState(r)
	if st.Status != StatusRunning {
		return nil
	}
	m.MarkStopped(r)
	if err := m.Kill(r, sig); err != nil {
		return err
	}
	if m.waitStopped(r, float64(timeout)) {
		return nil
	}
	if err := m.Kill(r, "KILL"); err != nil {
		return nil // exited meanwhile
	}
	m.waitStopped(r, 10)
	return nil
}
