package e2e

import (
	"fmt"
	"os"
	osexec "os/exec"
	"os/user"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Requirement is something a test needs from the machine. Check returns ""
// when it is met, else the reason it is not.
type Requirement struct {
	Name  string
	Check func() string
}

// requires skips the test when a requirement is unmet, naming the reason;
// with NOOK_TEST_STRICT=1 it fails instead, so that no skipped test can
// count as a pass in CI.
func requires(t testing.TB, reqs ...Requirement) {
	t.Helper()
	for _, r := range reqs {
		why := r.Check()
		if why == "" {
			continue
		}
		if strict {
			t.Fatalf("requirement %s unmet: %s (NOOK_TEST_STRICT=1 turns skips into failures)", r.Name, why)
		}
		t.Skipf("requirement %s unmet: %s", r.Name, why)
	}
}

// knownBroken skips a test that fails for a filed reason, in every mode.
func knownBroken(t testing.TB, issue int, why string) {
	t.Helper()
	t.Skipf("known breakage, issue %d: %s", issue, why)
}

func command(name, pkg string) func() string {
	return func() string {
		if _, err := osexec.LookPath(name); err != nil {
			return fmt.Sprintf("%s not in PATH (apt-get install %s)", name, pkg)
		}
		return ""
	}
}

func rwDevice(path string) string {
	if err := unix.Access(path, unix.R_OK|unix.W_OK); err != nil {
		return fmt.Sprintf("%s not read-writable: %v (chmod 0666 %s)", path, err, path)
	}
	return ""
}

func all(checks ...func() string) func() string {
	return func() string {
		for _, c := range checks {
			if why := c(); why != "" {
				return why
			}
		}
		return ""
	}
}

// kernelAtLeast reports whether the running kernel is at least major.minor.
func kernelAtLeast(major, minor int) bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	rel := unix.ByteSliceToString(u.Release[:])
	parts := strings.SplitN(rel, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, _ := strconv.Atoi(parts[0])
	mi, _ := strconv.Atoi(strings.TrimLeftFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	return ma > major || (ma == major && mi >= minor)
}

// The requirements tests can state.
var (
	// NativeOverlay: kernel overlayfs mountable in a user namespace (>= 5.11).
	NativeOverlay = Requirement{"NativeOverlay", func() string {
		if !kernelAtLeast(5, 11) {
			return "kernel older than 5.11 cannot mount overlayfs in a user namespace"
		}
		return ""
	}}
	// FuseOverlay: fuse-overlayfs and a usable /dev/fuse.
	FuseOverlay = Requirement{"FuseOverlay", all(command("fuse-overlayfs", "fuse-overlayfs"),
		func() string { return rwDevice("/dev/fuse") })}
	// Slirp4netns: slirp4netns and a usable /dev/net/tun.
	Slirp4netns = Requirement{"Slirp4netns", all(command("slirp4netns", "slirp4netns"),
		func() string { return rwDevice("/dev/net/tun") })}
	// Pasta: passt's pasta and a usable /dev/net/tun.
	Pasta = Requirement{"Pasta", all(command("pasta", "passt"),
		func() string { return rwDevice("/dev/net/tun") })}
	// Registry: a docker-registry binary and htpasswd to run one on loopback.
	Registry = Requirement{"Registry", all(command("docker-registry", "docker-registry"),
		command("htpasswd", "apache2-utils"))}
	// Mmdebstrap: mmdebstrap for Debian base images (needs Debian's mirror).
	Mmdebstrap = Requirement{"Mmdebstrap", command("mmdebstrap", "mmdebstrap")}
	// Podman: rootless podman as the yardstick.
	Podman = Requirement{"Podman", command("podman", "podman")}
	// SubIDs: /etc/subuid and /etc/subgid ranges for the current user.
	SubIDs = Requirement{"SubIDs", func() string {
		for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
			if !hasSubIDs(f) {
				return "no " + f + " range for this user (usermod --add-subuids/--add-subgids)"
			}
		}
		return ""
	}}
	// CgroupV2: the unified cgroup hierarchy is mounted.
	CgroupV2 = Requirement{"CgroupV2", func() string {
		if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err != nil {
			return "cgroup v2 is not the mounted hierarchy"
		}
		return ""
	}}
)

func hasSubIDs(file string) bool {
	b, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	uid := strconv.Itoa(os.Getuid())
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	for _, line := range strings.Split(string(b), "\n") {
		p := strings.Split(line, ":")
		if len(p) == 3 && (p[0] == uid || (name != "" && p[0] == name)) {
			return true
		}
	}
	return false
}

// DebianBase: the Debian bookworm base image (debian-flask:bookworm, made by
// tests/fixtures/debian-base.sh), in the shared store or as its fixture tar.
var DebianBase = Requirement{"DebianBase", func() string {
	if osexec.Command(nookBin, "image", "inspect", debianBaseImage).Run() == nil {
		return ""
	}
	if debianBaseTar() != "" {
		return ""
	}
	return "no " + debianBaseImage + " image and no " + debianBaseFile + " in " + fixturesDir +
		" (tests/setup.sh builds it as the test user, ~20 s with deb.debian.org reachable; or run " +
		"NOOK_BASE_NO_IMPORT=1 tests/fixtures/debian-base.sh $NOOK_FIXTURES/" + debianBaseFile + ")"
}}

const (
	debianBaseImage = "debian-flask:bookworm"
	debianBaseFile  = "debian-flask-bookworm.tar"
)

// debianBaseTar is the fixture tar of DebianBase: in NOOK_FIXTURES, or the
// cache debian-base.sh fills by default; "" if neither exists.
func debianBaseTar() string {
	home, _ := os.UserHomeDir()
	for _, p := range []string{fixturesDir + "/" + debianBaseFile, home + "/.cache/nook/" + debianBaseFile} {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
			return p
		}
	}
	return ""
}

// storageDrivers are the drivers a test runs on, each with what it needs.
var storageDrivers = []struct {
	name string
	req  []Requirement
}{
	{"overlay", []Requirement{NativeOverlay}},
	{"fuse-overlayfs", []Requirement{FuseOverlay}},
	{"vfs", nil},
}
