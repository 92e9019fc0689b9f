package monitor

import "github.com/nook-dev/nook/spec"

// attachNetwork connects the new container (pid) before its command runs;
// the actual port bindings are recorded in the state.
func (m *monitor) attachNetwork(pid int) error {
	closer, ports, err := AttachNetwork(m.cfg.Network, pid, m.cfg.Dir)
	if err != nil {
		return err
	}
	m.net = closer
	m.state.Ports = ports
	return nil
}

func (m *monitor) detachNetwork() {
	if m.net != nil {
		m.net.Close()
		m.net = nil
	}
}

// AttachNetwork is shared with foreground runs and build steps: it
// connects the network namespace of pid as n says and returns what tears
// it down. The helpers' diagnostics go to NetworkLogFile in logDir ("" =
// discarded).
func AttachNetwork(n spec.Network, pid int, logDir string) (Closer, []spec.PortBinding, error) {
	return attach(n, pid, logDir)
}

// Closer tears a network attachment down.
type Closer interface{ Close() error }
