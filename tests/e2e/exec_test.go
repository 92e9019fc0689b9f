package e2e

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func startSleeper(t *testing.T, extra ...string) (name string, pid int) {
	t.Helper()
	img := busyboxImage(t)
	name = containerName(t)
	args := append([]string{"run", "-d", "--name", name}, extra...)
	nook(t, append(args, img, "sleep", "300")...).Ok()
	pid, _ = strconv.Atoi(nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line())
	return name, pid
}

func TestExec_JoinsEveryNamespace(t *testing.T) {
	name, pid := startSleeper(t)
	for _, ns := range []string{"user", "mnt", "pid", "net", "uts", "ipc", "cgroup"} {
		want, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		nook(t, "exec", name, "readlink", "/proc/self/ns/"+ns).Ok().StdoutIs(want)
	}
	nook(t, "exec", name, "cat", "/proc/1/cmdline").Ok().StdoutIs("sleep\x00300\x00")
}

func TestExec_FilesPersistAndExitCodes(t *testing.T) {
	name, _ := startSleeper(t)
	nook(t, "exec", name, "touch", "/tmp/x").Ok()
	nook(t, "exec", name, "ls", "/tmp/x").Ok().StdoutIs("/tmp/x")
	nook(t, "exec", name, "sh", "-c", "exit 7").Exit(7)
	nook(t, "exec", name, "nosuchcommand").Exit(127).StderrContains("not found")
	nook(t, "exec", name, "/etc").Exit(126)
	nook(t, "exec", "-e", "FOO=bar", "-w", "/tmp", name, "sh", "-c", "echo $FOO $(pwd)").Ok().StdoutIs("bar /tmp")
	nook(t, "exec", "-u", "1000", name, "id", "-u").Ok().StdoutIs("1000")
	nook(t, "stop", "-t", "0", name).Ok()
	nook(t, "exec", name, "true").Exit(1).StderrContains("is not running")
	nook(t, "exec", "nosuch-"+name, "true").Exit(1).StderrContains("No such container")
}

func TestEnter_NetUsesContainerNetworkWithHostFilesystem(t *testing.T) {
	requires(t, Slirp4netns)
	name, pid := startSleeper(t)
	r := nook(t, "enter", "--net", name, "/bin/cat", "/proc/net/dev").Ok()
	if !strings.Contains(r.Stdout(), "tap0") {
		r.Fatalf("enter --net does not see the container's tap0")
	}
	// The mount namespace stays nook's own (the keeper's), not the container's.
	keeperMnt := nook(t, "unshare", "readlink", "/proc/self/ns/mnt").Ok().Line()
	nook(t, "enter", "--net", name, "readlink", "/proc/self/ns/mnt").Ok().StdoutIs(keeperMnt)
	ctrNet, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/net")
	nook(t, "enter", "--net", name, "readlink", "/proc/self/ns/net").Ok().StdoutIs(ctrNet)
}
