package spec

import "time"

// Network says how a container is connected.
type Network struct {
	// Mode is slirp4netns, pasta, none, host or container:ID.
	Mode string `json:"mode"`
	// Options are driver options (slirp4netns:allow_host_loopback=true ...).
	Options map[string]string `json:"options,omitempty"`
	// Ports are the -p mappings (HostPort 0 = pick a free one).
	Ports []PortBinding `json:"ports,omitempty"`
	// StateDir is a private per-container runtime directory for the port
	// forwarder's sockets.
	StateDir string `json:"stateDir,omitempty"`
}

// Healthcheck is a container's health probe (from the image or flags),
// with Docker's defaults applied. Test is ["CMD", argv...]: a CMD-SHELL
// test is already wrapped in the container's shell.
type Healthcheck struct {
	Test          []string      `json:"test"`
	Interval      time.Duration `json:"interval"`
	Timeout       time.Duration `json:"timeout"`
	StartPeriod   time.Duration `json:"startPeriod"`
	StartInterval time.Duration `json:"startInterval,omitempty"`
	Retries       int           `json:"retries"`
}
