package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/spec"
	"github.com/nook-dev/nook/volume"
)

// Volumes is the volume store next to the image store.
func (m *Manager) Volumes() *volume.Store { return volume.New(m.DataDir) }

// VolumeUsers lists the containers whose records use volume name.
func (m *Manager) VolumeUsers(name string) []string {
	recs, _ := m.List()
	var out []string
	for _, r := range recs {
		for _, v := range r.Volumes {
			if v.Name == name {
				out = append(out, r.ID)
			}
		}
	}
	return out
}

// resolveMounts creates volumes (copying up image content into new ones)
// and turns them into bind mounts of their _data directories.
func (m *Manager) resolveMounts(r *Record, o CreateOptions, imageVolumes map[string]struct{}) ([]spec.Mount, error) {
	mounts := append([]spec.Mount(nil), o.Mounts...)
	for _, ref := range o.VolumesFrom {
		src, err := m.Lookup(strings.Split(ref, ":")[0])
		if err != nil {
			return nil, err
		}
		for _, v := range src.Volumes {
			mounts = append(mounts, spec.Mount{Type: "volume", Name: v.Name, Destination: v.Destination})
		}
	}
	if len(mounts) == 0 && len(imageVolumes) == 0 {
		return nil, nil
	}
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return nil, fmt.Errorf("mount rootfs for volume copy-up: %w", err)
	}
	defer m.Store.Unmount(r.ID, false)
	resolved, used, err := m.Volumes().Resolve(mounts, imageVolumes, root)
	if err != nil {
		return nil, err
	}
	r.Volumes = used
	for _, mt := range resolved {
		if mt.Type == "bind" {
			r.HostConfig.Binds = append(r.HostConfig.Binds, mt.Source+":"+mt.Destination)
		}
	}
	return resolved, nil
}

// removeVolumes removes r's anonymous volumes that no other container uses.
func (m *Manager) removeVolumes(r *Record) error {
	return m.Volumes().RemoveAnonymous(r.Volumes, func(name string) []string {
		var others []string
		for _, id := range m.VolumeUsers(name) {
			if id != r.ID {
				others = append(others, id)
			}
		}
		return others
	})
}

// network validates --network and -p/-P and fills the port bindings.
func (m *Manager) network(r *Record, o CreateOptions, exposed map[string]struct{}) (spec.Network, error) {
	mode := networkMode(o.HostConfig.NetworkMode)
	n := spec.Network{Mode: mode, Ports: o.HostConfig.PortBindings, StateDir: filepath.Join(m.RunDir, "containers", r.ID)}
	name, opts, _ := strings.Cut(mode, ":")
	switch name {
	case "slirp4netns", "pasta":
		for _, kv := range strings.Split(opts, ",") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				if n.Options == nil {
					n.Options = map[string]string{}
				}
				n.Options[k] = v
			}
		}
		if err := checkPortHandler(name, n.Options[PortHandlerOption]); err != nil {
			return n, err
		}
	case "none", "host":
		if len(n.Ports) > 0 || o.HostConfig.PublishAll {
			n.Ports = nil // Docker ignores -p without a network namespace of its own
		}
		return n, nil
	case "container":
		return m.containerNetwork(r, o, opts)
	default:
		return n, errdefs.WithHint(errdefs.NotFound("network %s not found", mode),
			"use slirp4netns (default), pasta, none or host")
	}
	if o.HostConfig.PublishAll {
		for p := range exposed {
			port, proto, _ := strings.Cut(p, "/")
			cp, err := strconv.Atoi(port)
			if err == nil {
				n.Ports = append(n.Ports, spec.PortBinding{ContainerPort: cp, Proto: proto})
			}
		}
	}
	if len(n.Ports) > 0 {
		if err := os.MkdirAll(n.StateDir, 0o700); err != nil {
			return n, err
		}
	}
	return n, nil
}
