package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/helperexe"
	"github.com/nook-dev/nook/monitor"
)

// StartDetached mounts r's rootfs and hands the container to a new
// monitor process, returning once its command runs (or failed to start).
func (m *Manager) StartDetached(r *Record) error {
	unlock, err := m.lock(r.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if st := m.CurrentState(r); st.Status == StatusRunning {
		return nil
	}
	os.Remove(filepath.Join(m.Dir(r.ID), monitor.StopFile))
	os.Remove(filepath.Join(m.Dir(r.ID), monitor.RestartPolicyFile)) // the record has it now
	if err := m.joinNetwork(r); err != nil {
		return err
	}
	if err := m.setupCgroup(r); err != nil {
		return err
	}
	if err := m.mountRootfs(r); err != nil {
		removeCgroup(r)
		return err
	}
	cfg := monitor.Config{
		Spec: r.Spec, Dir: m.Dir(r.ID), Tty: r.Tty, Stdin: r.OpenStdin, Network: r.Network,
		Restart: r.HostConfig.RestartPolicy.Name, MaxRetries: r.HostConfig.RestartPolicy.MaximumRetryCount,
		Env: m.InitEnv(), Cleanup: []string{"/proc/self/exe", "_cleanup", r.ID},
		Healthcheck: ProbeConfig(r), Health: m.ReadState(r.ID).Health,
	}
	if exe, err := os.Executable(); err == nil {
		cfg.Cleanup[0] = exe
	}
	if err := spawnMonitor(r.ID, cfg); err != nil {
		removeCgroup(r)
		m.unmountRootfs(r)
		return err
	}
	return nil
}

func spawnMonitor(id string, cfg monitor.Config) error {
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return err
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer repR.Close()
	cmd := &osexec.Cmd{
		Path: helperexe.MonitorPath(), Args: []string{"nook", "_monitor", id}, Env: helperexe.Env(cfg.Env),
		ExtraFiles:  []*os.File{cfgR, repW},
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
		Dir:         "/",
	}
	err = cmd.Start()
	cfgR.Close()
	repW.Close()
	if err != nil {
		cfgW.Close()
		return fmt.Errorf("start monitor: %w", err)
	}
	json.NewEncoder(cfgW).Encode(cfg)
	cfgW.Close()
	b, _ := io.ReadAll(repR)
	if len(b) == 0 {
		return cmd.Process.Release()
	}
	cmd.Wait()
	var rep monitor.Report
	if json.Unmarshal(b, &rep) != nil {
		return errors.New(string(b))
	}
	err = errors.New(rep.Message)
	if rep.Hint != "" {
		err = errdefs.WithHint(err, rep.Hint)
	}
	return errdefs.Exit(rep.Code, err)
}

// lock takes the container's lock file (cleanup, removal and start must
// not interleave between concurrent CLIs and the monitor).
func (m *Manager) lock(id string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(m.Dir(id), lockFile), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, errdefs.NotFound("No such container: %s", id)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// Cleanup is run by the monitor (as `nook _cleanup ID`) once the container
// stopped for good: unmount the rootfs, and remove it with --rm.
func (m *Manager) Cleanup(id string) error {
	r, err := m.Load(id)
	if err != nil {
		return err
	}
	unlock, err := m.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	st := m.ReadState(id)
	if st.Status == StatusRunning {
		return nil // restarted meanwhile
	}
	removeCgroup(r)
	m.unmountRootfs(r)
	if r.HostConfig.AutoRemove {
		return m.delete(r)
	}
	return nil
}

// MarkStopped records that the user stopped the container (no restart).
func (m *Manager) MarkStopped(r *Record) {
	os.WriteFile(filepath.Join(m.Dir(r.ID), monitor.StopFile), []byte(time.Now().UTC().Format(time.RFC3339)), 0o600)
}
