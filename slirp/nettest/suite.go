package nettest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nook-dev/nook/slirp"
)

// Env is one attached and published container.
type Env struct {
	Container *Container
	Att       *slirp.Attachment
	Fwd       *slirp.Forwarder
	Ports     map[string]slirp.PortMapping // "80/tcp" -> mapping
}

// Setup starts a container, attaches d and publishes the container role's
// ports on random ports of 127.0.0.1. Everything is torn down by t.Cleanup.
func Setup(t testing.TB, d slirp.NetworkDriver, opts slirp.Options) *Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := StartContainer(t)
	dir := t.TempDir()
	if d.Name() == "slirp4netns" {
		opts.APISocket = filepath.Join(dir, "slirp.sock")
	}
	att, err := d.Attach(ctx, c.Pid(), opts)
	if err != nil {
		t.Fatalf("attach %s: %v", d.Name(), err)
	}
	t.Cleanup(func() { att.Close() })
	var ports []slirp.PortMapping
	for _, spec := range []string{"127.0.0.1::80", "127.0.0.1::53/udp", "127.0.0.1::5001"} {
		m, err := slirp.ParsePublish(spec)
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, m...)
	}
	fwd, err := slirp.Publish(ctx, c.Pid(), ports, slirp.PublishOptions{StateDir: dir})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	t.Cleanup(func() { fwd.Close() })
	env := &Env{Container: c, Att: att, Fwd: fwd, Ports: map[string]slirp.PortMapping{}}
	for _, m := range fwd.Ports() {
		env.Ports[fmt.Sprintf("%d/%s", m.ContainerPort, m.Protocol)] = m
	}
	return env
}

// Addr is the host address of a published container port ("80/tcp").
func (e *Env) Addr(key string) string {
	m := e.Ports[key]
	return net.JoinHostPort(m.HostIP, strconv.Itoa(int(m.HostPort)))
}

// Get fetches path through the published HTTP port from a client bound to
// 127.0.0.2 and returns the body and the client's address.
func (e *Env) Get(t testing.TB, path string) (string, string) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", e.Addr("80/tcp"))
	if err != nil {
		t.Fatalf("connect to published port: %v", err)
	}
	local := conn.LocalAddr().String()
	tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) { return conn, nil }}
	defer tr.CloseIdleConnections()
	cl := http.Client{Transport: tr, Timeout: 10 * time.Second}
	resp, err := cl.Get("http://container" + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return string(b), local
}

// Run is the conformance suite for one driver.
// A missing helper binary skips, or fails when NOOK_TEST_STRICT=1.
func Run(t *testing.T, d slirp.NetworkDriver) {
	bin := map[string]string{"slirp4netns": "slirp4netns", "pasta": "pasta"}[d.Name()]
	if _, err := osexec.LookPath(bin); err != nil {
		if os.Getenv("NOOK_TEST_STRICT") == "1" {
			t.Fatalf("%s is not installed", bin)
		}
		t.Skipf("%s is not installed", bin)
	}
	env := Setup(t, d, slirp.Options{})
	t.Run("random host ports are reported", func(t *testing.T) {
		for k, m := range env.Ports {
			if m.HostPort == 0 || m.HostIP != "127.0.0.1" {
				t.Errorf("%s: published as %+v", k, m)
			}
		}
		if len(env.Ports) != 3 {
			t.Errorf("ports = %v, want 3", env.Ports)
		}
	})
	t.Run("tap0 is configured", func(t *testing.T) { checkInterfaces(t, env) })
	t.Run("TCP server sees the client's address", func(t *testing.T) {
		got, client := env.Get(t, "/")
		if got != client {
			t.Errorf("server saw %q, client is %q", got, client)
		}
	})
	t.Run("UDP echo", func(t *testing.T) { checkUDP(t, env) })
	t.Run("host loopback is closed by default", func(t *testing.T) {
		if got := dialHostFrom(t, env); !strings.HasPrefix(got, "error") {
			t.Errorf("container reached the host's loopback through %s: %q", slirp.GatewayIP, got)
		}
	})
	t.Run("host loopback when allowed", func(t *testing.T) {
		open := Setup(t, d, slirp.Options{AllowHostLoopback: true})
		if got := dialHostFrom(t, open); got != "ok: hello from the host" {
			t.Errorf("container could not reach the host's loopback: %q", got)
		}
	})
	t.Run("publish errors", func(t *testing.T) { checkPublishErrors(t, env) })
	t.Run("close leaves nothing behind", func(t *testing.T) { checkClose(t, d) })
	if env.Att.APISocket != "" {
		t.Run("slirp4netns API fallback", func(t *testing.T) { checkHostfwd(t, env) })
	}
}

func checkHostfwd(t *testing.T, env *Env) {
	m, _ := slirp.ParsePublish("127.0.0.1::80")
	got, err := slirp.PublishHostfwd(context.Background(), env.Att.APISocket, m)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].HostPort == 0 {
		t.Fatalf("random port not reported: %+v", got)
	}
	fb := &Env{Ports: map[string]slirp.PortMapping{"80/tcp": got[0]}}
	body, _ := fb.Get(t, "/")
	if !strings.HasPrefix(body, slirp.GatewayIP+":") {
		t.Errorf("through add_hostfwd the server saw %q, want %s", body, slirp.GatewayIP)
	}
	if _, err := slirp.PublishHostfwd(context.Background(), env.Att.APISocket, got); err == nil ||
		!strings.Contains(err.Error(), "already in use") {
		t.Errorf("second add_hostfwd on the same port: %v", err)
	}
}

func checkInterfaces(t *testing.T, env *Env) {
	body, _ := env.Get(t, "/net")
	var info NetInfo
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	if !info.hasIface("tap0", slirp.ContainerIP+"/24") {
		t.Errorf("tap0 lacks %s/24: %v", slirp.ContainerIP, info.Interfaces)
	}
	if info.MTU["tap0"] != slirp.DefaultMTU {
		t.Errorf("tap0 MTU = %d, want %d", info.MTU["tap0"], slirp.DefaultMTU)
	}
	// 10.0.2.2 as a little-endian hex gateway is 0202000A.
	if !strings.Contains(info.Routes, "tap0\t00000000\t0202000A") {
		t.Errorf("no default route via %s on tap0:\n%s", slirp.GatewayIP, info.Routes)
	}
	if a := env.Att; a.Address != slirp.ContainerIP+"/24" || a.DNS != slirp.DNSIP || a.Gateway != slirp.GatewayIP {
		t.Errorf("attachment reports %+v", a)
	}
}

func checkUDP(t *testing.T, env *Env) {
	c, err := net.Dial("udp", env.Addr("53/udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 1024)
	for try := 0; try < 5; try++ {
		_, _ = c.Write([]byte("ping"))
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		n, err := c.Read(buf)
		if err != nil {
			continue
		}
		got := string(buf[:n])
		// UDP does not keep the client's address: see package slirp's doc.
		if !strings.HasSuffix(got, " ping") {
			t.Errorf("UDP reply %q", got)
		}
		t.Logf("UDP server saw %s", strings.Fields(got)[0])
		return
	}
	t.Fatal("no UDP reply")
}

// dialHostFrom runs a server on the host's 127.0.0.1 and asks the container
// to reach it through the gateway.
func dialHostFrom(t *testing.T, env *Env) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "hello from the host")
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	body, _ := env.Get(t, fmt.Sprintf("/dial?addr=%s:%d", slirp.GatewayIP, port))
	return body
}
