package exec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/helperexe"
	"github.com/nook-dev/nook/spec"
)

// AllNamespaces are joined by nook exec, in this order: pid last, so the
// fork into it happens after every other join.
var AllNamespaces = []string{"user", "cgroup", "ipc", "uts", "net", "mnt", "pid"}

// Options describe one exec.
type Options struct {
	// Pid is the container's pid 1 as seen from the caller.
	Pid int
	// Namespaces to join (a subset of AllNamespaces).
	Namespaces []string
	// Process is what to run.
	Process spec.Process
	// Host runs a host command (nook enter): no user or capability change.
	Host bool
	// Stdin, Stdout, Stderr are the process's stdio (nil = /dev/null).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Terminal makes Stdin the controlling terminal.
	Terminal bool
	// Console, when set, is a socket on which the helper sends the master
	// of a pty it allocates inside the container (exec -t).
	Console *os.File
	// Detach returns once the process started.
	Detach bool
	// Env is the environment of the helper process itself.
	Env []string
	// Cgroup is the container's cgroup directory ("" = none): the process
	// is cloned into it, so pause freezes it and limits bind it too.
	Cgroup string
}

// Start opens the namespaces and starts the helper. Wait on the returned
// command; its exit status is the process's.
func Start(o Options) (*osexec.Cmd, error) {
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, ns := range o.Namespaces {
		f, err := os.Open(fmt.Sprintf("/proc/%d/ns/%s", o.Pid, ns))
		if err != nil {
			return nil, errdefs.Conflict("container process %d is gone: %w", o.Pid, err)
		}
		files = append(files, f)
	}
	env, err := helperEnv(o)
	if err != nil {
		return nil, err
	}
	extra := append([]*os.File(nil), files...)
	if o.Console != nil {
		// sandbox.EnvExecConsole: the fd right after the namespace fds.
		env = append(env, "_NOOK_EXEC_CONSOLE="+strconv.Itoa(3+len(files)))
		extra = append(extra, o.Console)
	}
	newCmd := func() *osexec.Cmd {
		return &osexec.Cmd{
			Path: helperexe.Path(), Args: []string{"nook", "_exec"}, Env: helperexe.Env(env),
			Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr, ExtraFiles: extra,
			SysProcAttr: &syscall.SysProcAttr{Setsid: o.Terminal || o.Detach, Setctty: o.Terminal},
		}
	}
	cmd, err := startInCgroup(newCmd, o.Cgroup)
	if err != nil {
		return nil, fmt.Errorf("start exec helper: %w", err)
	}
	return cmd, nil
}

// startInCgroup starts cmd in the cgroup dir when there is one. A caller
// outside the delegated subtree may not move a process there (EACCES): the
// process then runs where the caller is, as it would without a cgroup.
func startInCgroup(newCmd func() *osexec.Cmd, dir string) (*osexec.Cmd, error) {
	cmd := newCmd()
	if dir == "" {
		return cmd, cmd.Start()
	}
	cg, err := os.Open(dir)
	if err != nil {
		return cmd, cmd.Start() // the container has no cgroup (any more)
	}
	defer cg.Close()
	cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(cg.Fd())
	err = cmd.Start()
	if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EBUSY) {
		cmd = newCmd()
		return cmd, cmd.Start()
	}
	return cmd, err
}

// helperEnv is the environment of `nook _exec` for o (without the console).
func helperEnv(o Options) ([]string, error) {
	proc, err := json.Marshal(o.Process)
	if err != nil {
		return nil, err
	}
	env := append(o.Env[:len(o.Env):len(o.Env)], "_NOOK_JOIN="+strings.Join(o.Namespaces, ","), "_NOOK_EXEC="+string(proc))
	if o.Host {
		env = append(env, "_NOOK_EXEC_HOST=1")
	}
	return env, nil
}

// ExitCode returns the exit status of a finished helper (the process's
// own, 126/127 when it could not be run, 128+N on signal).
func ExitCode(err error, cmd *osexec.Cmd) int {
	var ee *osexec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if err != nil {
		return 126
	}
	return 0
}
