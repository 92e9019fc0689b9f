package slirp

import (
	"net"
	"strings"
	"sync/atomic"

	"github.com/rootless-containers/rootlesskit/v3/pkg/port/builtin/msg"
	"golang.org/x/sys/unix"
)

// sockPool holds TCP sockets created ahead of time on the namespace thread.
// A socket belongs to the network namespace it was created in, whichever
// thread later binds and connects it, so a connection from a loopback
// client (the common case on a developer's machine) needs no trip to the
// namespace thread and none of the Go dialer's poller setup: socket
// creation is batched off the critical path.
type sockPool struct {
	ns      *netnsThread
	fds     chan int
	filling atomic.Bool
	closed  atomic.Bool
}

func newSockPool(ns *netnsThread) *sockPool {
	p := &sockPool{ns: ns, fds: make(chan int, 16)}
	p.refill()
	return p
}

func (p *sockPool) take() (int, bool) {
	defer p.refill()
	select {
	case fd := <-p.fds:
		return fd, true
	default:
		return -1, false
	}
}

// refill tops the pool up on the namespace thread, in the background.
func (p *sockPool) refill() {
	if p.closed.Load() || len(p.fds) > cap(p.fds)/2 || !p.filling.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer p.filling.Store(false)
		_ = p.ns.Do(func() error {
			for len(p.fds) < cap(p.fds) {
				fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return err
				}
				if p.closed.Load() {
					unix.Close(fd)
					return nil
				}
				select {
				case p.fds <- fd:
				default:
					unix.Close(fd)
					return nil
				}
			}
			return nil
		})
	}()
}

func (p *sockPool) close() {
	p.closed.Store(true)
	for {
		select {
		case fd := <-p.fds:
			unix.Close(fd)
		default:
			return
		}
	}
}

// dialLoopback connects a pooled socket to the container's IPv4 address
// from a loopback client's own address and port (as dialTCP would). ok is
// false when the request is not of that kind or the pool is empty: the
// caller then takes the namespace-thread path.
func (p *sockPool) dialLoopback(req msg.Request) (fd int, ok bool, err error) {
	src, tgt := net.ParseIP(req.SourceIP).To4(), net.ParseIP(req.IP).To4()
	if req.IP == "" {
		tgt = net.ParseIP(ContainerIP).To4()
	}
	if !strings.HasPrefix(req.Proto, "tcp") || src == nil || !src.IsLoopback() || tgt == nil || req.SourcePort == 0 {
		return -1, false, nil
	}
	if fd, ok = p.take(); !ok {
		return -1, false, nil
	}
	tuneForwardSocket(fd)
	from := &unix.SockaddrInet4{Port: req.SourcePort, Addr: [4]byte(src)}
	if unix.Bind(fd, from) != nil {
		from.Port = 0
		if unix.Bind(fd, from) != nil {
			unix.Close(fd)
			return -1, false, nil
		}
	}
	// A blocking connect to a local address completes at once (or is
	// refused); SO_SNDTIMEO bounds it when the server's backlog is full.
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &unix.Timeval{Sec: 5})
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: req.Port, Addr: [4]byte(tgt)})
	if err == unix.EINTR {
		err = waitConnected(fd)
	}
	if err != nil {
		unix.Close(fd)
		return -1, true, err
	}
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &unix.Timeval{})
	return fd, true, nil
}

// waitConnected finishes a connect interrupted by a signal (connect(2) is
// never restarted once a socket timeout is set).
func waitConnected(fd int) error {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		n, err := unix.Poll(pfd, 5000)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return unix.ETIMEDOUT
		}
		break
	}
	e, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if e != 0 {
		return unix.Errno(e)
	}
	return nil
}
