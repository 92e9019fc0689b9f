package container

import "time"

// Wait blocks until r is not running and returns its exit code.
func (m *Manager) Wait(r *Record) int {
	delay := 5 * time.Millisecond
	for {
		st := m.CurrentState(r)
		if st.Status != StatusRunning && st.Status != StatusRestarting {
			return st.ExitCode
		}
		time.Sleep(delay)
		if delay < 100*time.Millisecond {
			delay *= 2
		}
	}
}
