package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	osexec "os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptySession drives `nook run -it` through a real pseudo-terminal.
type ptySession struct {
	t    *testing.T
	cmd  *osexec.Cmd
	tty  *os.File
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func startPty(t *testing.T, size *pty.Winsize, args ...string) *ptySession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	t.Cleanup(cancel)
	cmd := osexec.CommandContext(ctx, nookBin, args...)
	// busybox ash queries the cursor position (ESC [6n) after its prompt
	// on any TERM; the expectations below tolerate it.
	cmd.Env = append(os.Environ(), "TERM=xterm")
	f, err := pty.StartWithSize(cmd, size)
	if err != nil {
		t.Fatalf("start nook %v on a pty: %v", args, err)
	}
	s := &ptySession{t: t, cmd: cmd, tty: f, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		// Closing the master hangs up the container's shell; kill nook
		// too if a failed expectation left it waiting for input.
		_ = cmd.Process.Kill()
		f.Close()
		_ = cmd.Wait()
	})
	return s
}

func (s *ptySession) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// expect waits until the terminal output matches re.
func (s *ptySession) expect(re string) {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if rx.MatchString(s.output()) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("terminal never showed %q; screen so far:\n%s", re, s.output())
}

func (s *ptySession) send(text string) {
	s.t.Helper()
	if _, err := io.WriteString(s.tty, text); err != nil {
		s.t.Fatalf("write to pty: %v", err)
	}
}

// wait returns nook's exit status.
func (s *ptySession) wait() int {
	s.t.Helper()
	err := s.cmd.Wait()
	<-s.done
	var ee *osexec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	s.t.Fatalf("wait: %v; screen:\n%s", err, s.output())
	return -1
}

func TestRun_InteractiveTTY(t *testing.T) {
	img := busyboxImage(t)
	s := startPty(t, &pty.Winsize{Rows: 33, Cols: 101}, "run", "--rm", "-it", img, "sh")
	s.expect(`/ # `)
	s.send("echo $((6*7))x\n")
	s.expect(`42x`)
	s.send("tty; stty size\n")
	s.expect(`/dev/pts/\d+\r?\n33 101`)
	s.send("exit 5\n")
	if code := s.wait(); code != 5 {
		t.Fatalf("exit status %d, want 5; screen:\n%s", code, s.output())
	}
}

func TestRun_TTYWithoutInteractive(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	s := startPty(t, &pty.Winsize{Rows: 24, Cols: 80}, "run", "--name", name, "-t", img, "sh", "-c", "test -t 1 && echo is-a-tty")
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", name).Wait() })
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d; screen:\n%s", code, s.output())
	}
	if !strings.Contains(s.output(), "is-a-tty") {
		t.Fatalf("stdout is not a terminal inside with -t; screen:\n%s", s.output())
	}
	// As Docker logs a tty container: its terminal output, \r\n and all.
	if logs := nook(t, "logs", name).Ok(); logs.Stdout() != "is-a-tty\r\n" {
		logs.Fatalf("logs of the tty run: %q, want the terminal's output", logs.Stdout())
	}
}

func TestRun_CtrlCReachesForegroundProcess(t *testing.T) {
	img := busyboxImage(t)
	s := startPty(t, &pty.Winsize{Rows: 24, Cols: 80}, "run", "--rm", "-it", img, "sh")
	s.expect(`/ # `)
	s.send("sleep 100\n")
	time.Sleep(300 * time.Millisecond)
	s.send("\x03") // ^C goes to the container's terminal, not to nook
	s.expect(`\^C[\s\S]*/ # [\s\S]*$`)
	s.send("exit 0\n")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status %d; screen:\n%s", code, s.output())
	}
}

// A detached -t container logs its terminal output.
func TestRun_DetachedTTYLogs(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "-t", "--name", name, img, "sh", "-c", "tty; echo done").Ok()
	nook(t, "wait", name).Ok().StdoutIs("0")
	nook(t, "logs", name).Ok().StdoutMatches(`^/dev/pts/0\r?\ndone\r?\n$`)
}

func TestExec_InteractiveTTY(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	s := startPty(t, &pty.Winsize{Rows: 21, Cols: 77}, "exec", "-it", name, "sh")
	s.expect(`/ # `)
	s.send("tty; stty size\n")
	s.expect(`/dev/pts/\d+\r?\n21 77`)
	s.send("exit 4\n")
	if code := s.wait(); code != 4 {
		t.Fatalf("exit status %d, want 4; screen:\n%s", code, s.output())
	}
}
