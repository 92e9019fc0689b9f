package container

import (
	"time"

	"github.com/nook-dev/nook/internal/atomicfile"
	"github.com/nook-dev/nook/records"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/spec"
	"github.com/nook-dev/nook/volume"
)

// Files in a container's directory ($XDG_DATA_HOME/nook/containers/ID).
// config.json and state.json are stable formats.
const (
	configFile = records.ConfigFile
	stateFile  = records.StateFile
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
	// Volumes are the named and anonymous volumes the container uses.
	Volumes []volume.Used `json:"volumes,omitempty"`
	// Network is how the container is connected (mode, ports).
	Network spec.Network `json:"network"`
	// removeVolumes asks delete to remove anonymous volumes (rm -v).
	removeVolumes bool
	// Driver is the storage driver name used for this container's layer.
	Driver string `json:"driver"`
	// Warnings are what create tells the user on stderr (Docker's
	// ContainerCreateResponse.Warnings); not stored.
	Warnings []string `json:"-"`
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
	// Memory (bytes), MemorySwap (memory+swap bytes, -1 unlimited),
	// NanoCpus and PidsLimit are Docker's resource limits (cgroup v2).
	Memory     int64  `json:"memory,omitempty"`
	MemorySwap int64  `json:"memorySwap,omitempty"`
	NanoCpus   int64  `json:"nanoCpus,omitempty"`
	PidsLimit  *int64 `json:"pidsLimit,omitempty"`
}

// RestartPolicy is --restart.
type RestartPolicy struct {
	Name              string `json:"name"`
	MaximumRetryCount int    `json:"maximumRetryCount"`
}

// State, Health, HealthLog and PortBinding are spec's: the monitor writes
// them too.
type (
	State       = spec.State
	Health      = spec.Health
	HealthLog   = spec.HealthLog
	PortBinding = spec.PortBinding
)

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

func writeJSON(path string, v any) error { return atomicfile.WriteJSON(path, v) }

func readJSON(path string, v any) error { return atomicfile.ReadJSON(path, v) }
