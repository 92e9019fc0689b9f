package e2e

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// `nook update --restart` on a running container reaches its monitor: a
// container started without a restart policy is restarted on failure
// after the update, as many times as the new policy says.
func TestUpdate_RestartPolicyOfRunningContainer(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sh", "-c", "sleep 2; exit 3").Ok()
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", name).Wait() })
	nook(t, "update", "--restart", "on-failure:2", name).Ok().StdoutIs(name)
	nook(t, "inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}", name).Ok().StdoutIs("on-failure:2")
	waitFor(t, 30*time.Second, "two restarts, then exited (3)", func() bool {
		return newCmd(t).Run("inspect", "-f", "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}", name).Wait().Line() == "exited 2 3"
	})

	rm := containerName(t)
	nook(t, "create", "--rm", "--name", rm, img, "true").Ok()
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", rm).Wait() })
	nook(t, "update", "--restart", "always", rm).Exit(1).
		StderrContains("Restart policy cannot be updated because AutoRemove is enabled for the container")
	nook(t, "update", name).Fails().StderrContains("you must provide one or more flags when using this command")
	nook(t, "update", "--restart", "sometimes", name).Fails().StderrContains(`invalid restart policy: unknown policy "sometimes"`)
	nook(t, "update", "--restart", "no", "no-such-"+name).Exit(1).StderrContains("No such container: no-such-" + name)
}

// `nook update --pids-limit` changes a running container's cgroup where
// the controller is delegated; elsewhere it refuses with run's sentence.
func TestUpdate_LimitsAppliedOrRefused(t *testing.T) {
	f := readCgroupFacts()
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "60").Ok()
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", name).Wait() })
	if f.dir != "" && f.has("pids") {
		t.Logf("branch: the pids controller is delegated to %s", f.dir)
		nook(t, "update", "--pids-limit", "42", name).Ok().StdoutIs(name)
		pid, _ := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
		if got := readTrim(filepath.Join(processCgroup(f.mount, pid), "pids.max")); got != "42" {
			t.Fatalf("pids.max after update = %q, want 42", got)
		}
		nook(t, "inspect", "-f", "{{.HostConfig.PidsLimit}}", name).Ok().StdoutIs("42")
		return
	}
	t.Logf("branch: the pids controller is not delegated: refusal expected")
	nook(t, "update", "--pids-limit", "42", name).Exit(1).StderrContains("--pids-limit needs")
	nook(t, "inspect", "-f", "{{.HostConfig.PidsLimit}}", name).Ok().StdoutIs("<nil>") // unchanged: none
}
