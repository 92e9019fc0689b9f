package monitor

import (
	"github.com/nook-dev/nook/spec"
)

// attach wires the network driver (slirp package) for modes that need a
// helper process; none, host and container: need nothing here.
func attach(n spec.Network, pid int) (Closer, []spec.PortBinding, error) {
	return nil, nil, nil
}
