package sandbox

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/spec"
)

// Device nodes cannot be created in a user namespace (mknod needs
// CAP_MKNOD in the initial one), so the host's are bind-mounted.
var devices = []string{"null", "zero", "full", "random", "urandom", "tty"}

func mountDev(c *spec.Container) error {
	dev, err := securePath(c.Rootfs, "/dev")
	if err != nil {
		return err
	}
	os.MkdirAll(dev, 0o755)
	if err := mount("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	for _, d := range devices {
		t := filepath.Join(dev, d)
		f, err := os.OpenFile(t, os.O_CREATE|os.O_WRONLY, 0o666)
		if err != nil {
			return err
		}
		f.Close()
		if err := mount("/dev/"+d, t, "", unix.MS_BIND, ""); err != nil {
			return err
		}
	}
	pts := filepath.Join(dev, "pts")
	os.MkdirAll(pts, 0o755)
	opts := "newinstance,ptmxmode=0666,mode=0620,gid=5"
	if err := mount("devpts", pts, "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, opts); err != nil {
		// gid 5 (tty) is not mapped in a single-id namespace.
		if err := mount("devpts", pts, "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
			return err
		}
	}
	shm := filepath.Join(dev, "shm")
	os.MkdirAll(shm, 0o1777)
	if err := mount("shm", shm, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
		return err
	}
	mq := filepath.Join(dev, "mqueue")
	os.MkdirAll(mq, 0o755)
	if err := mount("mqueue", mq, "mqueue", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		// Joining another container's ipc namespace (or none of our own)
		// makes mqueue unavailable; it is optional.
		os.Remove(mq)
	}
	links := map[string]string{
		"ptmx": "pts/ptmx", "fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2", "core": "/proc/kcore",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dev, name)); err != nil && !os.IsExist(err) {
			return err
		}
	}
	return nil
}
