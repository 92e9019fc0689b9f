package monitor

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/nook-dev/nook/slirp"
	"github.com/nook-dev/nook/spec"
)

// attachment is a network helper plus its port forwarder.
type attachment struct {
	att *slirp.Attachment
	fwd *slirp.Forwarder
	log *networkLog // nil: diagnostics are discarded
}

func (a *attachment) Close() error {
	var errs []error
	if a.fwd != nil {
		errs = append(errs, a.fwd.Close())
	}
	if a.att != nil {
		errs = append(errs, a.att.Close())
	}
	if a.log != nil {
		a.log.Close()
	}
	return errors.Join(errs...)
}

// attach wires the network driver for modes that need a helper process
// (slirp4netns, pasta); none, host and container: need nothing here.
// Diagnostics go to NetworkLogFile in logDir ("" = discarded).
func attach(n spec.Network, pid int, logDir string) (Closer, []spec.PortBinding, error) {
	name, _, _ := strings.Cut(n.Mode, ":")
	if name != "slirp4netns" && name != "pasta" {
		return nil, nil, nil
	}
	drv, err := slirp.NewDriver(name)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a := &attachment{log: newNetworkLog(logDir)}
	opts := slirp.Options{AllowHostLoopback: n.Options["allow_host_loopback"] == "true", Log: a.logWriter()}
	if a.att, err = drv.Attach(ctx, pid, opts); err != nil {
		a.Close()
		return nil, nil, err
	}
	if len(n.Ports) == 0 {
		return a, nil, nil
	}
	var maps []slirp.PortMapping
	for _, p := range n.Ports {
		maps = append(maps, slirp.PortMapping{HostIP: p.HostIP, HostPort: uint16(p.HostPort),
			ContainerPort: uint16(p.ContainerPort), Protocol: p.Proto})
	}
	if a.fwd, err = slirp.Publish(ctx, pid, maps, slirp.PublishOptions{StateDir: n.StateDir, Log: a.logWriter()}); err != nil {
		a.Close()
		return nil, nil, err
	}
	var out []spec.PortBinding
	for _, m := range a.fwd.Ports() {
		out = append(out, spec.PortBinding{HostIP: m.HostIP, HostPort: int(m.HostPort), ContainerPort: int(m.ContainerPort), Proto: m.Protocol})
	}
	return a, out, nil
}

// logWriter is a's log as an io.Writer: nil (discard) when there is none,
// never a typed nil.
func (a *attachment) logWriter() io.Writer {
	if a.log == nil {
		return nil
	}
	return a.log
}
