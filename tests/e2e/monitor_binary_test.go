package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestMonitor_RunsFromItsOwnBinary: a detached container's monitor is
// nook-monitor when it is installed next to nook (a pure-Go binary that
// links only the monitor, for its resident memory), else nook-runtime,
// whose _monitor role is the fallback. The monitor's features themselves
// are covered by the detached, attach, health, publish and restart tests,
// which run with whichever binary is installed.
func TestMonitor_RunsFromItsOwnBinary(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	defer nook(t, "rm", "-f", name)
	ctrPid, _ := strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
	monPid := parentPid(t, ctrPid)
	exe, err := os.Readlink("/proc/" + strconv.Itoa(monPid) + "/exe")
	if err != nil {
		t.Fatalf("monitor %d: %v", monPid, err)
	}
	dir := filepath.Dir(nookBin)
	want := filepath.Join(dir, "nook-monitor")
	if _, err := os.Stat(want); err != nil {
		want = filepath.Join(dir, "nook-runtime")
		t.Logf("no nook-monitor next to %s: the monitor must be the nook-runtime fallback", nookBin)
	}
	if exe != want {
		t.Fatalf("monitor %d runs %s, want %s", monPid, exe, want)
	}
	if b, _ := os.ReadFile("/proc/" + strconv.Itoa(monPid) + "/cmdline"); len(b) == 0 || string(b[:4]) != "nook" {
		t.Fatalf("monitor's command line %q: ps and the tests expect `nook _monitor ID`", b)
	}
}
