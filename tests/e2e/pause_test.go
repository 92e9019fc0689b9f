package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func readTrim(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSpace(string(b))
}

// TestPause_FreezesUnpausesAndStops pauses a container for real: the test
// runs in a cgroup v2 delegated to its user (tests/e2e-run.sh).
func TestPause_FreezesUnpausesAndStops(t *testing.T) {
	requires(t, cgroupDelegated)
	f := readCgroupFacts()
	img := busyboxImage(t)
	name := containerName(t)
	out := t.TempDir()
	counter := filepath.Join(out, "n")
	id := nook(t, "run", "-d", "--name", name, "-v", out+":/out", img, "sh", "-c",
		"trap 'exit 7' TERM; i=0; while :; do i=$((i+1)); echo $i > /out/n; usleep 20000; done").Ok().Line()
	pid, _ := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
	cg := processCgroup(f.mount, pid)
	if !strings.HasPrefix(cg, f.dir+"/") || cg == f.ownCgroup {
		t.Fatalf("container init %d is in cgroup %q, want one of its own under the delegated %s", pid, cg, f.dir)
	}
	waitFor(t, 5*time.Second, "the counter", func() bool { return readTrim(counter) != "" })

	nook(t, "pause", name).Ok().StdoutIs(name)
	if ev := readTrim(filepath.Join(cg, "cgroup.events")); !strings.Contains(ev, "frozen 1") {
		t.Fatalf("after pause, %s/cgroup.events = %q, want frozen 1", cg, ev)
	}
	before := readTrim(counter)
	time.Sleep(300 * time.Millisecond)
	if after := readTrim(counter); after != before {
		t.Fatalf("the counter advanced from %s to %s while paused", before, after)
	}
	nook(t, "ps", "-f", "name="+name, "--format", "{{.Status}}").Ok().StdoutMatches(`^Up .* \(Paused\)\n$`)
	nook(t, "ps", "-f", "status=paused", "--format", "{{.Names}} {{.State}}").Ok().StdoutMatches(`(?m)^` + regexp.QuoteMeta(name) + ` paused$`)
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.Running}} {{.State.Paused}}", name).Ok().StdoutIs("paused true true")
	nook(t, "exec", name, "true").Fails().StderrContains("container " + id + " is paused, unpause the container before exec")
	nook(t, "pause", name).Fails().StderrContains("container " + id + " is already paused")
	nook(t, "rm", name).Fails().StderrContains("container is paused and must be unpaused first")
	// commit pauses a running container for its duration (Docker's
	// default): a paused one stays paused, a running one runs again after.
	img1 := nook(t, "commit", name).Ok().Line()
	nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().StdoutIs("paused")
	nook(t, "rmi", img1).Ok()

	nook(t, "unpause", name).Ok().StdoutIs(name)
	waitFor(t, 5*time.Second, "the counter to advance after unpause", func() bool { return readTrim(counter) != before })
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.Paused}}", name).Ok().StdoutIs("running false")
	img2 := nook(t, "commit", name).Ok().Line()
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.Paused}}", name).Ok().StdoutIs("running false")
	if ev := readTrim(filepath.Join(cg, "cgroup.events")); !strings.Contains(ev, "frozen 0") {
		t.Fatalf("after commit, %s/cgroup.events = %q, want frozen 0", cg, ev)
	}
	nook(t, "rmi", img2).Ok()
	nook(t, "unpause", name).Fails().StderrContains("container " + id + " is not paused")

	// Stop thaws first, so the process gets SIGTERM (its trap exits 7)
	// rather than being killed after the timeout (137).
	nook(t, "pause", name).Ok()
	nook(t, "stop", "-t", "10", name).Ok()
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name).Ok().StdoutIs("exited 7")
	waitFor(t, 5*time.Second, "the container's cgroup to be removed", func() bool {
		_, err := os.Stat(cg)
		return os.IsNotExist(err)
	})
}

// TestPause_KillAndForceRemovePaused: kill and rm -f work on a paused
// container; a container's cgroup namespace is rooted at its cgroup, which
// exec'd processes join.
func TestPause_KillAndForceRemovePaused(t *testing.T) {
	requires(t, cgroupDelegated)
	f := readCgroupFacts()
	img := busyboxImage(t)
	nook(t, "info").Ok().StdoutMatches(`(?m)^  Delegated: yes: ` + regexp.QuoteMeta(f.dir) + `$`)
	nook(t, "run", "--rm", img, "cat", "/proc/self/cgroup").Ok().StdoutMatches(`(?m)^0::/$`)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	// exec'd processes join the container's cgroup (so pause freezes them).
	nook(t, "exec", name, "cat", "/proc/self/cgroup").Ok().StdoutMatches(`(?m)^0::/$`)
	nook(t, "pause", name).Ok()
	nook(t, "kill", name).Ok()
	waitFor(t, 10*time.Second, "the killed container to exit", func() bool {
		return nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().Line() == "exited"
	})
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name).Ok().StdoutIs("exited 137")
	nook(t, "start", name).Ok()
	pid, _ := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
	cg := processCgroup(f.mount, pid)
	nook(t, "pause", name).Ok()
	nook(t, "rm", "-f", name).Ok()
	if _, err := os.Stat(cg); cg == "" || !os.IsNotExist(err) {
		t.Fatalf("cgroup %q of the removed container still exists (or none was found)", cg)
	}
}

// TestCgroupEnv_NotDelegated runs outside any delegated cgroup (its own
// pass in tests/e2e-run.sh): pause is refused in one sentence, exit 125,
// and the container keeps running.
func TestCgroupEnv_NotDelegated(t *testing.T) {
	requires(t, cgroupNotDelegated)
	f := readCgroupFacts()
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	want := "pause needs a cgroup v2 subtree delegated to your user, but "
	if f.mount == "" {
		want = "pause needs cgroup v2, but this host has only cgroup v1"
	}
	r := nook(t, "pause", name).Exit(125).StderrContains(want)
	if lines := strings.Count(strings.TrimSpace(r.Stderr()), "\n"); lines != 0 {
		t.Fatalf("refusal is not one line:\n%s", r.Stderr())
	}
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.Paused}}", name).Ok().StdoutIs("running false")
	nook(t, "info").Ok().StdoutMatches(`(?m)^  Delegated: no: `)
}

// Health probes run in the container's cgroup (like exec), and a paused
// container is not probed: pausing alone must not make it unhealthy, and
// `healthcheck run` refuses as exec does.
func TestPause_HealthProbesInCgroupAndHeldWhilePaused(t *testing.T) {
	requires(t, cgroupDelegated)
	img := busyboxImage(t)
	name := containerName(t)
	id := nook(t, "run", "-d", "--name", name, "--health-cmd", "cat /proc/self/cgroup > /probe-cgroup",
		"--health-interval", "100ms", "--health-retries", "1", "--health-timeout", "300ms", img, "sleep", "300").Ok().Line()
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", name).Wait() })
	waitFor(t, 10*time.Second, "healthy", func() bool {
		return newCmd(t).Run("inspect", "-f", "{{.State.Health.Status}}", name).Wait().Line() == "healthy"
	})
	// The cgroup namespace is rooted at the container's cgroup: a probe
	// inside it sees the same cgroup as pid 1.
	probeCg := nook(t, "exec", name, "cat", "/probe-cgroup").Ok().Line()
	if initCg := nook(t, "exec", name, "cat", "/proc/1/cgroup").Ok().Line(); probeCg != initCg {
		t.Fatalf("probe cgroup %q, init cgroup %q: the probe must run in the container's cgroup", probeCg, initCg)
	}
	nook(t, "pause", name).Ok()
	// Several intervals, each of which would be a failed (frozen, timed
	// out) probe with retries 1.
	time.Sleep(1200 * time.Millisecond)
	nook(t, "healthcheck", "run", name).Exit(125).StderrContains("container " + id + " is paused, unpause the container before exec")
	nook(t, "unpause", name).Ok()
	nook(t, "inspect", "-f", "{{.State.Health.Status}} {{.State.Health.FailingStreak}}", name).Ok().StdoutIs("healthy 0")
}
