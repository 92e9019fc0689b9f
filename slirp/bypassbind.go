package slirp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// bindRequest is the address a container asked bind(2) for.
type bindRequest struct {
	family int
	addr   netip.Addr
	port   uint16
	raw    []byte // the sockaddr as the container passed it
}

var containerAddr = netip.MustParseAddr(ContainerIP)

// bypassable: only a wildcard or the container's own address is published
// (a server on the container's loopback stays private, as with Docker).
func (r bindRequest) bypassable() bool {
	return r.port != 0 && (r.addr.IsUnspecified() || r.addr.Unmap() == containerAddr)
}

// readBindRequest copies bind's sockaddr out of the caller's memory. The
// kernel never reads it again for a bypassed bind (the host socket is bound
// with this copy), so a thread changing it afterwards changes nothing.
// As seccomp_unotify(2) advises, the memory is opened first and read only
// once valid says the notification (so the pid) is still the caller's.
func readBindRequest(n *seccompNotif, valid func() bool) (bindRequest, bool) {
	size := n.Args[2]
	if size < unix.SizeofSockaddrInet4 || size > unix.SizeofSockaddrInet6 {
		return bindRequest{}, false
	}
	mem, err := os.Open("/proc/" + strconv.FormatUint(uint64(n.Pid), 10) + "/mem")
	if err != nil {
		return bindRequest{}, false
	}
	defer mem.Close()
	if !valid() {
		return bindRequest{}, false
	}
	buf := make([]byte, size)
	if got, err := mem.ReadAt(buf, int64(n.Args[1])); err != nil || got != int(size) {
		return bindRequest{}, false
	}
	r := bindRequest{family: int(binary.NativeEndian.Uint16(buf)), port: binary.BigEndian.Uint16(buf[2:]), raw: buf}
	switch {
	case r.family == unix.AF_INET:
		r.addr = netip.AddrFrom4([4]byte(buf[4:8]))
	case r.family == unix.AF_INET6 && size >= unix.SizeofSockaddrInet6:
		r.addr = netip.AddrFrom16([16]byte(buf[8:24]))
	default:
		return bindRequest{}, false
	}
	return r, true
}

// bypassBind replaces the container's socket (fd Args[0] of the caller)
// by a socket of the host's network namespace bound to the published host
// address, with the same options, and stops the forwarder's listener there.
func (s *bindServer) bypassBind(n *seccompNotif, req bindRequest, idx int) error {
	tgid, err := threadGroup(int(n.Pid))
	if err != nil {
		return err
	}
	pidfd, err := unix.PidfdOpen(tgid, 0)
	if err != nil {
		return fmt.Errorf("pidfd_open %d: %w", tgid, err)
	}
	defer unix.Close(pidfd)
	// The pid is the caller's only while it still waits in this bind
	// (seccomp_unotify(2)): check before taking anything through it.
	if !notifValid(s.fd, n.ID) {
		return errors.New("the caller left bind")
	}
	target := int(n.Args[0])
	cfd, err := unix.PidfdGetfd(pidfd, target, 0)
	if err != nil {
		return fmt.Errorf("pidfd_getfd %d: %w", target, err)
	}
	defer unix.Close(cfd)
	if typ, err := unix.GetsockoptInt(cfd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil || typ != unix.SOCK_STREAM {
		return errors.New("not a TCP socket")
	}
	if dom, err := unix.GetsockoptInt(cfd, unix.SOL_SOCKET, unix.SO_DOMAIN); err != nil || dom != req.family {
		return errors.New("address family differs from the socket's")
	}
	cloexec := fdCloexec(tgid, target)
	// The pid and fd number are only trustworthy while the caller still
	// waits in this very bind.
	if !notifValid(s.fd, n.ID) {
		return errors.New("the caller left bind")
	}
	m := s.f.mapping(idx)
	sa, v6only, err := hostSockaddr(cfd, req.family, m)
	if err != nil {
		return err
	}
	hfd, err := unix.Socket(req.family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(hfd)
	// Unguarded where the kernel refuses (the user was told at create).
	if _, err := guardHostSocket(hfd); err != nil {
		return err
	}
	copySocketOptions(cfd, hfd, req.family)
	relay, err := s.ensureRelay(req, v6only, m)
	if err != nil {
		fmt.Fprintf(s.log, "bypass: no in-container listener on port %d: %v\n", req.port, err)
	}
	s.f.suspend(idx)
	if err = unix.Bind(hfd, sa); err == nil {
		err = notifSetFD(s.fd, n.ID, hfd, target, cloexec)
	}
	if err != nil {
		s.dropRelay(relay)
		if s.f.resume(idx) {
			// The forwarder serves the port again: a relay left by an
			// earlier bypass would loop through it (relay -> forwarder
			// -> relay) and hold the address the bind now needs.
			s.dropRelaysOf(req.port)
		}
		return fmt.Errorf("bind host %s: %w", joinHostPort(m.HostIP, m.HostPort), err)
	}
	return nil
}

// hostSockaddr is the published host address in the container socket's
// family (an IPv4 host address becomes v4-mapped for an IPv6 socket).
func hostSockaddr(cfd, family int, m PortMapping) (unix.Sockaddr, bool, error) {
	var ip netip.Addr
	if m.HostIP != "" {
		var err error
		if ip, err = netip.ParseAddr(m.HostIP); err != nil {
			return nil, false, err
		}
	}
	port := int(m.HostPort)
	if family == unix.AF_INET {
		if ip.IsValid() && !ip.Is4() {
			return nil, false, errors.New("IPv4 socket for an IPv6 host address")
		}
		sa := &unix.SockaddrInet4{Port: port}
		if ip.IsValid() {
			sa.Addr = ip.As4()
		}
		return sa, false, nil
	}
	v6only, _ := unix.GetsockoptInt(cfd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY)
	if ip.Is4() && v6only != 0 {
		return nil, false, errors.New("IPv6-only socket for an IPv4 host address")
	}
	sa := &unix.SockaddrInet6{Port: port}
	if ip.IsValid() {
		sa.Addr = ip.As16()
	}
	return sa, v6only != 0, nil
}

// copySocketOptions gives the host socket what the server may have set
// before bind; options set after bind land on the host socket anyway.
func copySocketOptions(from, to, family int) {
	type opt struct{ level, name int }
	opts := []opt{
		{unix.SOL_SOCKET, unix.SO_REUSEADDR}, {unix.SOL_SOCKET, unix.SO_REUSEPORT},
		{unix.SOL_SOCKET, unix.SO_KEEPALIVE}, {unix.IPPROTO_TCP, unix.TCP_NODELAY},
		{unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT}, {unix.IPPROTO_TCP, unix.TCP_FASTOPEN},
		{unix.IPPROTO_TCP, unix.TCP_KEEPIDLE}, {unix.IPPROTO_TCP, unix.TCP_KEEPINTVL},
		{unix.IPPROTO_TCP, unix.TCP_KEEPCNT}, {unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT},
	}
	if family == unix.AF_INET6 {
		opts = append(opts, opt{unix.IPPROTO_IPV6, unix.IPV6_V6ONLY})
	}
	for _, o := range opts {
		if v, err := unix.GetsockoptInt(from, o.level, o.name); err == nil {
			_ = unix.SetsockoptInt(to, o.level, o.name, v)
		}
	}
	// O_NONBLOCK belongs to the open file, which the host socket replaces.
	if fl, err := unix.FcntlInt(uintptr(from), unix.F_GETFL, 0); err == nil {
		_, _ = unix.FcntlInt(uintptr(to), unix.F_SETFL, fl&unix.O_NONBLOCK)
	}
}

// threadGroup maps the notifying thread to its process (pidfd_open wants
// a process).
func threadGroup(tid int) (int, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Tgid:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, errors.New("no Tgid in /proc/" + strconv.Itoa(tid) + "/status")
}

// fdCloexec reports the caller's FD_CLOEXEC on fd (per descriptor, so
// pidfd_getfd cannot tell it).
func fdCloexec(pid, fd int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%d", pid, fd))
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "flags:"); ok {
			fl, err := strconv.ParseUint(strings.TrimSpace(v), 8, 64)
			return err == nil && fl&unix.O_CLOEXEC != 0
		}
	}
	return false
}
