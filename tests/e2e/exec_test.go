package e2e

import (
	"errors"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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

// nook exec is served by nook-runtime (its fast path) when it can: every
// option must mean what it means in nook itself.
func TestExec_FastPathOptions(t *testing.T) {
	name, _ := startSleeper(t)
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	if err := os.WriteFile(envFile, []byte("A=1\n# comment\nB=two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	newCmd(t).WithEnv("NOOK_TRACE=1").Run("exec", name, "true").Ok().StderrContains("fast exec: container found")
	nook(t, "exec", "--env-file", envFile, "-e", "C=3", "-e=B=over", name, "sh", "-c", "echo $A $B $C").Ok().StdoutIs("1 over 3")
	nook(t, "exec", "-u", "1:2", "-w", "/tmp", name, "sh", "-c", "echo $(id -u):$(id -g) $(pwd)").Ok().StdoutIs("1:2 /tmp")
	nook(t, "exec", "--user=7", "--workdir=/etc", "--", name, "sh", "-c", "echo $(id -u) $(pwd)").Ok().StdoutIs("7 /etc")
	// Stdin reaches the command only with -i (alone or combined).
	newCmd(t).WithStdin(strings.NewReader("in")).Run("exec", "-i", name, "cat").Ok().StdoutIs("in")
	newCmd(t).WithStdin(strings.NewReader("in")).Run("exec", name, "cat").Ok().StdoutIs("")
	// -d returns at once; the command goes on (and gets no stdin).
	newCmd(t).WithEnv("NOOK_TRACE=1").WithStdin(strings.NewReader("in")).
		Run("exec", "-d", name, "sh", "-c", "sleep 0.3; cat > /tmp/detached").Ok().StderrContains("fast exec: container found")
	waitFor(t, 10*time.Second, "the detached exec's file", func() bool {
		return nook(t, "exec", name, "test", "-f", "/tmp/detached").Code == 0
	})
	nook(t, "exec", name, "cat", "/tmp/detached").Ok().StdoutIs("")
	// -it without a terminal is refused as before (nook serves -t).
	nook(t, "exec", "-it", name, "true").Exit(1).StderrContains("the input device is not a TTY")
	full := nook(t, "exec", "--privileged", name, "grep", "CapEff", "/proc/self/status").Ok().Line()
	dflt := nook(t, "exec", name, "grep", "CapEff", "/proc/self/status").Ok().Line()
	if full == dflt {
		t.Errorf("--privileged does not widen the capabilities: %q", full)
	}
	nook(t, "exec", name, "sh", "-c", "exit 7").Exit(7)
	nook(t, "exec", name, "sh", "-c", "kill -TERM $$").Exit(143)
	nook(t, "exec", name, "nosuchcommand").Exit(127).StderrContains("not found")
	nook(t, "exec", name, "/etc").Exit(126)
	// What the fast path does not serve goes to nook, unchanged.
	nook(t, "exec", "--bogus", name, "true").Exit(125).StderrContains("unknown flag: --bogus")
	nook(t, "exec", name).Exit(1).StderrContains(`"nook exec" requires at least 2 arguments`)
	nook(t, "--debug", "exec", name, "echo", "ok").Ok().StdoutIs("ok")
	nook(t, "exec", "--help").Ok().StdoutMatches(`(?s)--env-file.*--privileged`)
	nook(t, "stop", "-t", "0", name).Ok()
	newCmd(t).WithEnv("NOOK_TRACE=1").Run("exec", name, "true").Exit(1).
		StderrContains("is not running", "fast exec: falling back to nook")
}

// An ID prefix shared by two containers is ambiguous, one nobody has is
// not found: the errors of nook itself.
func TestExec_AmbiguousPrefixAndNotFound(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	seen := map[byte]bool{}
	var prefix string
	for i := 0; i < 17 && prefix == ""; i++ {
		id := s.Run("create", img, "true").Ok().Line()
		if seen[id[0]] {
			prefix = id[:1]
		}
		seen[id[0]] = true
	}
	s.Run("exec", prefix, "true").Exit(1).StderrContains("multiple IDs found with provided prefix: " + prefix)
	s.Run("exec", "nosuch-container", "true").Exit(1).StderrContains("No such container: nosuch-container")
}

// Without nook-runtime next to it, nook serves exec itself.
func TestExec_WithoutNookRuntime(t *testing.T) {
	name, _ := startSleeper(t)
	home, _ := os.UserHomeDir()
	dir, err := os.MkdirTemp(home, "nook-alone-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	alone := filepath.Join(dir, "nook")
	data, err := os.ReadFile(nookBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command(alone, "exec", name, "sh", "-c", "echo alone; exit 3")
	cmd.Env = append(os.Environ(), "NOOK_TRACE=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *osexec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || string(out) != "alone\n" {
		t.Fatalf("nook without nook-runtime: exec = %q, %v\n%s", out, err, stderr.String())
	}
	if strings.Contains(stderr.String(), "fast exec") || !strings.Contains(stderr.String(), "container found") {
		t.Errorf("nook without nook-runtime should serve exec itself; trace:\n%s", stderr.String())
	}
}

// As with runc, the exec'd process gets stdio and nothing else of nook's
// caller: fds 3..10 open in the caller do not reach it.
func TestExec_PassesNoExtraFds(t *testing.T) {
	name, _ := startSleeper(t)
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	cmd := osexec.Command(nookBin, "exec", name, "ls", "/proc/self/fd")
	for i := 0; i < 8; i++ {
		cmd.ExtraFiles = append(cmd.ExtraFiles, null)
	}
	out, err := cmd.CombinedOutput()
	// ls's own directory fd is 3.
	if err != nil || strings.Join(strings.Fields(string(out)), " ") != "0 1 2 3" {
		t.Fatalf("exec with fds 3..10 open: %v\n%s", err, out)
	}
}
