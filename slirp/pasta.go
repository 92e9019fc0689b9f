package slirp

import (
	"context"
	"fmt"
	"net"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"time"
)

// Pasta is the NetworkDriver for pasta (Debian's passt package). It gives
// the container the same addresses as slirp4netns: 10.0.2.100/24 on tap0,
// gateway 10.0.2.2 and a DNS forwarder on 10.0.2.3. Ports are published by
// Publish, not by pasta, so pasta's own forwarding is turned off.
type Pasta struct{}

// Name implements NetworkDriver.
func (Pasta) Name() string { return "pasta" }

// pastaArgs builds pasta's command line. -f keeps pasta our child so it dies
// with us; readiness is observed in the namespace instead (waitTap).
func pastaArgs(opts Options, runAsRoot bool) []string {
	args := []string{
		"--config-net", "--foreground", "--quiet",
		"--ns-ifname", "tap0",
		"--address", ContainerIP, "--netmask", strconv.Itoa(PrefixLen),
		"--gateway", GatewayIP, "--dns-forward", DNSIP,
		"--mtu", strconv.Itoa(opts.mtu()),
		"--tcp-ports", "none", "--udp-ports", "none",
		"--tcp-ns", "none", "--udp-ns", "none",
	}
	if !opts.AllowHostLoopback {
		// The gateway would otherwise reach the host's loopback.
		args = append(args, "--no-map-gw")
	}
	if runAsRoot {
		args = append(args, "--runas", "0:0")
	}
	// pasta drops capabilities before opening the namespace, and the ptrace
	// access check on /proc/PID/ns/net then fails against a target with
	// more capabilities (uid 0 in the same user namespace): EACCES. An
	// inherited descriptor (fd 3, see Attach) needs no such check.
	return append(args, "--netns", "/proc/self/fd/3")
}

// Attach implements NetworkDriver.
func (d Pasta) Attach(ctx context.Context, pid int, opts Options) (*Attachment, error) {
	path, err := lookHelper("pasta", "passt")
	if err != nil {
		return nil, err
	}
	if err := checkTun(); err != nil {
		return nil, err
	}
	nsPath := fmt.Sprintf("/proc/%d/ns/net", pid)
	nsFile, err := os.Open(nsPath)
	if err != nil {
		return nil, fmt.Errorf("open network namespace %q: %w", nsPath, err)
	}
	defer nsFile.Close()
	ns, err := newNetnsThread(nsPath)
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	cmd := osexec.Command(path, pastaArgs(opts, !nobodyMapped())...)
	cmd.ExtraFiles = []*os.File{nsFile}
	a, errBuf, err := newAttachment(cmd, d.Name(), opts.Log)
	if err != nil {
		return nil, err
	}
	a.Interface, a.Address, a.Gateway, a.DNS, a.MTU = "tap0", ContainerIP+"/24", GatewayIP, DNSIP, opts.mtu()
	if err := waitTap(ctx, a, errBuf, ns); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// waitTap polls the namespace until tap0 carries ContainerIP and the
// default route.
func waitTap(ctx context.Context, a *Attachment, errBuf *headBuffer, ns *netnsThread) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for delay := time.Millisecond; ; delay = min(2*delay, 20*time.Millisecond) {
		var ready bool
		if err := ns.Do(func() error { ready = tapHasAddress("tap0", ContainerIP) && hasDefaultRoute("tap0"); return nil }); err != nil {
			return err
		}
		if ready {
			return nil
		}
		select {
		case <-a.done:
			return a.exited(errBuf)
		case <-ctx.Done():
			return fmt.Errorf("wait for pasta to configure tap0: %w", ctx.Err())
		case <-time.After(delay):
		}
	}
}

func tapHasAddress(name, ip string) bool {
	ifc, err := net.InterfaceByName(name)
	if err != nil || ifc.Flags&net.FlagUp == 0 {
		return false
	}
	addrs, err := ifc.Addrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.String() == ip {
			return true
		}
	}
	return false
}

// nobodyMapped reports whether uid 65534 exists in our user namespace.
// pasta started as root drops to "nobody"; with a single-uid mapping (tests,
// minimal setups) that uid does not exist and pasta must stay uid 0, which
// is the invoking user anyway.
func nobodyMapped() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		start, err1 := strconv.ParseUint(f[0], 10, 32)
		n, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 == nil && err2 == nil && start <= 65534 && 65534 < start+n {
			return true
		}
	}
	return false
}

// hasDefaultRoute reads the calling thread's routing table.
func hasDefaultRoute(ifname string) bool {
	b, err := os.ReadFile("/proc/thread-self/net/route")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && f[0] == ifname && f[1] == "00000000" {
			return true
		}
	}
	return false
}
