package slirp

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Addresses the container sees on the default network (both drivers).
const (
	ContainerIP = "10.0.2.100"
	GatewayIP   = "10.0.2.2"
	DNSIP       = "10.0.2.3"
	// PrefixLen is the length of the container network's prefix (/24).
	PrefixLen = 24
	// DefaultMTU is the MTU of tap0.
	DefaultMTU = 65520
	// noNetworkHostIP is the hostname's address without a network
	// (--network none), as Debian's installer writes it.
	noNetworkHostIP = "127.0.1.1"
)

// ResolvConfOptions are the inputs for a container's /etc/resolv.conf.
type ResolvConfOptions struct {
	// Nameservers from --dns; empty means DNSIP (the helper's forwarder).
	Nameservers []string
	// Search domains from --dns-search; "." alone means "no search line".
	Search []string
	// Options from --dns-option (ndots:2 ...).
	Options []string
}

// ResolvConf renders /etc/resolv.conf. It rejects nameservers that are not
// IP addresses.
func ResolvConf(o ResolvConfOptions) ([]byte, error) {
	var b bytes.Buffer
	servers := o.Nameservers
	if len(servers) == 0 {
		servers = []string{DNSIP}
	}
	for _, s := range servers {
		if _, err := netip.ParseAddr(s); err != nil {
			return nil, errdefs.Invalid("invalid --dns %q: not an IP address", s)
		}
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	if len(o.Search) > 0 && !(len(o.Search) == 1 && o.Search[0] == ".") {
		fmt.Fprintf(&b, "search %s\n", strings.Join(o.Search, " "))
	}
	if len(o.Options) > 0 {
		fmt.Fprintf(&b, "options %s\n", strings.Join(o.Options, " "))
	}
	return b.Bytes(), nil
}

// HostsOptions are the inputs for a container's /etc/hosts.
type HostsOptions struct {
	// Hostname is the container's hostname (--hostname or the short ID).
	Hostname string
	// Address is the container's own address for Hostname; "" means
	// 127.0.1.1 (no network). Use ContainerIP for slirp4netns and pasta.
	Address string
	// ExtraHosts are --add-host values ("name:ip", "name=ip"); the address
	// "host-gateway" stands for GatewayIP.
	ExtraHosts []string
}

// HostEntry is one parsed --add-host value.
type HostEntry struct {
	Name string
	IP   string
}

// ParseAddHost parses an --add-host value: "name:ip" or "name=ip"; IPv6
// addresses may follow the first ":" unbracketed ("db:::1") or in brackets.
func ParseAddHost(s string) (HostEntry, error) {
	name, ip, found := strings.Cut(s, "=")
	if !found {
		name, ip, found = strings.Cut(s, ":")
	}
	if !found || name == "" || ip == "" {
		return HostEntry{}, errdefs.Invalid("invalid --add-host %q: expected NAME:IP", s)
	}
	if strings.ContainsAny(name, " \t#") {
		return HostEntry{}, errdefs.Invalid("invalid --add-host %q: bad host name %q", s, name)
	}
	ip = strings.TrimSuffix(strings.TrimPrefix(ip, "["), "]")
	if ip == "host-gateway" {
		ip = GatewayIP
	}
	if _, err := netip.ParseAddr(ip); err != nil {
		return HostEntry{}, errdefs.Invalid("invalid --add-host %q: %q is not an IP address", s, ip)
	}
	return HostEntry{Name: name, IP: ip}, nil
}

// Hosts renders /etc/hosts in Docker's layout: localhost lines, the
// --add-host entries, then the container's own name.
func Hosts(o HostsOptions) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("127.0.0.1\tlocalhost\n" +
		"::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\n" +
		"ff00::0\tip6-mcastprefix\n" +
		"ff02::1\tip6-allnodes\n" +
		"ff02::2\tip6-allrouters\n")
	for _, h := range o.ExtraHosts {
		e, err := ParseAddHost(h)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s\t%s\n", e.IP, e.Name)
	}
	if o.Hostname != "" {
		addr := o.Address
		if addr == "" {
			addr = noNetworkHostIP
		}
		fmt.Fprintf(&b, "%s\t%s\n", addr, o.Hostname)
	}
	return b.Bytes(), nil
}
