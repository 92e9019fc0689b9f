package container

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"go.podman.io/storage/pkg/archive"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Change is one line of `nook diff`.
type Change struct {
	Kind string // A, C or D
	Path string
}

// Diff lists what changed in r's rw layer.
func (m *Manager) Diff(r *Record) ([]Change, error) {
	sc, err := m.Store.Container(r.ID)
	if err != nil {
		return nil, errdefs.NotFound("No such container: %s", r.ID)
	}
	changes, err := m.Store.Changes("", sc.LayerID)
	if err != nil {
		return nil, fmt.Errorf("compute changes of %s: %w", r.ID[:12], err)
	}
	out := make([]Change, 0, len(changes))
	etcOther := false
	for _, c := range changes {
		if etcMounts[c.Path] {
			continue
		}
		etcOther = etcOther || strings.HasPrefix(c.Path, "/etc/")
	}
	for _, c := range changes {
		// The bind targets of /etc/hostname, hosts and resolv.conf are
		// nook's, not the user's: Docker keeps them in an init layer
		// that diff does not show.
		if etcMounts[c.Path] || (c.Path == "/etc" && c.Kind == archive.ChangeModify && !etcOther) {
			continue
		}
		k := "C"
		switch c.Kind {
		case archive.ChangeAdd:
			k = "A"
		case archive.ChangeDelete:
			k = "D"
		}
		out = append(out, Change{Kind: k, Path: c.Path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// etcMounts are the files nook bind-mounts over the container's /etc.
var etcMounts = map[string]bool{"/etc/hostname": true, "/etc/hosts": true, "/etc/resolv.conf": true}

// Export writes a tar of r's merged root filesystem (volumes, mounted only
// inside the container, are not in it).
func (m *Manager) Export(r *Record, w io.Writer) error {
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return fmt.Errorf("mount %s: %w", r.ID[:12], err)
	}
	defer m.Store.Unmount(r.ID, false)
	rc, err := archive.TarWithOptions(root, &archive.TarOptions{})
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(w, rc)
	return err
}
