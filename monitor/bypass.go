package monitor

import (
	"github.com/nook-dev/nook/sandbox"
	"github.com/nook-dev/nook/slirp"
)

// ServeBypass serves the bind notifications of a container started with
// port_handler=bypass (p.BindNotify) with the port forwarder of its
// network attachment c. Without a notification listener it does nothing;
// without a forwarder every bind proceeds unchanged. Call it right after
// sandbox.Launch: the command's binds wait until it is served.
func ServeBypass(c Closer, p *sandbox.Process) {
	if p == nil || p.BindNotify == nil {
		return
	}
	var fwd *slirp.Forwarder
	if a, ok := c.(*attachment); ok && a != nil {
		fwd = a.fwd
	}
	slirp.ServeBindNotify(p.BindNotify, fwd)
	p.BindNotify = nil
}
