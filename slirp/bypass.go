package slirp

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// bindServer answers the seccomp notifications of a container's bind(2)
// calls for port_handler=bypass (see bypassBind). One goroutine per
// container; it ends when no process of the container is left or when the
// forwarder is closed.
type bindServer struct {
	notify *os.File
	f      *Forwarder
	log    io.Writer
	stopR  *os.File
	stopW  *os.File
	once   sync.Once

	mu     sync.Mutex
	relays map[string]*relay
}

// ServeBindNotify serves notify, the listener of a container's bind
// filter (sandbox.Process.BindNotify), in the background and takes
// ownership of it. f is the container's forwarder; with nil (no published
// port) every bind goes ahead unchanged.
func ServeBindNotify(notify *os.File, f *Forwarder) {
	s := &bindServer{notify: notify, f: f, log: io.Discard, relays: map[string]*relay{}}
	var err error
	if s.stopR, s.stopW, err = os.Pipe(); err != nil {
		// Without a stop pipe, serve until the container is gone.
		s.stopR, s.stopW = nil, nil
	}
	if f != nil {
		s.log = f.log
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			s.f = nil
		} else {
			f.binds = append(f.binds, s)
			f.mu.Unlock()
		}
	}
	go s.serve()
}

// stop ends serve and closes the in-container relays.
func (s *bindServer) stop() {
	s.once.Do(func() {
		if s.stopW != nil {
			s.stopW.Close()
		}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, r := range s.relays {
		r.close()
		delete(s.relays, k)
	}
}

func (s *bindServer) serve() {
	defer s.notify.Close()
	if s.stopR != nil {
		defer s.stopR.Close()
	}
	fd := int(s.notify.Fd())
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: -1}}
	if s.stopR != nil {
		pfd[1] = unix.PollFd{Fd: int32(s.stopR.Fd()), Events: unix.POLLIN}
	}
	var n seccompNotif
	for {
		pfd[0].Revents, pfd[1].Revents = 0, 0
		if _, err := unix.Poll(pfd, -1); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			fmt.Fprintf(s.log, "bypass: poll: %v\n", err)
			return
		}
		if pfd[1].Revents != 0 {
			return
		}
		if pfd[0].Revents&unix.POLLIN == 0 {
			return // POLLHUP: every process using the filter has exited
		}
		if err := notifRecv(fd, &n); err != nil {
			continue // ENOENT: the caller went away meanwhile
		}
		resp := s.handle(&n)
		_ = notifSend(fd, &resp)
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
	req, ok := readBindRequest(n)
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
