package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRunLimits_AppliedOrRefused checks each limit flag as this host's
// facts call for: where the controller is delegated to the test process,
// the container's cgroup file holds the limit; elsewhere run refuses in
// one sentence saying why, exits 125 and creates nothing. The branch taken
// is logged.
func TestRunLimits_AppliedOrRefused(t *testing.T) {
	f := readCgroupFacts()
	img := busyboxImage(t)
	for _, c := range []struct{ flag, value, ctrl, file, want, inspect, inspectWant string }{
		{"--memory", "64m", "memory", "memory.max", "67108864", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}", "67108864 134217728"},
		{"--cpus", "0.5", "cpu", "cpu.max", "50000 100000", "{{.HostConfig.NanoCpus}}", "500000000"},
		{"--pids-limit", "50", "pids", "pids.max", "50", "{{.HostConfig.PidsLimit}}", "50"},
	} {
		t.Run(c.flag, func(t *testing.T) {
			name := containerName(t)
			if f.dir != "" && f.has(c.ctrl) {
				t.Logf("branch: the %s controller is delegated to %s: checking %s", c.ctrl, f.dir, c.file)
				nook(t, "run", "-d", "--name", name, c.flag, c.value, img, "sleep", "60").Ok()
				pid, _ := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
				cg := processCgroup(f.mount, pid)
				if got := readTrim(filepath.Join(cg, c.file)); got != c.want {
					t.Fatalf("%s of the container's cgroup %s = %q, want %q", c.file, cg, got, c.want)
				}
				if swap := filepath.Join(cg, "memory.swap.max"); c.ctrl == "memory" {
					if _, err := os.Stat(swap); err == nil && readTrim(swap) != "67108864" {
						t.Fatalf("memory.swap.max = %q, want 67108864 (Docker's default: as much swap as memory)", readTrim(swap))
					}
				}
				nook(t, "inspect", "-f", c.inspect, name).Ok().StdoutIs(c.inspectWant)
				return
			}
			var want string
			switch {
			case f.mount == "":
				want = c.flag + " needs cgroup v2, but this host has only cgroup v1"
			case f.onV1(c.ctrl) && !f.has(c.ctrl):
				want = c.flag + " needs the cgroup v2 " + c.ctrl + " controller delegated to you; this host has it on cgroup v1 (hybrid), where rootless containers cannot set limits"
			case f.dir == "":
				want = c.flag + " needs a cgroup v2 subtree delegated to your user, but "
			default:
				want = c.flag + " needs the cgroup v2 " + c.ctrl + " controller delegated to you, but your cgroup " + f.dir + " does not offer it"
			}
			t.Logf("branch: refusal expected: %s", want)
			r := nook(t, "run", "--name", name, c.flag, c.value, img, "true").Exit(125).StderrContains(want)
			if lines := strings.Count(strings.TrimSpace(r.Stderr()), "\n"); lines != 0 {
				t.Fatalf("refusal is not one line:\n%s", r.Stderr())
			}
			nook(t, "inspect", name).Fails().StderrContains("No such")
			nook(t, "create", "--name", name, c.flag, c.value, img, "true").Exit(125).StderrContains(want)
			nook(t, "inspect", name).Fails()
		})
	}
}

// TestRunLimits_BadValues: Docker's validation, on any host.
func TestRunLimits_BadValues(t *testing.T) {
	img := busyboxImage(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--memory", "1k"}, "Minimum memory limit allowed is 6MB"},
		{[]string{"--memory", "lots"}, `invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'`},
		{[]string{"--memory", "20m", "--memory-swap", "10m"}, "Minimum memoryswap limit should be larger than memory limit"},
		{[]string{"--memory-swap", "10m"}, "You should always set the Memory limit when using Memoryswap limit"},
		{[]string{"--cpus", "abc"}, `invalid argument "abc" for "--cpus" flag`},
		{[]string{"--cpus", "100000"}, "Range of CPUs is from 0.01 to"},
		{[]string{"--pids-limit", "x"}, `invalid argument "x" for "--pids-limit" flag`},
	} {
		args := append(append([]string{"run", "--rm"}, c.args...), img, "true")
		nook(t, args...).Exit(125).StderrContains(c.want)
	}
}
