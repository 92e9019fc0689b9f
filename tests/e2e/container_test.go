package e2e

import (
	"os"
	osexec "os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// waitFor polls cond every 50 ms until it is true or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDetached_SurvivesCLIAndShowsInPs(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	id := nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok().Line()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(id) {
		t.Fatalf("run -d printed %q, want a 64-hex ID", id)
	}
	ps := nook(t, "ps").Ok().Stdout()
	lines := strings.Split(strings.TrimSpace(ps), "\n")
	if !strings.HasPrefix(lines[0], "CONTAINER ID   IMAGE") || !strings.Contains(lines[0], "NAMES") {
		t.Fatalf("ps header: %q", lines[0])
	}
	row := ""
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, id[:12]) {
			row = l
		}
	}
	if row == "" || !strings.Contains(row, `"sleep 300"`) || !strings.Contains(row, "Up ") || !strings.HasSuffix(row, name) {
		t.Fatalf("ps row for %s missing or wrong:\n%s", id[:12], ps)
	}
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.Running}} {{.Name}}", name).Ok().StdoutIs("running true /" + name)
	pid, _ := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		t.Fatalf("State.Pid %d is not a live process on the host", pid)
	}
	nook(t, "inspect", "-f", "{{json .Config.Cmd}}", name).Ok().StdoutIs(`["sleep","300"]`)
}

func TestDetached_LogsFollowAndExitStatus(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sh", "-c", "for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.2; done; exit 3").Ok()
	r := nook(t, "logs", "-f", name).Ok()
	if r.Stdout() != "out1\nout2\nout3\n" || r.Stderr() != "err1\nerr2\nerr3\n" {
		r.Fatalf("logs -f: stdout %q stderr %q", r.Stdout(), r.Stderr())
	}
	nook(t, "wait", name).Ok().StdoutIs("3")
	nook(t, "ps", "-a", "--filter", "name=^"+name+"$", "--format", "{{.Status}}").Ok().StdoutMatches(`^Exited \(3\) .* ago$`)
	// --tail counts lines of both streams, as Docker's does.
	tail := nook(t, "logs", "--tail", "2", name).Ok()
	if tail.Stdout() != "out3\n" || tail.Stderr() != "err3\n" {
		tail.Fatalf("logs --tail 2")
	}
	nook(t, "logs", "-t", "--tail", "2", name).Ok().StdoutMatches(`^\d{4}-\d\d-\d\dT[0-9:.]+Z out3$`)
}

func TestStop_EscalatesToKillAfterTimeout(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	// sh as pid 1 ignores SIGTERM: stop must escalate.
	nook(t, "run", "-d", "--name", name, img, "sh", "-c", "trap '' TERM; sleep 300").Ok()
	start := time.Now()
	nook(t, "stop", "-t", "1", name).Ok().StdoutIs(name)
	if d := time.Since(start); d < time.Second || d > 8*time.Second {
		t.Fatalf("stop -t 1 took %s", d)
	}
	nook(t, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name).Ok().StdoutIs("exited 137")
}

func TestRun_RmRemovesDetachedContainerAfterExit(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--rm", "--name", name, img, "true").Ok()
	waitFor(t, 10*time.Second, "auto-removal", func() bool {
		return !strings.Contains(nook(t, "ps", "-a", "--format", "{{.Names}}").Ok().Stdout(), name)
	})
}

func TestRestart_OnFailureRestartsNTimes(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--restart", "on-failure:2", "--name", name, img, "sh", "-c", "echo run; exit 1").Ok()
	waitFor(t, 20*time.Second, "restarts to finish", func() bool {
		return nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().Line() == "exited"
	})
	nook(t, "inspect", "-f", "{{.RestartCount}}", name).Ok().StdoutIs("2")
	if n := strings.Count(nook(t, "logs", name).Ok().Stdout(), "run"); n != 3 {
		t.Fatalf("ran %d times, want 3 (1 + 2 restarts)", n)
	}
}

func TestMonitorKilled_ShowsExitedNotRunning(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	ctrPid, _ := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
	monPid := parentPid(t, ctrPid)
	if err := syscall.Kill(monPid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill monitor %d: %v", monPid, err)
	}
	waitFor(t, 10*time.Second, "container shown as exited", func() bool {
		return nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().Line() == "exited"
	})
	waitFor(t, 10*time.Second, "container process gone", func() bool {
		return syscall.Kill(ctrPid, 0) != nil || isZombie(ctrPid)
	})
	nook(t, "rm", name).Ok()
}

func parentPid(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[0] == "Z"
}

func TestRun_SameNameConcurrentlyExactlyOneWins(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	var wg sync.WaitGroup
	results := make([]*Result, 2)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = newCmd(t).Run("run", "-d", "--name", name, img, "sleep", "60").Wait()
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		if r.Stdout() != "" && !strings.Contains(r.Stderr(), "Error") {
			ok++
		} else if !strings.Contains(r.Stderr(), "is already in use") {
			r.Fatalf("loser should report the name conflict")
		}
	}
	if ok != 1 {
		t.Fatalf("%d of 2 runs with the same name succeeded, want exactly 1", ok)
	}
	// Docker names the holder in the conflict.
	id := nook(t, "inspect", "-f", "{{.Id}}", name).Ok().Line()
	nook(t, "run", "-d", "--name", name, img, "true").Exit(125).
		StderrContains(`Conflict. The container name "/` + name + `" is already in use by container "` + id + `". You have`)

	// Concurrent rm -f of one running container all succeed (a loser
	// finds it already dead or gone); rm -f of a missing container says
	// so but exits 0, as docker rm -f since 20.10; plain rm exits 1.
	rms := make([]*Result, 4)
	for i := range rms {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rms[i] = newCmd(t).Run("rm", "-f", name).Wait()
		}(i)
	}
	wg.Wait()
	for _, r := range rms {
		if r.Exit(0); strings.Contains(r.Stderr(), "no such process") {
			r.Fatalf("a concurrent rm -f leaked ESRCH")
		}
	}
	nook(t, "rm", "-f", name).Exit(0).StderrContains("No such container: " + name)
	nook(t, "rm", name).Exit(1).StderrContains("No such container: " + name)
	nook(t, "rmi", "-f", "no-such-image-"+name).Exit(0).StderrContains("No such image")
	nook(t, "rmi", "no-such-image-"+name).Exit(1).StderrContains("No such image")
}

func TestInspect_Templates(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, "-v", "/data", img, "sleep", "300").Ok()
	nook(t, "inspect", "-f", "{{range .Mounts}}{{.Destination}} {{.Type}}{{end}}", name).Ok().StdoutIs("/data volume")
	nook(t, "inspect", "-f", "{{.Config.Hostname}}", name).Ok().StdoutMatches(`^[0-9a-f]{12}$`)
	nook(t, "inspect", "-f", "{{json .Config.Cmd}}", name).Ok().StdoutIs(`["sleep","300"]`)
	nook(t, "inspect", "--type", "container", "nosuch-"+name).Exit(1).StderrContains("No such")
	nook(t, "rm", "-f", "-v", name).Ok()
}

func TestParallel_TwentyRuns(t *testing.T) {
	img := busyboxImage(t)
	var wg sync.WaitGroup
	res := make([]*Result, 20)
	for i := range res {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				res[i] = newCmd(t).WithTimeout(120*time.Second).Run("run", "--rm", img, "echo", "ok").Wait()
			} else {
				n := containerName(t)
				res[i] = newCmd(t).WithTimeout(120*time.Second).Run("run", "-d", "--rm", "--name", n, img, "true").Wait()
			}
		}(i)
	}
	wg.Wait()
	for _, r := range res {
		r.Ok()
		if strings.Contains(r.Combined(), "locked") {
			r.Fatalf("lock error")
		}
	}
}

func TestCreate_GeneratedNameIsAdjectiveSurname(t *testing.T) {
	img := busyboxImage(t)
	id := nook(t, "create", img, "true").Ok().Line()
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", id).Wait() })
	nook(t, "ps", "-a", "--filter", "id="+id, "--format", "{{.Names}} {{.Status}}").Ok().StdoutMatches(`^[a-z]+_[a-z]+[0-9]? Created$`)
}

// A foreground run keeps a log as a detached one does (docker logs works
// after docker run): the user sees the output unchanged and as it comes,
// and `logs` has both streams, including a last line without a newline.
func TestRun_ForegroundOutputInLogs(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	r := nook(t, "run", "--name", name, img, "sh", "-c", "echo out; echo err >&2; printf tail").Ok()
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", name).Wait() })
	if r.Stdout() != "out\ntail" || r.Stderr() != "err\n" {
		r.Fatalf("run's own output changed: stdout %q, stderr %q", r.Stdout(), r.Stderr())
	}
	logs := nook(t, "logs", name).Ok()
	if logs.Stdout() != "out\ntail" || logs.Stderr() != "err\n" {
		logs.Fatalf("logs: stdout %q, stderr %q; want the run's output", logs.Stdout(), logs.Stderr())
	}
	// A reader that goes away ends the container as a closed pipe would,
	// and the run still cleans up (--rm).
	piped := containerName(t)
	cmd := osexec.Command("sh", "-c", nookBin+" run --rm --name "+piped+" "+img+" yes | head -1")
	cmd.Env = os.Environ()
	done := make(chan error, 1)
	var out []byte
	go func() {
		var err error
		out, err = cmd.Output()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil || string(out) != "y\n" {
			t.Fatalf("run ... yes | head -1: %q, %v", out, err)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("run ... yes | head -1 did not end when its reader went away")
	}
	waitFor(t, 10*time.Second, "the --rm container to be gone", func() bool {
		return newCmd(t).Run("inspect", piped).Wait().Code != 0
	})
}
