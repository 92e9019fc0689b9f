package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"

	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/spec"
	"golang.org/x/sys/unix"
)

// EnvExecProcess carries the process of `nook _exec` (JSON). The C
// constructor has already joined the container's namespaces (and forked
// into its pid namespace) when Go starts.
const EnvExecProcess = "_NOOK_EXEC"

// EnvExecHost marks `nook enter`: run a host command without changing
// user or capabilities.
const EnvExecHost = "_NOOK_EXEC_HOST"

// ExecMain is the entry point of `nook _exec`. It never returns.
func ExecMain() {
	runtime.LockOSThread()
	trace.Mark("_exec main")
	var p spec.Process
	if err := json.Unmarshal([]byte(os.Getenv(EnvExecProcess)), &p); err != nil {
		fmt.Fprintln(os.Stderr, "nook _exec is internal: it is started by nook exec")
		os.Exit(255)
	}
	host := os.Getenv(EnvExecHost) == "1"
	if fd, err := strconv.Atoi(os.Getenv(EnvExecConsole)); err == nil {
		// A new session so that the container's pty can become the
		// controlling terminal (the forked child is not a leader).
		unix.Setsid()
		if err := setupConsole(fd); err != nil {
			fmt.Fprintf(os.Stderr, "Error: %s\n", err)
			os.Exit(126)
		}
	}
	for _, k := range []string{EnvExecProcess, EnvExecHost, EnvExecConsole, "_NOOK_JOIN", "_NOOK_JOIN_FDS"} {
		os.Unsetenv(k)
	}
	var err error
	switch {
	case host:
		err = execHost(&p)
	case p.BypassRefusals:
		// Refusing to start is safer than starting without the filter.
		if err = installRefusalFilter(); err == nil {
			err = execProcess(&p, false, false)
		}
	default:
		err = execProcess(&p, false, false)
	}
	ie := &InitError{Code: 126, Message: fmt.Sprint(err)}
	errors.As(err, &ie)
	fmt.Fprintf(os.Stderr, "Error: %s\n", ie.Message)
	os.Exit(ie.Code)
}

// execHost runs a command from the host's filesystem (nook enter).
func execHost(p *spec.Process) error {
	if p.Cwd != "" {
		os.Chdir(p.Cwd)
	}
	path, err := lookPath(p.Args, p.Env)
	if err != nil {
		return err
	}
	return execError(p.Args[0], syscall.Exec(path, p.Args, p.Env))
}
