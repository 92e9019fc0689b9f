package e2e

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDoctor_PassesHere: the test machine is set up for rootless nook, so
// every required check passes and doctor exits 0.
func TestDoctor_PassesHere(t *testing.T) {
	r := nook(t, "doctor").Ok()
	out := r.Stdout()
	for _, want := range []string{"newuidmap", "/etc/subuid", "overlay in user namespace",
		"slirp4netns", "/dev/net/tun", "cgroup", "XDG_RUNTIME_DIR", "All required checks passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "[FAIL]") {
		t.Errorf("doctor reports a failure on the test machine:\n%s", out)
	}
}

// TestDoctor_MissingNewuidmap: with a PATH holding every helper except
// newuidmap, doctor fails, names newuidmap and prints the install command.
func TestDoctor_MissingNewuidmap(t *testing.T) {
	dir := t.TempDir()
	for _, tool := range []string{"newgidmap", "slirp4netns", "fuse-overlayfs"} {
		p, err := osexec.LookPath(tool)
		if err != nil {
			continue
		}
		if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	r := newCmd(t).WithEnv("PATH=" + dir).Run("doctor").Exit(1)
	out := r.Stdout()
	if !strings.Contains(out, "[FAIL] newuidmap") || !strings.Contains(out, "newuidmap not found in $PATH") {
		t.Errorf("doctor does not report the missing newuidmap:\n%s", out)
	}
	if !strings.Contains(out, "fix: sudo apt-get install uidmap") {
		t.Errorf("doctor does not print the fix for newuidmap:\n%s", out)
	}
	if strings.Contains(out, "[FAIL] newgidmap") {
		t.Errorf("newgidmap is in PATH but reported missing:\n%s", out)
	}
}

// TestDoctor_FromInsideKeeper: doctor gives the same verdict whether or not
// the constructor joined the keeper's namespace before main.
func TestDoctor_FromInsideKeeper(t *testing.T) {
	nook(t, "unshare", "true").Ok() // makes sure a keeper exists
	joined := nook(t, "doctor").Ok().Stdout()
	host := newCmd(t).WithEnv("_NOOK_NOJOIN=1").Run("doctor").Ok().Stdout()
	if strings.Count(joined, "[ OK ]") != strings.Count(host, "[ OK ]") {
		t.Errorf("doctor differs inside and outside the namespace:\n--- joined\n%s\n--- host\n%s", joined, host)
	}
}
