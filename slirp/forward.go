package slirp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/rootless-containers/rootlesskit/v3/pkg/port"
	"github.com/rootless-containers/rootlesskit/v3/pkg/port/builtin/parent"
)

// PublishOptions configure Publish.
type PublishOptions struct {
	// StateDir is a private (0700) per-container directory where the port
	// driver keeps its socket and FIFO (.bp.sock, .bp-ready.pipe).
	StateDir string
	// Log receives the port driver's diagnostics; nil discards them.
	Log io.Writer
}

// Forwarder forwards published host ports into one container's network
// namespace. It lives in the calling process (the monitor).
type Forwarder struct {
	parent port.ParentDriver
	child  *portChild
	ns     *netnsThread
	quit   chan struct{}
	ports  []PortMapping
	ids    []int
	state  string
	// ownState: state is a temporary directory of ours, removed on Close.
	ownState bool
	log      io.Writer
	// mu guards ids (-1: suspended for a bypassed bind), closed and binds
	// (bypass.go) against the bind servers' goroutines.
	mu     sync.Mutex
	closed bool
	binds  []*bindServer
}

// maxSocketPath is what fits in sockaddr_un.sun_path (108 bytes with the
// terminating NUL).
const maxSocketPath = 107

// stateDir returns where the port driver keeps its socket: dir, or a
// private temporary directory when dir is so long (a long runtime dir plus
// a 64-hex container ID) that the socket's path would not fit.
func stateDir(dir string) (string, bool, error) {
	if dir != "" && len(filepath.Join(dir, ".bp-ready.pipe")) <= maxSocketPath {
		return dir, false, nil
	}
	tmp, err := os.MkdirTemp("", "nook-port-")
	if err != nil {
		return "", false, fmt.Errorf("port driver: create a short state directory: %w", err)
	}
	return tmp, true, nil
}

// Publish starts forwarding ports (from ParsePublish) to the network
// namespace of pid. Host ports of 0 are replaced by free ports; Ports
// reports the result. On error nothing is left listening.
func Publish(ctx context.Context, pid int, ports []PortMapping, opts PublishOptions) (*Forwarder, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	ns, err := newNetnsThread(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return nil, err
	}
	state, own, err := stateDir(opts.StateDir)
	if err != nil {
		ns.Close()
		return nil, err
	}
	f := &Forwarder{ns: ns, quit: make(chan struct{}), state: state, ownState: own, log: log}
	if err := f.start(ctx, log); err != nil {
		f.Close()
		return nil, err
	}
	for _, m := range ports {
		if err := f.add(ctx, m); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// start runs both halves of rootlesskit's builtin driver and waits for
// their handshake.
func (f *Forwarder) start(ctx context.Context, log io.Writer) error {
	// parent.NewDriver is what rootlesskit's builtin.NewParentDriver is;
	// importing builtin would link its child half too, which we replace.
	pd, err := parent.NewDriver(log, f.state, false, "")
	if err != nil {
		return fmt.Errorf("port driver: %w", err)
	}
	f.parent = pd
	if f.child, err = startPortChild(pd.OpaqueForChild(), f.ns, log); err != nil {
		return err
	}
	initDone := make(chan struct{}, 1)
	errc := make(chan error, 1)
	go func() { errc <- pd.RunParentDriver(initDone, f.quit, nil) }()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	select {
	case <-initDone:
		return nil
	case err := <-errc:
		return fmt.Errorf("port driver: %w", err)
	case <-ctx.Done():
		return fmt.Errorf("port driver handshake: %w", ctx.Err())
	}
}

// add publishes one mapping, choosing a free host port when it is 0.
func (f *Forwarder) add(ctx context.Context, m PortMapping) error {
	random := m.HostPort == 0
	for attempt := 0; ; attempt++ {
		if random {
			p, err := freePort(m)
			if err != nil {
				return err
			}
			m.HostPort = p
		}
		st, err := f.parent.AddPort(ctx, port.Spec{
			Proto: m.Protocol, ParentIP: m.HostIP, ParentPort: int(m.HostPort),
			ChildIP: ContainerIP, ChildPort: int(m.ContainerPort),
		})
		if err == nil {
			f.ports = append(f.ports, m)
			f.ids = append(f.ids, st.ID)
			return nil
		}
		// A random port can be taken between freePort and AddPort.
		if !random || attempt == 4 || !errors.Is(err, syscall.EADDRINUSE) {
			return bindError(m, err)
		}
	}
}

// Ports returns the published mappings with the host ports actually used.
func (f *Forwarder) Ports() []PortMapping { return append([]PortMapping(nil), f.ports...) }

// Close stops every listener and forwarding goroutine. Established
// connections are closed too.
func (f *Forwarder) Close() error {
	f.mu.Lock()
	f.closed = true
	binds := f.binds
	f.binds = nil
	if f.parent != nil {
		for _, id := range f.ids {
			if id >= 0 {
				_ = f.parent.RemovePort(context.Background(), id)
			}
		}
		f.ids = nil
	}
	f.mu.Unlock()
	for _, b := range binds {
		b.stop()
	}
	select {
	case <-f.quit:
	default:
		close(f.quit)
	}
	if f.child != nil {
		f.child.close()
	}
	f.ns.Close()
	if f.ownState {
		os.RemoveAll(f.state)
	} else if f.state != "" {
		os.Remove(filepath.Join(f.state, ".bp.sock"))
		os.Remove(filepath.Join(f.state, ".bp-ready.pipe"))
	}
	return nil
}

// freePort asks the kernel for a free port on the mapping's address.
func freePort(m PortMapping) (uint16, error) {
	addr := joinHostPort(m.HostIP, 0)
	if m.Protocol == "udp" {
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			return 0, bindError(m, err)
		}
		defer c.Close()
		return uint16(c.LocalAddr().(*net.UDPAddr).Port), nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return 0, bindError(m, err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port), nil
}

// bindError turns a failed listen on a host port into an error a user can act on.
func bindError(m PortMapping, err error) error {
	where := joinHostPort(m.HostIP, m.HostPort)
	if m.HostIP == "" {
		where = strconv.Itoa(int(m.HostPort))
	}
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return errdefs.WithHint(errdefs.Conflict("publish %s: host port %s/%s is already in use", m, where, m.Protocol),
			"choose another host port, or stop what is listening on it")
	case errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM):
		start := unprivilegedPortStart()
		if start > 0 && int(m.HostPort) < start {
			return errdefs.WithHint(errdefs.Invalid("publish %s: host port %d is below net.ipv4.ip_unprivileged_port_start (%d), so an unprivileged user cannot bind it", m, m.HostPort, start),
				fmt.Sprintf("use a host port >= %d, or as root run: sysctl -w net.ipv4.ip_unprivileged_port_start=%d", start, m.HostPort))
		}
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return errdefs.Invalid("publish %s: host address %s is not an address of this host", m, m.HostIP)
	}
	return fmt.Errorf("publish %s: %w", m, err)
}

func unprivilegedPortStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}
