package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/nook-dev/nook/internal/netif"
	"io"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/spec"
)

// File descriptors inherited by nook _init.
const (
	SpecFD  = 3
	ErrorFD = 4
)

// InitError is what _init reports when it cannot exec the command.
type InitError struct {
	// Code is the exit code Docker would give: 125, 126 or 127.
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *InitError) Error() string { return e.Message }

// Main is the entry point of `nook _init`. It never returns.
func Main() {
	runtime.GOMAXPROCS(1)
	runtime.LockOSThread()
	trace.Mark("_init main")
	errPipe := os.NewFile(ErrorFD, "error-pipe")
	if errPipe == nil {
		fmt.Fprintln(os.Stderr, "nook _init is internal: it is started by nook run")
		os.Exit(255)
	}
	unix.CloseOnExec(ErrorFD)
	err := run()
	ie := &InitError{Code: 125}
	if !errors.As(err, &ie) {
		ie = &InitError{Code: 125, Message: err.Error()}
	}
	json.NewEncoder(errPipe).Encode(ie)
	os.Exit(ie.Code)
}

func run() error {
	b, err := io.ReadAll(os.NewFile(SpecFD, "spec"))
	if err != nil {
		return fmt.Errorf("read container spec: %w", err)
	}
	unix.Close(SpecFD)
	var c spec.Container
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("parse container spec: %w", err)
	}
	return Start(&c)
}

// Start sets up the container described by c in the current (fresh)
// namespaces and execs its process.
func Start(c *spec.Container) error {
	if err := joinNamespaces(c); err != nil {
		return err
	}
	if err := setupRootfs(c); err != nil {
		return err
	}
	if c.Process.Terminal {
		if err := setupConsole(ConsoleFD); err != nil {
			return err
		}
	}
	if c.Hostname != "" && c.JoinNamespaces["uts"] == "" {
		if err := unix.Sethostname([]byte(c.Hostname)); err != nil {
			return fmt.Errorf("sethostname %q: %w", c.Hostname, err)
		}
	}
	if c.Network != "host" && c.JoinNamespaces["net"] == "" {
		if err := netif.LoopbackUp(); err != nil {
			return err
		}
	}
	if c.BindNotify {
		sendBindNotify()
	}
	return execProcess(&c.Process, c.Privileged, true)
}

// execProcess switches to the container user, drops privileges and execs.
// createCwd makes a missing working directory, as Docker does for a
// container's (run -w, WORKDIR) but not for exec -w, which fails.
func execProcess(p *spec.Process, privileged, createCwd bool) error {
	u, err := resolveUser(p.User)
	if err != nil {
		return err
	}
	cwd := p.Cwd
	if cwd == "" {
		cwd = "/"
	}
	code := 126
	if createCwd {
		code = 125
		if err := os.MkdirAll(cwd, 0o755); err == nil && u.UID != 0 {
			os.Lchown(cwd, u.UID, u.GID)
		}
	}
	if err := os.Chdir(cwd); err != nil {
		return &InitError{Code: code, Message: fmt.Sprintf("chdir to cwd (%q) set in config.json failed: %v", cwd, err)}
	}
	if !hasHome(p.Env) {
		home := u.Home
		if home == "" {
			home = "/"
		}
		p.Env = append(p.Env, "HOME="+home)
	}
	path, err := lookPath(p.Args, p.Env)
	if err != nil {
		return err
	}
	if consoleSlave >= 0 {
		unix.Fchown(consoleSlave, u.UID, u.GID)
	}
	if err := dropPrivileges(p, u, privileged); err != nil {
		return err
	}
	trace.Mark("exec of the command")
	err = syscall.Exec(path, p.Args, p.Env)
	return execError(p.Args[0], err)
}

func execError(name string, err error) error {
	switch {
	case errors.Is(err, unix.ENOENT):
		return &InitError{Code: 127, Message: fmt.Sprintf("exec: %q: no such file or directory", name)}
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EISDIR), errors.Is(err, unix.ENOEXEC):
		return &InitError{Code: 126, Message: fmt.Sprintf("exec: %q: permission denied", name)}
	}
	return &InitError{Code: 126, Message: fmt.Sprintf("exec %q: %v", name, err)}
}

func hasHome(env []string) bool {
	for _, e := range env {
		if len(e) >= 5 && e[:5] == "HOME=" {
			return true
		}
	}
	return false
}
