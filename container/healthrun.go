package container

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/monitor"
)

// RunHealthcheck runs r's healthcheck once now (`nook healthcheck run`)
// and returns the result. The process holding the container (its
// monitor, or the CLI of a foreground run) runs it, so the result and the
// status change are recorded as for its periodic probes. A state without
// a Health (held by an older nook) is probed from here, unrecorded.
func (m *Manager) RunHealthcheck(r *Record) (HealthLog, error) {
	hc := ProbeConfig(r)
	if hc == nil {
		return HealthLog{}, errdefs.Invalid("container %s has no defined healthcheck", r.ID)
	}
	st := m.CurrentState(r)
	if st.Status != StatusRunning || st.Pid <= 0 {
		return HealthLog{}, errdefs.Conflict("container %s is not running", r.ID)
	}
	if r.Spec.Cgroup != "" && cgroups.Frozen(r.Spec.Cgroup) {
		return HealthLog{}, cgroups.ErrPausedExec(r.ID)
	}
	if st.Health == nil || st.MonitorPid <= 0 {
		return monitor.Probe(context.Background(), hc, st.Pid, r.Spec, m.InitEnv()), nil
	}
	asked := time.Now()
	if err := unix.Kill(st.MonitorPid, monitor.HealthSignal); err != nil {
		return HealthLog{}, fmt.Errorf("ask the holder of %s (pid %d) to probe: %w", r.ID[:12], st.MonitorPid, err)
	}
	// The holder may be in the middle of a probe that started before we
	// asked: allow for that one, ours, and some slack.
	deadline := asked.Add(2*hc.Timeout + 5*time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // a probe takes ~10 ms
		st = m.ReadState(r.ID)
		if st.Health != nil {
			for _, l := range st.Health.Log {
				if !l.Start.Before(asked) {
					return l, nil
				}
			}
		}
		if st.Status != StatusRunning {
			return HealthLog{}, errdefs.Conflict("container %s is not running", r.ID)
		}
	}
	return HealthLog{}, fmt.Errorf("the monitor of %s did not report a probe within %v", r.ID[:12], deadline.Sub(asked))
}
