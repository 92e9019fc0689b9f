package exec

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/helperexe"
)

// firstFd is where the helper expects the namespace fds (nsenter.c).
const firstFd = 3

// ReserveFds keeps the fds Replace will use (3 and up, one per namespace)
// out of the Go runtime's hands: call it before the process opens any
// file, or the poller's epoll fd may land there and Replace's dup3 would
// close it under the runtime's feet. The placeholders close on exec.
func ReserveFds() {
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	last := firstFd + len(AllNamespaces) - 1
	for fd := firstFd; fd <= last; fd++ {
		if fd != null {
			unix.Dup3(null, fd, unix.O_CLOEXEC)
		}
	}
	if null > last {
		unix.Close(null)
	}
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
	fds := make([]int, 0, len(o.Namespaces))
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	for _, ns := range o.Namespaces {
		// Opened high and close-on-exec, so that the moves below never
		// overwrite one another.
		fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/%s", o.Pid, ns), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			var high int
			high, err = unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 64)
			unix.Close(fd)
			fd = high
		}
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
	for i, fd := range fds {
		if err := unix.Dup3(fd, firstFd+i, 0); err != nil {
			return err
		}
	}
	err = syscall.Exec(helperexe.Path(), []string{"nook", "_exec"}, helperexe.Env(env))
	return fmt.Errorf("start exec helper: %w", err)
}
