package nettest

import (
	"bufio"
	"fmt"
	"os"
	osexec "os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

const roleEnv = "_NOOK_NETTEST_ROLE"

// Main must be called from TestMain. It turns the process into the role the
// environment asks for; the first process re-executes itself as uid 0 in a
// new user namespace (keeping the host network namespace), where m runs.
func Main(m *testing.M) {
	role := os.Getenv(roleEnv)
	os.Unsetenv(roleEnv)
	switch role {
	case "container":
		if err := containerMain(); err != nil {
			fmt.Fprintln(os.Stderr, "nettest container:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "monitor":
		os.Exit(m.Run())
	}
	os.Exit(reexecMonitor())
}

// reexecMonitor runs this test binary again inside a new user namespace.
func reexecMonitor() int {
	cmd := osexec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), roleEnv+"=monitor")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
		Pdeathsig:                  syscall.SIGKILL,
	}
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*osexec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "nettest: create user namespace:", err)
		return 1
	}
	return 0
}

// Container is a running workload in its own network namespace.
type Container struct {
	cmd *osexec.Cmd
}

// Pid is the process whose network namespace the driver attaches to.
func (c *Container) Pid() int { return c.cmd.Process.Pid }

// StartContainer starts the container role and waits until it serves.
func StartContainer(t testing.TB) *Container {
	t.Helper()
	cmd := osexec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), roleEnv+"=container")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := startOnLongLivedThread(cmd); err != nil {
		t.Fatalf("start container: %v", err)
	}
	c := &Container{cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("container did not start: %q %v", line, err)
	}
	return c
}

// processGone reports whether pid no longer exists (or is a zombie).
func processGone(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i > 0 && len(s) > i+2 {
		return s[i+2] == 'Z'
	}
	return false
}

var spawn = make(chan func())

func init() {
	go func() {
		// Never unlocked: Pdeathsig fires when the forking thread exits
		// (golang/go#27505), and the slirp package discards threads.
		runtime.LockOSThread()
		for f := range spawn {
			f()
		}
	}()
}

// startOnLongLivedThread starts cmd from a thread that never exits.
func startOnLongLivedThread(cmd *osexec.Cmd) error {
	errc := make(chan error)
	spawn <- func() { errc <- cmd.Start() }
	return <-errc
}
