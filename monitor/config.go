package monitor

import (
	"path/filepath"

	"github.com/nook-dev/nook/spec"
)

// Config is everything the monitor needs; the CLI writes it on fd 3.
type Config struct {
	// Spec is the container spec with its rootfs already mounted.
	Spec spec.Container `json:"spec"`
	// Dir is the container's directory (state.json, container.log).
	Dir string `json:"dir"`
	// Tty gives the process a pty (logs get its output as stdout).
	Tty bool `json:"tty"`
	// Stdin keeps the process's stdin open for attach clients (-i).
	Stdin bool `json:"stdin,omitempty"`
	// Network describes how to connect the container.
	Network spec.Network `json:"network"`
	// Restart is the --restart policy: no, always, unless-stopped,
	// on-failure with MaxRetries.
	Restart    string `json:"restart"`
	MaxRetries int    `json:"maxRetries"`
	// Env is the environment of init processes the monitor starts.
	Env []string `json:"env"`
	// Cleanup is the argv run once the container has stopped for good.
	Cleanup []string `json:"cleanup"`
	// Healthcheck, when set, is probed by the monitor itself.
	Healthcheck *spec.Healthcheck `json:"healthcheck,omitempty"`
	// Health is the container's last recorded health: its log survives a
	// stop and start, as in Docker.
	Health *spec.Health `json:"health,omitempty"`
}

// Files in the container directory shared with the container package.
const (
	StateFile = "state.json"
	LogFile   = "container.log"
	// StopFile marks a stop asked by the user: no restart after it.
	StopFile = "stopped-by-user"
)

func (c *Config) path(name string) string { return filepath.Join(c.Dir, name) }
