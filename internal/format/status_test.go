package format

import (
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	now := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	tests := []struct {
		name      string
		s         State
		want      string
		wantState string
	}{
		{"created", State{}, "Created", "created"},
		{"running", State{Running: true, StartedAt: ago(2 * time.Minute)}, "Up 2 minutes", "running"},
		{"just started", State{Running: true, StartedAt: ago(0)}, "Up Less than a second", "running"},
		{"healthy", State{Running: true, StartedAt: ago(2 * time.Minute), Health: "healthy"}, "Up 2 minutes (healthy)", "running"},
		{"unhealthy", State{Running: true, StartedAt: ago(time.Hour), Health: "unhealthy"}, "Up About an hour (unhealthy)", "running"},
		{"health starting", State{Running: true, StartedAt: ago(5 * time.Second), Health: "starting"}, "Up 5 seconds (health: starting)", "running"},
		{"paused", State{Running: true, Paused: true, StartedAt: ago(5 * time.Second), Health: "healthy"}, "Up 5 seconds (Paused)", "paused"},
		{"restarting", State{Running: true, Restarting: true, ExitCode: 1, StartedAt: ago(time.Minute), FinishedAt: ago(3 * time.Second)},
			"Restarting (1) 3 seconds ago", "restarting"},
		{"exited", State{ExitCode: 0, StartedAt: ago(time.Hour), FinishedAt: ago(5 * time.Second)}, "Exited (0) 5 seconds ago", "exited"},
		{"killed", State{ExitCode: 137, StartedAt: ago(time.Hour), FinishedAt: ago(90 * time.Second)}, "Exited (137) About a minute ago", "exited"},
		{"exited long ago", State{ExitCode: 2, StartedAt: ago(900 * time.Hour), FinishedAt: ago(21 * 24 * time.Hour)}, "Exited (2) 3 weeks ago", "exited"},
		{"dead", State{Dead: true, StartedAt: ago(time.Hour)}, "Dead", "dead"},
		{"removing", State{Removing: true, Dead: true, StartedAt: ago(time.Hour)}, "Removal In Progress", "removing"},
		{"started but never finished", State{StartedAt: ago(time.Hour)}, "", "exited"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Status(tc.s, now); got != tc.want {
				t.Errorf("Status = %q, want %q", got, tc.want)
			}
			if got := StateString(tc.s); got != tc.wantState {
				t.Errorf("StateString = %q, want %q", got, tc.wantState)
			}
		})
	}
}
