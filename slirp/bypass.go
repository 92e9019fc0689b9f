package slirp

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// bindServer answers the seccomp notifications of a container's bind(2)
// calls for port_handler=bypass (see bypassBind). It waits in Go's poller,
// not on a thread of its own, and ends when no process of the container is
// left or when the forwarder is closed.
type bindServer struct {
	notify *os.File // non-blocking; closed by stop or when serve ends
	fd     int      // notify's descriptor, valid inside serve's callback
	f      *Forwarder
	log    io.Writer

	mu     sync.Mutex
	relays map[string]*relay
}

// ServeBindNotify serves notify, the listener of a container's bind
// filter (sandbox.Process.BindNotify), in the background and takes
// ownership of it. f is the container's forwarder; with nil (no published
// port) every bind goes ahead unchanged.
func ServeBindNotify(notify *os.File, f *Forwarder) {
	s := &bindServer{f: f, log: io.Discard, relays: map[string]*relay{}}
	// A fresh non-blocking File is one Go's poller can wait on.
	fd, err := unix.FcntlInt(notify.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	notify.Close()
	if err != nil {
		return // closing the listener makes binds fail: nothing better left
	}
	unix.SetNonblock(fd, true)
	s.notify = os.NewFile(uintptr(fd), "seccomp-notify")
	if f != nil {
		s.log = f.log
		f.mu.Lock()
		if f.closed {
			s.f = nil
		} else {
			f.binds = append(f.binds, s)
		}
		f.mu.Unlock()
	}
	go s.serve()
}

// stop ends serve and closes the in-container relays.
func (s *bindServer) stop() {
	s.notify.Close() // the descriptor lives until serve's callback returns
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, r := range s.relays {
		r.close()
		delete(s.relays, k)
	}
}

func (s *bindServer) serve() {
	defer s.notify.Close()
	rc, err := s.notify.SyscallConn()
	if err != nil {
		return
	}
	for {
		gone := false
		err := rc.Read(func(fd uintptr) bool {
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			if _, err := unix.Poll(pfd, 0); err != nil {
				return false
			}
			switch {
			case pfd[0].Revents&unix.POLLIN != 0:
				s.fd = int(fd)
				var n seccompNotif
				if notifRecv(s.fd, &n) == nil { // else ENOENT: the caller went away
					resp := s.handle(&n)
					_ = notifSend(s.fd, &resp)
				}
				return true
			case pfd[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0:
				gone = true // every process using the filter has exited
				return true
			}
			return false
		})
		if err != nil || gone {
			return
		}
	}
}

// handle decides one bind: bypassed (answered 0) or continued in the
// container's network namespace. Every failure continues, so bypass can
// only fall back to the usual forwarding, never break a bind.
func (s *bindServer) handle(n *seccompNotif) (resp seccompNotifResp) {
	cont := seccompNotifResp{ID: n.ID, Flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE}
	if s.f == nil {
		return cont
	}
	// A bug here must not take the monitor, and so the container, down.
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(s.log, "bypass: %v\n", p)
			resp = cont
		}
	}()
	req, ok := readBindRequest(n, func() bool { return notifValid(s.fd, n.ID) })
	if !ok || !req.bypassable() {
		return cont
	}
	idx, ok := s.f.mappingFor(req.port)
	if !ok {
		return cont
	}
	if err := s.bypassBind(n, req, idx); err != nil {
		fmt.Fprintf(s.log, "bypass: bind to port %d stays in the container: %v\n", req.port, err)
		return cont
	}
	return seccompNotifResp{ID: n.ID}
}
