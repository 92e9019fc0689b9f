package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DefaultTimeout bounds every nook call that does not set its own.
const DefaultTimeout = 90 * time.Second

// Cmd describes how to run nook: environment, stdin and timeout. The zero
// environment is the test process's own (the shared per-user store).
type Cmd struct {
	t       testing.TB
	env     []string
	stdin   io.Reader
	timeout time.Duration
}

// nook runs the nook binary with args in the default environment and
// returns its result. State an expectation on the result: .Ok(), .Exit(n).
func nook(t testing.TB, args ...string) *Result {
	t.Helper()
	return newCmd(t).Run(args...)
}

// newCmd starts a command description with the defaults.
func newCmd(t testing.TB) *Cmd {
	return &Cmd{t: t, timeout: DefaultTimeout}
}

// WithEnv adds KEY=VALUE pairs to the environment (later wins).
func (c *Cmd) WithEnv(kv ...string) *Cmd {
	n := *c
	n.env = append(append([]string(nil), c.env...), kv...)
	return &n
}

// WithStdin feeds r to nook's standard input.
func (c *Cmd) WithStdin(r io.Reader) *Cmd {
	n := *c
	n.stdin = r
	return &n
}

// WithTimeout overrides DefaultTimeout.
func (c *Cmd) WithTimeout(d time.Duration) *Cmd {
	n := *c
	n.timeout = d
	return &n
}

// command builds the exec.Cmd; nook runs in its own process group so a
// timeout kills everything it started in the foreground.
func (c *Cmd) command(ctx context.Context, args []string) *osexec.Cmd {
	cmd := osexec.CommandContext(ctx, nookBin, args...)
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Stdin = c.stdin
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// Helpers that outlive nook and keep stdout open must not hang Wait.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Run runs nook with args to completion (or timeout) and returns the result.
func (c *Cmd) Run(args ...string) *Result {
	c.t.Helper()
	r := c.Start(args...)
	return r.Wait()
}

// Start starts nook with args in the background; call Wait on the result.
func (c *Cmd) Start(args ...string) *Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	r := &Result{t: c.t, Args: args, Env: c.env, timeout: c.timeout, cancel: cancel, ctx: ctx}
	r.cmd = c.command(ctx, args)
	r.cmd.Stdout = io.MultiWriter(&r.stdout, &r.combined)
	r.cmd.Stderr = io.MultiWriter(&r.stderr, &r.combined)
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		cancel()
		c.t.Fatalf("start %s: %v", r.commandLine(), err)
	}
	c.t.Cleanup(func() { r.Wait() })
	return r
}

// Result is one finished (or started) nook invocation.
type Result struct {
	t        testing.TB
	Args     []string
	Env      []string
	Code     int
	TimedOut bool
	Duration time.Duration

	cmd      *osexec.Cmd
	ctx      context.Context
	cancel   context.CancelFunc
	timeout  time.Duration
	start    time.Time
	once     sync.Once
	stdout   syncBuffer
	stderr   syncBuffer
	combined syncBuffer
}

// Pid is the process id of a started nook.
func (r *Result) Pid() int { return r.cmd.Process.Pid }

// Signal sends sig to the started nook process (not its group).
func (r *Result) Signal(sig syscall.Signal) {
	r.t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		r.t.Fatalf("signal %v to %s: %v", sig, r.commandLine(), err)
	}
}

// Wait waits for a started nook and records its status. Safe to call twice.
func (r *Result) Wait() *Result {
	r.once.Do(func() {
		err := r.cmd.Wait()
		r.Duration = time.Since(r.start)
		r.TimedOut = errors.Is(r.ctx.Err(), context.DeadlineExceeded)
		r.cancel()
		var ee *osexec.ExitError
		switch {
		case err == nil:
			r.Code = 0
		case errors.As(err, &ee):
			r.Code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				r.Code = 128 + int(ws.Signal())
			}
		default:
			r.Code = -1
			fmt.Fprintf(&r.stderr, "\n[harness] wait: %v", err)
		}
	})
	return r
}

// Ok expects exit status 0.
func (r *Result) Ok() *Result {
	r.t.Helper()
	return r.Exit(0)
}

// Exit expects exit status code.
func (r *Result) Exit(code int) *Result {
	r.t.Helper()
	r.Wait()
	if r.TimedOut {
		r.t.Fatalf("TIMEOUT after %v (expected exit %d)\n%s", r.timeout, code, r.report())
	}
	if r.Code != code {
		r.t.Fatalf("expected exit %d, got %d\n%s", code, r.Code, r.report())
	}
	return r
}

// Fails expects any non-zero exit status (and no timeout).
func (r *Result) Fails() *Result {
	r.t.Helper()
	r.Wait()
	if r.TimedOut || r.Code == 0 {
		r.t.Fatalf("expected failure, got exit %d (timeout %v)\n%s", r.Code, r.TimedOut, r.report())
	}
	return r
}

// Stdout is what nook wrote to standard output.
func (r *Result) Stdout() string { r.Wait(); return r.stdout.String() }

// Stderr is what nook wrote to standard error.
func (r *Result) Stderr() string { r.Wait(); return r.stderr.String() }

// Combined is stdout and stderr interleaved as written.
func (r *Result) Combined() string { r.Wait(); return r.combined.String() }

// Line is stdout with surrounding white space removed.
func (r *Result) Line() string { return strings.TrimSpace(r.Stdout()) }

// StdoutIs expects stdout, trimmed, to equal want.
func (r *Result) StdoutIs(want string) *Result {
	r.t.Helper()
	if got := r.Line(); got != want {
		r.t.Fatalf("stdout: got %q, want %q\n%s", got, want, r.report())
	}
	return r
}

// StdoutMatches expects stdout to match the regular expression re.
func (r *Result) StdoutMatches(re string) *Result {
	r.t.Helper()
	if out := r.Stdout(); !regexp.MustCompile(re).MatchString(out) && !regexp.MustCompile(re).MatchString(strings.TrimRight(out, "\n")) {
		r.t.Fatalf("stdout does not match %q\n%s", re, r.report())
	}
	return r
}

// StderrContains expects every string in subs to occur in stderr.
func (r *Result) StderrContains(subs ...string) *Result {
	r.t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.Stderr(), s) {
			r.t.Fatalf("stderr lacks %q\n%s", s, r.report())
		}
	}
	return r
}

// Fatalf fails the test with the command's report appended.
func (r *Result) Fatalf(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s\n%s", fmt.Sprintf(format, args...), r.report())
}

func (r *Result) commandLine() string {
	q := make([]string, 0, len(r.Args)+1)
	q = append(q, "nook")
	for _, a := range r.Args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"$\\;&|<>*?()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q = append(q, a)
	}
	return strings.Join(q, " ")
}

func (r *Result) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- command: %s\n", r.commandLine())
	if len(r.Env) > 0 {
		fmt.Fprintf(&b, "--- env: %s\n", strings.Join(r.Env, " "))
	}
	status := fmt.Sprintf("exit %d", r.Code)
	if r.TimedOut {
		status = fmt.Sprintf("TIMED OUT after %v (killed)", r.timeout)
	}
	fmt.Fprintf(&b, "--- status: %s in %v\n", status, r.Duration.Round(time.Millisecond))
	fmt.Fprintf(&b, "--- stdout:\n%s\n--- stderr:\n%s\n--- end", r.stdout.String(), r.stderr.String())
	return b.String()
}

// syncBuffer is a bytes.Buffer safe for the two copy goroutines of exec.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// uniqueName returns a name for an object of this test: lower case, with
// the test's name and a random suffix, safe as a container or image name.
func uniqueName(t testing.TB, prefix string) string {
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	base := strings.ToLower(t.Name())
	base = regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(base, "-")
	base = strings.Trim(base, "-")
	if len(base) > 30 {
		base = base[:30]
	}
	return fmt.Sprintf("%s-%s-%s", prefix, base, hex.EncodeToString(rnd[:]))
}

// containerName returns a unique container name removed when the test ends.
func containerName(t testing.TB) string {
	return newCmd(t).containerName()
}

func (c *Cmd) containerName() string {
	name := uniqueName(c.t, "c")
	c.t.Cleanup(func() { c.WithTimeout(30*time.Second).Run("rm", "-f", name) })
	return name
}

// imageName returns a unique image reference removed when the test ends.
func imageName(t testing.TB) string {
	return newCmd(t).imageName()
}

func (c *Cmd) imageName() string {
	name := "e2e/" + uniqueName(c.t, "img") + ":latest"
	c.t.Cleanup(func() { c.WithTimeout(30*time.Second).Run("rmi", "-f", name) })
	return name
}
