package slirp

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The seccomp user-notification ABI (linux/seccomp.h) that x/sys/unix
// does not define.
type seccompNotif struct {
	ID    uint64
	Pid   uint32
	Flags uint32
	Nr    int32
	Arch  uint32
	IP    uint64
	Args  [6]uint64
}

type seccompNotifResp struct {
	ID    uint64
	Val   int64
	Error int32
	Flags uint32
}

type seccompNotifAddfd struct {
	ID         uint64
	Flags      uint32
	Srcfd      uint32
	Newfd      uint32
	NewfdFlags uint32
}

const (
	// _IOW('!', 2, __u64) and _IOW('!', 3, struct seccomp_notif_addfd).
	ioctlNotifIDValid = 0x40082102
	ioctlNotifAddfd   = 0x40182103
)

func notifIoctl(fd int, req uintptr, arg unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

func notifRecv(fd int, n *seccompNotif) error {
	*n = seccompNotif{}
	return notifIoctl(fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(n))
}

func notifSend(fd int, r *seccompNotifResp) error {
	return notifIoctl(fd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(r))
}

// notifValid is false once the notifying thread has left the syscall (it
// died or was interrupted): a pid read from the notification may then name
// another process.
func notifValid(fd int, id uint64) bool {
	return notifIoctl(fd, ioctlNotifIDValid, unsafe.Pointer(&id)) == nil
}

// notifSetFD installs src as file descriptor newfd of the notifying
// process (replacing what was there, like dup2).
func notifSetFD(fd int, id uint64, src, newfd int, cloexec bool) error {
	a := seccompNotifAddfd{ID: id, Flags: unix.SECCOMP_ADDFD_FLAG_SETFD, Srcfd: uint32(src), Newfd: uint32(newfd)}
	if cloexec {
		a.NewfdFlags = unix.O_CLOEXEC
	}
	return notifIoctl(fd, ioctlNotifAddfd, unsafe.Pointer(&a))
}
