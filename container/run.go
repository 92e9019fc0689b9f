package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/monitor"
	"github.com/nook-dev/nook/sandbox"
	"github.com/nook-dev/nook/spec"
	"github.com/nook-dev/nook/userns"
)

// mountRootfs mounts the container's layer and fills the spec's rootfs.
func (m *Manager) mountRootfs(r *Record) error {
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return errdefs.WithHint(fmt.Errorf("mount rootfs of %s (%s): %w", r.ID[:12], m.Store.Driver.Name, err),
			"run `nook info` to see the storage driver, or force one with --storage-driver")
	}
	r.Spec.Rootfs = root
	return nil
}

func (m *Manager) unmountRootfs(r *Record) {
	m.Store.Unmount(r.ID, true)
}

// InitEnv is the environment of nook's own child processes (init,
// monitor): only the identity of the user namespace, nothing of the user's.
func (m *Manager) InitEnv() []string {
	if m.Store != nil {
		return m.Identity.HelperEnv("NOOK_STORAGE_DRIVER=" + m.Store.Driver.Name)
	}
	return m.Identity.HelperEnv()
}

// RunForeground starts r's process attached to stdio, forwards signals
// from sigs, waits, records the exit and cleans up (removing the container
// with --rm). It returns the container's exit code.
func (m *Manager) RunForeground(r *Record, stdio sandbox.Stdio, sigs <-chan os.Signal) (int, error) {
	if err := m.joinNetwork(r); err != nil {
		return 125, err
	}
	if err := m.setupCgroup(r); err != nil {
		return 125, err
	}
	if err := m.mountRootfs(r); err != nil {
		removeCgroup(r)
		return 125, err
	}
	trace.Mark("rootfs mounted")
	start, _ := userns.ProcessStartTime(os.Getpid())
	st := State{Status: StatusRunning, StartedAt: time.Now().UTC(), MonitorPid: os.Getpid(), MonitorStart: start}
	// This process holds the container, so it probes the healthcheck as
	// a monitor would, and stays the only writer of the state.
	var mu sync.Mutex
	save := func() {
		mu.Lock()
		defer mu.Unlock()
		m.WriteState(r.ID, st)
	}
	prober := m.foregroundProber(r, &st, &mu, save)
	// As a monitor would, keep the output in the container's log (not
	// with a terminal: its pty is copied by the CLI).
	var out *monitor.OutputLog
	if !stdio.Terminal {
		var err error
		if out, err = m.teeOutput(r, &stdio); err != nil {
			m.unmountRootfs(r)
			removeCgroup(r)
			return 125, err
		}
	}
	var net monitor.Closer
	attach := func(pid int) error {
		c, ports, err := monitor.AttachNetwork(r.Network, pid, m.Dir(r.ID))
		net, st.Ports = c, ports
		return err
	}
	proc, err := sandbox.Launch(&r.Spec, stdio, m.InitEnv(), attach)
	monitor.ServeBypass(net, proc)
	drain := func() {
		if out != nil {
			out.Wait(2 * time.Second)
		}
	}
	defer func() {
		if net != nil {
			net.Close()
		}
	}()
	if err != nil {
		code := 125
		var ie *sandbox.InitError
		if errors.As(err, &ie) {
			code = ie.Code
		}
		drain()
		m.finish(r, State{Status: StatusCreated, ExitCode: code, Error: err.Error()})
		return code, errdefs.Exit(code, err)
	}
	st.Pid = proc.Pid
	prober.Start(st.Health, proc.Pid, st.StartedAt)
	save()
	done := make(chan struct{})
	go forwardSignals(proc.Cmd.Process, sigs, prober != nil, done)
	proc.Cmd.Wait()
	trace.Mark("container exited")
	close(done)
	prober.Stop()
	code := sandbox.ExitCode(proc.Cmd.ProcessState)
	drain() // before the state says exited: `nook logs` then has it all
	st.Status, st.Pid, st.ExitCode, st.FinishedAt = StatusExited, 0, code, time.Now().UTC()
	m.finish(r, st)
	trace.Mark("cleaned up")
	return code, nil
}

// forwardSignals passes sigs on to the container's process until done.
// With a healthcheck (probing), SIGUSR1 is `nook healthcheck run` asking
// this holder for a probe, not a signal for the container.
func forwardSignals(p *os.Process, sigs <-chan os.Signal, probing bool, done <-chan struct{}) {
	for {
		select {
		case s := <-sigs:
			if !probing || s != monitor.HealthSignal {
				p.Signal(s)
			}
		case <-done:
			return
		}
	}
}

// foregroundProber prepares probing r's healthcheck from the foreground
// CLI: nil without one, so a plain run gets no goroutine, no handler.
// The health log of an earlier run is kept, as Docker does.
func (m *Manager) foregroundProber(r *Record, st *State, mu *sync.Mutex, save func()) *monitor.Prober {
	hc := ProbeConfig(r)
	if hc == nil {
		return nil
	}
	st.Health = m.ReadState(r.ID).Health
	if st.Health == nil {
		st.Health = &spec.Health{}
	}
	return monitor.NewProber(hc, r.Spec, m.InitEnv(), mu, save)
}

// finish records the final state, unmounts, and honours --rm.
func (m *Manager) finish(r *Record, st State) {
	removeCgroup(r)
	m.unmountRootfs(r)
	if r.HostConfig.AutoRemove {
		m.delete(r)
		return
	}
	m.WriteState(r.ID, st)
}

// delete removes the container's layer and record.
func (m *Manager) delete(r *Record) error {
	removeCgroup(r)
	m.Store.Unmount(r.ID, true)
	m.Store.Unmount(r.ID, true)
	if err := m.Store.DeleteContainer(r.ID); err != nil && !isUnknown(err) {
		return fmt.Errorf("remove container layer %s: %w", r.ID[:12], err)
	}
	os.RemoveAll(filepath.Join(m.RunDir, "containers", r.ID))
	// Rename first: the monitor or its cleanup may still write the state or
	// take the lock; after the rename their paths no longer resolve, so
	// nothing new appears in the directory while it is being removed.
	grave := filepath.Join(m.DataDir, "containers", ".removing-"+r.ID)
	if err := os.Rename(m.Dir(r.ID), grave); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove container %s: %w", r.ID[:12], err)
	}
	if err := os.RemoveAll(grave); err != nil {
		return err
	}
	if r.HostConfig.AutoRemove || r.removeVolumes {
		return m.removeVolumes(r)
	}
	return nil
}

// teeOutput routes stdio's output through the container's log
// (monitor.OutputLog): the container writes into pipes whose contents
// reach the user's stdout/stderr unchanged and the log line by line.
func (m *Manager) teeOutput(r *Record, stdio *sandbox.Stdio) (*monitor.OutputLog, error) {
	out, err := monitor.OpenOutputLog(m.Dir(r.ID))
	if err != nil {
		return nil, fmt.Errorf("open the log of %s: %w", r.ID[:12], err)
	}
	stdout, err := out.Stream(stdio.Stdout, "stdout")
	if err == nil {
		stdio.Stdout = stdout
		var stderr *os.File
		if stderr, err = out.Stream(stdio.Stderr, "stderr"); err == nil {
			stdio.Stderr = stderr
		}
	}
	if err != nil {
		out.Wait(0)
		return nil, err
	}
	return out, nil
}

// OpenOutputLog opens r's log for output the CLI copies itself (the pty
// of `run -t`), as a monitor keeps it for a detached container.
func (m *Manager) OpenOutputLog(r *Record) (*monitor.OutputLog, error) {
	return monitor.OpenOutputLog(m.Dir(r.ID))
}
