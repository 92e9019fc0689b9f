package format

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Port is one port of a container as ps and port show it: a published
// binding (HostIP set) or an exposed-only port (HostIP ""). As in Docker,
// the address decides: a HostPort without HostIP counts as exposed-only.
// A binding to all addresses is two entries, "0.0.0.0" and "::".
type Port struct {
	HostIP        string // "0.0.0.0", "::", "127.0.0.1"; "" for exposed-only
	HostPort      uint16 // ignored for exposed-only
	ContainerPort uint16
	Proto         string // "tcp", "udp" or "sctp"
}

func (p Port) published() bool { return p.HostIP != "" }

// hostIP is the address as netip prints it ("::", not "0:0::0").
func (p Port) hostIP() string {
	if a, err := netip.ParseAddr(p.HostIP); err == nil {
		return a.String()
	}
	return p.HostIP
}

// comparePorts orders by container port, host IP (none < IPv4 < IPv6,
// then by address), host port and protocol, as docker/cli.
func comparePorts(a, b Port) int {
	return cmp.Or(
		cmp.Compare(a.ContainerPort, b.ContainerPort),
		compareIP(a, b),
		cmp.Compare(a.HostPort, b.HostPort),
		cmp.Compare(a.Proto, b.Proto),
	)
}

func compareIP(a, b Port) int {
	var x, y netip.Addr
	if a.published() {
		x, _ = netip.ParseAddr(a.hostIP())
	}
	if b.published() {
		y, _ = netip.ParseAddr(b.hostIP())
	}
	return x.Compare(y)
}

// Ports returns the PORTS column of docker ps (docker/cli
// DisplayablePorts), e.g. "0.0.0.0:4000->80/tcp, [::]:4000->80/tcp".
// Exposed-only ports merge into ranges ("3300-3310/tcp"); published ports
// whose host port equals the container port merge per address and
// protocol ("0.0.0.0:8000-8002->8000-8002/tcp"); other bindings come last,
// one by one. The input is not modified.
func Ports(ports []Port) string {
	type group struct{ first, last uint16 }
	sorted := slices.Clone(ports)
	slices.SortStableFunc(sorted, comparePorts)
	groups := map[string]*group{}
	var keys, result, mappings []string
	for _, p := range sorted {
		cur := p.ContainerPort
		key := p.Proto
		if p.published() {
			if p.HostPort != cur {
				host := net.JoinHostPort(p.hostIP(), strconv.Itoa(int(p.HostPort)))
				mappings = append(mappings, fmt.Sprintf("%s->%d/%s", host, cur, p.Proto))
				continue
			}
			key = p.hostIP() + "/" + p.Proto
		}
		g := groups[key]
		if g == nil {
			groups[key] = &group{first: cur, last: cur}
			keys = append(keys, key)
			continue
		}
		if cur == g.last+1 {
			g.last = cur
			continue
		}
		result = append(result, formGroup(key, g.first, g.last))
		groups[key] = &group{first: cur, last: cur}
	}
	for _, key := range keys {
		g := groups[key]
		result = append(result, formGroup(key, g.first, g.last))
	}
	return strings.Join(append(result, mappings...), ", ")
}

// formGroup prints a merged group; key is "proto" or "ip/proto".
func formGroup(key string, first, last uint16) string {
	ip, proto, published := strings.Cut(key, "/")
	if !published {
		proto, ip = ip, ""
	}
	s := strconv.Itoa(int(first))
	if first != last {
		s = fmt.Sprintf("%s-%d", s, last)
	}
	if ip != "" {
		s = fmt.Sprintf("%s->%s", net.JoinHostPort(ip, s), s)
	}
	return s + "/" + proto
}

// PortLines returns the lines of `docker port CONTAINER`, in natural sort
// order: "80/tcp -> 0.0.0.0:4000", "80/tcp -> [::]:4000". Exposed-only
// ports print nothing.
func PortLines(ports []Port) []string {
	var out []string
	for _, p := range ports {
		if p.published() {
			out = append(out, fmt.Sprintf("%d/%s -> %s", p.ContainerPort, p.Proto, hostAddr(p)))
		}
	}
	slices.SortFunc(out, NaturalCompare)
	return out
}

// PortLinesFor returns the lines of `docker port CONTAINER PRIVATE[/PROTO]`
// ("0.0.0.0:4000", "[::]:4000"), naturally sorted. The protocol defaults
// to tcp. An empty result means nothing is published for that port; the
// caller reports it with the port as typed ("no public port '81'
// published for web"). An unparsable spec is an error.
func PortLinesFor(ports []Port, spec string) ([]string, error) {
	num, proto, ok := strings.Cut(spec, "/")
	if !ok || proto == "" {
		proto = "tcp"
	}
	n, err := strconv.ParseUint(num, 10, 16)
	if err != nil || n == 0 {
		return nil, fmt.Errorf("invalid port %q: port must be a number between 1 and 65535", spec)
	}
	proto = strings.ToLower(proto)
	var out []string
	for _, p := range ports {
		if p.published() && p.ContainerPort == uint16(n) && p.Proto == proto {
			out = append(out, hostAddr(p))
		}
	}
	slices.SortFunc(out, NaturalCompare)
	return out, nil
}

func hostAddr(p Port) string {
	return net.JoinHostPort(p.hostIP(), strconv.Itoa(int(p.HostPort)))
}
