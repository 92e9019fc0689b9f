package spec

// Container is everything the sandbox (nook _init) needs to turn fresh
// namespaces into a running container. It travels as JSON over a pipe.
type Container struct {
	// ID is the 64-hex container ID.
	ID string `json:"id"`
	// Rootfs is the absolute path of the mounted root filesystem, as seen in
	// the keeper's mount namespace.
	Rootfs string `json:"rootfs"`
	// Hostname is set with sethostname(2) in the new UTS namespace.
	Hostname string `json:"hostname"`
	// Process is what is executed once the rootfs is ready.
	Process Process `json:"process"`
	// Mounts are extra mounts (volumes, binds, tmpfs) applied after the
	// standard /proc, /dev, /sys, in order.
	Mounts []Mount `json:"mounts,omitempty"`
	// EtcFiles maps a container path (/etc/hosts ...) to a host file that is
	// bind-mounted over it.
	EtcFiles map[string]string `json:"etcFiles,omitempty"`
	// ReadonlyRootfs remounts / read-only (--read-only).
	ReadonlyRootfs bool `json:"readonlyRootfs,omitempty"`
	// Privileged skips masked and read-only paths and keeps all capabilities
	// (within the user namespace, nothing more).
	Privileged bool `json:"privileged,omitempty"`
	// Namespaces lists namespaces to join instead of creating, by type
	// ("net" -> "/proc/PID/ns/net").
	JoinNamespaces map[string]string `json:"joinNamespaces,omitempty"`
	// Network is "none", "host", or a driver name; it tells init whether to
	// bring up loopback and whether a netns was created.
	Network string `json:"network,omitempty"`
	// Cgroup is the container's own cgroup v2 directory (absolute path),
	// "" without one; init is cloned into it (CLONE_INTO_CGROUP), so every
	// process of the container is in it. Pause freezes it.
	Cgroup string `json:"cgroup,omitempty"`
	// BindNotify makes init route the command's bind(2) calls to its
	// launcher (seccomp user notification) for port_handler=bypass.
	BindNotify bool `json:"bindNotify,omitempty"`
}

// Process describes the command run as the container's pid 1 (or an exec).
type Process struct {
	Args []string `json:"args"`
	Env  []string `json:"env"`
	Cwd  string   `json:"cwd"`
	// User is the --user value as given (name, uid, name:group, uid:gid);
	// resolved inside the container against its /etc/passwd and /etc/group.
	User string `json:"user,omitempty"`
	// Terminal is true when stdio is a pty (-t).
	Terminal bool `json:"terminal,omitempty"`
	// Capabilities are the capability names (CAP_CHOWN ...) kept.
	Capabilities []string `json:"capabilities"`
	// NoNewPrivileges sets PR_SET_NO_NEW_PRIVS before exec.
	NoNewPrivileges bool `json:"noNewPrivileges"`
	// BypassRefusals: processes started in the container later (exec,
	// health probes) get the seccomp refusals of its bind filter, because
	// its published ports are bypassed (Container.BindNotify).
	BypassRefusals bool `json:"bypassRefusals,omitempty"`
}

// Mount is one extra mount inside the container.
type Mount struct {
	// Type is "bind", "volume" or "tmpfs".
	Type string `json:"type"`
	// Source is a host path (bind, volume's _data) or "tmpfs".
	Source string `json:"source"`
	// Destination is the absolute path inside the container.
	Destination string `json:"destination"`
	// Options are mount options: ro, rw, nosuid, size=64m ...
	Options []string `json:"options,omitempty"`
	// Name is the volume name (volumes only).
	Name string `json:"name,omitempty"`
}

// ReadOnly reports whether the mount options ask for a read-only mount.
func (m Mount) ReadOnly() bool {
	for _, o := range m.Options {
		if o == "ro" || o == "readonly" {
			return true
		}
	}
	return false
}
