package monitor

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/nook-dev/nook/internal/atomicfile"
)

// RestartPolicyFile, in the container's directory, overrides the monitor's
// Config.Restart and MaxRetries: `nook update --restart` on a running
// container writes it, and the monitor reads it when the process exits.
// The next start takes the policy from the record and removes the file.
const RestartPolicyFile = "restart-policy.json"

type restartPolicy struct {
	Name       string `json:"name"`
	MaxRetries int    `json:"maxRetries"`
}

// WriteRestartPolicy tells the monitor of the container in dir its new
// restart policy.
func WriteRestartPolicy(dir, name string, maxRetries int) error {
	return atomicfile.WriteJSON(filepath.Join(dir, RestartPolicyFile), restartPolicy{Name: name, MaxRetries: maxRetries})
}

// restartPolicy is the policy in force: the override when there is one.
func (m *monitor) restartPolicy() (string, int) {
	b, err := os.ReadFile(m.cfg.path(RestartPolicyFile))
	if err != nil {
		return m.cfg.Restart, m.cfg.MaxRetries
	}
	var p restartPolicy
	if json.Unmarshal(b, &p) != nil || p.Name == "" {
		return m.cfg.Restart, m.cfg.MaxRetries
	}
	return p.Name, p.MaxRetries
}
