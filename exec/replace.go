package exec

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/helperexe"
)

// CloseInheritedFds marks every fd above stdio close-on-exec, so that an
// exec'd process gets nothing of its caller's but stdio, as with runc.
// For a process that starts nothing else (the exec CLI); best effort, it
// needs Linux >= 5.11.
func CloseInheritedFds() {
	unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
}

// Replace runs o in place of the calling process: it becomes the helper,
// whose C parent waits for the process and exits with its status, so no
// extra process, fork or wait is paid (nook-runtime's fast `nook exec`).
// Only a plain exec: stdout and stderr are inherited, stdin too when
// o.Stdin is set (else /dev/null); o.Console, o.Terminal and o.Detach are
// not supported. It returns only on error, and when the namespaces could
// not be opened the process is unchanged, so the caller may still serve
// the command another way.
func Replace(o Options) error {
	if o.Console != nil || o.Terminal || o.Detach {
		return fmt.Errorf("exec.Replace: only a plain exec can replace the caller")
	}
	env, err := helperEnv(o)
	if err != nil {
		return err
	}
	// The fds stay where they are opened (the Go runtime may own low
	// ones): _NOOK_JOIN_FDS tells the helper where.
	fds := make([]int, 0, len(o.Namespaces))
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	for _, ns := range o.Namespaces {
		fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/%s", o.Pid, ns), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return errdefs.Conflict("container process %d is gone: %w", o.Pid, err)
		}
		fds = append(fds, fd)
	}
	if o.Stdin == nil {
		null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		err = unix.Dup3(null, 0, 0)
		unix.Close(null)
		if err != nil {
			return err
		}
	}
	CloseInheritedFds()
	list := make([]string, len(fds))
	for i, fd := range fds {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
			return err
		}
		list[i] = strconv.Itoa(fd)
	}
	env = append(env, "_NOOK_JOIN_FDS="+strings.Join(list, ","))
	if o.Cgroup != "" {
		// Move this process (so the command it becomes) into the
		// container's cgroup, as Start clones into it; a caller outside
		// the delegated subtree may not, and then runs where it is.
		_ = os.WriteFile(filepath.Join(o.Cgroup, "cgroup.procs"), []byte("0"), 0)
	}
	err = syscall.Exec(helperexe.Path(), []string{"nook", "_exec"}, helperexe.Env(env))
	return fmt.Errorf("start exec helper: %w", err)
}
