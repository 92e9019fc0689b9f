package slirp

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"sync"
)

// Slirp4netns is the default NetworkDriver.
type Slirp4netns struct{}

// Name implements NetworkDriver.
func (Slirp4netns) Name() string { return "slirp4netns" }

// slirpFeatures are the optional flags the installed slirp4netns knows.
type slirpFeatures struct {
	sandbox, seccomp, disableHostLoopback, mtu bool
}

var (
	slirpProbeOnce sync.Once
	slirpProbe     slirpFeatures
)

// probeSlirp4netns reads `slirp4netns --help` once per process.
func probeSlirp4netns(path string) slirpFeatures {
	slirpProbeOnce.Do(func() {
		out, _ := osexec.Command(path, "--help").CombinedOutput()
		s := string(out)
		slirpProbe = slirpFeatures{
			sandbox:             strings.Contains(s, "--enable-sandbox"),
			seccomp:             strings.Contains(s, "--enable-seccomp"),
			disableHostLoopback: strings.Contains(s, "--disable-host-loopback"),
			mtu:                 strings.Contains(s, "--mtu"),
		}
	})
	return slirpProbe
}

// slirp4netnsArgs builds the command line; fd 3 is the ready fd and fd 4
// the exit fd (cmd.ExtraFiles order).
func slirp4netnsArgs(f slirpFeatures, pid int, opts Options) []string {
	args := []string{"--configure", "--ready-fd=3", "--exit-fd=4"}
	if f.mtu {
		args = append(args, "--mtu="+strconv.Itoa(opts.mtu()))
	}
	if !opts.AllowHostLoopback && f.disableHostLoopback {
		args = append(args, "--disable-host-loopback")
	}
	if f.sandbox {
		args = append(args, "--enable-sandbox")
	}
	if f.seccomp {
		args = append(args, "--enable-seccomp")
	}
	if opts.APISocket != "" {
		args = append(args, "--api-socket", opts.APISocket)
	}
	return append(args, strconv.Itoa(pid), "tap0")
}

// Attach implements NetworkDriver.
func (d Slirp4netns) Attach(ctx context.Context, pid int, opts Options) (*Attachment, error) {
	path, err := lookHelper("slirp4netns", "slirp4netns")
	if err != nil {
		return nil, err
	}
	if err := checkTun(); err != nil {
		return nil, err
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("slirp4netns ready pipe: %w", err)
	}
	defer readyR.Close()
	exitR, exitW, err := os.Pipe()
	if err != nil {
		readyW.Close()
		return nil, fmt.Errorf("slirp4netns exit pipe: %w", err)
	}
	cmd := osexec.Command(path, slirp4netnsArgs(probeSlirp4netns(path), pid, opts)...)
	cmd.ExtraFiles = []*os.File{readyW, exitR}
	a, errBuf, err := newAttachment(cmd, d.Name(), opts.Log)
	readyW.Close()
	exitR.Close()
	if err != nil {
		exitW.Close()
		return nil, err
	}
	a.exitPipe = exitW
	a.Interface, a.Address, a.Gateway, a.DNS, a.MTU = "tap0", ContainerIP+"/24", GatewayIP, DNSIP, opts.mtu()
	a.APISocket = opts.APISocket
	if err := waitReady(ctx, a, errBuf, readyR); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// waitReady waits for slirp4netns to write "1" on its ready fd.
func waitReady(ctx context.Context, a *Attachment, errBuf *headBuffer, readyR *os.File) error {
	got := make(chan error, 1)
	go func() {
		b := make([]byte, 1)
		n, err := readyR.Read(b)
		if err == nil && (n != 1 || b[0] != '1') {
			err = fmt.Errorf("unexpected ready message %q", b[:n])
		}
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			return a.exited(errBuf)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for slirp4netns: %w", ctx.Err())
	}
}
