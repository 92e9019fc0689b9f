package slirp

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// relay keeps a bypassed port reachable from inside the container (health
// checks on localhost, --network container: peers): the server's socket
// now lives in the host's namespace, so a listener of ours takes its place
// at the address it asked for and relays each connection to the host
// socket. Those connections reach the server from the host's loopback.
type relay struct {
	ln     net.Listener
	target string
	once   sync.Once
}

func relayKey(req bindRequest) string {
	return fmt.Sprintf("%d/%s/%d", req.family, req.addr, req.port)
}

// ensureRelay starts the relay for req unless one runs; it returns the
// relay only when this call created it (for dropRelay on failure).
func (s *bindServer) ensureRelay(req bindRequest, v6only bool, m PortMapping) (*relay, error) {
	key := relayKey(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.relays[key]; ok {
		return nil, nil
	}
	var fd int
	err := s.f.ns.Do(func() error {
		var err error
		fd, err = relaySocket(req, v6only)
		return err
	})
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "bypass-relay")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	r := &relay{ln: ln, target: relayTarget(m, v6only)}
	s.relays[key] = r
	go r.serve()
	return r, nil
}

func (s *bindServer) dropRelay(r *relay) {
	if r == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.relays {
		if v == r {
			delete(s.relays, k)
		}
	}
	r.close()
}

// dropRelaysOf closes every relay of container port p.
func (s *bindServer) dropRelaysOf(p uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	suffix := fmt.Sprintf("/%d", p)
	for k, r := range s.relays {
		if strings.HasSuffix(k, suffix) {
			delete(s.relays, k)
			r.close()
		}
	}
}

// relaySocket listens at the address the server asked for; it must run on
// the namespace thread so that the socket belongs to the container.
func relaySocket(req bindRequest, v6only bool) (int, error) {
	fd, err := unix.Socket(req.family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	var sa unix.Sockaddr
	if req.family == unix.AF_INET {
		sa = &unix.SockaddrInet4{Port: int(req.port), Addr: req.addr.As4()}
	} else {
		v := 0
		if v6only {
			v = 1
		}
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v)
		sa = &unix.SockaddrInet6{Port: int(req.port), Addr: req.addr.As16()}
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// relayTarget is where the host socket can be reached from the host.
func relayTarget(m PortMapping, v6only bool) string {
	ip := m.HostIP
	if a, err := netip.ParseAddr(ip); ip == "" || (err == nil && a.IsUnspecified()) {
		ip = "127.0.0.1"
		if v6only {
			ip = "::1"
		}
	}
	return joinHostPort(ip, m.HostPort)
}

// maxRelayConns bounds the connections one relay pipes at a time. Each
// costs the monitor two sockets, two goroutines and their buffers, outside
// the container's cgroup limits, and any process in the container can open
// them (to its own server, which may hold them open): past the bound, new
// connections wait in the relay's listen backlog, which the kernel bounds.
const maxRelayConns = 256

func (r *relay) serve() {
	slots := make(chan struct{}, maxRelayConns)
	for {
		slots <- struct{}{}
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer func() { <-slots }()
			r.pipe(c)
		}()
	}
}

func (r *relay) pipe(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", r.target)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{})
	go func() {
		io.Copy(up, c)
		up.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	io.Copy(c, up)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	<-done
}

func (r *relay) close() { r.once.Do(func() { r.ln.Close() }) }
