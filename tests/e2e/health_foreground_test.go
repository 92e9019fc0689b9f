package e2e

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// fgLoop keeps a foreground container running until /tmp/stop exists;
// a SIGUSR1 that reached it would print got-usr1.
const fgLoop = `trap "echo got-usr1" USR1; while [ ! -e /tmp/stop ]; do sleep 0.2; done; echo bye`

// startForeground starts `nook run` (no -d) in the background and waits
// until its container runs.
func startForeground(t *testing.T, name string, args ...string) *Result {
	t.Helper()
	run := newCmd(t).WithTimeout(2 * time.Minute).Start(append([]string{"run", "--name", name}, args...)...)
	// On a failure, end the container rather than wait out its loop
	// (cleanups run last-in first: this one before Start's Wait).
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", name) })
	waitForPid(t, name)
	return run
}

func TestHealthForeground_StatusInPsAndInspect_StopsOnExit(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	run := startForeground(t, name, "--health-cmd", "test -e /tmp/ok", "--health-interval", "1s",
		"--health-retries", "2", img, "sh", "-c", fgLoop)
	if out := psStatus(t, "-f", "name=^"+name+"$"); !strings.Contains(out, name+"|Up ") || !strings.Contains(out, "(health: ") {
		t.Fatalf("ps of a foreground run with a healthcheck shows no health:\n%s", out)
	}
	h := waitHealth(t, name, "unhealthy", 20*time.Second)
	if h.FailingStreak < 2 || len(h.Log) < 2 || h.Log[0].ExitCode != 1 {
		t.Fatalf("unhealthy with %+v, want >= 2 failures with exit code 1", h)
	}
	h = becomesHealthy(t, name)
	if out := psStatus(t, "-f", "health=healthy"); !strings.Contains(out, name+"|Up ") || !strings.Contains(out, "(healthy)") {
		t.Fatalf("ps -f health=healthy:\n%s", out)
	}

	// The container exits: the CLI returns and probing stops.
	nook(t, "exec", name, "touch", "/tmp/stop").Ok()
	run.Wait()
	if run.Code != 0 || strings.TrimSpace(run.Stdout()) != "bye" {
		t.Fatalf("foreground run: exit %d, stdout %q stderr %q; want 0 and bye", run.Code, run.Stdout(), run.Stderr())
	}
	h = inspectHealth(t, name)
	if h == nil || h.Status != "unhealthy" {
		t.Fatalf("after exit: %+v, want unhealthy as Docker reports a stopped container", h)
	}
	n := len(h.Log)
	time.Sleep(2500 * time.Millisecond)
	if h := inspectHealth(t, name); len(h.Log) != n {
		t.Fatalf("probing went on after exit: %d log entries, then %d", n, len(h.Log))
	}
	nook(t, "ps", "-a", "-f", "name=^"+name+"$", "--format", "{{.Status}}").Ok().StdoutMatches(`^Exited \(0\)`)
}

func TestHealthForeground_RunCommandRecords(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	// An interval of an hour: every probe here is one healthcheck run asked for.
	run := startForeground(t, name, "--health-cmd", "echo probing; test -e /tmp/ok", "--health-interval", "1h",
		img, "sh", "-c", fgLoop)
	if h := inspectHealth(t, name); h == nil || h.Status != "starting" || len(h.Log) != 0 {
		t.Fatalf("foreground run before any probe: %+v, want starting with no log", h)
	}
	healthRunRecords(t, name)
	nook(t, "exec", name, "touch", "/tmp/stop").Ok()
	run.Wait()
	// SIGUSR1 asked the holder for a probe; it is not the container's.
	if run.Code != 0 || strings.Contains(run.Stdout(), "got-usr1") {
		t.Fatalf("foreground run: exit %d, stdout %q; want 0 without got-usr1", run.Code, run.Stdout())
	}
	nook(t, "healthcheck", "run", name).Exit(125).StderrContains("is not running")
}

func TestHealthForeground_NoHealthcheckNoHealth(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	run := startForeground(t, name, img, "sh", "-c", fgLoop)
	if h := inspectHealth(t, name); h != nil {
		t.Fatalf("State.Health without a healthcheck: %+v, want absent", h)
	}
	nook(t, "healthcheck", "run", name).Exit(125).StderrContains("has no defined healthcheck")
	// Without a healthcheck SIGUSR1 is still forwarded to the container.
	run.Signal(syscall.SIGUSR1)
	time.Sleep(500 * time.Millisecond)
	nook(t, "exec", name, "touch", "/tmp/stop").Ok()
	run.Wait()
	if run.Code != 0 || !strings.Contains(run.Stdout(), "got-usr1") {
		t.Fatalf("foreground run: exit %d, stdout %q; want 0 with got-usr1 (forwarded)", run.Code, run.Stdout())
	}
}
