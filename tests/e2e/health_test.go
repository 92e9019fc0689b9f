package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// health is State.Health as inspect prints it.
type health struct {
	Status        string
	FailingStreak int
	Log           []struct {
		Start, End time.Time
		ExitCode   int
		Output     string
	}
}

// inspectHealth returns the container's State.Health (nil when absent).
func inspectHealth(t *testing.T, name string) *health {
	t.Helper()
	r := nook(t, "inspect", "-f", "{{json .State.Health}}", name).Ok()
	var h *health
	if err := json.Unmarshal([]byte(r.Line()), &h); err != nil {
		r.Fatalf("State.Health is not JSON: %v", err)
	}
	return h
}

// waitHealth waits until the container's health status is want.
func waitHealth(t *testing.T, name, want string, timeout time.Duration) *health {
	t.Helper()
	var h *health
	waitFor(t, timeout, "health status "+want, func() bool {
		h = inspectHealth(t, name)
		return h != nil && h.Status == want
	})
	return h
}

// psStatus is the STATUS column of the container named name.
func psStatus(t *testing.T, args ...string) string {
	t.Helper()
	return nook(t, append([]string{"ps", "--format", "{{.Names}}|{{.Status}}"}, args...)...).Ok().Stdout()
}

func TestHealth_UnhealthyAfterRetriesThenHealthy(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, "--health-cmd", "test -e /tmp/ok", "--health-interval", "1s",
		"--health-retries", "2", img, "sleep", "300").Ok()
	h := waitHealth(t, name, "unhealthy", 20*time.Second)
	if h.FailingStreak < 2 || len(h.Log) < 2 {
		t.Fatalf("unhealthy after %d failures with %d log entries, want >= 2 (retries 2): %+v", h.FailingStreak, len(h.Log), h)
	}
	for _, l := range h.Log {
		if l.ExitCode != 1 || l.End.Before(l.Start) || l.Start.IsZero() {
			t.Fatalf("log entry %+v: want exit code 1 with start <= end", l)
		}
	}
	h = becomesHealthy(t, name)
	if out := psStatus(t, "-f", "name=^"+name+"$"); !strings.Contains(out, "(healthy)") {
		t.Fatalf("ps STATUS does not say healthy:\n%s", out)
	}
	if out := psStatus(t, "-f", "health=unhealthy"); strings.Contains(out, name) {
		t.Fatalf("ps -f health=unhealthy still lists %s:\n%s", name, out)
	}
	// Docker keeps the last 5 probes only.
	waitFor(t, 15*time.Second, "5 log entries", func() bool { return len(inspectHealth(t, name).Log) == 5 })
	time.Sleep(1500 * time.Millisecond)
	if n := len(inspectHealth(t, name).Log); n != 5 {
		t.Fatalf("log grew to %d entries, Docker keeps 5", n)
	}
	// A stopped container's health reads unhealthy, as Docker's does.
	nook(t, "stop", "-t", "0", name).Ok()
	if h := inspectHealth(t, name); h == nil || h.Status != "unhealthy" {
		t.Fatalf("after stop: %+v, want unhealthy", h)
	}
	// Started again: starting anew, with the log kept (Docker's restart).
	nook(t, "start", name).Ok()
	if h := inspectHealth(t, name); h == nil || h.Status != "starting" || len(h.Log) != 5 || h.FailingStreak != 0 {
		t.Fatalf("after start: %+v, want starting with the 5 old log entries", h)
	}
	waitHealth(t, name, "healthy", 10*time.Second)
}

func TestHealth_RunCommandProbesNow(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	// An interval of an hour: every probe here is one healthcheck run asked for.
	nook(t, "run", "-d", "--name", name, "--health-cmd", "echo probing; test -e /tmp/ok", "--health-interval", "1h", img, "sleep", "300").Ok()
	if out := psStatus(t, "-f", "health=starting"); !strings.Contains(out, name+"|Up ") || !strings.Contains(out, "(health: starting)") {
		t.Fatalf("ps -f health=starting:\n%s", out)
	}
	healthRunRecords(t, name)

	plain := containerName(t)
	nook(t, "run", "-d", "--name", plain, img, "sleep", "300").Ok()
	nook(t, "healthcheck", "run", plain).Exit(125).StderrContains("has no defined healthcheck")
	if h := inspectHealth(t, plain); h != nil {
		t.Fatalf("State.Health without a healthcheck: %+v, want absent", h)
	}
	nook(t, "stop", "-t", "0", name).Ok()
	nook(t, "healthcheck", "run", name).Exit(125).StderrContains("is not running")
	nook(t, "healthcheck", "run", "no-such-container-hc").Exit(125).StderrContains("No such container")
}

func TestHealth_ImageHealthcheckAndNoHealthcheck(t *testing.T) {
	img := busyboxImage(t)
	tag := imageName(t)
	ctx := writeContext(t, map[string]string{"Dockerfile": "FROM " + img +
		"\nHEALTHCHECK --interval=1s --timeout=3s --retries=2 CMD echo from-image\nCMD [\"sleep\", \"300\"]\n"})
	nook(t, "build", "-q", "-t", tag, ctx).Ok()
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, tag).Ok()
	nook(t, "inspect", "-f", "{{json .Config.Healthcheck.Test}} {{.Config.Healthcheck.Retries}}", name).Ok().
		StdoutIs(`["CMD-SHELL","echo from-image"] 2`)
	h := waitHealth(t, name, "healthy", 15*time.Second)
	if h.Log[0].Output != "from-image\n" {
		t.Fatalf("probe output %q, want the image's command output", h.Log[0].Output)
	}

	// Flags replace only the fields they set.
	over := containerName(t)
	nook(t, "create", "--name", over, "--health-cmd", "exit 1", tag).Ok()
	nook(t, "inspect", "-f", "{{json .Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}}", over).Ok().
		StdoutIs(`["CMD-SHELL","exit 1"] 1s`) // a Duration, as in Docker's templates
	nook(t, "start", over).Ok()
	waitHealth(t, over, "unhealthy", 15*time.Second)

	none := containerName(t)
	nook(t, "run", "-d", "--name", none, "--no-healthcheck", tag).Ok()
	nook(t, "inspect", "-f", "{{json .Config.Healthcheck.Test}}", none).Ok().StdoutIs(`["NONE"]`)
	time.Sleep(1500 * time.Millisecond)
	if h := inspectHealth(t, none); h != nil {
		t.Fatalf("--no-healthcheck still probes: %+v", h)
	}
	if out := psStatus(t, "-f", "health=none"); !strings.Contains(out, none+"|") || strings.Contains(out, name+"|") {
		t.Fatalf("ps -f health=none:\n%s", out)
	}
	nook(t, "run", "-d", "--no-healthcheck", "--health-cmd", "true", tag).Exit(125).StderrContains("conflicts with --health-* options")
	nook(t, "run", "-d", "--health-interval", "-1s", tag).Exit(125).StderrContains("--health-interval cannot be negative")
	nook(t, "ps", "-f", "health=sick").Exit(1).StderrContains("Unrecognised filter value for health: sick")
}

func TestHealth_TimeoutKillsHungProbe(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, "--health-cmd", "sleep 61; true", "--health-timeout", "500ms",
		"--health-interval", "1h", img, "sleep", "300").Ok()
	start := time.Now()
	nook(t, "healthcheck", "run", name).Exit(1).StdoutIs("unhealthy")
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("healthcheck run took %v with a 500ms timeout", d)
	}
	h := inspectHealth(t, name)
	if len(h.Log) != 1 || h.Log[0].ExitCode != -1 || h.Log[0].Output != "Health check exceeded timeout (500ms)" {
		t.Fatalf("timed-out probe logged as %+v", h)
	}
	// The probe and the shell's child are gone: the kill reached the group.
	waitFor(t, 5*time.Second, "the hung probe to be killed", func() bool {
		return !strings.Contains(nook(t, "exec", name, "ps").Ok().Stdout(), "sleep 61")
	})
}

// healthRunRecords checks `healthcheck run` on a container whose probe is
// "echo probing; test -e /tmp/ok" (retries 3, no probe yet): a failure is
// recorded, then a success after the file exists makes it healthy.
func healthRunRecords(t *testing.T, name string) {
	t.Helper()
	nook(t, "healthcheck", "run", name).Exit(1).StdoutIs("unhealthy")
	h := inspectHealth(t, name)
	if len(h.Log) != 1 || h.Log[0].ExitCode != 1 || h.Log[0].Output != "probing\n" || h.FailingStreak != 1 || h.Status != "starting" {
		t.Fatalf("after one failed run (retries 3): %+v", h)
	}
	nook(t, "exec", name, "touch", "/tmp/ok").Ok()
	nook(t, "healthcheck", "run", name).Ok().StdoutIs("")
	if h := inspectHealth(t, name); len(h.Log) != 2 || h.Status != "healthy" || h.FailingStreak != 0 {
		t.Fatalf("after a good run: %+v", h)
	}
}

// becomesHealthy checks an unhealthy container (probe "test -e /tmp/ok")
// is listed by ps -f health=unhealthy, then turns healthy once the file
// exists; it returns the healthy state.
func becomesHealthy(t *testing.T, name string) *health {
	t.Helper()
	var h *health
	if out := psStatus(t, "-f", "health=unhealthy"); !strings.Contains(out, name+"|Up ") || !strings.Contains(out, "(unhealthy)") {
		t.Fatalf("ps -f health=unhealthy:\n%s", out)
	}
	nook(t, "exec", name, "touch", "/tmp/ok").Ok()
	h = waitHealth(t, name, "healthy", 10*time.Second)
	if last := h.Log[len(h.Log)-1]; last.ExitCode != 0 || h.FailingStreak != 0 {
		t.Fatalf("healthy with last log %+v, streak %d", last, h.FailingStreak)
	}
	return h
}
