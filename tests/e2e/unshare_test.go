package e2e

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestUnshare_IsRootWithFullMap(t *testing.T) {
	requires(t, SubIDs)
	nook(t, "unshare", "id", "-u").Ok().StdoutIs("0")
	start, count := subIDStart(t, "/etc/subuid")
	checkUIDMap(t, nook(t, "unshare", "cat", "/proc/self/uid_map").Ok(), os.Getuid(), start, count)
}

func TestUnshare_InvocationsShareUserNamespace(t *testing.T) {
	host, err := os.Readlink("/proc/self/ns/user")
	if err != nil {
		t.Fatal(err)
	}
	a := nook(t, "unshare", "readlink", "/proc/self/ns/user").Ok().Line()
	b := nook(t, "unshare", "readlink", "/proc/self/ns/user").Ok().Line()
	if a != b {
		t.Fatalf("two invocations saw different user namespaces: %s and %s", a, b)
	}
	if a == host {
		t.Fatalf("nook unshare stayed in the host's user namespace %s", a)
	}
	// A container lives in the same (keeper's) user namespace.
	img := busyboxImage(t)
	nook(t, "run", "--rm", img, "readlink", "/proc/self/ns/user").Ok().StdoutIs(a)
	// The keeper record names a live process in that namespace.
	pid := keeperPID(t, runtimeDir()+"/nook/keeper")
	if ns, err := os.Readlink("/proc/" + itoa(pid) + "/ns/user"); err != nil || ns != a {
		t.Fatalf("keeper pid %d: user ns %q (%v), want %s", pid, ns, err, a)
	}
}

func TestUnshare_ExitStatus(t *testing.T) {
	nook(t, "unshare", "sh", "-c", "exit 7").Exit(7)
}

// Killing the keeper loses the namespace; the next command must notice,
// replace it and work. Uses its own store so the shared keeper survives.
func TestKeeper_KillIsSurvived(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	s.Run("run", "--rm", img, "true").Ok()
	before := s.Run("unshare", "readlink", "/proc/self/ns/user").Ok().Line()
	pid := keeperPID(t, s.KeeperFile())
	if pid <= 0 {
		t.Fatalf("no keeper record in %s", s.KeeperFile())
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 keeper %d: %v", pid, err)
	}
	waitGone(t, pid)
	s.Run("run", "--rm", img, "sh", "-c", "echo alive").Ok().StdoutIs("alive")
	after := s.Run("unshare", "readlink", "/proc/self/ns/user").Ok().Line()
	if after == before {
		t.Fatalf("user namespace %s unchanged although its keeper %d was killed", after, pid)
	}
	if np := keeperPID(t, s.KeeperFile()); np == pid || np <= 0 {
		t.Fatalf("keeper record still names pid %d (now %d)", pid, np)
	}
	// Images survive: the store is on disk.
	s.Run("images", "-q").Ok().StdoutMatches(`^[0-9a-f]{12}\n$`)
}

// waitGone waits until pid no longer exists or is a zombie.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
		if err != nil {
			return
		}
		if f := strings.Fields(string(b)); len(f) > 2 && f[2] == "Z" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("process %d still alive 10s after SIGKILL", pid)
}

// Without newuidmap the first command cannot create the namespace; the
// error must name the tool and the package to install.
func TestUnshare_MissingNewuidmapIsExplained(t *testing.T) {
	s := freshStore(t, "PATH=/nonexistent")
	r := s.Run("unshare", "true").Fails()
	r.StderrContains("newuidmap", "uidmap")
}
