package e2e

import (
	"fmt"
	"os"
	osexec "os/exec"
	"os/user"
	"path/filepath"
	"regexp"
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
	// nook info shows the same facts, and each of doctor's warnings.
	info := nook(t, "info").Ok()
	for _, want := range []string{"\n Rootless:\n", "\n  newuidmap: ", "\n  /dev/net/tun: usable\n"} {
		if !strings.Contains(info.Stdout(), want) {
			info.Fatalf("info lacks %q", want)
		}
	}
	warnings := regexp.MustCompile(`(?m)^WARNING: (.*?): `).FindAllStringSubmatch(info.Stderr(), -1)
	if len(warnings) != strings.Count(out, "[WARN] ") {
		info.Fatalf("info has %d warnings, doctor %d:\n%s", len(warnings), strings.Count(out, "[WARN] "), out)
	}
	for _, m := range warnings {
		if !strings.Contains(out, "[WARN] "+m[1]+" ") {
			info.Fatalf("info warns about %q, doctor does not:\n%s", m[1], out)
		}
	}
}

// TestDoctor_MissingNewuidmap: with a PATH holding every helper except
// newuidmap, doctor fails, names newuidmap and, as it is installed in
// /usr/bin, says to fix the PATH; nook itself fails with a hint too.
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
	real, err := osexec.LookPath("newuidmap")
	if err != nil {
		t.Fatalf("newuidmap is not installed: %v", err)
	}
	s := freshStore(t)
	r := s.WithEnv("PATH=" + dir).Run("doctor").Exit(1)
	out := r.Stdout()
	if !strings.Contains(out, "[FAIL] newuidmap") || !strings.Contains(out, "newuidmap not found in $PATH ("+dir+"), but "+real+" exists") {
		t.Errorf("doctor does not report the missing newuidmap:\n%s", out)
	}
	if want := `fix: export PATH="$PATH:` + filepath.Dir(real) + `"`; !strings.Contains(out, want) {
		t.Errorf("doctor does not print the fix %q:\n%s", want, out)
	}
	if strings.Contains(out, "[FAIL] newgidmap") || strings.Count(out, "[FAIL]") != 1 {
		t.Errorf("want exactly one failure, newuidmap:\n%s", out)
	}
	// The first command of a fresh store creates the namespace: it fails
	// and points to the fix.
	s.WithEnv("PATH="+dir).Run("images").Fails().StderrContains("newuidmap", "nook doctor")
}

// TestDoctorEnv_* need a broken machine set-up: tests/e2e-run.sh runs them
// in passes of their own (as root it can), the main pass skips them.

// TestDoctorEnv_NoSubIDs runs as a user without /etc/subuid and
// /etc/subgid lines (nooknosub, made by tests/setup.sh): doctor fails both
// checks with one usermod command whose range overlaps nobody's, and the
// warning of nook's first command prints the same command.
func TestDoctorEnv_NoSubIDs(t *testing.T) {
	requires(t, Requirement{"NoSubIDs", func() string {
		if hasSubIDs("/etc/subuid") || hasSubIDs("/etc/subgid") {
			return "this user has a subordinate id range (tests/e2e-run.sh runs this test as nooknosub)"
		}
		return ""
	}})
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	start := 100000
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n") {
			var s, n int
			if p := strings.Split(line, ":"); len(p) == 3 {
				fmt.Sscan(p[1], &s)
				fmt.Sscan(p[2], &n)
				start = max(start, s+n)
			}
		}
	}
	fix := fmt.Sprintf("sudo usermod --add-subuids %d-%d --add-subgids %d-%d %s", start, start+65535, start, start+65535, u.Username)
	s := freshStore(t)
	out := s.Run("doctor").Exit(1).Stdout()
	for _, want := range []string{
		"[FAIL] /etc/subuid", u.Username + " has 0 subordinate ids in /etc/subuid",
		"[FAIL] /etc/subgid", u.Username + " has 0 subordinate ids in /etc/subgid",
		"fix: " + fix, "2 problem(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	// Without a range nook still starts (only the caller's id is mapped),
	// and warns once with the same fix.
	s.Run("unshare", "cat", "/proc/self/uid_map").Ok().StdoutMatches(`^\s*0\s+`+u.Uid+`\s+1\n$`).StderrContains("WARNING: no subordinate id range", fix)
	// An image with files of other users cannot be unpacked: the error
	// says how to get a range.
	s.Run("import", busyboxTar(t), "e2e/nosub:latest").Fails().StderrContains("Hint: the image has files of other users", fix)
	after := s.Run("doctor").Exit(1).Stdout()
	if !strings.Contains(after, "[ OK ] user namespace (keeper)") || !strings.Contains(after, "maps 1 ids") {
		t.Errorf("doctor does not describe the running single-id namespace:\n%s", after)
	}
}

// TestDoctorEnv_TunDenied runs where /dev/net/tun exists but cannot be
// opened: tests/e2e-run.sh (as root) bind-mounts a 0600 root-owned node
// over it in a private mount namespace, never touching the real device.
// doctor fails that one check with the chmod fix; run fails with the same
// hint, and --network none still works.
func TestDoctorEnv_TunDenied(t *testing.T) {
	requires(t, Requirement{"TunDenied", func() string {
		if _, err := os.Stat("/dev/net/tun"); err != nil {
			return err.Error()
		}
		if rwDevice("/dev/net/tun") == "" {
			return "/dev/net/tun is usable here (tests/e2e-run.sh runs this test with a 0600 node mounted over it)"
		}
		return ""
	}})
	s := freshStore(t) // its keeper is made in this mount namespace
	r := s.Run("doctor").Exit(1)
	out := r.Stdout()
	if !strings.Contains(out, "[FAIL] /dev/net/tun") || !strings.Contains(out, "open /dev/net/tun: permission denied") ||
		!strings.Contains(out, "fix: sudo chmod 0666 /dev/net/tun") || strings.Count(out, "[FAIL]") != 1 {
		r.Fatalf("doctor does not report exactly the unusable /dev/net/tun with its fix")
	}
	s.Run("info").Ok().StderrContains("WARNING: /dev/net/tun: open /dev/net/tun: permission denied\n  fix: sudo chmod 0666 /dev/net/tun")
	img := s.busybox(t)
	s.Run("run", "--rm", img, "true").Exit(125).StderrContains("/dev/net/tun", "chmod 0666 /dev/net/tun")
	s.Run("run", "--rm", "--network", "none", img, "echo", "ok").Ok().StdoutIs("ok")
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
