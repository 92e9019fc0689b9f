package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/spec"
)

// joinable are the namespaces init can enter after clone (a pid namespace
// would need a fork, a mount namespace a single-threaded process).
var joinable = []struct {
	name string
	flag int
}{{"net", unix.CLONE_NEWNET}, {"uts", unix.CLONE_NEWUTS}, {"ipc", unix.CLONE_NEWIPC}}

// joinNamespaces enters the namespaces c shares with another container
// (--network container:X) on init's locked thread, which is the thread
// that execs the command. It runs before the rootfs is set up so that the
// sysfs mounted there shows the shared network's devices. Init is uid 0 in
// the keeper's user namespace, which owns the other container's
// namespaces, so setns is allowed.
func joinNamespaces(c *spec.Container) error {
	for _, ns := range joinable {
		path := c.JoinNamespaces[ns.name]
		if path == "" {
			continue
		}
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open %s namespace %q: %w", ns.name, path, err)
		}
		err = unix.Setns(fd, ns.flag)
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("join %s namespace %q: %w", ns.name, path, err)
		}
	}
	return nil
}
