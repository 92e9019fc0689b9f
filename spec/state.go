package spec

import "time"

// PortBinding is one published port (-p); HostPort 0 means random.
type PortBinding struct {
	HostIP        string `json:"hostIp"`
	HostPort      int    `json:"hostPort"`
	ContainerPort int    `json:"containerPort"`
	Proto         string `json:"proto"`
}

// State is the container's current state. It is written by whoever holds
// the container process (the CLI for foreground runs, the monitor for
// detached ones); nothing else guesses.
type State struct {
	Status       string    `json:"status"`
	Pid          int       `json:"pid"`
	ExitCode     int       `json:"exitCode"`
	Error        string    `json:"error,omitempty"`
	StartedAt    time.Time `json:"startedAt"`
	FinishedAt   time.Time `json:"finishedAt"`
	RestartCount int       `json:"restartCount"`
	// MonitorPid and MonitorStart identify the process holding the
	// container (to detect a dead holder).
	MonitorPid   int    `json:"monitorPid,omitempty"`
	MonitorStart string `json:"monitorStart,omitempty"`
	// Ports are the actual host bindings (random ports resolved).
	Ports []PortBinding `json:"ports,omitempty"`
	// Health is the healthcheck status, when there is one.
	Health *Health `json:"health,omitempty"`
	// Paused is never stored: readers set it from the container's cgroup
	// (frozen), so no holder can overwrite it.
	Paused bool `json:"-"`
}

// Health is Docker's State.Health.
type Health struct {
	Status        string      `json:"Status"`
	FailingStreak int         `json:"FailingStreak"`
	Log           []HealthLog `json:"Log"`
}

// HealthLog is one probe result.
type HealthLog struct {
	Start    time.Time `json:"Start"`
	End      time.Time `json:"End"`
	ExitCode int       `json:"ExitCode"`
	Output   string    `json:"Output"`
}
