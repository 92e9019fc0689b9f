package container

import (
	"fmt"
	"path/filepath"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/trace"
)

// limitFlags names the flag that needs each controller, for refusals.
var limitFlags = map[string]string{"memory": "--memory", "cpu": "--cpus", "pids": "--pids-limit"}

// Limits are r's resource limits as cgroup values.
func Limits(h HostConfig) cgroups.Limits {
	l := cgroups.Limits{Memory: h.Memory, MemorySwap: h.MemorySwap, NanoCPUs: h.NanoCpus}
	if h.PidsLimit != nil {
		l.PidsLimit = *h.PidsLimit
	}
	return l
}

// cgroupPath decides at create where the container's cgroup goes: under
// the caller's delegated cgroup, or nowhere. Limits that cannot be
// honoured here are refused (exit 125) before anything is created.
func cgroupPath(id string, h HostConfig) (string, error) {
	host := cgroups.Detect()
	if err := checkLimits(host, h); err != nil {
		return "", err
	}
	return host.Path(id), nil
}

// CheckLimits refuses, in one sentence and with exit 125, limits this host
// cannot honour for the caller (the CLI asks before pulling an image).
func CheckLimits(h HostConfig) error {
	if len(Limits(h).Controllers()) == 0 {
		return nil
	}
	return checkLimits(cgroups.Detect(), h)
}

func checkLimits(host cgroups.Host, h HostConfig) error {
	for _, c := range Limits(h).Controllers() {
		if err := host.Require(limitFlags[c], c); err != nil {
			return errdefs.Exit(125, err)
		}
	}
	return nil
}

// setupCgroup creates r's cgroup with its limits before its init starts.
// Without limits a cgroup is only needed for pause, so failing to make one
// starts the container without (pause then says why it cannot).
func (m *Manager) setupCgroup(r *Record) error {
	if r.Spec.Cgroup == "" {
		return nil
	}
	lim := Limits(r.HostConfig)
	// Only a caller inside the delegated cgroup may move the init into it.
	err := fmt.Errorf("it was created from the delegated cgroup %s, and nook now runs outside it", filepath.Dir(filepath.Dir(r.Spec.Cgroup)))
	if base := cgroups.Detect().Base; base != "" && base == filepath.Dir(filepath.Dir(r.Spec.Cgroup)) {
		err = cgroups.Setup(r.Spec.Cgroup, lim)
	}
	if err == nil {
		trace.Mark("cgroup created")
		return nil
	}
	if len(lim.Controllers()) > 0 {
		return errdefs.Exit(125, errdefs.WithHint(fmt.Errorf("cannot apply the resource limits of %s: %w", r.Name, err),
			"check `nook info` (Cgroup) from the shell you start it from, or drop the limit flags"))
	}
	r.Spec.Cgroup = ""
	return nil
}

// removeCgroup removes r's cgroup once nothing runs in it any more.
func removeCgroup(r *Record) {
	cgroups.Remove(r.Spec.Cgroup)
}

// paused reports whether r (running) is paused: its cgroup is frozen.
func paused(r *Record) bool { return cgroups.Frozen(r.Spec.Cgroup) }

// Pause freezes every process of r, as `docker pause`.
func (m *Manager) Pause(r *Record) error {
	st := m.CurrentState(r)
	switch {
	case st.Status != StatusRunning:
		return errdefs.Conflict("container %s is not running", r.ID)
	case st.Paused:
		return errdefs.Conflict("container %s is already paused", r.ID)
	}
	if !cgroups.Exists(r.Spec.Cgroup) {
		if err := cgroups.Detect().Require("pause"); err != nil {
			return errdefs.Exit(125, err)
		}
		return errdefs.Exit(125, errdefs.WithKind(fmt.Errorf("pause needs the container's own cgroup, but %s was started without one (nook ran outside a delegated cgroup then); restart it from a delegated one to get one", r.Name), errdefs.ErrUnavailable))
	}
	return cgroups.Freeze(r.Spec.Cgroup)
}

// Unpause thaws a paused r.
func (m *Manager) Unpause(r *Record) error {
	if st := m.CurrentState(r); st.Status != StatusRunning || !st.Paused {
		return errdefs.Conflict("container %s is not paused", r.ID)
	}
	return cgroups.Thaw(r.Spec.Cgroup)
}

// ErrIfPaused is Docker's refusal of exec (and attach) into a paused r.
func ErrIfPaused(r *Record) error {
	if paused(r) {
		return cgroups.ErrPausedExec(r.ID)
	}
	return nil
}
