package nettest

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/slirp"
)

func checkPublishErrors(t *testing.T, env *Env) {
	ctx := context.Background()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	m := slirp.PortMapping{HostIP: "127.0.0.1", HostPort: uint16(busyPort), ContainerPort: 80, Protocol: "tcp"}
	_, err = slirp.Publish(ctx, env.Container.Pid(), []slirp.PortMapping{m}, slirp.PublishOptions{StateDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), strconv.Itoa(busyPort)) || !strings.Contains(err.Error(), "already in use") ||
		!errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("publish on a busy port: %v", err)
	}

	b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	start, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if start <= 80 {
		t.Logf("ip_unprivileged_port_start is %d: privileged-port case not testable", start)
		return
	}
	m.HostPort = 80
	_, err = slirp.Publish(ctx, env.Container.Pid(), []slirp.PortMapping{m}, slirp.PublishOptions{StateDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "ip_unprivileged_port_start") ||
		!strings.Contains(errdefs.Hint(err), "sysctl -w net.ipv4.ip_unprivileged_port_start=80") {
		t.Errorf("publish on port 80: %v (hint %q)", err, errdefs.Hint(err))
	}
}

// checkClose attaches and publishes again, closes, and checks that the
// helper process and the listener are gone.
func checkClose(t *testing.T, d slirp.NetworkDriver) {
	env := Setup(t, d, slirp.Options{})
	pid := env.Att.Pid()
	addr := env.Addr("80/tcp")
	env.Fwd.Close()
	env.Att.Close()
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Errorf("%s still accepts connections after Close", addr)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (pid %d) survived Close", d.Name(), pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
