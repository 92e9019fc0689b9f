package container

import (
	"strconv"
	"strings"
	"time"

	"github.com/nook-dev/nook/image"
)

// InspectJSON is Docker's `container inspect` shape (fields in Docker's
// order; what nook does not have is given its zero value).
type InspectJSON struct {
	Id              string
	Created         string
	Path            string
	Args            []string
	State           InspectState
	Image           string
	ResolvConfPath  string
	HostnamePath    string
	HostsPath       string
	LogPath         string
	Name            string
	RestartCount    int
	Driver          string
	Platform        string
	MountLabel      string
	ProcessLabel    string
	AppArmorProfile string
	ExecIDs         []string
	HostConfig      map[string]any
	GraphDriver     GraphDriver
	SizeRw          *int64 `json:",omitempty"` // only with inspect -s
	SizeRootFs      *int64 `json:",omitempty"`
	Mounts          []InspectMount
	Config          map[string]any
	NetworkSettings map[string]any
}

// InspectState is State in Docker's inspect output.
type InspectState struct {
	Status     string
	Running    bool
	Paused     bool
	Restarting bool
	OOMKilled  bool
	Dead       bool
	Pid        int
	ExitCode   int
	Error      string
	StartedAt  string
	FinishedAt string
	Health     *Health `json:",omitempty"`
}

// GraphDriver names the storage driver and its directories.
type GraphDriver struct {
	Data map[string]string
	Name string
}

// InspectMount is one entry of Mounts.
type InspectMount struct {
	Type        string
	Name        string `json:",omitempty"`
	Source      string
	Destination string
	Driver      string `json:",omitempty"`
	Mode        string
	RW          bool
	Propagation string
}

func zeroTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Inspect builds Docker's inspect view of r.
func (m *Manager) Inspect(r *Record) InspectJSON {
	st := m.CurrentState(r)
	args := r.Args()
	j := InspectJSON{
		Id: r.ID, Created: zeroTime(r.Created), Image: "sha256:" + r.ImageID,
		Name: "/" + r.Name, RestartCount: st.RestartCount, Driver: driverName(r.Driver), Platform: "linux",
		ResolvConfPath: m.Dir(r.ID) + "/" + resolvFile, HostnamePath: m.Dir(r.ID) + "/" + hostnameF,
		HostsPath: m.Dir(r.ID) + "/" + hostsFile, LogPath: m.Dir(r.ID) + "/" + LogFile,
		State: InspectState{Status: st.Status, Running: st.Status == StatusRunning, Paused: st.Paused, Restarting: st.Status == StatusRestarting,
			Dead: st.Status == StatusDead, Pid: st.Pid, ExitCode: st.ExitCode, Error: st.Error,
			StartedAt: zeroTime(st.StartedAt), FinishedAt: zeroTime(st.FinishedAt), Health: st.Health},
		GraphDriver: m.graphDriver(r),
		Mounts:      []InspectMount{},
	}
	if st.Paused {
		j.State.Status = StatusPaused
	}
	if len(args) > 0 {
		j.Path, j.Args = args[0], args[1:]
	}
	if j.Args == nil {
		j.Args = []string{}
	}
	for _, mt := range r.Spec.Mounts {
		im := InspectMount{Type: mt.Type, Name: mt.Name, Source: mt.Source, Destination: mt.Destination,
			Mode: strings.Join(mt.Options, ","), RW: !mt.ReadOnly()}
		if mt.Type == "volume" {
			im.Driver = "local"
		} else if mt.Type == "bind" {
			im.Propagation = "rprivate"
		}
		j.Mounts = append(j.Mounts, im)
	}
	j.HostConfig = m.inspectHostConfig(r)
	j.Config = inspectConfig(r)
	j.NetworkSettings = inspectNetwork(r, st)
	return j
}

func driverName(d string) string {
	if d == "overlay" {
		return "overlay2"
	}
	return d
}

func (m *Manager) graphDriver(r *Record) GraphDriver {
	g := GraphDriver{Name: driverName(r.Driver), Data: map[string]string{}}
	c, err := m.Store.Container(r.ID)
	if err != nil {
		return g
	}
	if data := m.Store.GraphDriverData(c.LayerID); data != nil {
		for k, v := range data {
			g.Data[k] = v
		}
	}
	return g
}

func (m *Manager) inspectHostConfig(r *Record) map[string]any {
	h := r.HostConfig
	return map[string]any{
		"Binds": h.Binds, "ContainerIDFile": "", "LogConfig": map[string]any{"Type": "json-file", "Config": map[string]string{}},
		"NetworkMode": h.NetworkMode, "PortBindings": portBindings(r.Network.Ports),
		"RestartPolicy": map[string]any{"Name": h.RestartPolicy.Name, "MaximumRetryCount": h.RestartPolicy.MaximumRetryCount},
		"AutoRemove":    h.AutoRemove, "CapAdd": h.CapAdd, "CapDrop": h.CapDrop, "Dns": nonNil(h.Dns),
		"DnsSearch": nonNil(h.DnsSearch), "ExtraHosts": h.ExtraHosts, "Privileged": h.Privileged,
		"PublishAllPorts": h.PublishAll, "ReadonlyRootfs": h.ReadonlyRootfs, "UsernsMode": "", "ShmSize": 67108864,
		"Runtime": "nook", "Memory": h.Memory, "MemorySwap": h.MemorySwap, "NanoCpus": h.NanoCpus, "PidsLimit": h.PidsLimit, "IpcMode": "private", "PidMode": "", "UTSMode": "",
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func portBindings(ports []PortBinding) map[string]any {
	out := map[string]any{}
	for _, p := range ports {
		key := strconv.Itoa(p.ContainerPort) + "/" + proto(p.Proto)
		hp := ""
		if p.HostPort > 0 {
			hp = strconv.Itoa(p.HostPort)
		}
		list, _ := out[key].([]map[string]string)
		out[key] = append(list, map[string]string{"HostIp": p.HostIP, "HostPort": hp})
	}
	return out
}

func proto(p string) string {
	if p == "" {
		return "tcp"
	}
	return p
}

func inspectConfig(r *Record) map[string]any {
	c := r.Config
	return map[string]any{
		"Hostname": r.Hostname, "Domainname": "", "User": c.User, "AttachStdin": r.OpenStdin,
		"AttachStdout": true, "AttachStderr": true, "ExposedPorts": c.ExposedPorts, "Tty": r.Tty,
		"OpenStdin": r.OpenStdin, "StdinOnce": false, "Env": r.Spec.Process.Env, "Cmd": c.Cmd,
		"Image": r.Image, "Volumes": c.Volumes, "WorkingDir": c.WorkingDir, "Entrypoint": c.Entrypoint,
		"OnBuild": c.OnBuild, "Labels": labelsOrEmpty(c.Labels), "StopSignal": c.StopSignal, "Healthcheck": c.Healthcheck,
	}
}

func labelsOrEmpty(l map[string]string) map[string]string {
	if l == nil {
		return map[string]string{}
	}
	return l
}

func inspectNetwork(r *Record, st State) map[string]any {
	ports := map[string]any{}
	for p := range r.Config.ExposedPorts {
		ports[p] = nil
	}
	for _, p := range st.Ports {
		key := strconv.Itoa(p.ContainerPort) + "/" + proto(p.Proto)
		ip := p.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		list, _ := ports[key].([]map[string]string)
		ports[key] = append(list, map[string]string{"HostIp": ip, "HostPort": strconv.Itoa(p.HostPort)})
	}
	ns := map[string]any{"Ports": ports, "SandboxID": "", "SandboxKey": "", "Networks": map[string]any{}}
	if st.Pid > 0 {
		ns["SandboxKey"] = "/proc/" + strconv.Itoa(st.Pid) + "/ns/net"
	}
	ip, gw := "", ""
	if r.Spec.Network == "slirp4netns" || r.Spec.Network == "pasta" {
		ip, gw = "10.0.2.100", "10.0.2.2"
		ns["Networks"] = map[string]any{r.Spec.Network: map[string]any{"IPAddress": ip, "Gateway": gw, "IPPrefixLen": 24}}
	}
	ns["IPAddress"], ns["Gateway"], ns["MacAddress"] = ip, gw, ""
	return ns
}

// ImageConfigOf exposes the stored config for callers that need it.
func (m *Manager) ImageConfigOf(r *Record) (*image.Config, error) {
	img, err := m.Store.Lookup(r.ImageID)
	if err != nil {
		return nil, err
	}
	return m.Store.Config(img)
}
