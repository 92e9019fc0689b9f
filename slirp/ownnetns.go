package slirp

import (
	"fmt"
	"github.com/nook-dev/nook/internal/netif"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// OwnNetns is a new network namespace held by an OS thread of this
// process instead of a process of its own: a build creates one and its RUN
// steps join it (/proc/PID/task/TID/ns/net), with one slirp4netns attached
// to it for the whole build. The thread never leaves the namespace; it
// exits still locked when the namespace is closed, so the Go runtime
// discards it, and the namespace goes away with it (or with the process,
// whatever ends it).
type OwnNetns struct {
	tid  int
	stop chan struct{}
}

// NewOwnNetns unshares a network namespace on a fresh locked thread and
// brings its loopback up. The caller must be root in its user namespace.
func NewOwnNetns() (*OwnNetns, error) {
	n := &OwnNetns{stop: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see the type comment
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			started <- fmt.Errorf("create network namespace: %w", err)
			return
		}
		if err := netif.LoopbackUp(); err != nil {
			started <- fmt.Errorf("bring up lo in the build network namespace: %w", err)
			return
		}
		n.tid = unix.Gettid()
		started <- nil
		<-n.stop
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return n, nil
}

// Tid is the holding thread's ID; /proc/TID/ns/net is the namespace
// (slirp4netns takes it as the PID whose namespace it serves).
func (n *OwnNetns) Tid() int { return n.tid }

// Path is the namespace's path for setns.
func (n *OwnNetns) Path() string {
	return fmt.Sprintf("/proc/%d/task/%d/ns/net", os.Getpid(), n.tid)
}

// Close lets the thread exit, which releases the namespace once nothing
// else (a RUN step still running, slirp4netns) holds it.
func (n *OwnNetns) Close() {
	select {
	case <-n.stop:
	default:
		close(n.stop)
	}
}
