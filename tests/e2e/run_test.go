package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRun_IsRootInside(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", img, "id", "-u").Ok().StdoutIs("0")
	nook(t, "run", "--rm", img, "id", "-g").Ok().StdoutIs("0")
}

// checkUIDMap checks a /proc/self/uid_map (or gid_map) as seen inside the
// rootless user namespace: 0 -> host id, 1.. -> the full subordinate range.
func checkUIDMap(t *testing.T, r *Result, hostID, subStart, subCount int) {
	t.Helper()
	var rows [][3]int
	for _, line := range strings.Split(r.Line(), "\n") {
		var a, b, c int
		if _, err := fmt.Sscan(line, &a, &b, &c); err != nil {
			r.Fatalf("bad map line %q: %v", line, err)
		}
		rows = append(rows, [3]int{a, b, c})
	}
	want := [][3]int{{0, hostID, 1}, {1, subStart, subCount}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		r.Fatalf("id map: got %v, want %v", rows, want)
	}
}

func TestRun_UIDMapHasFullRange(t *testing.T) {
	requires(t, SubIDs)
	img := busyboxImage(t)
	start, count := subIDStart(t, "/etc/subuid")
	if count < 65536 {
		t.Fatalf("/etc/subuid range has %d ids, want at least 65536", count)
	}
	checkUIDMap(t, nook(t, "run", "--rm", img, "cat", "/proc/self/uid_map").Ok(), os.Getuid(), start, count)
	gstart, gcount := subIDStart(t, "/etc/subgid")
	checkUIDMap(t, nook(t, "run", "--rm", img, "cat", "/proc/self/gid_map").Ok(), os.Getgid(), gstart, gcount)
}

// A file chown'ed to 1000 inside is owned by subuid start + 999 on the host:
// container uid 1 is the first subordinate id.
func TestRun_ChownMapsToSubordinateID(t *testing.T) {
	requires(t, SubIDs)
	img := busyboxImage(t)
	start, _ := subIDStart(t, "/etc/subuid")
	gstart, _ := subIDStart(t, "/etc/subgid")
	name := containerName(t)
	marker := "marker-" + name
	nook(t, "run", "--name", name, img, "sh", "-c",
		"touch /"+marker+" && chown 1000:1000 /"+marker).Ok()

	storage := filepath.Join(dataHome(), "nook", "storage")
	var found []string
	for _, pat := range []string{"*/*/diff/" + marker, "vfs/dir/*/" + marker} {
		m, _ := filepath.Glob(filepath.Join(storage, pat))
		found = append(found, m...)
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s under %s, found %v", marker, storage, found)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(found[0], &st); err != nil {
		t.Fatal(err)
	}
	if int(st.Uid) != start+999 || int(st.Gid) != gstart+999 {
		t.Fatalf("%s is owned by %d:%d on the host, want %d:%d", found[0], st.Uid, st.Gid, start+999, gstart+999)
	}
}

func TestRun_CommandIsPID1(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", img, "sh", "-c", "echo $$").Ok().StdoutIs("1")
}

func TestRun_HostnameIsShortID(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	host := nook(t, "run", "--name", name, img, "hostname").Ok().Line()
	r := nook(t, "run", "--rm", img, "hostname").Ok().StdoutMatches(`^[0-9a-f]{12}\n$`)
	if r.Line() == host {
		r.Fatalf("two containers got the same hostname %q", host)
	}
	id := nook(t, "inspect", "-f", "{{.Id}}", name).Ok().Line()
	if len(id) != 64 || !strings.HasPrefix(id, host) {
		t.Fatalf("hostname %q is not the short form of container ID %q", host, id)
	}
	nook(t, "run", "--rm", "--hostname", "web1", img, "hostname").Ok().StdoutIs("web1")
}

func TestRun_NamespacesDifferFromHost(t *testing.T) {
	img := busyboxImage(t)
	for _, ns := range []string{"mnt", "pid", "uts", "ipc", "net", "user"} {
		host, err := os.Readlink("/proc/self/ns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		inside := nook(t, "run", "--rm", img, "readlink", "/proc/self/ns/"+ns).Ok().Line()
		if inside == host {
			t.Errorf("%s namespace inside the container is the host's (%s)", ns, host)
		}
	}
	// The container's mount namespace is also not the keeper's.
	keeperMnt := nook(t, "unshare", "readlink", "/proc/self/ns/mnt").Ok().Line()
	inside := nook(t, "run", "--rm", img, "readlink", "/proc/self/ns/mnt").Ok().Line()
	if inside == keeperMnt {
		t.Errorf("container shares the keeper's mount namespace %s", inside)
	}
}

func TestRun_ExitCodes(t *testing.T) {
	img := busyboxImage(t)
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"zero", []string{"true"}, 0},
		{"own status", []string{"sh", "-c", "exit 3"}, 3},
		{"false", []string{"false"}, 1},
		{"not executable", []string{"/etc/passwd"}, 126},
		{"directory", []string{"/etc"}, 126},
		{"not found by path", []string{"/no/such/binary"}, 127},
		{"not found in PATH", []string{"no-such-command"}, 127},
		{"killed by a signal inside", []string{"sh", "-c", "sh -c 'kill -9 $$'; exit $?"}, 137},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nook(t, append([]string{"run", "--rm", img}, tc.args...)...).Exit(tc.code)
		})
	}
}

// waitForPid polls inspect until the container has a running process.
func waitForPid(t *testing.T, name string) int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		r := newCmd(t).WithTimeout(10*time.Second).Run("inspect", "-f", "{{.State.Pid}}", name)
		if pid, err := strconv.Atoi(r.Line()); r.Code == 0 && err == nil && pid > 0 {
			return pid
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("container %s never showed a pid in inspect", name)
	return 0
}

func TestRun_KilledFromOutsideExits137(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	r := newCmd(t).Start("run", "--name", name, img, "sleep", "300")
	pid := waitForPid(t, name)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d (container process): %v", pid, err)
	}
	r.Exit(137)
}

func TestRun_ForwardsSIGTERM(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	r := newCmd(t).Start("run", "--name", name, img, "sh", "-c",
		"trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done")
	waitForPid(t, name)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.stdout.String(), "ready") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	r.Signal(syscall.SIGTERM)
	r.Exit(42)
}

func TestRun_RmRemovesContainer(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "--rm", "--name", name, img, "true").Ok()
	if out := nook(t, "ps", "-a", "--format", "{{.Names}}").Ok().Stdout(); strings.Contains(out, name) {
		t.Fatalf("container %s still listed after run --rm:\n%s", name, out)
	}
	// The name is free again.
	nook(t, "run", "--rm", "--name", name, img, "true").Ok()
}

func TestRun_ConcurrentRuns(t *testing.T) {
	img := busyboxImage(t)
	const n = 4
	rs := make([]*Result, n)
	for i := range rs {
		rs[i] = newCmd(t).Start("run", "--rm", img, "sh", "-c", fmt.Sprintf("echo %d", i))
	}
	for i, r := range rs {
		r.Ok().StdoutIs(strconv.Itoa(i))
	}
}

// SIGKILL to nook itself mid-run must leave nothing that breaks the next
// command: the container can be removed and its name reused.
func TestRun_SIGKILLToNookIsRecovered(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	r := newCmd(t).Start("run", "--name", name, img, "sleep", "300")
	waitForPid(t, name)
	r.Signal(syscall.SIGKILL)
	r.Exit(137)
	nook(t, "run", "--rm", img, "true").Ok()
	nook(t, "rm", "-f", name).Ok()
	nook(t, "run", "--rm", "--name", name, img, "true").Ok()
}

func TestRun_ConcurrentImportsAndRuns(t *testing.T) {
	tar := busyboxTar(t)
	const n = 3
	refs := make([]string, n)
	rs := make([]*Result, n)
	for i := range rs {
		refs[i] = imageName(t)
		rs[i] = newCmd(t).Start("import", tar, refs[i])
	}
	for _, r := range rs {
		r.Ok()
	}
	for i := range rs {
		rs[i] = newCmd(t).Start("run", "--rm", refs[i], "cat", "/www/index.html")
	}
	for _, r := range rs {
		r.Ok().StdoutIs("hello from nook")
	}
}
