package cgroups

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nook-dev/nook/internal/errdefs"
)

// fakeCgroup lays out dir like a cgroupfs directory: the files nook reads
// and writes, with contents.
func fakeCgroup(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"cgroup.procs": "", "cgroup.subtree_control": "", "cgroup.controllers": "",
		"cgroup.freeze": "0", "cgroup.events": "populated 0\nfrozen 0\n"}
	for k, v := range files {
		base[k] = v
	}
	for k, v := range base {
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const hybridSelf = "4:memory:/x\n3:cpu,cpuacct:/\n2:name=systemd:/\n1:pids:/\n0::/user/me\n"

func TestInspect(t *testing.T) {
	mount := t.TempDir()
	fakeCgroup(t, filepath.Join(mount, "user/me"), map[string]string{"cgroup.controllers": "cpu memory pids\n"})
	uid := os.Geteuid()
	for _, c := range []struct {
		name, self, mount string
		pure              bool
		uid               int
		base, why         string
		ctrls, v1         string
	}{
		{"delegated on a pure v2 host", "0::/user/me\n", mount, true, uid, mount + "/user/me", "", "cpu memory pids", ""},
		{"hybrid: v1 controllers listed", hybridSelf, mount, false, uid, mount + "/user/me", "", "cpu memory pids", "memory cpu cpuacct pids"},
		{"a caller in the init leaf belongs to its parent", "0::/user/me/init\n", mount, true, uid, mount + "/user/me", "", "cpu memory pids", ""},
		{"owned by someone else", "0::/user/me\n", mount, true, uid + 1, "", "belongs to another user", "", ""},
		{"no cgroup2 mount", hybridSelf, "", false, uid, "", "no cgroup v2 mount", "", "memory cpu cpuacct pids"},
		{"no v2 line", "1:pids:/\n", mount, false, uid, "", "names no cgroup v2 cgroup", "", "pids"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "a caller in the init leaf belongs to its parent" {
				fakeCgroup(t, filepath.Join(mount, "user/me/init"), nil)
			}
			h := inspect(c.mount, c.pure, []byte(c.self), c.uid)
			if h.Base != c.base || !strings.Contains(h.NotDelegated, c.why) || strings.Join(h.Controllers, " ") != c.ctrls || strings.Join(h.V1, " ") != c.v1 {
				t.Fatalf("got Base %q, NotDelegated %q, Controllers %q, V1 %q", h.Base, h.NotDelegated, h.Controllers, h.V1)
			}
			if want := map[bool]int{true: 2, false: 1}[c.pure]; h.Version != want {
				t.Fatalf("Version %d, want %d", h.Version, want)
			}
		})
	}
}

func TestRequire_Sentences(t *testing.T) {
	for _, c := range []struct {
		name string
		h    Host
		ctrl []string
		want string
	}{
		{"v1 only", Host{}, []string{"memory"}, "--memory needs cgroup v2, but this host has only cgroup v1"},
		{"hybrid", Host{Mount: "/m", V1: []string{"memory"}, Base: "/m/me"}, []string{"memory"},
			"--memory needs the cgroup v2 memory controller delegated to you; this host has it on cgroup v1 (hybrid), where rootless containers cannot set limits"},
		{"not delegated", Host{Mount: "/m", NotDelegated: "your cgroup /m belongs to another user"}, nil,
			"--memory needs a cgroup v2 subtree delegated to your user, but your cgroup /m belongs to another user (systemd: Delegate=yes"},
		{"controller not offered", Host{Mount: "/m", Base: "/m/me", Controllers: []string{"pids"}}, []string{"memory"},
			"--memory needs the cgroup v2 memory controller delegated to you, but your cgroup /m/me does not offer it (it offers: pids;"},
		{"fine", Host{Mount: "/m", Base: "/m/me", Controllers: []string{"memory"}}, []string{"memory"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.h.Require("--memory", c.ctrl...)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, errdefs.ErrUnavailable) {
				t.Fatalf("got %v, want %q (kind unavailable)", err, c.want)
			}
		})
	}
}

func TestSetup_EnablesControllersAndWritesLimits(t *testing.T) {
	base := filepath.Join(t.TempDir(), "me")
	fakeCgroup(t, base, map[string]string{"cgroup.subtree_control": "pids"})
	fakeCgroup(t, filepath.Join(base, ParentName), nil)
	dir := filepath.Join(base, ParentName, "ctr")
	fakeCgroup(t, dir, map[string]string{"memory.max": "max", "memory.swap.max": "max", "cpu.max": "max 100000", "pids.max": "max"})
	l := Limits{Memory: 64 << 20, MemorySwap: 128 << 20, NanoCPUs: 1.5e9, PidsLimit: 50}
	if got := strings.Join(l.Controllers(), " "); got != "cpu memory pids" {
		t.Fatalf("Controllers() = %q", got)
	}
	if err := Setup(dir, l); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		filepath.Join(base, "cgroup.subtree_control"):             "+cpu +memory", // pids was on already
		filepath.Join(base, ParentName, "cgroup.subtree_control"): "+cpu +memory +pids",
		filepath.Join(dir, "memory.max"):                          "67108864",
		filepath.Join(dir, "memory.swap.max"):                     "67108864",
		filepath.Join(dir, "cpu.max"):                             "150000 100000",
		filepath.Join(dir, "pids.max"):                            "50",
	} {
		if b, _ := os.ReadFile(file); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
}

// Update writes the complete new limits into a running container's
// cgroup: set ones are written, the controllers enabled, lifted ones go
// back to "max" where the controller is on, and nothing is created.
func TestUpdate_WritesAndLiftsLimits(t *testing.T) {
	base := filepath.Join(t.TempDir(), "me")
	fakeCgroup(t, filepath.Join(base, ParentName), map[string]string{"cgroup.subtree_control": ""})
	dir := filepath.Join(base, ParentName, "ctr")
	fakeCgroup(t, dir, map[string]string{"memory.max": "67108864", "cpu.max": "50000 100000", "pids.max": "10"})
	if err := Update(dir, Limits{PidsLimit: 99}); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		filepath.Join(base, ParentName, "cgroup.subtree_control"): "+pids",
		filepath.Join(dir, "memory.max"):                          "max",
		filepath.Join(dir, "cpu.max"):                             "max",
		filepath.Join(dir, "pids.max"):                            "99",
	} {
		if b, _ := os.ReadFile(file); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "memory.swap.max")); !os.IsNotExist(err) {
		t.Errorf("Update created memory.swap.max (no swap accounting here): %v", err)
	}
	if err := Update(filepath.Join(base, "nosuch"), Limits{}); err == nil {
		t.Errorf("Update of a missing cgroup must fail")
	}
}

func TestWriteLimits_Edges(t *testing.T) {
	dir := t.TempDir()
	fakeCgroup(t, dir, map[string]string{"memory.max": "", "cpu.max": ""})
	// Unlimited swap on a kernel without swap accounting (no
	// memory.swap.max) is no error; a tiny --cpus gets the kernel's 1 ms.
	if err := writeLimits(dir, Limits{Memory: 10 << 20, MemorySwap: -1, NanoCPUs: 1e6}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "cpu.max")); string(b) != "1000 100000" {
		t.Fatalf("cpu.max = %q", b)
	}
	if err := writeLimits(dir, Limits{PidsLimit: 5}); err == nil || !strings.Contains(err.Error(), "pids.max") {
		t.Fatalf("a missing pids.max must fail naming it, got %v", err)
	}
}

func TestFrozen(t *testing.T) {
	dir := t.TempDir()
	fakeCgroup(t, dir, map[string]string{"cgroup.freeze": "1\n"})
	if !Frozen(dir) || Frozen("") || Frozen(filepath.Join(dir, "missing")) {
		t.Fatal("Frozen: want true for a frozen cgroup, false for none or a missing one")
	}
	if err := ErrPausedExec("abc"); !errors.Is(err, errdefs.ErrConflict) || err.Error() != "container abc is paused, unpause the container before exec" {
		t.Fatalf("ErrPausedExec: %v", err)
	}
}
