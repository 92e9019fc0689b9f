package format

import (
	"fmt"
	"time"
)

// State is what STATUS and the .State field need to know about a
// container (moby's container.State flags).
type State struct {
	Running    bool
	Paused     bool // only meaningful with Running
	Restarting bool // only meaningful with Running
	Removing   bool // removal in progress
	Dead       bool
	ExitCode   int
	StartedAt  time.Time // zero if never started
	FinishedAt time.Time // zero if it never stopped
	// Health is "" without a healthcheck, else "starting", "healthy" or
	// "unhealthy".
	Health string
}

// Status returns the STATUS column as the Docker engine builds it
// (moby State.String), relative to now: "Up 2 minutes",
// "Up 2 minutes (healthy)", "Up 5 seconds (health: starting)",
// "Up 5 seconds (Paused)", "Restarting (1) 3 seconds ago",
// "Removal In Progress", "Dead", "Created", "Exited (0) 5 seconds ago".
// Note there is no "ago" after "Up …".
func Status(s State, now time.Time) string {
	if s.Running {
		out := "Up " + HumanDuration(now.Sub(s.StartedAt))
		switch {
		case s.Paused:
			return out + " (Paused)"
		case s.Restarting:
			return fmt.Sprintf("Restarting (%d) %s ago", s.ExitCode, HumanDuration(now.Sub(s.FinishedAt)))
		case s.Health == "starting":
			return out + " (health: starting)"
		case s.Health != "":
			return out + " (" + s.Health + ")"
		}
		return out
	}
	switch {
	case s.Removing:
		return "Removal In Progress"
	case s.Dead:
		return "Dead"
	case s.StartedAt.IsZero():
		return "Created"
	case s.FinishedAt.IsZero():
		return ""
	}
	return fmt.Sprintf("Exited (%d) %s ago", s.ExitCode, HumanDuration(now.Sub(s.FinishedAt)))
}

// StateString returns the state word of State.Status in inspect and of
// ps --format {{.State}} (moby State.State): "paused", "restarting",
// "running", "removing", "dead", "created" or "exited".
func StateString(s State) string {
	if s.Running {
		switch {
		case s.Paused:
			return "paused"
		case s.Restarting:
			return "restarting"
		}
		return "running"
	}
	switch {
	case s.Removing:
		return "removing"
	case s.Dead:
		return "dead"
	case s.StartedAt.IsZero():
		return "created"
	}
	return "exited"
}
