package cgroups

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
)

// freezeTimeout bounds the wait for a cgroup to report itself frozen.
const freezeTimeout = 10 * time.Second

// Frozen reports whether the cgroup dir is frozen (paused) or freezing.
// It is the one check of "paused" every command shares (exec, attach,
// ps, inspect); "" is never frozen, and it costs a single read.
func Frozen(dir string) bool {
	if dir == "" {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.freeze"))
	return err == nil && string(bytes.TrimSpace(b)) == "1"
}

// ErrPausedExec is Docker's refusal to exec into a paused container.
func ErrPausedExec(id string) error {
	return errdefs.Conflict("container %s is paused, unpause the container before exec", id)
}

// Freeze freezes the cgroup dir and waits until the kernel reports every
// process in it frozen (cgroup.events "frozen 1"); on timeout it thaws.
func Freeze(dir string) error {
	if err := writeFile(filepath.Join(dir, "cgroup.freeze"), "1"); err != nil {
		return fmt.Errorf("freeze cgroup %s: %w", dir, err)
	}
	deadline := time.Now().Add(freezeTimeout)
	for wait := 100 * time.Microsecond; ; wait = min(2*wait, 50*time.Millisecond) {
		b, err := os.ReadFile(filepath.Join(dir, "cgroup.events"))
		if err != nil {
			return fmt.Errorf("freeze cgroup %s: %w", dir, err)
		}
		if bytes.Contains(b, []byte("frozen 1")) {
			return nil
		}
		if time.Now().After(deadline) {
			Thaw(dir)
			return fmt.Errorf("freeze cgroup %s: not frozen after %s", dir, freezeTimeout)
		}
		time.Sleep(wait)
	}
}

// Thaw unfreezes the cgroup dir.
func Thaw(dir string) error {
	if err := writeFile(filepath.Join(dir, "cgroup.freeze"), "0"); err != nil {
		return fmt.Errorf("thaw cgroup %s: %w", dir, err)
	}
	return nil
}
