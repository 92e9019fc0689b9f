package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/fuseoverlay"
)

// MountLayerRO makes the rootfs of layer id readable at a path for the
// builder (lookups in the parent of an ADD/COPY layer, COPY --from
// sources), without the store's mount. The store mounts a layer with an
// upper directory, and unmounting such an overlay syncs the whole file
// system below it, which waits for every file the build just wrote (about
// a second for 10,000 files). A read-only overlay of the layer's
// directories has nothing to sync; a layer without parents is its diff
// directory as it is. ok is false (nothing done) without native overlay
// or for chains too long for one mount; the caller then uses the store.
func (m *Manager) MountLayerRO(id string) (root string, unmount func() error, ok bool, err error) {
	if m.Store.Driver.Name != fuseoverlay.Overlay {
		return "", nil, false, nil
	}
	diff, err := m.Store.DifferTarget(id)
	if err != nil {
		return "", nil, false, nil
	}
	home := filepath.Dir(filepath.Dir(diff))
	lowers := []string{diff}
	l, err := m.Store.Layer(id)
	for err == nil && l.Parent != "" {
		lowers = append(lowers, filepath.Join(home, l.Parent, "diff"))
		l, err = m.Store.Layer(l.Parent)
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("layer chain of %s: %w", shortID(id), err)
	}
	if len(lowers) == 1 {
		return diff, func() error { return nil }, true, nil
	}
	data := "lowerdir=" + strings.Join(lowers, ":") + ",redirect_dir=nofollow,userxattr"
	if len(data) > maxOverlayData || strings.ContainsAny(home, ",:") {
		return "", nil, false, nil
	}
	target, err := os.MkdirTemp(filepath.Join(m.DataDir, "tmp"), "ro-")
	if err != nil {
		if err := os.MkdirAll(filepath.Join(m.DataDir, "tmp"), 0o700); err != nil {
			return "", nil, false, err
		}
		if target, err = os.MkdirTemp(filepath.Join(m.DataDir, "tmp"), "ro-"); err != nil {
			return "", nil, false, err
		}
	}
	if err := unix.Mount("overlay", target, "overlay", unix.MS_NODEV|unix.MS_RDONLY, data); err != nil {
		os.Remove(target)
		return "", nil, false, nil // the store knows what this kernel supports
	}
	return target, func() error {
		if err := unix.Unmount(target, 0); err != nil {
			if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
				return fmt.Errorf("unmount %q: %w", target, err)
			}
		}
		return os.Remove(target)
	}, true, nil
}
