package slirp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
	"golang.org/x/sys/unix"
)

// Options configure Attach.
type Options struct {
	// MTU of tap0; 0 means DefaultMTU.
	MTU int
	// AllowHostLoopback lets the container reach the host's 127.0.0.1
	// through the gateway 10.0.2.2 (off by default, as in Podman).
	AllowHostLoopback bool
	// APISocket is where slirp4netns creates its API socket (needed by
	// PublishHostfwd); "" means none. pasta ignores it.
	APISocket string
	// Log receives the helper's own diagnostics; nil discards them.
	Log io.Writer
}

func (o Options) mtu() int {
	if o.MTU > 0 {
		return o.MTU
	}
	return DefaultMTU
}

// NetworkDriver attaches a user-mode network helper to a network namespace.
type NetworkDriver interface {
	// Name is the --network value selecting the driver.
	Name() string
	// Attach starts the helper for the network namespace of pid and returns
	// once tap0 is configured. The helper dies with the Attachment (Close),
	// with the calling process, and when ctx is cancelled before Attach
	// returns.
	Attach(ctx context.Context, pid int, opts Options) (*Attachment, error)
}

// NewDriver returns the driver called name ("slirp4netns" or "pasta").
func NewDriver(name string) (NetworkDriver, error) {
	switch name {
	case "", "slirp4netns":
		return Slirp4netns{}, nil
	case "pasta":
		return Pasta{}, nil
	}
	return nil, errdefs.Invalid("unknown network driver %q (use slirp4netns or pasta)", name)
}

// Attachment is a running helper serving one network namespace.
type Attachment struct {
	// Driver is the driver's name.
	Driver string
	// Interface, Address (CIDR), Gateway, DNS and MTU describe what the
	// container sees.
	Interface string
	Address   string
	Gateway   string
	DNS       string
	MTU       int
	// APISocket is the slirp4netns API socket, or "".
	APISocket string

	cmd       *osexec.Cmd
	done      chan struct{} // closed when the helper has been reaped
	exitPipe  *os.File      // slirp4netns --exit-fd write end
	closeOnce sync.Once
}

// Pid is the helper's process ID.
func (a *Attachment) Pid() int { return a.cmd.Process.Pid }

// Close stops the helper and waits for it: SIGTERM (or closing
// slirp4netns's exit fd), then SIGKILL after a second. It is idempotent.
func (a *Attachment) Close() error {
	a.closeOnce.Do(func() {
		if a.exitPipe != nil {
			a.exitPipe.Close()
		} else {
			_ = a.cmd.Process.Signal(syscall.SIGTERM)
		}
		select {
		case <-a.done:
		case <-time.After(time.Second):
			_ = a.cmd.Process.Kill()
			<-a.done
		}
	})
	return nil
}

// newAttachment starts cmd as a helper that dies with this process
// (PR_SET_PDEATHSIG) and is reaped in the background.
func newAttachment(cmd *osexec.Cmd, name string, log io.Writer) (*Attachment, *headBuffer, error) {
	errBuf := &headBuffer{max: 4096}
	var w io.Writer = errBuf
	if log != nil {
		w = io.MultiWriter(errBuf, log)
	}
	cmd.Stdout, cmd.Stderr = w, w
	// Pdeathsig fires when the thread that forked the helper exits, hence
	// the fork on spawnThread.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	var err error
	onSpawnThread(func() { err = cmd.Start() })
	if err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", name, err)
	}
	a := &Attachment{Driver: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(a.done)
	}()
	return a, errBuf, nil
}

// exited describes how a helper ended before it was ready.
func (a *Attachment) exited(errBuf *headBuffer) error {
	<-a.done
	msg := errBuf.String()
	if msg == "" {
		msg = a.cmd.ProcessState.String()
	}
	return fmt.Errorf("%s exited before the network was ready: %s", a.Driver, msg)
}

// checkTun makes sure /dev/net/tun can be opened, which both helpers need.
func checkTun() error {
	const dev = "/dev/net/tun"
	fd, err := unix.Open(dev, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err == nil {
		unix.Close(fd)
		return nil
	}
	e := fmt.Errorf("open %s: %w", dev, err)
	if errors.Is(err, unix.ENOENT) {
		return errdefs.WithHint(errdefs.WithKind(e, errdefs.ErrUnavailable),
			"create the TUN device as root: mkdir -p /dev/net && mknod /dev/net/tun c 10 200 && chmod 0666 /dev/net/tun")
	}
	return errdefs.WithHint(errdefs.WithKind(e, errdefs.ErrUnavailable),
		fmt.Sprintf("%s must be usable by your user; as root run: chmod 0666 %s", dev, dev))
}

// lookHelper finds a helper binary or says which package to install.
func lookHelper(bin, pkg string) (string, error) {
	path, err := osexec.LookPath(bin)
	if err != nil {
		return "", errdefs.WithHint(errdefs.WithKind(fmt.Errorf("%s not found in $PATH: %w", bin, err), errdefs.ErrUnavailable),
			fmt.Sprintf("install the %s package: apt-get install %s", pkg, pkg))
	}
	return path, nil
}

// headBuffer keeps the first max bytes written to it, for error messages.
type headBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *headBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - len(t.b); room > 0 {
		t.b = append(t.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (t *headBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(trimSpace(t.b))
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
