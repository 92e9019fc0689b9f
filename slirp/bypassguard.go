package slirp

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// A bypassed server holds a socket of the host's network namespace. Used
// as a client, such a socket would reach what the container must not:
// the host's loopback services and every network the host reaches, past
// slirp4netns (bind, or listen then connect(AF_UNSPEC), then connect).
// guardHostSocket closes that door in the kernel: a locked socket filter
// drops every inbound segment carrying SYN and ACK. A listener and the
// connections it accepts never receive one; an outgoing connect cannot
// complete without one. Accepted sockets inherit the filter and the lock.
//
// Since Linux commit 5d39580f68e6 (6.x) a TCP socket filter needs
// CAP_NET_ADMIN in the socket's network namespace, which a rootless user
// lacks in the host's. There is no other unprivileged kernel guard (a
// seccomp check of connect races with the fd table and the sockaddr), so
// on such kernels bypass stays unguarded and `nook run` says so
// (HostSocketGuard).
//
// The filter runs where TCP has pulled the IP header, so offset 13 is the
// TCP header's flags byte, for IPv4 and IPv6 alike.
var synAckDropFilter = []unix.SockFilter{
	{Code: unix.BPF_LD | unix.BPF_B | unix.BPF_ABS, K: 13},
	{Code: unix.BPF_ALU | unix.BPF_AND | unix.BPF_K, K: tcpSYN | tcpACK},
	{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: tcpSYN | tcpACK, Jt: 1, Jf: 0},
	{Code: unix.BPF_RET | unix.BPF_K, K: 0xffffffff}, // keep the segment
	{Code: unix.BPF_RET | unix.BPF_K, K: 0},          // drop it
}

const (
	tcpSYN = 0x02
	tcpACK = 0x10
)

// guardHostSocket attaches synAckDropFilter to fd and locks it, so that
// the container can neither detach nor replace it (SO_LOCK_FILTER). It
// reports false, with no error, where the kernel refuses TCP socket
// filters to this user (EPERM).
func guardHostSocket(fd int) (bool, error) {
	prog := unix.SockFprog{Len: uint16(len(synAckDropFilter)), Filter: &synAckDropFilter[0]}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog); err != nil {
		if errors.Is(err, unix.EPERM) {
			return false, nil
		}
		return false, fmt.Errorf("attach socket filter: %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_LOCK_FILTER, 1); err != nil {
		return false, fmt.Errorf("lock socket filter: %w", err)
	}
	return true, nil
}

// HostSocketGuard reports whether bypassed sockets can be guarded here
// (see guardHostSocket), by guarding a throwaway TCP socket.
func HostSocketGuard() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ok, err := guardHostSocket(fd)
	if err == nil && !ok {
		err = ErrUnguarded
	}
	return err
}

// ErrUnguarded: the kernel does not let this user filter TCP sockets.
var ErrUnguarded = errors.New("this kernel lets only CAP_NET_ADMIN attach a filter to a TCP socket (Linux 6.x, commit 5d39580f68e6)")
