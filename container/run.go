package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/monitor"
	"github.com/nook-dev/nook/sandbox"
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
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	if m.Store != nil {
		env = append(env, "NOOK_STORAGE_DRIVER="+m.Store.Driver.Name)
	}
	// The cleanup command run by the monitor must find the same store.
	for _, k := range []string{"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "NOOK_TRACE"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return m.Identity.ChildEnv(env)
}

// RunForeground starts r's process attached to stdio, forwards signals
// from sigs, waits, records the exit and cleans up (removing the container
// with --rm). It returns the container's exit code.
func (m *Manager) RunForeground(r *Record, stdio sandbox.Stdio, sigs <-chan os.Signal) (int, error) {
	if err := m.joinNetwork(r); err != nil {
		return 125, err
	}
	if err := m.mountRootfs(r); err != nil {
		return 125, err
	}
	trace.Mark("rootfs mounted")
	start, _ := userns.ProcessStartTime(os.Getpid())
	st := State{Status: StatusRunning, StartedAt: time.Now().UTC(), MonitorPid: os.Getpid(), MonitorStart: start}
	var net monitor.Closer
	attach := func(pid int) error {
		c, ports, err := monitor.AttachNetwork(r.Network, pid)
		net, st.Ports = c, ports
		return err
	}
	proc, err := sandbox.Launch(&r.Spec, stdio, m.InitEnv(), attach)
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
		m.finish(r, State{Status: StatusCreated, ExitCode: code, Error: err.Error()})
		return code, errdefs.Exit(code, err)
	}
	st.Pid = proc.Pid
	m.WriteState(r.ID, st)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				proc.Cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	proc.Cmd.Wait()
	trace.Mark("container exited")
	close(done)
	code := sandbox.ExitCode(proc.Cmd.ProcessState)
	st.Status, st.Pid, st.ExitCode, st.FinishedAt = StatusExited, 0, code, time.Now().UTC()
	m.finish(r, st)
	trace.Mark("cleaned up")
	return code, nil
}

// finish records the final state, unmounts, and honours --rm.
func (m *Manager) finish(r *Record, st State) {
	m.unmountRootfs(r)
	if r.HostConfig.AutoRemove {
		m.delete(r)
		return
	}
	m.WriteState(r.ID, st)
}

// delete removes the container's layer and record.
func (m *Manager) delete(r *Record) error {
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
