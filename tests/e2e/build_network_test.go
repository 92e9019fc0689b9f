package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostHTTP serves "hello" on a non-loopback IPv4 address of the host (the
// build network's slirp4netns reaches it like any outside address) and
// returns host:port.
func hostHTTP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	var ip net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Fatal("the host has no non-loopback IPv4 address for a RUN step to reach")
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "hello") })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// procStat returns the command name, state and parent of pid ("" if gone).
func procStat(pid int) (comm string, state byte, ppid int) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, 0
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, 0
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 2 {
		return "", 0, 0
	}
	ppid, _ = strconv.Atoi(f[1])
	return s[open+1 : end], f[0][0], ppid
}

// slirpsOf lists the slirp4netns network helpers (not a `--help` probe)
// whose parent is pid.
func slirpsOf(pid int) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if comm, _, pp := procStat(n); comm == "slirp4netns" && pp == pid {
			if cl, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline"); strings.Contains(string(cl), "--configure") {
				out = append(out, n)
			}
		}
	}
	return out
}

// watchSlirp records, until done is closed, every slirp4netns network
// helper started by the process pid.
func watchSlirp(pid int, done <-chan struct{}) map[int]bool {
	seen := map[int]bool{}
	for {
		for _, n := range slirpsOf(pid) {
			seen[n] = true
		}
		select {
		case <-done:
			return seen
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// noSlirpLeft fails when one of pids still runs (a zombie has ended).
func noSlirpLeft(t *testing.T, pids map[int]bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for pid := range pids {
		for {
			comm, state, _ := procStat(pid)
			if comm != "slirp4netns" || state == 'Z' {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("slirp4netns %d still runs after the build ended", pid)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// buildWatched runs a build in the background, recording the slirp4netns
// processes it starts; then lets the caller act on the running build.
func buildWatched(t *testing.T, dir string, during func(r *Result, slirps func() int)) (*Result, map[int]bool) {
	t.Helper()
	r := newCmd(t).WithTimeout(2*time.Minute).Start("build", "--no-cache", "--progress", "plain", "-t", imageName(t), dir)
	exited := make(chan struct{})
	seenc := make(chan map[int]bool, 1)
	go func() { seenc <- watchSlirp(r.Pid(), exited) }()
	if during != nil {
		during(r, func() int { return len(slirpsOf(r.Pid())) })
	}
	r.Wait()
	close(exited)
	return r, <-seenc
}

// The RUN steps of a build share one network: one slirp4netns serves
// them all (the same tap0 MAC in both steps), both reach the network,
// RUN --network=none has none, and no slirp4netns outlives the build.
func TestBuild_RunStepsShareOneNetwork(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	addr := hostHTTP(t)
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\n" +
		"RUN cat /sys/class/net/tap0/address > /mac && wget -q -O /got1 http://" + addr + "/\n" +
		"RUN --network=none test ! -e /sys/class/net/tap0 && echo no-net\n" +
		"RUN test \"$(cat /sys/class/net/tap0/address)\" = \"$(cat /mac)\" && wget -q -O /got2 http://" + addr + "/ && echo same-net $(cat /got1 /got2)\n"})
	r, seen := buildWatched(t, dir, nil)
	r.Ok().StderrContains("no-net", "same-net hellohello")
	if len(seen) != 1 {
		r.Fatalf("slirp4netns processes started by the build: %v, want one", seen)
	}
	noSlirpLeft(t, seen)

	// --network host and none keep working (no slirp4netns at all).
	for _, mode := range []string{"host", "none"} {
		dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN echo mode-" + mode + "; ls /sys/class/net\n"})
		r := newCmd(t).Run("build", "--no-cache", "--progress", "plain", "--network", mode, "-t", imageName(t), dir).Ok()
		if mode == "none" && strings.Contains(r.Stderr(), "tap0") {
			r.Fatalf("--network none: the RUN step has a tap0")
		}
	}
}

// A failing RUN step and an interrupted build leave no slirp4netns.
func TestBuild_RunNetworkEndsWithBuild(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	addr := hostHTTP(t)
	t.Run("failing RUN", func(t *testing.T) {
		dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\n" +
			"RUN wget -q -O /dev/null http://" + addr + "/ && sleep 0.3\nRUN wget -q -O /dev/null http://" + addr + "/ && exit 3\n"})
		r, seen := buildWatched(t, dir, nil)
		r.Fails().StderrContains("exit code: 3")
		if len(seen) != 1 {
			r.Fatalf("slirp4netns processes started by the build: %v, want one", seen)
		}
		noSlirpLeft(t, seen)
	})
	t.Run("Ctrl-C", func(t *testing.T) {
		dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\n" +
			"RUN wget -q -O /dev/null http://" + addr + "/ && echo started && sleep 60\n"})
		r, seen := buildWatched(t, dir, func(r *Result, slirps func() int) {
			deadline := time.Now().Add(30 * time.Second)
			// "started" at a line's end is the step's output, not its
			// header (which shows the command, "echo started" included).
			started := regexp.MustCompile(`(?m) started$`)
			for slirps() == 0 || !started.MatchString(r.stderr.String()) {
				if time.Now().After(deadline) {
					t.Fatalf("the RUN step did not start:\n%s", r.stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			r.Signal(syscall.SIGINT)
		})
		if r.Code == 0 {
			r.Fatalf("an interrupted build succeeded")
		}
		if len(seen) != 1 {
			r.Fatalf("slirp4netns processes started by the build: %v, want one", seen)
		}
		noSlirpLeft(t, seen)
	})
}
