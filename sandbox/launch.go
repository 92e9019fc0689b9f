package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/helperexe"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/spec"
)

// Stdio is what the container's pid 1 gets as fds 0, 1, 2. nil means
// /dev/null. With Terminal, all three are the pty slave.
type Stdio struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Terminal makes init allocate a pty in the container's devpts and
	// use it as stdio and controlling terminal; Stdin/Stdout/Stderr are
	// ignored and OnConsole receives the master once it exists.
	Terminal bool
	// OnConsole is called with the pty master (Terminal only), before the
	// command runs.
	OnConsole func(master *os.File)
}

// Process is a started container init.
type Process struct {
	Cmd *osexec.Cmd
	// Pid is the host-visible pid of the container's pid 1.
	Pid int
	// BindNotify is the seccomp listener of the command's bind(2) calls
	// (spec.Container.BindNotify), nil otherwise. Until it is served (or
	// closed: bind then fails with ENOSYS) the command's binds block.
	BindNotify *os.File
}

// Launch starts `nook _init` in new namespaces for c and returns once the
// command has been exec'd (or with the InitError that prevented it).
// env is the environment for the _init process itself (the identity
// variables of the user namespace). beforeStart, when set, runs once the
// namespaces exist and before init receives its spec (so before it does
// anything): the network is attached there, so the command never sees a
// half-configured network.
func Launch(c *spec.Container, stdio Stdio, env []string, beforeStart func(pid int) error) (*Process, error) {
	sys, cg, err := procAttr(c)
	if err != nil {
		return nil, err
	}
	if cg != nil {
		defer cg.Close()
	}
	specR, specW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		specR.Close()
		specW.Close()
		return nil, err
	}
	defer errR.Close()
	extra := []*os.File{specR, errW}
	var consoleParent *os.File
	if stdio.Terminal {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return nil, err
		}
		consoleParent = os.NewFile(uintptr(fds[0]), "console-parent")
		defer consoleParent.Close()
		child := os.NewFile(uintptr(fds[1]), "console-child")
		defer child.Close()
		extra = append(extra, child)
		stdio.Stdin, stdio.Stdout, stdio.Stderr = nil, nil, nil
	}
	notifyParent, err := bindNotifySocket(c, &extra)
	if err != nil {
		return nil, err
	}
	defer notifyParent.Close() // nil-safe
	cmd := &osexec.Cmd{
		Path:        helperexe.Path(),
		Args:        []string{"nook", "_init", c.ID},
		Env:         helperexe.Env(env),
		Stdin:       stdio.Stdin,
		Stdout:      stdio.Stdout,
		Stderr:      stdio.Stderr,
		ExtraFiles:  extra,
		SysProcAttr: sys,
	}
	err = cmd.Start()
	trace.Mark("init started")
	for _, f := range extra { // the child's ends
		if f != nil {
			f.Close()
		}
	}
	if err != nil {
		specW.Close()
		return nil, fmt.Errorf("start container init: %w", err)
	}
	if beforeStart != nil {
		if err := beforeStart(cmd.Process.Pid); err != nil {
			specW.Close()
			cmd.Process.Kill()
			cmd.Wait()
			return nil, err
		}
	}
	if err := json.NewEncoder(specW).Encode(c); err != nil {
		specW.Close()
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("send spec to container init: %w", err)
	}
	specW.Close()
	if consoleParent != nil {
		if master := ReceiveConsole(consoleParent); master != nil && stdio.OnConsole != nil {
			stdio.OnConsole(master)
		}
	}
	notify := receiveBindNotify(notifyParent)
	b, _ := io.ReadAll(errR)
	trace.Mark("init exec'd the command")
	if len(b) == 0 {
		return &Process{Cmd: cmd, Pid: cmd.Process.Pid, BindNotify: notify}, nil
	}
	notify.Close()
	cmd.Wait()
	var ie InitError
	if json.Unmarshal(b, &ie) != nil {
		return nil, errors.New(string(b))
	}
	return nil, &ie
}

// procAttr is how init is cloned: in new namespaces and, with a cgroup,
// straight into it (CLONE_INTO_CGROUP): nothing of the container runs
// outside it, and its new cgroup namespace is rooted there. The caller
// closes the returned cgroup directory after the clone.
func procAttr(c *spec.Container) (*syscall.SysProcAttr, *os.File, error) {
	sys := &syscall.SysProcAttr{Cloneflags: cloneFlags(c), Setsid: true}
	if c.Cgroup == "" {
		return sys, nil, nil
	}
	cg, err := os.Open(c.Cgroup)
	if err != nil {
		return nil, nil, fmt.Errorf("open the container's cgroup: %w", err)
	}
	sys.UseCgroupFD, sys.CgroupFD = true, int(cg.Fd())
	return sys, cg, nil
}

func cloneFlags(c *spec.Container) uintptr {
	flags := uintptr(unix.CLONE_NEWNS)
	add := func(ns string, flag uintptr) {
		if c.JoinNamespaces[ns] == "" {
			flags |= flag
		}
	}
	add("pid", unix.CLONE_NEWPID)
	add("uts", unix.CLONE_NEWUTS)
	add("ipc", unix.CLONE_NEWIPC)
	add("cgroup", unix.CLONE_NEWCGROUP)
	if c.Network != "host" {
		add("net", unix.CLONE_NEWNET)
	}
	return flags
}

// ExitCode turns a wait status into Docker's exit code (128+N on signal).
func ExitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
