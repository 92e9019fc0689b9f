package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/fuseoverlay"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/format"
)

// apiVersion is the Docker Engine API version nook reports; clients and
// tools accept it.
const apiVersion = "1.45"

// versionInfo is the data of `version --format` (docker/cli
// system/version.go): templates use the Go field names
// ({{.Server.Version}}, {{.Client.APIVersion}}), {{json .}} the JSON ones.
type versionInfo struct {
	Client clientVersion
	Server *serverVersion
}

type clientVersion struct {
	Platform   *platformInfo `json:",omitempty"`
	Version    string
	APIVersion string `json:"ApiVersion"`
	GoVersion  string
	GitCommit  string
	Os         string
	Arch       string
	Context    string
}

type platformInfo struct{ Name string }

type serverVersion struct {
	Platform      platformInfo
	Components    []componentVersion `json:",omitempty"`
	Version       string
	APIVersion    string `json:"ApiVersion"`
	MinAPIVersion string `json:",omitempty"`
	GitCommit     string
	GoVersion     string
	Os            string
	Arch          string
	KernelVersion string `json:",omitempty"`
}

type componentVersion struct {
	Name    string
	Version string
	Details map[string]string `json:",omitempty"`
}

// versionTemplate is docker/cli's default `version` layout (tab-aligned
// by writeFormatted's tabwriter, as there).
const versionTemplate = `{{with .Client -}}
Client:{{if .Platform}} {{.Platform.Name}}{{end}}
 Version:	{{.Version}}
 API version:	{{.APIVersion}}
 Go version:	{{.GoVersion}}
 Git commit:	{{.GitCommit}}
 OS/Arch:	{{.Os}}/{{.Arch}}
 Context:	{{.Context}}
{{- end}}
{{- with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range .Components}}
 {{.Name}}:
  Version:	{{.Version}}
  API version:	{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:	{{index .Details "GoVersion"}}
  OS/Arch:	{{index .Details "Os"}}/{{index .Details "Arch"}}
  Rootless:	{{index .Details "Rootless"}}
 {{- end}}
{{- end}}`

func newVersionInfo() versionInfo {
	engine := componentVersion{Name: "Engine", Version: version, Details: map[string]string{
		"ApiVersion": apiVersion, "MinAPIVersion": "1.24", "GoVersion": runtime.Version(),
		"Os": "linux", "Arch": runtime.GOARCH, "KernelVersion": fuseoverlay.KernelRelease(), "Rootless": "true"}}
	return versionInfo{
		Client: clientVersion{Platform: &platformInfo{Name: "nook"}, Version: version, APIVersion: apiVersion,
			GoVersion: runtime.Version(), GitCommit: gitCommit, Os: "linux", Arch: runtime.GOARCH, Context: "default"},
		Server: &serverVersion{Platform: platformInfo{Name: "nook"}, Components: []componentVersion{engine},
			Version: version, APIVersion: apiVersion, MinAPIVersion: "1.24", GitCommit: gitCommit,
			GoVersion: runtime.Version(), Os: "linux", Arch: runtime.GOARCH, KernelVersion: fuseoverlay.KernelRelease()},
	}
}

// infoData is the data of `info --format`: the fields of Docker's
// system.Info that tools read ({{.ServerVersion}}, {{json .SecurityOptions}}).
type infoData struct {
	ID                string
	Containers        int
	ContainersRunning int
	ContainersPaused  int
	ContainersStopped int
	Images            int
	Driver            string
	DriverStatus      [][2]string
	CgroupDriver      string
	CgroupVersion     string
	KernelVersion     string
	OperatingSystem   string
	OSType            string
	Architecture      string
	NCPU              int
	MemTotal          int64
	DockerRootDir     string
	Name              string
	ServerVersion     string
	SecurityOptions   []string
	// Swarm is always inactive; scripts test
	// {{.Swarm.LocalNodeState}} before using swarm commands.
	Swarm swarmInfo
}

type swarmInfo struct {
	NodeID, NodeAddr, LocalNodeState string
	ControlAvailable                 bool
}

// osName is PRETTY_NAME from os-release, as Docker's OperatingSystem.
func osName() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return "<unknown>"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
			if u, err := strconv.Unquote(v); err == nil {
				return u
			}
			return v
		}
	}
	return "<unknown>"
}

func memTotal() int64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}

// writeFormatted renders data with a --format value the way docker
// version and info do: "json" means {{json .}}, the output goes through
// a tabwriter and ends with a newline. A template that does not parse
// exits 64, as in docker/cli.
func writeFormatted(w io.Writer, f string, data any) error {
	if f == format.JSONFormatKey {
		f = format.JSONFormat
	}
	tmpl, err := format.NewTemplate(f)
	if err != nil {
		return errdefs.Exit(64, err)
	}
	tw := tabwriter.NewWriter(w, 20, 1, 1, ' ', 0)
	err = tmpl.Execute(tw, data)
	fmt.Fprintln(tw)
	if ferr := tw.Flush(); err == nil {
		err = ferr
	}
	if err != nil && !errors.As(err, new(*format.TemplateError)) {
		err = &format.TemplateError{Err: err}
	}
	return err
}

func cgroupVersion(h cgroups.Host) string { return strconv.Itoa(h.Version) }

// machine is uname -m ("x86_64"): Docker's info Architecture, unlike
// version's Arch, is the kernel's name for it.
func machine() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return runtime.GOARCH
	}
	return strings.TrimRight(string(u.Machine[:]), "\x00")
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}
