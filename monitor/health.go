package monitor

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/nook-dev/nook/spec"
)

// HealthSignal asks a monitor whose state has a Health to probe now
// (`nook healthcheck run`); the result appears in State.Health.Log. The
// monitor stays the only writer of its state file.
const HealthSignal = syscall.SIGUSR1

// Docker's health statuses and log limits (moby daemon/health.go).
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
	maxHealthLog    = 5
)

// healthState is the monitor's probing goroutine, one per container run.
type healthState struct {
	// now receives HealthSignal (installed once, before the state first
	// shows a Health, so the signal never meets its default action).
	now    chan os.Signal
	cancel context.CancelFunc
	done   chan struct{}
}

// startHealth resets the health status to starting (keeping the log, as
// Docker does on a restart) and starts probing the new container process.
// Called before the state saying "running" is written.
func (m *monitor) startHealth() {
	hc := m.cfg.Healthcheck
	if hc == nil {
		return
	}
	if m.health.now == nil {
		m.health.now = make(chan os.Signal, 1)
		signal.Notify(m.health.now, HealthSignal)
	}
	if m.state.Health == nil {
		m.state.Health = m.cfg.Health
	}
	if m.state.Health == nil {
		m.state.Health = &spec.Health{}
	}
	m.state.Health.Status, m.state.Health.FailingStreak = HealthStarting, 0
	ctx, cancel := context.WithCancel(context.Background())
	m.health.cancel, m.health.done = cancel, make(chan struct{})
	go m.healthLoop(ctx, m.health.done, m.proc.Pid, m.state.StartedAt)
}

// stopHealth stops probing once the container process exited; it returns
// after the goroutine did, so the caller may change the state freely.
func (m *monitor) stopHealth() {
	if m.health.cancel == nil {
		return
	}
	m.health.cancel()
	<-m.health.done
	m.health.cancel = nil
	// Docker reports a stopped container's health as unhealthy
	// (moby container/health.go CloseMonitorChannel).
	m.mu.Lock()
	m.state.Health.Status = HealthUnhealthy
	m.mu.Unlock()
}

// healthLoop probes every interval (or at once on HealthSignal) until ctx
// ends, recording each result in the state.
func (m *monitor) healthLoop(ctx context.Context, done chan struct{}, pid int, started time.Time) {
	defer close(done)
	hc := m.cfg.Healthcheck
	for {
		t := time.NewTimer(m.healthInterval(started))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-m.health.now:
			t.Stop()
		}
		res := Probe(ctx, hc, pid, m.cfg.Spec.Process, m.cfg.Env)
		if ctx.Err() != nil {
			return // the container stopped under the probe
		}
		m.mu.Lock()
		recordHealth(m.state.Health, hc, started, res)
		m.mu.Unlock()
		m.writeState()
		// A probe allocates (exec, pipes, JSON) far more than the monitor
		// keeps; hand it back rather than let the resident monitor grow.
		debug.FreeOSMemory()
	}
}

// healthInterval is Docker's: the start interval while starting within
// the start period, else the interval.
func (m *monitor) healthInterval(started time.Time) time.Duration {
	hc := m.cfg.Healthcheck
	if time.Since(started) >= hc.StartPeriod {
		return hc.Interval
	}
	m.mu.Lock()
	starting := m.state.Health.Status == HealthStarting
	m.mu.Unlock()
	if starting && hc.StartInterval > 0 {
		return hc.StartInterval
	}
	return hc.Interval
}

// recordHealth applies one probe result as moby's handleProbeResult does:
// success makes healthy; failures count toward Retries, except while
// starting within the start period.
func recordHealth(h *spec.Health, hc *spec.Healthcheck, started time.Time, r spec.HealthLog) {
	h.Log = append(h.Log, r)
	if n := len(h.Log); n > maxHealthLog {
		h.Log = append([]spec.HealthLog(nil), h.Log[n-maxHealthLog:]...)
	}
	if r.ExitCode == 0 {
		h.FailingStreak, h.Status = 0, HealthHealthy
		return
	}
	if h.Status == HealthStarting && r.Start.Sub(started) < hc.StartPeriod {
		return
	}
	h.FailingStreak++
	if h.FailingStreak >= hc.Retries {
		h.Status = HealthUnhealthy
	}
}
