package sandbox

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// installRefusalFilter installs bindFilter's refusals (io_uring, TCP Fast
// Open; bind allowed, no listener) on the calling thread, for a process
// `nook exec` or a health probe starts in a container whose published
// ports are bypassed (spec.Process.BypassRefusals): such a process can be
// handed the host socket too (SCM_RIGHTS from the server, pidfd_getfd).
// Like init's, it runs while the thread still has CAP_SYS_ADMIN in the
// container's user namespace, before privileges are dropped.
func installRefusalFilter() error {
	arch, ok := auditArch()
	if !ok {
		return fmt.Errorf("seccomp refusals are not supported on %s", runtime.GOARCH)
	}
	f := bindFilter(arch, false)
	prog := unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]}
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(f)
	if errno != 0 {
		return fmt.Errorf("install seccomp filter: %w", errno)
	}
	return nil
}
