package container

import (
	"path/filepath"
	"strings"

	"github.com/nook-dev/nook/spec"
)

// buildSpec turns a record into what sandbox needs (rootfs filled later).
func (m *Manager) buildSpec(r *Record, o CreateOptions) spec.Container {
	caps := capabilities(o.HostConfig)
	env := append([]string(nil), r.Config.Env...)
	if !hasEnv(env, "HOSTNAME") {
		env = append(env, "HOSTNAME="+r.Hostname)
	}
	if o.Tty && !hasEnv(env, "TERM") {
		env = append(env, "TERM=xterm")
	}
	dir := m.Dir(r.ID)
	return spec.Container{
		ID:       r.ID,
		Hostname: r.Hostname,
		Process: spec.Process{
			Args: r.Args(), Env: env, Cwd: r.Config.WorkingDir, User: r.Config.User,
			Terminal: o.Tty, Capabilities: caps, NoNewPrivileges: !o.HostConfig.Privileged,
			BypassRefusals: bypassesPorts(r.Network),
		},
		Mounts: o.Mounts,
		EtcFiles: map[string]string{
			"/etc/hostname":    filepath.Join(dir, hostnameF),
			"/etc/hosts":       filepath.Join(dir, hostsFile),
			"/etc/resolv.conf": filepath.Join(dir, resolvFile),
		},
		ReadonlyRootfs: o.HostConfig.ReadonlyRootfs,
		Privileged:     o.HostConfig.Privileged,
		Network:        networkKind(r.Network.Mode),
		BindNotify:     bypassesPorts(r.Network),
	}
}

// DefaultNetwork is the network of containers and build steps.
const DefaultNetwork = "slirp4netns"

// networkMode normalizes --network ("" and Docker's "bridge"/"default"
// mean the default driver).
func networkMode(mode string) string {
	switch mode {
	case "", "bridge", "default":
		return DefaultNetwork
	}
	return mode
}

// networkKind is what sandbox needs to know: host, none, container or a
// driver name (a new netns that a driver connects).
func networkKind(mode string) string {
	name, _, _ := strings.Cut(mode, ":")
	return name
}

func hasEnv(env []string, k string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, k+"=") {
			return true
		}
	}
	return false
}

// capabilities applies --cap-add/--cap-drop (names already normalized to
// CAP_X, or ALL) to Docker's default set.
func capabilities(h HostConfig) []string {
	set := map[string]bool{}
	for _, c := range spec.DefaultCapabilities {
		set[c] = true
	}
	for _, c := range h.CapDrop {
		if c == "CAP_ALL" || c == "ALL" {
			set = map[string]bool{}
		}
		delete(set, c)
	}
	for _, c := range h.CapAdd {
		set[c] = true
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	return out
}
