package sandbox

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/spec"
)

// BindNotifyFD is the socket on which _init sends the seccomp listener
// that reports the command's bind(2) calls (spec.Container.BindNotify).
const BindNotifyFD = 6

// auditArch is the AUDIT_ARCH_* value of this build's native syscalls.
func auditArch() (uint32, bool) {
	switch runtime.GOARCH {
	case "amd64":
		return 0xc000003e, true
	case "arm64":
		return 0xc00000b7, true
	}
	return 0, false
}

// bindFilter, for the native arch: bind(2) -> USER_NOTIF, so the monitor
// can hand a published port's server a socket of the host's network
// namespace (slirp/bypass.go). Such a socket must not carry data out as a
// client: the monitor's socket filter stops connections from completing
// (slirp/bypassguard.go), and this filter refuses the ways to put data in
// the very first segment (TCP Fast Open: MSG_FASTOPEN on send, sendto,
// sendmsg and sendmmsg, TCP_FASTOPEN_CONNECT) and io_uring, whose
// operations never pass seccomp (Docker's default profile refuses it too).
// Anything else -> ALLOW.
//
// The refusals hold in the 32-bit ABI too (i386, arm), which any process
// can reach (int 0x80 works from 64-bit code), and amd64's x32 calls
// (__X32_SYSCALL_BIT, with the native arch) are refused outright. 32-bit
// binds are not notified: they stay in the container's network namespace,
// as without the filter. Not covered: i386 socketcall(2), whose arguments
// are in memory a filter cannot read (see the README on bypass).
//
// Without notify, bind is allowed and only the refusals remain: the filter
// of processes `nook exec` and health probes start in such a container
// (refusalFilter), which could otherwise be handed the host socket.
func bindFilter(arch uint32, notify bool) []unix.SockFilter {
	const (
		ldW  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq  = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge  = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jset = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
		ret  = unix.BPF_RET | unix.BPF_K
	)
	// seccomp_data: nr at 0, arch at 4, args[i] at 16+8i (the low half
	// first: amd64 and arm64 are little-endian; the kernel takes these
	// arguments as 32-bit ints).
	arg := func(i uint32) uint32 { return 16 + 8*i }
	native, compat := syscallABIs()
	native.notifyBind = notify
	rules := func(p *filterProg, a syscallNrs) {
		p.op(ldW, 0)
		if a.x32 {
			p.jump(jge, x32SyscallBit, "enosys", "")
		}
		if a.notifyBind {
			p.jump(jeq, a.bind, "notify", "")
		}
		p.jump(jeq, a.ioUringSetup, "enosys", "")
		p.jump(jeq, a.sendto, "flags3", "")
		if a.send != 0 {
			p.jump(jeq, a.send, "flags3", "")
		}
		p.jump(jeq, a.sendmmsg, "flags3", "")
		p.jump(jeq, a.sendmsg, "flags2", "")
		p.jump(jeq, a.setsockopt, "sockopt", "allow")
	}
	var p filterProg
	p.op(ldW, 4)
	p.jump(jeq, arch, "", "other")
	rules(&p, native)
	p.label("other")
	p.jump(jeq, compat.arch, "", "allow")
	rules(&p, compat)
	p.label("flags3")
	p.op(ldW, arg(3))
	p.jump(jset, unix.MSG_FASTOPEN, "eopnotsupp", "allow")
	p.label("flags2")
	p.op(ldW, arg(2))
	p.jump(jset, unix.MSG_FASTOPEN, "eopnotsupp", "allow")
	p.label("sockopt")
	p.op(ldW, arg(1))
	p.jump(jeq, unix.IPPROTO_TCP, "", "allow")
	p.op(ldW, arg(2))
	p.jump(jeq, unix.TCP_FASTOPEN_CONNECT, "enoprotoopt", "allow")
	p.label("notify")
	p.op(ret, unix.SECCOMP_RET_USER_NOTIF)
	p.label("enosys")
	p.op(ret, unix.SECCOMP_RET_ERRNO|uint32(unix.ENOSYS))
	p.label("eopnotsupp")
	p.op(ret, unix.SECCOMP_RET_ERRNO|uint32(unix.EOPNOTSUPP))
	p.label("enoprotoopt")
	p.op(ret, unix.SECCOMP_RET_ERRNO|uint32(unix.ENOPROTOOPT))
	p.label("allow")
	p.op(ret, unix.SECCOMP_RET_ALLOW)
	return p.assemble()
}

// installBindFilter installs the filter on the calling (locked, about to
// exec) thread and returns the listener. It needs CAP_SYS_ADMIN in the
// user namespace or no_new_privs: init still has the former here.
func installBindFilter() (int, error) {
	arch, ok := auditArch()
	if !ok {
		return -1, fmt.Errorf("bind notification is not supported on %s", runtime.GOARCH)
	}
	f := bindFilter(arch, true)
	prog := unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]}
	fd, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(f)
	if errno != 0 {
		return -1, fmt.Errorf("install seccomp bind filter: %w", errno)
	}
	unix.CloseOnExec(int(fd))
	return int(fd), nil
}

// sendBindNotify installs the filter and sends its listener on
// BindNotifyFD. Failing is not fatal: the launcher then receives nothing
// and the container runs with the usual port forwarding.
func sendBindNotify() {
	defer unix.Close(BindNotifyFD)
	fd, err := installBindFilter()
	if err != nil {
		fmt.Fprintf(os.Stderr, "nook: port_handler=bypass disabled: %v\n", err)
		return
	}
	defer unix.Close(fd)
	// The launcher serves the listener: sendmsg is not bind, so the
	// filter lets it through.
	_ = unix.Sendmsg(BindNotifyFD, []byte{0}, unix.UnixRights(fd), nil, 0)
}

// bindNotifySocket adds the child end of the bind-notify socket to extra
// (at BindNotifyFD) when c asks for it and returns the parent end.
func bindNotifySocket(c *spec.Container, extra *[]*os.File) (*os.File, error) {
	if !c.BindNotify {
		return nil, nil
	}
	parent, child, err := ConsoleSocket()
	if err != nil {
		return nil, err
	}
	for len(*extra) < BindNotifyFD-3 {
		*extra = append(*extra, nil)
	}
	*extra = append(*extra, child)
	return parent, nil
}

// receiveBindNotify receives the listener init sent on parent; nil when
// parent is nil or init sent none.
func receiveBindNotify(parent *os.File) *os.File {
	if parent == nil {
		return nil
	}
	return ReceiveConsole(parent)
}
