package monitor

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/spec"
)

// HealthSignal asks the holder (State.MonitorPid: the monitor, or the CLI
// of a foreground run) of a container whose state has a Health to probe
// now (`nook healthcheck run`); the result appears in State.Health.Log.
// The holder stays the only writer of its state file.
const HealthSignal = syscall.SIGUSR1

// Docker's health statuses and log limits (moby daemon/health.go).
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
	maxHealthLog    = 5
)

// Prober probes one container process and records each result in a
// Health that belongs to the state of the process holding the container:
// the monitor for detached runs, the CLI for foreground ones. The holder
// stays the only writer of its state file: save writes it.
type Prober struct {
	hc *spec.Healthcheck
	// ctr gives the probe's process settings and the cgroup it joins.
	ctr spec.Container
	env []string
	// mu guards the holder's state, and so health; save takes it itself.
	mu   *sync.Mutex
	save func()
	// now receives HealthSignal (installed by NewProber, before the state
	// first shows a Health, so the signal never meets its default action).
	now    chan os.Signal
	health *spec.Health
	cancel context.CancelFunc
	done   chan struct{}
}

// NewProber returns a prober for hc run in container c with env (nil when
// hc is nil) and starts catching HealthSignal.
func NewProber(hc *spec.Healthcheck, c spec.Container, env []string, mu *sync.Mutex, save func()) *Prober {
	if hc == nil {
		return nil
	}
	p := &Prober{hc: hc, ctr: c, env: env, mu: mu, save: save, now: make(chan os.Signal, 1)}
	signal.Notify(p.now, HealthSignal)
	return p
}

// Start resets h to starting (keeping the log, as Docker does on a
// restart) and probes pid, started at started, until Stop. Call it before
// the state saying "running" is written; h must stay the state's Health.
func (p *Prober) Start(h *spec.Health, pid int, started time.Time) {
	if p == nil {
		return
	}
	h.Status, h.FailingStreak = HealthStarting, 0
	ctx, cancel := context.WithCancel(context.Background())
	p.health, p.cancel, p.done = h, cancel, make(chan struct{})
	go p.loop(ctx, p.done, pid, started)
}

// Stop stops probing once the container process exited; it returns after
// the goroutine did, so the caller may change the state freely.
func (p *Prober) Stop() {
	if p == nil || p.cancel == nil {
		return
	}
	p.cancel()
	<-p.done
	p.cancel = nil
	// Docker reports a stopped container's health as unhealthy
	// (moby container/health.go CloseMonitorChannel).
	p.mu.Lock()
	p.health.Status = HealthUnhealthy
	p.mu.Unlock()
}

// startHealth starts probing the monitor's new container process.
func (m *monitor) startHealth() {
	if m.cfg.Healthcheck == nil {
		return
	}
	if m.health == nil {
		m.health = NewProber(m.cfg.Healthcheck, m.cfg.Spec, m.cfg.Env, &m.mu, m.writeState)
	}
	if m.state.Health == nil {
		m.state.Health = m.cfg.Health
	}
	if m.state.Health == nil {
		m.state.Health = &spec.Health{}
	}
	m.health.Start(m.state.Health, m.proc.Pid, m.state.StartedAt)
}

// loop probes every interval (or at once on HealthSignal) until ctx
// ends, recording each result in the state.
func (p *Prober) loop(ctx context.Context, done chan struct{}, pid int, started time.Time) {
	defer close(done)
	for {
		t := time.NewTimer(p.interval(started))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-p.now:
			t.Stop()
		}
		// A paused container is not probed: its probe would freeze in
		// its cgroup until the timeout and count as a failure, so that
		// pausing alone would make it unhealthy. A probe the pause caught
		// under way (frozen and timed out) is not counted either.
		if p.paused() {
			continue
		}
		res := Probe(ctx, p.hc, pid, p.ctr, p.env)
		if ctx.Err() != nil {
			return // the container stopped under the probe
		}
		if res.ExitCode != 0 && p.paused() {
			continue
		}
		p.mu.Lock()
		recordHealth(p.health, p.hc, started, res)
		p.mu.Unlock()
		p.save()
		// A probe allocates (exec, pipes, JSON) far more than the holder
		// keeps; hand it back rather than let a resident process grow.
		debug.FreeOSMemory()
	}
}

// paused reports whether the container's cgroup is frozen.
func (p *Prober) paused() bool {
	return p.ctr.Cgroup != "" && cgroups.Frozen(p.ctr.Cgroup)
}

// interval is Docker's: the start interval while starting within the
// start period, else the interval.
func (p *Prober) interval(started time.Time) time.Duration {
	hc := p.hc
	if time.Since(started) >= hc.StartPeriod {
		return hc.Interval
	}
	p.mu.Lock()
	starting := p.health.Status == HealthStarting
	p.mu.Unlock()
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
