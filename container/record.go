package container

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/spec"
)

// Files in a container's directory ($XDG_DATA_HOME/nook/containers/ID).
// config.json and state.json are stable formats.
const (
	configFile = "config.json"
	stateFile  = "state.json"
	lockFile   = "lock"
	LogFile    = "container.log"
	hostsFile  = "hosts"
	hostnameF  = "hostname"
	resolvFile = "resolv.conf"
)

// Record is what nook remembers about a container.
type Record struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Image is the reference as the user typed it; ImageID its resolved ID.
	Image   string `json:"image"`
	ImageID string `json:"imageId"`
	// Config is the merged runtime config (image config + flags).
	Config     image.ContainerConfig `json:"config"`
	Hostname   string                `json:"hostname"`
	Tty        bool                  `json:"tty"`
	OpenStdin  bool                  `json:"openStdin"`
	HostConfig HostConfig            `json:"hostConfig"`
	// Spec is what sandbox gets (rootfs filled at start).
	Spec spec.Container `json:"spec"`
	// Driver is the storage driver name used for this container's layer.
	Driver string `json:"driver"`
}

// HostConfig is the subset of Docker's HostConfig nook implements.
type HostConfig struct {
	AutoRemove     bool          `json:"autoRemove"`
	NetworkMode    string        `json:"networkMode"`
	Privileged     bool          `json:"privileged"`
	ReadonlyRootfs bool          `json:"readonlyRootfs"`
	CapAdd         []string      `json:"capAdd,omitempty"`
	CapDrop        []string      `json:"capDrop,omitempty"`
	Binds          []string      `json:"binds,omitempty"`
	Dns            []string      `json:"dns,omitempty"`
	DnsSearch      []string      `json:"dnsSearch,omitempty"`
	ExtraHosts     []string      `json:"extraHosts,omitempty"`
	RestartPolicy  RestartPolicy `json:"restartPolicy"`
	PortBindings   []PortBinding `json:"portBindings,omitempty"`
	PublishAll     bool          `json:"publishAll,omitempty"`
	StopTimeout    *int          `json:"stopTimeout,omitempty"`
}

// RestartPolicy is --restart.
type RestartPolicy struct {
	Name              string `json:"name"`
	MaximumRetryCount int    `json:"maximumRetryCount"`
}

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

// Container states (Docker's strings).
const (
	StatusCreated    = "created"
	StatusRunning    = "running"
	StatusExited     = "exited"
	StatusDead       = "dead"
	StatusRestarting = "restarting"
	StatusRemoving   = "removing"
	StatusPaused     = "paused"
)

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return os.Rename(tmp, path)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
