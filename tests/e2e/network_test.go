package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// networkDrivers are the user-mode network drivers; every test that runs
// forEachDriver must pass with both.
var networkDrivers = []struct {
	name string
	req  Requirement
}{{"slirp4netns", Slirp4netns}, {"pasta", Pasta}}

// forEachDriver runs fn once per network driver, as a subtest named after it.
func forEachDriver(t *testing.T, fn func(t *testing.T, drv string)) {
	for _, d := range networkDrivers {
		t.Run(d.name, func(t *testing.T) {
			requires(t, d.req)
			fn(t, d.name)
		})
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	var last error
	for i := 0; i < 100; i++ {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return string(b)
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("GET %s: %v", url, last)
	return ""
}

// cgiScript makes busybox httpd answer /cgi-bin/index.cgi with the client
// address the server saw and the container's hostname.
const cgiScript = `mkdir -p /srv/cgi-bin && printf '#!/bin/sh\necho Content-Type: text/plain\necho\necho "remote=$REMOTE_ADDR host=$(hostname)"\n' > /srv/cgi-bin/index.cgi && chmod +x /srv/cgi-bin/index.cgi && exec httpd -f -p 80 -h /srv`

func TestPublish_HTTPSeesClientAddress(t *testing.T) {
	img := busyboxImage(t)
	forEachDriver(t, func(t *testing.T, drv string) {
		name := containerName(t)
		port := freePort(t)
		id := nook(t, "run", "-d", "--network", drv, "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:80", port), img, "sh", "-c", cgiScript).Ok().Line()
		body := strings.TrimSpace(httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/index.cgi", port)))
		// httpd listens on an IPv6 socket, so IPv4 clients appear v4-mapped.
		want := "remote=[::ffff:127.0.0.1] host=" + id[:12]
		if body != want && body != "remote=127.0.0.1 host="+id[:12] {
			t.Fatalf("body %q, want %q: the server must see the client's address, not the forwarder's", body, want)
		}
		nook(t, "port", name).Ok().StdoutIs(fmt.Sprintf("80/tcp -> 127.0.0.1:%d", port))
		nook(t, "ps", "--filter", "name=^"+name+"$", "--format", "{{.Ports}}").Ok().StdoutIs(fmt.Sprintf("127.0.0.1:%d->80/tcp", port))
		nook(t, "rm", "-f", name).Ok()
	})
}

// UDP through -p HOST:CTR/udp: an echo server in the container's network
// namespace answers a client on the host. The server sees the forwarder's
// address inside the container (10.0.2.100), not the client's: see README.
func TestPublish_UDPEcho(t *testing.T) {
	img := busyboxImage(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	forEachDriver(t, func(t *testing.T, drv string) {
		name := containerName(t)
		port := freeUDPPort(t)
		nook(t, "run", "-d", "--network", drv, "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:5353/udp", port), img, "sleep", "300").Ok()
		nook(t, "port", name, "5353/udp").Ok().StdoutIs(fmt.Sprintf("127.0.0.1:%d", port))
		srv := newCmd(t).WithEnv(roleEnv+"=udpecho").Start("enter", "--net", name, exe, "5353")
		c, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		got := udpExchange(t, c, "ping")
		from, payload, _ := strings.Cut(got, " ")
		if payload != "ping" || !strings.HasPrefix(from, "10.0.2.100:") {
			t.Errorf("echo %q: want \"10.0.2.100:PORT ping\" (UDP keeps no source address)", got)
		}
		// A second datagram from the same client uses the same flow.
		if again, _, _ := strings.Cut(udpExchange(t, c, "pong"), " "); again != from {
			t.Errorf("second datagram came from %s, first from %s", again, from)
		}
		_, _ = c.Write([]byte("quit"))
		srv.Wait()
		nook(t, "rm", "-f", name).Ok()
	})
}

// udpExchange sends msg until a reply arrives (the server may still be
// starting) and returns the reply.
func udpExchange(t *testing.T, c net.Conn, msg string) string {
	t.Helper()
	buf := make([]byte, 2048)
	for try := 0; try < 50; try++ {
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatalf("send: %v", err)
		}
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if n, err := c.Read(buf); err == nil {
			return string(buf[:n])
		}
	}
	t.Fatalf("no UDP reply to %q through the published port", msg)
	return ""
}

func TestPublish_RandomPortAndPortInUse(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, "-p", "127.0.0.1::80", img, "httpd", "-f", "-p", "80", "-h", "/www").Ok()
	line := nook(t, "port", name, "80").Ok().Line()
	if !strings.HasPrefix(line, "127.0.0.1:") {
		t.Fatalf("port 80: %q", line)
	}
	if body := httpGet(t, "http://"+line+"/index.html"); !strings.Contains(body, "hello") {
		t.Fatalf("body %q", body)
	}
	hostPort := strings.TrimPrefix(line, "127.0.0.1:")
	other := containerName(t)
	nook(t, "run", "-d", "--name", other, "-p", "127.0.0.1:"+hostPort+":80", img, "sleep", "10").Exit(125).
		StderrContains("host port 127.0.0.1:" + hostPort + "/tcp is already in use")
	noContainer(t, other)
	// A bare container port listens on every host address.
	bare := containerName(t)
	nook(t, "run", "-d", "--name", bare, "-p", "80", img, "httpd", "-f", "-p", "80", "-h", "/www").Ok()
	all := nook(t, "port", bare, "80/tcp").Ok().Line()
	if !strings.HasPrefix(all, "0.0.0.0:") {
		t.Fatalf("-p 80: nook port says %q, want 0.0.0.0:PORT", all)
	}
	if body := httpGet(t, "http://127.0.0.1:"+strings.TrimPrefix(all, "0.0.0.0:")+"/index.html"); !strings.Contains(body, "hello") {
		t.Fatalf("body %q", body)
	}
}

// -P publishes every EXPOSEd port on a random host port; a range maps
// port by port.
func TestPublish_AllExposedAndRanges(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nEXPOSE 80 7/udp\n"})
	tag := imageName(t)
	nook(t, "build", "-q", "-t", tag, dir).Ok()
	name := containerName(t)
	nook(t, "run", "-d", "-P", "--name", name, tag, "httpd", "-f", "-p", "80", "-h", "/www").Ok()
	out := nook(t, "port", name).Ok().Stdout()
	var web string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		ctr, host, ok := strings.Cut(l, " -> ")
		if !ok || !strings.HasPrefix(host, "0.0.0.0:") || strings.HasSuffix(host, ":0") {
			t.Fatalf("nook port line %q", l)
		}
		if ctr == "80/tcp" {
			web = strings.Replace(host, "0.0.0.0", "127.0.0.1", 1)
		}
	}
	if web == "" || !strings.Contains(out, "7/udp -> ") {
		t.Fatalf("-P should publish 80/tcp and 7/udp:\n%s", out)
	}
	if body := httpGet(t, "http://"+web+"/index.html"); !strings.Contains(body, "hello") {
		t.Fatalf("body %q", body)
	}
	rng := containerName(t)
	p := freePort(t)
	for freePortAt(p+1) != nil {
		p = freePort(t)
	}
	nook(t, "run", "-d", "--name", rng, "-p", fmt.Sprintf("127.0.0.1:%d-%d:80-81", p, p+1), img,
		"sh", "-c", "httpd -p 81 -h /www && exec httpd -f -p 80 -h /www").Ok()
	nook(t, "port", rng).Ok().StdoutIs(fmt.Sprintf("80/tcp -> 127.0.0.1:%d\n81/tcp -> 127.0.0.1:%d", p, p+1))
	for _, hp := range []int{p, p + 1} {
		if body := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/index.html", hp)); !strings.Contains(body, "hello") {
			t.Fatalf("port %d: body %q", hp, body)
		}
	}
}

func freePortAt(p int) error {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err == nil {
		l.Close()
	}
	return err
}

// noContainer checks that a failed run left no container called name.
func noContainer(t *testing.T, name string) {
	t.Helper()
	nook(t, "ps", "-a", "-q", "--filter", "name=^"+name+"$").Ok().StdoutIs("")
}

// Each error a user can make with -p exits 125 with a message naming the
// problem, and leaves no container behind.
func TestPublish_Errors(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	for spec, want := range map[string]string{
		"80x:80":          `host port "80x" is not a number`,
		"8000-8002:80-81": "has 3 ports but container range 80-81 has 2",
		"70000:80":        `host port "70000" is not a number from 1 to 65535`,
		"8080:80/sctp":    `unsupported protocol "sctp"`,
		"1.2.3:8080:80":   `"1.2.3" is not an IPv4 address`,
		"8080:":           "missing container port",
	} {
		name := containerName(t)
		nook(t, "run", "-d", "--name", name, "-p", spec, img, "sleep", "10").Exit(125).
			StderrContains(fmt.Sprintf("invalid port spec %q", spec), want)
		noContainer(t, name)
	}
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	start, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || start <= 1 {
		t.Fatalf("net.ipv4.ip_unprivileged_port_start is %q (%v): every port is unprivileged here, so the privileged-port error cannot be tested", b, err)
	}
	name := containerName(t)
	low := strconv.Itoa(start - 1)
	nook(t, "run", "-d", "--name", name, "-p", "127.0.0.1:"+low+":80", img, "sleep", "10").Exit(125).
		StderrContains("host port "+low+" is below net.ipv4.ip_unprivileged_port_start", "sysctl -w net.ipv4.ip_unprivileged_port_start="+low)
	noContainer(t, name)
}

// What the port forwarder sees go wrong lands in network.log next to the
// container's log: here a client reaching a published port on which
// nothing in the container listens.
func TestPublish_ForwarderErrorsInNetworkLog(t *testing.T) {
	forEachDriver(t, func(t *testing.T, drv string) {
		img := busyboxImage(t)
		name := containerName(t)
		port := freePort(t)
		nook(t, "run", "-d", "--name", name, "--network", drv, "-p", fmt.Sprintf("127.0.0.1:%d:80", port), img, "sleep", "300").Ok()
		t.Cleanup(func() { newCmd(t).Run("rm", "-f", name).Wait() })
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second); err == nil {
			c.SetDeadline(time.Now().Add(3 * time.Second))
			io.Copy(io.Discard, c) // the forwarder closes it: no server
			c.Close()
		}
		logPath := nook(t, "inspect", "-f", "{{.LogPath}}", name).Ok().Line()
		netLog := filepath.Join(filepath.Dir(logPath), "network.log")
		want := "connect to container port 80/tcp for client 127.0.0.1:"
		waitFor(t, 5*time.Second, "network.log to name the failed connection", func() bool {
			b, _ := os.ReadFile(netLog)
			return strings.Contains(string(b), want) && strings.Contains(string(b), "connection refused")
		})
	})
}
