package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/spec"
)

// setupRootfs prepares c.Rootfs and pivots into it.
func setupRootfs(c *spec.Container) error {
	// Our mounts must not propagate back into the keeper's namespace.
	if err := mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return err
	}
	root := c.Rootfs
	// pivot_root needs a mount point; a vfs rootfs is a plain directory.
	if err := mount(root, root, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	steps := []func(*spec.Container) error{mountProc, mountDev, mountSys, mountEtcFiles, mountExtra}
	for _, step := range steps {
		if err := step(c); err != nil {
			return err
		}
	}
	if err := pivotRoot(root); err != nil {
		return err
	}
	if !c.Privileged {
		if err := maskPaths(); err != nil {
			return err
		}
	}
	if c.ReadonlyRootfs {
		if err := remountRO("/"); err != nil {
			return err
		}
	}
	return nil
}

// securePath joins a container path under root; mounts go there after
// resolving symlinks inside root, so a malicious image cannot redirect a
// mount onto the host.
func securePath(root, path string) (string, error) {
	clean := filepath.Clean("/" + path)
	cur := root
	for _, part := range strings.Split(strings.TrimPrefix(clean, "/"), "/") {
		if part == "" {
			continue
		}
		next := filepath.Join(cur, part)
		for i := 0; i < 40; i++ {
			target, err := os.Readlink(next)
			if err != nil {
				break
			}
			if filepath.IsAbs(target) {
				next = filepath.Join(root, filepath.Clean(target))
			} else {
				next = filepath.Join(filepath.Dir(next), target)
			}
			if !strings.HasPrefix(next, root) {
				next = filepath.Join(root, strings.TrimPrefix(next, "/"))
			}
		}
		cur = next
	}
	if cur != root && !strings.HasPrefix(cur, root+"/") {
		return "", fmt.Errorf("path %q escapes the container root", path)
	}
	return cur, nil
}

func mountProc(c *spec.Container) error {
	t, err := securePath(c.Rootfs, "/proc")
	if err != nil {
		return err
	}
	os.MkdirAll(t, 0o555)
	if c.JoinNamespaces["pid"] != "" {
		return mount("/proc", t, "", unix.MS_BIND|unix.MS_REC, "")
	}
	return mount("proc", t, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
}

func mountSys(c *spec.Container) error {
	t, err := securePath(c.Rootfs, "/sys")
	if err != nil {
		return err
	}
	os.MkdirAll(t, 0o555)
	flags := uintptr(unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY)
	err = mount("sysfs", t, "sysfs", flags, "")
	if err == nil || !(errors.Is(err, unix.EPERM) || errors.Is(err, unix.EBUSY)) {
		return err
	}
	// Without a network namespace of our own (--network host) sysfs may
	// not be mounted: bind the host's read-only instead, as runc does.
	return bindRO("/sys", t, true)
}

func mountEtcFiles(c *spec.Container) error {
	for dst, src := range c.EtcFiles {
		t, err := securePath(c.Rootfs, dst)
		if err != nil {
			return err
		}
		if err := ensureTarget(src, t); err != nil {
			return fmt.Errorf("create %s in the container: %w", dst, err)
		}
		if err := mount(src, t, "", unix.MS_BIND, ""); err != nil {
			return err
		}
	}
	return nil
}

func mountExtra(c *spec.Container) error {
	for _, m := range c.Mounts {
		t, err := securePath(c.Rootfs, m.Destination)
		if err != nil {
			return err
		}
		if err := mountOne(m, t); err != nil {
			return err
		}
	}
	return nil
}

func mountOne(m spec.Mount, target string) error {
	if m.Type == "tmpfs" {
		os.MkdirAll(target, 0o755)
		var data []string
		for _, o := range m.Options {
			if o != "ro" && o != "rw" && o != "nosuid" && o != "nodev" && o != "noexec" {
				data = append(data, o)
			}
		}
		if err := mount("tmpfs", target, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, strings.Join(data, ",")); err != nil {
			return err
		}
		if m.ReadOnly() {
			return remountRO(target)
		}
		return nil
	}
	if err := ensureTarget(m.Source, target); err != nil {
		return fmt.Errorf("create mount point %s: %w", m.Destination, err)
	}
	if m.ReadOnly() {
		return bindRO(m.Source, target, true)
	}
	return mount(m.Source, target, "", unix.MS_BIND|unix.MS_REC, "")
}

func pivotRoot(root string) error {
	if err := unix.Chdir(root); err != nil {
		return fmt.Errorf("chdir %q: %w", root, err)
	}
	// pivot_root(".", ".") stacks the old root under the new one; the
	// detach below removes it without needing a directory for it.
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root %q: %w", root, err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("unmount old root: %w", err)
	}
	return unix.Chdir("/")
}

func maskPaths() error {
	for _, p := range spec.MaskedPaths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if fi.IsDir() {
			err = mount("tmpfs", p, "tmpfs", unix.MS_RDONLY, "")
		} else {
			err = mount("/dev/null", p, "", unix.MS_BIND, "")
		}
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return err
		}
	}
	for _, p := range spec.ReadonlyPaths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if err := bindRO(p, p, true); err != nil && !errors.Is(err, unix.ENOENT) {
			return err
		}
	}
	return nil
}
