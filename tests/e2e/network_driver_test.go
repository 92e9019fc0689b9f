package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestNetwork_NoneHasOnlyLoopback(t *testing.T) {
	img := busyboxImage(t)
	out := nook(t, "run", "--rm", "--network", "none", img, "ls", "/sys/class/net").Ok().Line()
	if out != "lo" {
		t.Fatalf("--network none interfaces: %q, want only lo", out)
	}
	nook(t, "run", "--rm", "--network", "none", img, "ip", "-o", "link", "show", "lo").Ok().StdoutMatches(`LOOPBACK,UP`)
}

func TestNetwork_TapAddressAndResolvConf(t *testing.T) {
	img := busyboxImage(t)
	forEachDriver(t, func(t *testing.T, drv string) {
		nook(t, "run", "--rm", "--network", drv, img, "sh", "-c", "ip -4 addr show tap0 | grep -o 'inet [0-9./]*'").Ok().StdoutIs("inet 10.0.2.100/24")
		nook(t, "run", "--rm", "--network", drv, img, "ip", "route", "show", "default").Ok().StdoutMatches(`^default via 10\.0\.2\.2 dev tap0`)
		nook(t, "run", "--rm", "--network", drv, img, "cat", "/sys/class/net/tap0/mtu").Ok().StdoutIs("65520")
		nook(t, "run", "--rm", "--network", drv, img, "cat", "/etc/resolv.conf").Ok().StdoutIs("nameserver 10.0.2.3")
	})
	// Docker's layout: localhost lines, --add-host entries, then the
	// container's own name on its address.
	hosts := nook(t, "run", "--rm", "-h", "web1", "--add-host", "myhost:10.1.2.3", "--add-host", "gw:host-gateway", img, "cat", "/etc/hosts").Ok().Stdout()
	if !regexp.MustCompile(`(?s)^127\.0\.0\.1\tlocalhost\n.*10\.1\.2\.3\tmyhost\n10\.0\.2\.2\tgw\n10\.0\.2\.100\tweb1\n$`).MatchString(hosts) {
		t.Errorf("/etc/hosts:\n%s", hosts)
	}
	nook(t, "run", "--rm", "--add-host", "bad:not-an-ip", img, "true").Exit(125).StderrContains(`invalid --add-host "bad:not-an-ip"`)
	nook(t, "run", "--rm", "--dns", "10.0.2.3", "--dns", "192.0.2.53", "--dns-search", "example.test", img, "cat", "/etc/resolv.conf").Ok().
		StdoutIs("nameserver 10.0.2.3\nnameserver 192.0.2.53\nsearch example.test")
}

// dnsName is a name the host resolves through DNS (the fixtures need
// Debian's mirror anyway); the container must get the same answer from the
// driver's forwarder at 10.0.2.3.
const dnsName = "deb.debian.org"

func TestNetwork_DNSThroughForwarder(t *testing.T) {
	img := busyboxImage(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hostAddrs, err := (&net.Resolver{PreferGo: true}).LookupHost(ctx, dnsName)
	if err != nil {
		if strict {
			t.Fatalf("the host cannot resolve %s through DNS: %v", dnsName, err)
		}
		t.Skipf("the host cannot resolve %s through DNS: %v", dnsName, err)
	}
	forEachDriver(t, func(t *testing.T, drv string) {
		out := nook(t, "run", "--rm", "--network", drv, img, "nslookup", dnsName).Ok().Stdout()
		if !strings.Contains(out, "Server:\t\t10.0.2.3") {
			t.Errorf("nslookup did not ask 10.0.2.3:\n%s", out)
		}
		found := false
		for _, a := range hostAddrs {
			found = found || strings.Contains(out, "Address: "+a)
		}
		if !found {
			t.Errorf("container resolved %s differently from the host (%v):\n%s", dnsName, hostAddrs, out)
		}
	})
}

// The host's loopback is reachable through 10.0.2.2 only with
// allow_host_loopback=true.
func TestNetwork_HostLoopbackOnlyWhenEnabled(t *testing.T) {
	img := busyboxImage(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "from-host\n")
			c.Close()
		}
	}()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	// The server speaks first and closes, and nc's stdin stays open until
	// then: pasta 2023_03_09 (Debian 12) never delivers the peer's FIN
	// once the container has half-closed (see README).
	get := `sleep 2 | nc -w 3 10.0.2.2 ` + port
	forEachDriver(t, func(t *testing.T, drv string) {
		if out := nook(t, "run", "--rm", "--network", drv, img, "sh", "-c", get).Fails().Stdout(); out != "" {
			t.Errorf("the host's loopback answered through 10.0.2.2 by default: %q", out)
		}
		nook(t, "run", "--rm", "--network", drv+":allow_host_loopback=true", img, "sh", "-c", get).Ok().StdoutIs("from-host")
	})
}

// Missing helper binaries are named with the package to install, and the
// failed run leaves no container.
func TestNetwork_MissingHelperNamesPackage(t *testing.T) {
	img := busyboxImage(t)
	empty := t.TempDir()
	for drv, pkg := range map[string]string{"slirp4netns": "apt-get install slirp4netns", "pasta": "apt-get install passt"} {
		name := containerName(t)
		// Foreground runs attach the network from the CLI, which uses PATH.
		newCmd(t).WithEnv("PATH="+empty).Run("run", "--rm", "--name", name, "--network", drv, img, "true").
			Exit(125).StderrContains(drv+" not found in $PATH", pkg)
		noContainer(t, name)
	}
}

// No slirp4netns, pasta or port forwarder survives its container, whichever
// way the container ends: stop, rm -f, SIGKILL of the monitor, SIGKILL of a
// foreground nook run. The forwarder lives in the monitor (or the
// foreground nook), so "gone" means the holder is gone and the host port is
// free again.
func TestNetwork_HelpersDieWithContainer(t *testing.T) {
	img := busyboxImage(t)
	forEachDriver(t, func(t *testing.T, drv string) {
		for _, way := range []string{"stop", "rm -f", "kill (container dies)", "kill -9 monitor", "kill -9 foreground run"} {
			t.Run(way, func(t *testing.T) {
				name := containerName(t)
				port := freePort(t)
				args := []string{"--network", drv, "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:80", port), img, "httpd", "-f", "-p", "80", "-h", "/www"}
				var fg *Result
				if way == "kill -9 foreground run" {
					fg = newCmd(t).Start(append([]string{"run", "--rm"}, args...)...)
				} else {
					nook(t, append([]string{"run", "-d"}, args...)...).Ok()
				}
				httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/index.html", port))
				holder, helpers := netHelpers(t, name, drv)
				switch way {
				case "stop":
					nook(t, "stop", "-t", "1", name).Ok()
				case "rm -f":
					nook(t, "rm", "-f", name).Ok()
				case "kill (container dies)":
					nook(t, "kill", name).Ok()
				case "kill -9 monitor":
					syscall.Kill(holder, syscall.SIGKILL)
				default:
					if holder != fg.Pid() {
						t.Fatalf("the container's init is a child of %d, not of the foreground nook %d", holder, fg.Pid())
					}
					fg.Signal(syscall.SIGKILL)
				}
				waitFor(t, 10*time.Second, fmt.Sprintf("holder %d and helpers %v to exit", holder, helpers), func() bool {
					for _, p := range append(helpers, holder) {
						if syscall.Kill(p, 0) == nil && !isZombie(p) {
							return false
						}
					}
					return true
				})
				waitFor(t, 5*time.Second, fmt.Sprintf("host port %d to be free", port), func() bool { return freePortAt(port) == nil })
				newCmd(t).Run("rm", "-f", name)
			})
		}
	})
}

// netHelpers returns the process holding the container (the parent of its
// init: monitor or foreground nook) and the network helpers it started.
func netHelpers(t *testing.T, name, drv string) (int, []int) {
	t.Helper()
	var pid int
	waitFor(t, 10*time.Second, name+" to report its pid", func() bool {
		r := newCmd(t).Run("inspect", "-f", "{{.State.Pid}}", name)
		pid, _ = strconv.Atoi(r.Line())
		return r.Code == 0 && pid > 0
	})
	holder := parentPid(t, pid)
	var helpers []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		p, _ := strconv.Atoi(filepath.Base(d))
		comm, err := os.ReadFile(d + "/comm")
		if err != nil || p == pid || !isHelperComm(strings.TrimSpace(string(comm)), drv) {
			continue
		}
		if _, err := os.Stat(d); err == nil && parentPidOrZero(p) == holder {
			helpers = append(helpers, p)
		}
	}
	if len(helpers) == 0 {
		t.Fatalf("no %s process is a child of %d (the holder of %s)", drv, holder, name)
	}
	return holder, helpers
}

// isHelperComm matches a helper's comm: pasta runs as passt or passt.avx2.
func isHelperComm(comm, drv string) bool {
	if drv == "pasta" {
		return strings.HasPrefix(comm, "pasta") || strings.HasPrefix(comm, "passt")
	}
	return comm == drv
}

func parentPidOrZero(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	n, _ := strconv.Atoi(f[1])
	return n
}
