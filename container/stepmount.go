package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/fuseoverlay"
)

// maxOverlayData keeps the option string of our own mount below the page
// the kernel accepts; longer layer chains use the store's mount.
const maxOverlayData = 3800

// mountStep mounts the step layer id (created on parent) at target with
// kernel overlayfs and the "volatile" option: a RUN step's writes need no
// sync on unmount (the diff is hashed and committed right after), and the
// store's mount bookkeeping (two synced JSON writes) is skipped. The layout
// is the store's own (<home>/<layer>/diff, work). ok is false when the
// store does not use native overlay or the chain is too long; the caller
// then mounts through the store.
func (m *Manager) mountStep(id, target string) (unmount func() error, ok bool, err error) {
	if m.Store.Driver.Name != fuseoverlay.Overlay {
		return nil, false, nil
	}
	diff, err := m.Store.DifferTarget(id)
	if err != nil {
		return nil, false, nil
	}
	home := filepath.Dir(filepath.Dir(diff))
	var lowers []string
	l, err := m.Store.Layer(id)
	for err == nil && l.Parent != "" {
		lowers = append(lowers, filepath.Join(home, l.Parent, "diff"))
		l, err = m.Store.Layer(l.Parent)
	}
	if err != nil {
		return nil, false, fmt.Errorf("step layer chain: %w", err)
	}
	if len(lowers) == 0 {
		return nil, false, nil // overlay needs a lower layer
	}
	layerDir := filepath.Join(home, id)
	data := "lowerdir=" + strings.Join(lowers, ":") + ",upperdir=" + diff + ",workdir=" + filepath.Join(layerDir, "work") +
		",redirect_dir=nofollow,userxattr,volatile"
	if len(data) > maxOverlayData || strings.ContainsAny(home, ",:") {
		return nil, false, nil
	}
	if err := os.MkdirAll(target, 0o700); err != nil {
		return nil, false, err
	}
	if err := unix.Mount("overlay", target, "overlay", unix.MS_NODEV, data); err != nil {
		// An older kernel without volatile or userxattr: the store knows
		// what this one supports.
		return nil, false, nil
	}
	return func() error {
		if err := unix.Unmount(target, 0); err != nil {
			if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
				return fmt.Errorf("unmount step rootfs %q: %w", target, err)
			}
		}
		// A volatile mount leaves work/incompat/volatile, which makes any
		// later mount of this layer's directories fail: remove it.
		return os.RemoveAll(filepath.Join(layerDir, "work", "incompat"))
	}, true, nil
}
