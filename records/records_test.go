package records

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nook-dev/nook/internal/atomicfile"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/spec"
	"github.com/nook-dev/nook/userns"
)

func writeRecord(t *testing.T, dir, id, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, id), 0o700); err != nil {
		t.Fatal(err)
	}
	rec := map[string]any{"id": id, "name": name, "spec": spec.Container{Process: spec.Process{Args: []string{"sh"}}}}
	if err := atomicfile.WriteJSON(filepath.Join(dir, id, ConfigFile), rec); err != nil {
		t.Fatal(err)
	}
}

func TestResolve_DockerOrder(t *testing.T) {
	dir := t.TempDir()
	writeRecord(t, dir, "abc111", "web")
	writeRecord(t, dir, "abc222", "abc1") // a name that is also a prefix
	writeRecord(t, dir, ".abc333", "gone")
	tests := []struct {
		ref, want string
		kind      error
	}{
		{"abc111", "abc111", nil},
		{"/web", "abc111", nil},
		{"abc1", "abc222", nil}, // a name wins over a prefix
		{"abc2", "abc222", nil},
		{"abc", "", errdefs.ErrConflict},
		{"gone", "", errdefs.ErrNotFound}, // being removed
		{"zzz", "", errdefs.ErrNotFound},
	}
	for _, tt := range tests {
		got, err := Resolve(dir, tt.ref)
		if got != tt.want || (tt.kind == nil) != (err == nil) || (tt.kind != nil && !errors.Is(err, tt.kind)) {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tt.ref, got, err, tt.want, tt.kind)
		}
	}
	sp, err := ReadSpec(dir, "abc111")
	if err != nil || len(sp.Process.Args) != 1 || sp.Process.Args[0] != "sh" {
		t.Errorf("ReadSpec = %+v, %v", sp, err)
	}
}

func TestRunningPid_OnlyPlainlyRunning(t *testing.T) {
	start, err := userns.ProcessStartTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	alive := spec.State{Status: StatusRunning, Pid: 42, MonitorPid: os.Getpid(), MonitorStart: start}
	if pid, ok := RunningPid(alive); !ok || pid != 42 {
		t.Errorf("running with a live holder: %d, %v", pid, ok)
	}
	for name, st := range map[string]spec.State{
		"paused":       {Status: "paused", Pid: 42, MonitorPid: os.Getpid(), MonitorStart: start},
		"exited":       {Status: "exited", MonitorPid: os.Getpid(), MonitorStart: start},
		"no pid":       {Status: StatusRunning, MonitorPid: os.Getpid(), MonitorStart: start},
		"dead holder":  {Status: StatusRunning, Pid: 42, MonitorPid: os.Getpid(), MonitorStart: start + "0"},
		"no holder":    {Status: StatusRunning, Pid: 42},
		"never loaded": ReadState(t.TempDir(), "nosuch"),
	} {
		if _, ok := RunningPid(st); ok {
			t.Errorf("%s counts as running", name)
		}
	}
}

// An empty reference is a prefix of every ID; it must never resolve, or
// `nook rm "$UNSET"` removes the only container.
func TestResolve_EmptyRefMatchesNothing(t *testing.T) {
	dir := t.TempDir()
	writeRecord(t, dir, "abc111", "web")
	for _, ref := range []string{"", "/"} {
		if id, err := Resolve(dir, ref); !errors.Is(err, errdefs.ErrNotFound) {
			t.Errorf("Resolve(%q) = %q, %v; want not found", ref, id, err)
		}
	}
}
