package slirp

import (
	"fmt"
	"os"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// netnsThread is a goroutine locked to an OS thread that joined a network
// namespace once and never leaves it: sockets created from functions it runs
// belong to that namespace. When it stops, the goroutine returns while still
// locked, so the Go runtime discards the thread instead of reusing a thread
// in the wrong namespace (the containerd pkg/netns pattern).
type netnsThread struct {
	work chan func()
	stop chan struct{}
	once sync.Once
}

// newNetnsThread joins the network namespace at nsPath (/proc/PID/ns/net).
// The caller must own that namespace's user namespace (CAP_SYS_ADMIN).
func newNetnsThread(nsPath string) (*netnsThread, error) {
	t := &netnsThread{work: make(chan func()), stop: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			started <- fmt.Errorf("open own network namespace: %w", err)
			return
		}
		defer orig.Close()
		if err := joinNetns(nsPath); err != nil {
			runtime.UnlockOSThread()
			started <- err
			return
		}
		started <- nil
		t.serve()
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		} // else: exit locked, see the type comment.
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return t, nil
}

func (t *netnsThread) serve() {
	for {
		select {
		case fn := <-t.work:
			fn()
		case <-t.stop:
			return
		}
	}
}

func joinNetns(nsPath string) error {
	fd, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open network namespace %q: %w", nsPath, err)
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("join network namespace %q: %w", nsPath, err)
	}
	return nil
}

// Do runs fn on the namespace thread and returns its error.
func (t *netnsThread) Do(fn func() error) error {
	errc := make(chan error, 1)
	select {
	case t.work <- func() { errc <- fn() }:
		return <-errc
	case <-t.stop:
		return fmt.Errorf("network namespace thread stopped")
	}
}

// Close ends the thread.
func (t *netnsThread) Close() {
	t.once.Do(func() { close(t.stop) })
}

// spawnThread is an OS thread that lives as long as the process and forks
// every helper, so PR_SET_PDEATHSIG (which fires when the forking *thread*
// exits, golang/go#27505) means "when this process dies" and not "when some
// goroutine that happened to run on that thread exits locked".
var spawnThread = struct {
	once sync.Once
	work chan func()
}{work: make(chan func())}

// onSpawnThread runs fn on spawnThread.
func onSpawnThread(fn func()) {
	spawnThread.once.Do(func() {
		go func() {
			runtime.LockOSThread() // never unlocked: the thread must not exit
			for f := range spawnThread.work {
				f()
			}
		}()
	})
	done := make(chan struct{})
	spawnThread.work <- func() { fn(); close(done) }
	<-done
}
