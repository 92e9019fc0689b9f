package monitor

import (
	"os"
	"time"

	"github.com/nook-dev/nook/sandbox"
)

// loop waits for the container and applies the restart policy.
func (m *monitor) loop() {
	backoff := 100 * time.Millisecond
	for {
		m.proc.Cmd.Wait()
		m.health.Stop()
		if m.waitOutput != nil {
			m.waitOutput()
		}
		code := sandbox.ExitCode(m.proc.Cmd.ProcessState)
		m.att.exited(code)
		m.detachNetwork()
		m.mu.Lock()
		m.proc = nil
		m.mu.Unlock()
		m.state.Pid, m.state.ExitCode, m.state.FinishedAt = 0, code, time.Now().UTC()
		if !m.shouldRestart(code) {
			m.state.Status = "exited"
			m.writeState()
			return
		}
		m.state.Status = "restarting"
		m.state.RestartCount++
		m.writeState()
		time.Sleep(backoff)
		if backoff < 5*time.Second {
			backoff *= 2
		}
		if m.stoppedByUser() {
			m.state.Status = "exited"
			m.writeState()
			return
		}
		if err := m.start(); err != nil {
			m.state.Status, m.state.Error = "exited", err.Error()
			m.writeState()
			return
		}
	}
}

func (m *monitor) stoppedByUser() bool {
	_, err := os.Stat(m.cfg.path(StopFile))
	return err == nil
}

// shouldRestart applies Docker's --restart semantics.
func (m *monitor) shouldRestart(code int) bool {
	if m.stoppedByUser() {
		return false
	}
	name, maxRetries := m.restartPolicy()
	switch name {
	case "always", "unless-stopped":
		return true
	case "on-failure":
		return code != 0 && (maxRetries == 0 || m.state.RestartCount < maxRetries)
	}
	return false
}
