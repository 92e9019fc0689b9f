package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.podman.io/storage"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/monitor"
	"github.com/nook-dev/nook/sandbox"
	"github.com/nook-dev/nook/spec"
)

// StepOptions describe one build RUN step.
type StepOptions struct {
	// Parent is the layer the writable rootfs goes on.
	Parent string
	// Names are given to the committed layer (cache keys).
	Names []string
	Args  []string
	Env   []string
	User  string
	Cwd   string
	// Network is "default" (slirp4netns), "none" or "host".
	Network string
	// SharedNet, when set, is the build's network that "default" steps
	// join instead of getting a slirp4netns of their own.
	SharedNet      *BuildNetwork
	Stdout, Stderr io.Writer
}

// RunStep runs one process in a throwaway container on top of Parent and,
// when it exits 0, commits its changes as a new read-only layer. Nothing
// (mount, writable layer, files) is left behind in any case.
func (m *Manager) RunStep(ctx context.Context, o StepOptions) (image.LayerInfo, error) {
	id := newID()
	work, err := m.Store.CreateLayer(id, o.Parent, nil, "", true, nil)
	if err != nil {
		return image.LayerInfo{}, fmt.Errorf("create step layer: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			m.Store.DeleteLayer(work.ID)
		}
	}()
	dir := filepath.Join(m.DataDir, "tmp", "step-"+id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return image.LayerInfo{}, err
	}
	defer os.RemoveAll(dir)
	root, unmount, err := m.mountStepLayer(work.ID, filepath.Join(dir, "rootfs"))
	if err != nil {
		return image.LayerInfo{}, err
	}
	mounted := true
	defer func() {
		if mounted {
			unmount()
		}
	}()
	c, netw, err := m.stepSpec(ctx, id, root, dir, o)
	if err != nil {
		return image.LayerInfo{}, err
	}
	if err := m.runStepProcess(ctx, c, netw, o); err != nil {
		return image.LayerInfo{}, err
	}
	mounted = false
	if err := unmount(); err != nil {
		return image.LayerInfo{}, err
	}
	if ok, err := m.commitInPlace(work.ID); err != nil {
		return image.LayerInfo{}, err
	} else if ok {
		committed = true
		return m.finishStepLayer(work.ID, o.Names)
	}
	diff, done, err := m.diffReader(work.ID)
	if err != nil {
		return image.LayerInfo{}, fmt.Errorf("read step changes: %w", err)
	}
	defer done()
	return m.Store.AddLayer(o.Parent, o.Names, diff)
}

// mountStepLayer mounts the step layer: our own volatile overlay where
// possible, else through the store.
func (m *Manager) mountStepLayer(id, target string) (string, func() error, error) {
	unmount, ok, err := m.mountStep(id, target)
	if err != nil {
		return "", nil, err
	}
	if ok {
		return target, unmount, nil
	}
	root, err := m.Store.Mount(id, "")
	if err != nil {
		return "", nil, fmt.Errorf("mount step layer: %w", err)
	}
	return root, func() error {
		if _, err := m.Store.Unmount(id, true); err != nil {
			return fmt.Errorf("unmount step layer: %w", err)
		}
		return nil
	}, nil
}

// finishStepLayer names a layer committed in place and describes it; on
// failure the layer is deleted, so nothing half-done stays behind.
func (m *Manager) finishStepLayer(id string, names []string) (image.LayerInfo, error) {
	err := func() error {
		if len(names) == 0 {
			return nil
		}
		return m.Store.AddNames(id, names)
	}()
	var l *storage.Layer
	if err == nil {
		l, err = m.Store.Layer(id)
	}
	if err != nil {
		m.Store.DeleteLayer(id)
		return image.LayerInfo{}, fmt.Errorf("commit step layer: %w", err)
	}
	return image.InfoOf(l), nil
}

func (m *Manager) stepSpec(ctx context.Context, id, root, dir string, o StepOptions) (*spec.Container, spec.Network, error) {
	mode := "slirp4netns"
	switch o.Network {
	case "none", "host":
		mode = o.Network
	}
	var join map[string]string
	if mode == "slirp4netns" && o.SharedNet != nil {
		p, err := o.SharedNet.nsPath(ctx)
		if err != nil {
			return nil, spec.Network{}, err
		}
		join = map[string]string{"net": p}
	}
	rec := &Record{ID: id, Hostname: id[:12], Spec: spec.Container{Network: networkKind(mode)}}
	if err := writeEtcFiles(dir, rec); err != nil {
		return nil, spec.Network{}, err
	}
	c := &spec.Container{
		ID: id, Rootfs: root, Hostname: id[:12], Network: networkKind(mode), JoinNamespaces: join,
		Process: spec.Process{Args: o.Args, Env: o.Env, Cwd: o.Cwd, User: o.User,
			Capabilities: spec.DefaultCapabilities, NoNewPrivileges: true},
		EtcFiles: map[string]string{
			"/etc/hostname":    filepath.Join(dir, hostnameF),
			"/etc/hosts":       filepath.Join(dir, hostsFile),
			"/etc/resolv.conf": filepath.Join(dir, resolvFile),
		},
	}
	if join != nil {
		return c, spec.Network{Mode: "none"}, nil // attached already: nothing to start per step
	}
	return c, spec.Network{Mode: mode}, nil
}

func (m *Manager) runStepProcess(ctx context.Context, c *spec.Container, n spec.Network, o StepOptions) error {
	var net monitor.Closer
	attach := func(pid int) error {
		cl, _, err := monitor.AttachNetwork(n, pid, "")
		net = cl
		return err
	}
	proc, err := sandbox.Launch(c, sandbox.Stdio{Stdout: o.Stdout, Stderr: o.Stderr}, m.InitEnv(), attach)
	defer func() {
		if net != nil {
			net.Close()
		}
	}()
	if err != nil {
		var ie *sandbox.InitError
		if errors.As(err, &ie) {
			return errdefs.Exit(ie.Code, err)
		}
		return err
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			proc.Cmd.Process.Kill()
		case <-done:
		}
	}()
	proc.Cmd.Wait()
	close(done)
	if err := ctx.Err(); err != nil {
		return err // killed because of ctx: report that, not SIGKILL's 137
	}
	if code := sandbox.ExitCode(proc.Cmd.ProcessState); code != 0 {
		return errdefs.Exit(code, fmt.Errorf("exit code: %d", code))
	}
	return nil
}
