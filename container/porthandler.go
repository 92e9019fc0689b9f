package container

import "github.com/nook-dev/nook/internal/errdefs"

// The port_handler network option (Podman's slirp4netns option, plus
// bypass): how published ports reach the container.
const (
	PortHandlerOption = "port_handler"
	// PortHandlerBypass makes a server's bind(2) of a published TCP port
	// create its socket in the host's network namespace, so connections
	// skip the forwarder (slirp/bypass.go).
	PortHandlerBypass = "bypass"
)

func checkPortHandler(driver, v string) error {
	switch {
	case v == "" || v == "rootlesskit":
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
