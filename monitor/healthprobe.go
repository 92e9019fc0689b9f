package monitor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	osexec "os/exec"
	"syscall"
	"time"

	"github.com/nook-dev/nook/exec"
	"github.com/nook-dev/nook/spec"
)

// maxHealthOutput bounds the output kept per probe (moby maxOutputLen).
const maxHealthOutput = 4096

// Probe runs hc's command once inside the container whose pid 1 is pid,
// as c.Process says (user, cwd, env, capabilities), in the container's
// cgroup (c.Cgroup, so its limits and accounting apply, as to exec), and
// kills it after hc.Timeout. A probe that could not run or timed out has
// ExitCode -1, as in Docker.
func Probe(ctx context.Context, hc *spec.Healthcheck, pid int, c spec.Container, env []string) spec.HealthLog {
	res := spec.HealthLog{Start: time.Now()}
	proc := c.Process
	proc.Args, proc.Terminal = hc.Test[1:], false
	out := &limitedBuffer{}
	tctx, cancel := context.WithTimeout(ctx, hc.Timeout)
	defer cancel()
	code, err := spawnProbe(tctx, pid, proc, c.Cgroup, env, out)
	res.End = time.Now()
	switch {
	case errors.Is(tctx.Err(), context.DeadlineExceeded):
		res.ExitCode, res.Output = -1, fmt.Sprintf("Health check exceeded timeout (%v)", hc.Timeout)
	case err != nil:
		res.ExitCode, res.Output = -1, err.Error()
	default:
		res.ExitCode, res.Output = code, out.String()
	}
	return res
}

// spawnProbe runs one probe through the same `nook _exec` helper as nook
// exec and returns its exit status. The helper gets its own session
// (Detach), so ending ctx kills the whole group: the helper, the probe
// and whatever the probe forked.
func spawnProbe(ctx context.Context, pid int, proc spec.Process, cgroup string, env []string, out io.Writer) (int, error) {
	cmd, err := exec.Start(exec.Options{Pid: pid, Namespaces: exec.AllNamespaces, Process: proc, Cgroup: cgroup,
		Stdout: out, Stderr: out, Env: env, Detach: true})
	if err != nil {
		return -1, err
	}
	// A process that left the group but holds the output pipe must not
	// hang the monitor.
	cmd.WaitDelay = time.Second
	stop := context.AfterFunc(ctx, func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	err = cmd.Wait()
	stop()
	if errors.Is(err, osexec.ErrWaitDelay) && cmd.ProcessState != nil {
		err = nil
		if !cmd.ProcessState.Success() {
			err = &osexec.ExitError{ProcessState: cmd.ProcessState}
		}
	}
	return exec.ExitCode(err, cmd), nil
}

// limitedBuffer keeps the first maxHealthOutput bytes, marking a cut
// with "..." as Docker does.
type limitedBuffer struct {
	buf       bytes.Buffer
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := maxHealthOutput - b.buf.Len(); len(p) > room {
		p, b.truncated = p[:max(room, 0)], true
	}
	b.buf.Write(p)
	return n, nil
}

func (b *limitedBuffer) String() string {
	if b.truncated {
		return b.buf.String() + "..."
	}
	return b.buf.String()
}
