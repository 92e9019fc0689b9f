package slirp

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// PortMapping is one published port: HostIP:HostPort on the host forwards
// to ContainerPort inside the container.
type PortMapping struct {
	// HostIP is the host address to listen on; "" means every address.
	HostIP string `json:"hostIP,omitempty"`
	// HostPort is the host port; 0 means "pick a free port" and is replaced
	// by the chosen port once published.
	HostPort uint16 `json:"hostPort"`
	// ContainerPort is the port inside the container.
	ContainerPort uint16 `json:"containerPort"`
	// Protocol is "tcp" or "udp".
	Protocol string `json:"protocol"`
}

// String renders m in the -p form ("127.0.0.1:4000:80/tcp").
func (m PortMapping) String() string {
	host := strconv.Itoa(int(m.HostPort))
	if m.HostPort == 0 {
		host = ""
	}
	s := host + ":" + strconv.Itoa(int(m.ContainerPort)) + "/" + m.Protocol
	if m.HostIP != "" {
		ip := m.HostIP
		if strings.Contains(ip, ":") {
			ip = "[" + ip + "]"
		}
		s = ip + ":" + s
	}
	return s
}

// ParsePublish parses one -p value: [IP:][HOSTPORT:]CTRPORT[/PROTO], where
// the ports may be ranges (8000-8002:80-82) and an IPv6 address is written
// in brackets ([::1]:8080:80). A missing or empty host port means a random
// free port. Errors are of kind errdefs.ErrInvalidArgument.
func ParsePublish(spec string) ([]PortMapping, error) {
	rest, proto, err := splitProto(spec)
	if err != nil {
		return nil, err
	}
	ip, hostPart, ctrPart, err := splitPublish(spec, rest)
	if err != nil {
		return nil, err
	}
	ctrLo, ctrHi, err := parseRange(spec, "container", ctrPart)
	if err != nil {
		return nil, err
	}
	var hostLo, hostHi uint16
	if hostPart != "" {
		if hostLo, hostHi, err = parseRange(spec, "host", hostPart); err != nil {
			return nil, err
		}
		if hostHi-hostLo != ctrHi-ctrLo {
			return nil, errdefs.Invalid("invalid port spec %q: host port range %s has %d ports but container range %s has %d",
				spec, hostPart, hostHi-hostLo+1, ctrPart, ctrHi-ctrLo+1)
		}
	}
	var out []PortMapping
	for i := 0; i <= int(ctrHi-ctrLo); i++ {
		m := PortMapping{HostIP: ip, ContainerPort: ctrLo + uint16(i), Protocol: proto}
		if hostPart != "" {
			m.HostPort = hostLo + uint16(i)
		}
		out = append(out, m)
	}
	return out, nil
}

// splitProto cuts the optional /tcp or /udp suffix.
func splitProto(spec string) (string, string, error) {
	rest, proto, found := strings.Cut(spec, "/")
	if !found {
		return spec, "tcp", nil
	}
	switch strings.ToLower(proto) {
	case "tcp", "udp":
		return rest, strings.ToLower(proto), nil
	case "":
		return "", "", errdefs.Invalid("invalid port spec %q: empty protocol after \"/\" (use tcp or udp)", spec)
	default:
		return "", "", errdefs.Invalid("invalid port spec %q: unsupported protocol %q (use tcp or udp)", spec, proto)
	}
}

// splitPublish splits "[ip:][host:]ctr" into its parts, validating the IP.
func splitPublish(spec, s string) (ip, host, ctr string, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 || len(s) <= end+1 || s[end+1] != ':' {
			return "", "", "", errdefs.Invalid("invalid port spec %q: expected [IPv6]:HOSTPORT:CTRPORT", spec)
		}
		ip, s = s[1:end], s[end+2:]
		host, ctr, found := strings.Cut(s, ":")
		if !found {
			return "", "", "", errdefs.Invalid("invalid port spec %q: expected [IPv6]:HOSTPORT:CTRPORT", spec)
		}
		if a, perr := netip.ParseAddr(ip); perr != nil || !a.Is6() {
			return "", "", "", errdefs.Invalid("invalid port spec %q: %q is not an IPv6 address", spec, ip)
		}
		return ip, host, ctr, nil
	}
	parts := strings.Split(s, ":")
	switch len(parts) {
	case 1:
		return "", "", parts[0], nil
	case 2:
		if parts[0] == "" {
			return "", "", "", errdefs.Invalid("invalid port spec %q: empty host port before \":\"", spec)
		}
		return "", parts[0], parts[1], nil
	case 3:
		a, perr := netip.ParseAddr(parts[0])
		if perr != nil || !a.Is4() {
			return "", "", "", errdefs.Invalid("invalid port spec %q: %q is not an IPv4 address (write IPv6 as [::1])", spec, parts[0])
		}
		return parts[0], parts[1], parts[2], nil
	default:
		return "", "", "", errdefs.Invalid("invalid port spec %q: too many \":\" (write IPv6 addresses in brackets: [::1]:8080:80)", spec)
	}
}

// parseRange parses "80" or "80-82" as ports 1-65535.
func parseRange(spec, which, s string) (uint16, uint16, error) {
	if s == "" {
		return 0, 0, errdefs.Invalid("invalid port spec %q: missing %s port", spec, which)
	}
	loStr, hiStr, isRange := strings.Cut(s, "-")
	lo, err := parsePort(spec, which, loStr)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	hi, err := parsePort(spec, which, hiStr)
	if err != nil {
		return 0, 0, err
	}
	if hi < lo {
		return 0, 0, errdefs.Invalid("invalid port spec %q: %s port range %s ends before it starts", spec, which, s)
	}
	return lo, hi, nil
}

func parsePort(spec, which, s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, errdefs.Invalid("invalid port spec %q: %s port %q is not a number from 1 to 65535", spec, which, s)
	}
	return uint16(n), nil
}

// FormatPort renders m as `nook port` prints it, Docker-style:
// "80/tcp -> 0.0.0.0:4000".
func FormatPort(m PortMapping) string {
	ip := m.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	return fmt.Sprintf("%d/%s -> %s", m.ContainerPort, m.Protocol, joinHostPort(ip, m.HostPort))
}

func joinHostPort(ip string, port uint16) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + strconv.Itoa(int(port))
	}
	return ip + ":" + strconv.Itoa(int(port))
}
