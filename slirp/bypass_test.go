package slirp

import (
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

func TestBindRequestBypassable(t *testing.T) {
	for addr, want := range map[string]bool{
		"0.0.0.0": true, "::": true, "10.0.2.100": true, "::ffff:10.0.2.100": true,
		"127.0.0.1": false, "::1": false, "10.0.2.15": false,
	} {
		r := bindRequest{addr: netip.MustParseAddr(addr), port: 80}
		if got := r.bypassable(); got != want {
			t.Errorf("bind to %s: bypassable %v, want %v", addr, got, want)
		}
	}
	if (bindRequest{addr: netip.IPv4Unspecified()}).bypassable() {
		t.Error("port 0 (any free port) cannot be a published port")
	}
}

func TestMappingFor(t *testing.T) {
	f := &Forwarder{ports: []PortMapping{
		{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
		{HostPort: 5353, ContainerPort: 53, Protocol: "udp"},
		{HostPort: 9000, ContainerPort: 90, Protocol: "tcp"},
		{HostPort: 9001, ContainerPort: 90, Protocol: "tcp"},
	}}
	if i, ok := f.mappingFor(80); !ok || i != 0 {
		t.Errorf("port 80: %d %v, want mapping 0", i, ok)
	}
	if _, ok := f.mappingFor(53); ok {
		t.Error("UDP mappings are never bypassed")
	}
	if _, ok := f.mappingFor(90); ok {
		t.Error("one socket cannot serve two host ports: port 90 must stay forwarded")
	}
	f.closed = true
	if _, ok := f.mappingFor(80); ok {
		t.Error("a closed forwarder bypasses nothing")
	}
}

func TestHostSockaddr(t *testing.T) {
	v6, err := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Skip("no IPv6 sockets here:", err)
	}
	defer unix.Close(v6)
	sa, _, err := hostSockaddr(v6, unix.AF_INET6, PortMapping{HostIP: "127.0.0.1", HostPort: 4000})
	if s, ok := sa.(*unix.SockaddrInet6); err != nil || !ok || s.Port != 4000 || netip.AddrFrom16(s.Addr) != netip.MustParseAddr("::ffff:127.0.0.1") {
		t.Errorf("IPv6 socket, host 127.0.0.1: %#v %v, want [::ffff:127.0.0.1]:4000", sa, err)
	}
	unix.SetsockoptInt(v6, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1)
	if _, _, err := hostSockaddr(v6, unix.AF_INET6, PortMapping{HostIP: "127.0.0.1", HostPort: 4000}); err == nil {
		t.Error("an IPv6-only socket cannot take an IPv4 host address")
	}
	sa, _, err = hostSockaddr(-1, unix.AF_INET, PortMapping{HostPort: 4001})
	if s, ok := sa.(*unix.SockaddrInet4); err != nil || !ok || s.Port != 4001 || s.Addr != [4]byte{} {
		t.Errorf("IPv4 socket, every address: %#v %v", sa, err)
	}
	if _, _, err := hostSockaddr(-1, unix.AF_INET, PortMapping{HostIP: "::1", HostPort: 1}); err == nil {
		t.Error("an IPv4 socket cannot take an IPv6 host address")
	}
}

func TestRelayTarget(t *testing.T) {
	for _, c := range []struct {
		m      PortMapping
		v6only bool
		want   string
	}{
		{PortMapping{HostPort: 80}, false, "127.0.0.1:80"},
		{PortMapping{HostIP: "0.0.0.0", HostPort: 80}, false, "127.0.0.1:80"},
		{PortMapping{HostPort: 80}, true, "[::1]:80"},
		{PortMapping{HostIP: "192.0.2.1", HostPort: 81}, false, "192.0.2.1:81"},
		{PortMapping{HostIP: "::1", HostPort: 82}, true, "[::1]:82"},
	} {
		if got := relayTarget(c.m, c.v6only); got != c.want {
			t.Errorf("relayTarget(%v, v6only=%v) = %s, want %s", c.m, c.v6only, got, c.want)
		}
	}
}
