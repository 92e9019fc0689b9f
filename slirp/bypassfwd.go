package slirp

import (
	"context"

	"github.com/rootless-containers/rootlesskit/v3/pkg/port"
)

// mappingFor finds the one TCP mapping of container port p. Several host
// ports for one container port cannot share one socket: those stay
// forwarded.
func (f *Forwarder) mappingFor(p uint16) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	idx := -1
	for i, m := range f.ports {
		if m.Protocol == "tcp" && m.ContainerPort == p {
			if idx >= 0 {
				return -1, false
			}
			idx = i
		}
	}
	return idx, idx >= 0 && !f.closed
}

func (f *Forwarder) mapping(i int) PortMapping {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ports[i]
}

// suspend frees mapping i's host port for a bypassed bind.
func (f *Forwarder) suspend(i int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || f.ids[i] < 0 {
		return
	}
	_ = f.parent.RemovePort(context.Background(), f.ids[i])
	f.ids[i] = -1
}

// resume forwards mapping i again after a bypass failed and reports
// whether the forwarder holds the port now. It fails quietly while a
// bypassed socket still holds the port.
func (f *Forwarder) resume(i int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	if f.ids[i] >= 0 {
		return true
	}
	m := f.ports[i]
	st, err := f.parent.AddPort(context.Background(), port.Spec{
		Proto: m.Protocol, ParentIP: m.HostIP, ParentPort: int(m.HostPort),
		ChildIP: ContainerIP, ChildPort: int(m.ContainerPort),
	})
	if err == nil {
		f.ids[i] = st.ID
	}
	return err == nil
}
