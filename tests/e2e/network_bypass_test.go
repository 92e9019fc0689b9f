package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// bypassServer runs an unpublished httpd on 8081 next to the published
// one on 80 (pid 1), which answers /cgi-bin/index.cgi with the client
// address it saw.
const bypassServer = `httpd -p 8081 -h /www && ` + cgiScript

// With port_handler=bypass the server's listening socket is created in the
// host's network namespace: the host lists the published port as owned by
// the container's process (not the monitor's forwarder), clients reach it
// with their real address, in-container clients still reach it on
// localhost, an unpublished port stays inside, and stop leaves nothing.
func TestPublish_Bypass(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	name := containerName(t)
	port := freePort(t)
	nook(t, "run", "-d", "--name", name, "--network", "slirp4netns:port_handler=bypass",
		"-p", fmt.Sprintf("127.0.0.1:%d:80", port), img, "sh", "-c", bypassServer).Ok()
	check := func(when string) {
		t.Helper()
		body := strings.TrimSpace(httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/index.cgi", port)))
		if !strings.HasPrefix(body, "remote=[::ffff:127.0.0.1] ") && !strings.HasPrefix(body, "remote=127.0.0.1 ") {
			t.Fatalf("%s: body %q: the server must see the client's own address", when, body)
		}
		pid1 := containerPid(t, name)
		owned := socketInodes(t, containerPids(t, pid1))
		hostPorts := map[int]bool{}
		for _, l := range hostListeners(t) {
			if owned[l.inode] {
				hostPorts[l.port] = true
			}
		}
		if len(hostPorts) != 1 || !hostPorts[port] {
			t.Fatalf("%s: host listening ports owned by the container's processes: %v, want only %d", when, hostPorts, port)
		}
		if n := len(listenersOn(t, port)); n != 1 {
			t.Fatalf("%s: %d host listeners on %d, want 1 (the forwarder must have let go)", when, n, port)
		}
		nook(t, "exec", name, "wget", "-qO-", "localhost:80/cgi-bin/index.cgi").Ok().StdoutMatches(`^remote=`)
		nook(t, "exec", name, "wget", "-qO-", "localhost:8081/index.html").Ok().StdoutMatches("hello")
	}
	check("after run")
	nook(t, "restart", "-t", "1", name).Ok()
	check("after restart")
	nook(t, "stop", "-t", "1", name).Ok()
	if n := len(listenersOn(t, port)); n != 0 {
		t.Fatalf("after stop: %d host listeners on %d, want none", n, port)
	}
	nook(t, "rm", name).Ok()

	// Without the option the forwarder, not the server, holds the port.
	def := containerName(t)
	port2 := freePort(t)
	nook(t, "run", "-d", "--name", def, "-p", fmt.Sprintf("127.0.0.1:%d:80", port2), img, "sh", "-c", cgiScript).Ok()
	httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/index.cgi", port2))
	owned := socketInodes(t, containerPids(t, containerPid(t, def)))
	ls := listenersOn(t, port2)
	if len(ls) != 1 || owned[ls[0].inode] {
		t.Fatalf("default port handler: host listeners on %d: %v; the container must not own one", port2, ls)
	}
	nook(t, "rm", "-f", def).Ok()

	// Only an opted-in container is warned about (where it applies).
	if r := nook(t, "run", "--rm", "-p", fmt.Sprintf("127.0.0.1:%d:80", freePort(t)), img, "true").Ok(); strings.Contains(r.Stderr(), "WARNING") {
		r.Fatalf("a default container was warned about bypass")
	}
	nook(t, "run", "--rm", "--network", "pasta:port_handler=bypass", img, "true").Exit(125).
		StderrContains("port_handler=bypass is not supported with --network pasta")
	nook(t, "run", "--rm", "--network", "slirp4netns:port_handler=nope", img, "true").Exit(125).
		StderrContains(`unsupported port_handler "nope"`)
}

func containerPid(t *testing.T, name string) int {
	t.Helper()
	pid, err := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
	if err != nil || pid <= 0 {
		t.Fatalf("pid of %s: %v", name, err)
	}
	return pid
}

// containerPids is pid and its descendants.
func containerPids(t *testing.T, pid int) []int {
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", out[i]))
		for _, f := range tasks {
			b, _ := os.ReadFile(f)
			for _, c := range strings.Fields(string(b)) {
				if n, err := strconv.Atoi(c); err == nil {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// socketInodes are the socket inodes open in pids.
func socketInodes(t *testing.T, pids []int) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, pid := range pids {
		fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			t.Fatalf("list fds of container process %d: %v", pid, err)
		}
		for _, fd := range fds {
			l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
			if ino, ok := strings.CutPrefix(l, "socket:["); ok {
				set[strings.TrimSuffix(ino, "]")] = true
			}
		}
	}
	return set
}

type listener struct {
	port  int
	inode string
}

// hostListeners are the TCP listening sockets of the host's (this test's)
// network namespace.
func hostListeners(t *testing.T) []listener {
	t.Helper()
	var out []listener
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) < 10 || fs[3] != "0A" {
				continue
			}
			_, hexPort, _ := strings.Cut(fs[1], ":")
			p, _ := strconv.ParseInt(hexPort, 16, 32)
			out = append(out, listener{port: int(p), inode: fs[9]})
		}
	}
	return out
}

func listenersOn(t *testing.T, port int) []listener {
	t.Helper()
	var out []listener
	// The old holder may take a moment to close (stop, restart).
	for i := 0; i < 50; i++ {
		out = out[:0]
		for _, l := range hostListeners(t) {
			if l.port == port {
				out = append(out, l)
			}
		}
		if len(out) <= 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return out
}

// A bypassed server's socket belongs to the host's network namespace. Used
// as a client (right after bind, or after listen and connect(AF_UNSPEC)),
// it must not reach a service on the host's loopback, which the
// container's own network cannot reach either. Where the kernel refuses
// the guard to an unprivileged user (Linux 6.x), create must say so
// instead, and only there.
func TestPublish_BypassSocketGuardedOrWarned(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	target := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	probe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	kernelRefuses := tcpFilterRefused(t)
	for _, mode := range []string{"bind", "listen"} {
		port := freePort(t)
		r := newCmd(t).Run("run", "--rm", "--network", "slirp4netns:port_handler=bypass",
			"-e", roleEnv+"=bindconnect", "-v", probe+":/probe:ro",
			"-p", fmt.Sprintf("127.0.0.1:%d:80", port), img, "/probe", "80", target, mode).Wait()
		// getsockname shows the host port: the bind was bypassed, so a
		// connect is really tried from the host's network namespace.
		if !strings.Contains(r.Stdout(), fmt.Sprintf("bound %d\n", port)) {
			r.Fatalf("%s: the probe's bind was not bypassed", mode)
		}
		warned := strings.Contains(r.Stderr(), "WARNING: port_handler=bypass is unguarded here")
		if warned != kernelRefuses {
			r.Fatalf("%s: create warned %v, but the kernel refuses TCP socket filters to this user: %v", mode, warned, kernelRefuses)
		}
		if !kernelRefuses {
			r.Exit(3)
		}
	}
	if kernelRefuses {
		t.Logf("this kernel refuses TCP socket filters to unprivileged users: bypass is unguarded and create warned (checked)")
		return
	}
	time.Sleep(200 * time.Millisecond)
	if n := accepted.Load(); n != 0 {
		t.Fatalf("a host loopback service accepted %d connection(s) from a container's bypassed socket", n)
	}
}

// Processes started later in a bypass container (exec, health probes) can
// be handed the host socket too, so they get the bind filter's refusals:
// io_uring is refused to them as to the container's command, and not in a
// container without bypass.
func TestPublish_BypassRefusalsReachExec(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	probe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The role's variable is in the containers' environment: their
	// command (sleep) ignores it, the health probe runs /probe with it.
	run := func(network string) string {
		name := containerName(t)
		args := []string{"run", "-d", "--name", name, "-v", probe + ":/probe:ro", "-e", roleEnv + "=iouring",
			"--health-cmd", "/probe > /probe-out", "--health-interval", "100ms", "-p", fmt.Sprintf("127.0.0.1:%d:80", freePort(t))}
		if network != "" {
			args = append(args, "--network", network)
		}
		nook(t, append(args, img, "sleep", "300")...).Ok()
		t.Cleanup(func() { newCmd(t).Run("rm", "-f", name).Wait() })
		return name
	}
	plain, bypass := run(""), run("slirp4netns:port_handler=bypass")
	if got := nook(t, "exec", plain, "/probe").Ok().Line(); got != "io_uring: ok" {
		t.Fatalf("control, exec in a container without bypass: %q; io_uring must work here for this test to tell nook's refusal from the kernel's", got)
	}
	const refused = "io_uring: function not implemented"
	// nook-runtime's fast exec, then the full CLI's (-d: the fast path
	// does not serve it), then the monitor's health probe.
	nook(t, "exec", bypass, "/probe").Ok().StdoutIs(refused)
	nook(t, "exec", "-d", bypass, "sh", "-c", "/probe > /exec-d-out").Ok()
	for _, out := range []string{"/exec-d-out", "/probe-out"} {
		waitFor(t, 5*time.Second, out+" to be written", func() bool {
			return newCmd(t).Run("exec", bypass, "cat", out).Wait().Line() != ""
		})
		nook(t, "exec", bypass, "cat", out).Ok().StdoutIs(refused)
	}
}

// tcpFilterRefused: the kernel refuses this (unprivileged) test a socket
// filter on a TCP socket of the host's network namespace.
func tcpFilterRefused(t *testing.T) bool {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	keep := []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: 0xffffffff}}
	err = unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: 1, Filter: &keep[0]})
	if err != nil && !errors.Is(err, unix.EPERM) {
		t.Fatalf("probe TCP socket filter: %v", err)
	}
	return err != nil
}

// One container port published on two host ports cannot be one host
// socket: with port_handler=bypass it stays forwarded, on both ports.
func TestPublish_BypassTwoHostPortsStayForwarded(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	name := containerName(t)
	p1, p2 := freePort(t), freePort(t)
	nook(t, "run", "-d", "--name", name, "--network", "slirp4netns:port_handler=bypass",
		"-p", fmt.Sprintf("127.0.0.1:%d:80", p1), "-p", fmt.Sprintf("127.0.0.1:%d:80", p2),
		img, "httpd", "-f", "-p", "80", "-h", "/www").Ok()
	for _, p := range []int{p1, p2} {
		if body := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/index.html", p)); !strings.Contains(body, "hello") {
			t.Fatalf("port %d: body %q", p, body)
		}
		owned := socketInodes(t, containerPids(t, containerPid(t, name)))
		if ls := listenersOn(t, p); len(ls) != 1 || owned[ls[0].inode] {
			t.Fatalf("host listeners on %d: %v; the forwarder, not the container, must hold it", p, ls)
		}
	}
	nook(t, "rm", "-f", name).Ok()
}
