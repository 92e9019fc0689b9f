package container

import (
	"fmt"
	"path/filepath"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/monitor"
)

// Update is what `nook update` changes; nil fields stay as they are.
type Update struct {
	// Limits is the new HostConfig's Memory, MemorySwap, NanoCpus and
	// PidsLimit (the CLI merges the flags into the current ones).
	Limits *HostConfig
	// Restart is the new --restart policy.
	Restart *RestartPolicy
}

// Update changes r's resource limits and restart policy, as `docker
// update`: in its record (so the next start uses them) and, while it
// runs, in its cgroup and its monitor.
func (m *Manager) Update(r *Record, u Update) error {
	unlock, err := m.lock(r.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if r, err = m.Load(r.ID); err != nil { // another CLI may have changed it
		return err
	}
	h := r.HostConfig
	if u.Restart != nil {
		if h.AutoRemove && u.Restart.Name != "no" {
			return errdefs.Invalid("Restart policy cannot be updated because AutoRemove is enabled for the container")
		}
		h.RestartPolicy = *u.Restart
	}
	st := m.CurrentState(r)
	running := st.Status == StatusRunning || st.Status == StatusRestarting
	if u.Limits != nil {
		h.Memory, h.MemorySwap, h.NanoCpus, h.PidsLimit = u.Limits.Memory, u.Limits.MemorySwap, u.Limits.NanoCpus, u.Limits.PidsLimit
		if err := m.applyLimits(r, h, running); err != nil {
			return err
		}
	}
	r.HostConfig = h
	if err := writeJSON(filepath.Join(m.Dir(r.ID), configFile), r); err != nil {
		return fmt.Errorf("update container %s: write record: %w", r.ID[:12], err)
	}
	if u.Restart != nil && running {
		// The monitor decides on restarts when the process exits: it
		// reads this file then (a detached container's only holder).
		if err := monitor.WriteRestartPolicy(m.Dir(r.ID), h.RestartPolicy.Name, h.RestartPolicy.MaximumRetryCount); err != nil {
			return fmt.Errorf("update container %s: %w", r.ID[:12], err)
		}
	}
	return nil
}

// applyLimits checks that h's limits can be applied to r and writes them
// into its cgroup when it runs.
func (m *Manager) applyLimits(r *Record, h HostConfig, running bool) error {
	if err := CheckLimits(h); err != nil {
		return err
	}
	lim := Limits(h)
	if len(lim.Controllers()) == 0 {
		return nil
	}
	if r.Spec.Cgroup == "" {
		return errdefs.Exit(125, errdefs.Invalid("cannot update the resource limits of %s: it was created without a cgroup of its own (no delegated cgroup v2 then); recreate it", r.Name))
	}
	if !running {
		return nil // the next start creates its cgroup with them
	}
	if err := cgroups.Update(r.Spec.Cgroup, lim); err != nil {
		return errdefs.Exit(125, fmt.Errorf("cannot update the resource limits of %s: %w", r.Name, err))
	}
	return nil
}
