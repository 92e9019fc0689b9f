package container

import (
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/slirp"
	"github.com/nook-dev/nook/spec"
)

// The port_handler network option (Podman's slirp4netns option, plus
// bypass): how published ports reach the container.
const (
	PortHandlerOption = "port_handler"
	// PortHandlerRootlesskit, the default, carries every connection
	// through rootlesskit's port driver in the monitor.
	PortHandlerRootlesskit = "rootlesskit"
	// PortHandlerBypass (opt-in, slirp4netns only) makes a server's
	// bind(2) of a published TCP port create its socket in the host's
	// network namespace, so connections skip the forwarder
	// (slirp/bypass.go). It is opt-in because that socket belongs to the
	// host's network (slirp/bypassguard.go).
	PortHandlerBypass = "bypass"
)

func checkPortHandler(driver, v string) error {
	switch {
	case v == "" || v == PortHandlerRootlesskit:
		return nil
	case v == PortHandlerBypass && driver == "slirp4netns":
		return nil
	case v == PortHandlerBypass:
		return errdefs.WithHint(errdefs.Invalid("port_handler=bypass is not supported with --network %s", driver),
			"use --network slirp4netns:port_handler=bypass, or drop the option")
	}
	return errdefs.WithHint(errdefs.Invalid("unsupported port_handler %q for --network %s", v, driver),
		"use port_handler=rootlesskit (the default) or port_handler=bypass")
}

// bypassesPorts: the container's binds of published TCP ports are handed
// host sockets (spec.Container.BindNotify): slirp4netns with
// port_handler=bypass and at least one TCP port published.
func bypassesPorts(n spec.Network) bool {
	if networkKind(n.Mode) != "slirp4netns" || n.Options[PortHandlerOption] != PortHandlerBypass {
		return false
	}
	for _, p := range n.Ports {
		if proto(p.Proto) == "tcp" {
			return true
		}
	}
	return false
}

// bypassWarnings tells the user, at create, when this kernel leaves a
// bypassed socket unguarded: a process in the container could use it as
// a client of the host's network (slirp/bypassguard.go).
func bypassWarnings(n spec.Network) []string {
	if !bypassesPorts(n) {
		return nil
	}
	if err := slirp.HostSocketGuard(); err != nil {
		return []string{"port_handler=bypass is unguarded here: " + err.Error() +
			", so a process in the container can use a published port's socket to connect to the host's network, " +
			"including services on the host's loopback. Use the default port handler for containers you do not trust."}
	}
	return nil
}
