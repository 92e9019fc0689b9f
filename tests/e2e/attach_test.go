package e2e

import (
	"io"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestRename_ConflictAndMissing(t *testing.T) {
	img := busyboxImage(t)
	a, b, renamed := containerName(t), containerName(t), containerName(t)
	nook(t, "create", "--name", a, img, "true").Ok()
	idB := nook(t, "create", "--name", b, img, "true").Ok().Line()
	nook(t, "rename", a, renamed).Ok().StdoutIs("")
	nook(t, "inspect", "-f", "{{.Name}}", renamed).Ok().StdoutIs("/" + renamed)
	nook(t, "ps", "-a", "--filter", "name=^"+renamed+"$", "--format", "{{.Names}}").Ok().StdoutIs(renamed)
	nook(t, "inspect", a).Exit(1)
	// The old name is free again.
	nook(t, "create", "--name", a, img, "true").Ok()
	nook(t, "rename", renamed, b).Exit(1).StderrContains(
		`Conflict. The container name "/`+b+`" is already in use by container "`+idB+`"`,
		"You have to remove (or rename) that container")
	// The loser keeps its name, the holder too.
	nook(t, "inspect", "-f", "{{.Name}}", renamed).Ok().StdoutIs("/" + renamed)
	nook(t, "inspect", "-f", "{{.Id}}", b).Ok().StdoutIs(idB)
	nook(t, "rename", "no-such-"+renamed, "x"+renamed).Exit(1).StderrContains("No such container: no-such-" + renamed)
	nook(t, "rename", renamed, renamed).Exit(1).StderrContains("same name")
	nook(t, "rename", renamed, "bad/name").Exit(1).StderrContains("Invalid container name")
	nook(t, "rename", renamed).Exit(1).StderrContains("requires exactly 2 arguments")
}

func TestTop_ShowsContainerProcessesWithHostPids(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sh", "-c", "sleep 301 & exec sleep 302").Ok()
	initPid := nook(t, "inspect", "-f", "{{.State.Pid}}", name).Ok().Line()
	var out string
	// The background sleep may need a moment to appear.
	waitFor(t, 10*time.Second, "both processes in top", func() bool {
		out = nook(t, "top", name).Ok().Stdout()
		return strings.Contains(out, "sleep 301") && strings.Contains(out, "sleep 302")
	})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !regexp.MustCompile(`^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$`).MatchString(lines[0]) {
		t.Fatalf("top header: %q", lines[0])
	}
	if len(lines) != 3 {
		t.Fatalf("top shows %d processes, want the container's 2:\n%s", len(lines)-1, out)
	}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if strings.HasSuffix(l, "sleep 302") && f[1] != initPid {
			t.Fatalf("init row has PID %s, State.Pid is %s:\n%s", f[1], initPid, out)
		}
		if strings.HasSuffix(l, "sleep 301") && f[2] != initPid {
			t.Fatalf("child row has PPID %s, want the init's host pid %s:\n%s", f[2], initPid, out)
		}
	}
	custom := nook(t, "top", name, "-o", "pid,args").Ok().Stdout()
	if !regexp.MustCompile(`^PID\s+COMMAND\n`).MatchString(custom) || !strings.Contains(custom, initPid) {
		t.Fatalf("top -o pid,args:\n%s", custom)
	}
	nook(t, "kill", name).Ok()
	nook(t, "wait", name).Ok()
	nook(t, "top", name).Exit(1).StderrContains("is not running")
}

func TestAttach_ForwardsStdinAndReturnsExitCode(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "-i", "--name", name, img, "cat").Ok()
	att := newCmd(t).WithStdin(strings.NewReader("hi\n")).Start("attach", name)
	waitFor(t, 10*time.Second, "cat's echo through attach", func() bool { return att.stdout.String() == "hi\n" })
	// stdin's EOF is not the container's: cat keeps running (no StdinOnce).
	time.Sleep(300 * time.Millisecond)
	nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().StdoutIs("running")
	nook(t, "kill", name).Ok()
	att.Exit(137)
}

func TestAttach_StreamsAndExitCodeOfTheContainer(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "-i", "--name", name, img, "sh", "-c", "echo before; read x; echo out-$x; echo err-$x >&2; exit 3").Ok()
	waitFor(t, 10*time.Second, "the first line in the log", func() bool { return nook(t, "logs", name).Ok().Stdout() == "before\n" })
	r := newCmd(t).WithStdin(strings.NewReader("go\n")).Run("attach", name).Exit(3)
	// Output from now on only, as Docker: "before" was written earlier.
	if r.Stdout() != "out-go\n" || r.Stderr() != "err-go\n" {
		r.Fatalf("attach: stdout %q stderr %q", r.Stdout(), r.Stderr())
	}
	nook(t, "attach", name).Exit(1).StderrContains("You cannot attach to a stopped container")
}

func TestAttach_ClientKilledLeavesContainerRunning(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "-i", "--name", name, img, "cat").Ok()
	pr, pw := io.Pipe()
	defer pw.Close()
	first := newCmd(t).WithStdin(pr).Start("attach", name)
	pw.Write([]byte("one\n"))
	waitFor(t, 10*time.Second, "first attach echo", func() bool { return first.stdout.String() == "one\n" })
	first.Signal(syscall.SIGKILL)
	pw.Close() // else Wait waits for the harness's stdin copy
	first.Wait()
	nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().StdoutIs("running")
	second := newCmd(t).WithStdin(strings.NewReader("two\n")).Start("attach", "--sig-proxy=false", name)
	waitFor(t, 10*time.Second, "second attach echo", func() bool { return second.stdout.String() == "two\n" })
	nook(t, "stop", "-t", "1", name).Ok()
	second.Exit(137)
	if got := nook(t, "logs", name).Ok().Stdout(); got != "one\ntwo\n" {
		t.Fatalf("logs: %q, want both inputs", got)
	}
}

func TestPs_ImageShowsIDAfterRmiForce(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	tag := imageName(t)
	nook(t, "tag", img, tag).Ok()
	nook(t, "run", "-d", "--name", name, tag, "sleep", "300").Ok()
	short := strings.TrimPrefix(tag, "docker.io/library/")
	nook(t, "ps", "--filter", "name=^"+name+"$", "--format", "{{.Image}}").Ok().StdoutIs(short)
	id := strings.TrimPrefix(nook(t, "inspect", "-f", "{{.Image}}", name).Ok().Line(), "sha256:")
	if len(id) != 64 {
		t.Fatalf("inspect .Image: %q", id)
	}
	nook(t, "rmi", "-f", tag).Ok()
	nook(t, "ps", "--filter", "name=^"+name+"$", "--format", "{{.Image}}").Ok().StdoutIs(id[:12])
	nook(t, "ps", "--no-trunc", "--filter", "name=^"+name+"$", "--format", "{{.Image}}").Ok().StdoutIs("sha256:" + id)
}

func TestAttach_TTYResizeDetachAndReattach(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "-it", "--name", name, img, "sh").Ok()
	s := startPty(t, &pty.Winsize{Rows: 25, Cols: 90}, "attach", name)
	// The prompt was printed before attaching: ask for output.
	s.send("echo $((6*7))x; stty size\n")
	s.expect(`42x\r?\n25 90`)
	s.send("\x10\x11") // ctrl-p ctrl-q: detach, the container keeps running
	s.expect(`read escape sequence`)
	if code := s.wait(); code != 1 {
		t.Fatalf("detach: exit %d, want 1; screen:\n%s", code, s.output())
	}
	nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().StdoutIs("running")
	again := startPty(t, &pty.Winsize{Rows: 30, Cols: 70}, "attach", "--detach-keys", "ctrl-x,x", name)
	again.send("stty size; exit 7\n")
	again.expect(`30 70`)
	if code := again.wait(); code != 7 {
		t.Fatalf("exit %d, want the container's 7; screen:\n%s", code, again.output())
	}
	newCmd(t).WithStdin(strings.NewReader("")).Run("attach", name).Exit(1).StderrContains("You cannot attach to a stopped container")
}
