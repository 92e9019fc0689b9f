package container

import (
	"fmt"
	"maps"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/spec"
)

// containerNetwork validates --network container:REF at create. Like
// Docker, the target must exist, the mode is recorded with the target's
// full ID (inspect shows "container:<id>"), the hostname is the target's,
// and the flags that configure a network of one's own are refused
// (moby's validateNetContainerMode).
func (m *Manager) containerNetwork(r *Record, o CreateOptions, ref string) (spec.Network, error) {
	n := spec.Network{Mode: "container:" + ref}
	h := o.HostConfig
	switch {
	case ref == "":
		return n, errdefs.Invalid("invalid network mode: invalid container format container:<name|id>")
	case o.Hostname != "":
		return n, errdefs.Invalid("conflicting options: hostname and the network mode")
	case len(h.Dns) > 0:
		return n, errdefs.Invalid("conflicting options: dns and the network mode")
	case len(h.ExtraHosts) > 0:
		return n, errdefs.Invalid("conflicting options: custom host-to-IP mapping and the network mode")
	case len(h.PortBindings) > 0 || h.PublishAll:
		return n, errdefs.Invalid("conflicting options: port publishing and the container type network mode")
	}
	if ref == r.Name || ref == r.ID || (len(ref) >= 12 && strings.HasPrefix(r.ID, ref)) {
		return n, errdefs.Invalid("cannot join own network")
	}
	target, err := m.Lookup(ref)
	if err != nil {
		return n, err
	}
	n.Mode = "container:" + target.ID
	r.Hostname = target.Hostname
	return n, nil
}

// joinNetwork prepares the start of a container:TARGET container: the
// target must be running; the new init joins its network namespace and
// shares its /etc/hosts and /etc/resolv.conf, as Docker does at start
// (initializeNetworkingPaths). Other modes need nothing.
func (m *Manager) joinNetwork(r *Record) error {
	kind, ref, _ := strings.Cut(r.Network.Mode, ":")
	if kind != "container" {
		return nil
	}
	target, err := m.Lookup(ref)
	if err != nil {
		return fmt.Errorf("join the network of container %s: %w", shortID(ref), err)
	}
	if target.ID == r.ID {
		return errdefs.Invalid("cannot join own network")
	}
	st := m.CurrentState(target)
	if st.Status != StatusRunning || st.Pid <= 0 {
		return errdefs.WithHint(errdefs.Conflict("cannot join network of a non running container: %s", ref),
			fmt.Sprintf("start it first: nook start %s", target.Name))
	}
	r.Spec.JoinNamespaces = maps.Clone(r.Spec.JoinNamespaces)
	if r.Spec.JoinNamespaces == nil {
		r.Spec.JoinNamespaces = map[string]string{}
	}
	r.Spec.JoinNamespaces["net"] = fmt.Sprintf("/proc/%d/ns/net", st.Pid)
	r.Spec.EtcFiles = maps.Clone(r.Spec.EtcFiles)
	for _, f := range []string{"/etc/hosts", "/etc/resolv.conf"} {
		if p := target.Spec.EtcFiles[f]; p != "" && r.Spec.EtcFiles != nil {
			r.Spec.EtcFiles[f] = p
		}
	}
	return nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
