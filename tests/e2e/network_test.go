package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
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

func TestPublish_HTTPSeesClientAddress(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	name := containerName(t)
	port := freePort(t)
	// A CGI script echoes the client address the server saw.
	script := `mkdir -p /srv/cgi-bin && printf '#!/bin/sh\necho Content-Type: text/plain\necho\necho "remote=$REMOTE_ADDR host=$(hostname)"\n' > /srv/cgi-bin/index.cgi && chmod +x /srv/cgi-bin/index.cgi && exec httpd -f -p 80 -h /srv`
	id := nook(t, "run", "-d", "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:80", port), img, "sh", "-c", script).Ok().Line()
	body := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/index.cgi", port))
	// httpd listens on an IPv6 socket, so IPv4 clients appear v4-mapped.
	want := "remote=[::ffff:127.0.0.1] host=" + id[:12]
	if strings.TrimSpace(body) != want && strings.TrimSpace(body) != "remote=127.0.0.1 host="+id[:12] {
		t.Fatalf("body %q, want %q: the server must see the client's address, not the forwarder's", body, want)
	}
	nook(t, "port", name).Ok().StdoutIs(fmt.Sprintf("80/tcp -> 127.0.0.1:%d", port))
	nook(t, "ps", "--filter", "name=^"+name+"$", "--format", "{{.Ports}}").Ok().StdoutIs(fmt.Sprintf("127.0.0.1:%d->80/tcp", port))
	slirpPids := helperPids(t, name)
	nook(t, "rm", "-f", name).Ok()
	waitFor(t, 10*time.Second, "network helpers to exit", func() bool {
		for _, p := range slirpPids {
			if syscall.Kill(p, 0) == nil && !isZombie(p) {
				return false
			}
		}
		return true
	})
}

// helperPids returns the slirp4netns processes attached to the container.
func helperPids(t *testing.T, name string) []int {
	pid := nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line()
	out := newCmd(t).Run("unshare", "sh", "-c", "pgrep -f 'slirp4netns.* "+pid+" tap0' || true").Ok().Stdout()
	var pids []int
	for _, f := range strings.Fields(out) {
		if n, err := strconv.Atoi(f); err == nil {
			pids = append(pids, n)
		}
	}
	if len(pids) == 0 {
		t.Fatalf("no slirp4netns process found for container pid %s", pid)
	}
	return pids
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
	nook(t, "run", "-d", "--name", other, "-p", "127.0.0.1:"+hostPort+":80", img, "sleep", "10").Exit(125).StderrContains(hostPort, "in use")
	nook(t, "run", "--rm", "-p", "80x:80", img, "true").Exit(125)
}

func TestNetwork_NoneHasOnlyLoopback(t *testing.T) {
	img := busyboxImage(t)
	out := nook(t, "run", "--rm", "--network", "none", img, "cat", "/proc/net/dev").Ok().Stdout()
	if strings.Contains(out, "tap0") || !strings.Contains(out, "lo:") {
		t.Fatalf("--network none interfaces:\n%s", out)
	}
}

func TestNetwork_DefaultHasTapAndDNS(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	nook(t, "run", "--rm", img, "sh", "-c", "ip -4 addr show tap0 | grep -o 'inet [0-9./]*'").Ok().StdoutIs("inet 10.0.2.100/24")
	nook(t, "run", "--rm", img, "cat", "/etc/resolv.conf").Ok().StdoutIs("nameserver 10.0.2.3")
	nook(t, "run", "--rm", "--add-host", "myhost:10.1.2.3", img, "grep", "myhost", "/etc/hosts").Ok().StdoutMatches(`^10\.1\.2\.3\s+myhost$`)
}

func TestNetwork_HostLoopbackOnlyWhenEnabled(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from-host") }))
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	// busybox-static's wget crashes in its resolver here: speak HTTP with nc.
	get := `printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 10.0.2.2 ` + port + ` | tail -1`
	nook(t, "run", "--rm", img, "sh", "-c", get).Ok().StdoutIs("")
	nook(t, "run", "--rm", "--network", "slirp4netns:allow_host_loopback=true", img, "sh", "-c", get).Ok().StdoutIs("from-host")
}

// pasta is the second driver: the same addresses and published ports.
func TestNetwork_PastaDriver(t *testing.T) {
	requires(t, Pasta)
	img := busyboxImage(t)
	nook(t, "run", "--rm", "--network", "pasta", img, "sh", "-c", "ip -4 addr show tap0 | grep -o 'inet [0-9./]*'").Ok().StdoutIs("inet 10.0.2.100/24")
	name := containerName(t)
	port := freePort(t)
	nook(t, "run", "-d", "--network", "pasta", "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:80", port), img, "httpd", "-f", "-p", "80", "-h", "/www").Ok()
	if body := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/index.html", port)); !strings.Contains(body, "hello") {
		t.Fatalf("body %q", body)
	}
}
