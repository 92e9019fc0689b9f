package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Limits are a container's resource limits; zero means none.
type Limits struct {
	// Memory is --memory in bytes (memory.max).
	Memory int64
	// MemorySwap is --memory-swap as Docker counts it (memory plus swap,
	// in bytes; -1 unlimited); memory.swap.max gets the swap part.
	MemorySwap int64
	// NanoCPUs is --cpus × 1e9 (cpu.max).
	NanoCPUs int64
	// PidsLimit is --pids-limit (pids.max); 0 or less means no limit.
	PidsLimit int64
}

// cpuPeriod is the cpu.max period in µs (the kernel's and Docker's default).
const cpuPeriod = 100000

// Controllers are the cgroup v2 controllers l needs.
func (l Limits) Controllers() []string {
	var c []string
	if l.NanoCPUs > 0 {
		c = append(c, "cpu")
	}
	if l.Memory > 0 {
		c = append(c, "memory")
	}
	if l.PidsLimit > 0 {
		c = append(c, "pids")
	}
	return c
}

// Setup creates the container cgroup dir (a Host.Path) with limits l,
// enabling the controllers l needs in its parent and grandparent (the
// delegated cgroup). Nothing is left behind on error.
func Setup(dir string, l Limits) error {
	parent := filepath.Dir(dir)
	need := l.Controllers()
	if len(need) > 0 {
		if err := enable(filepath.Dir(parent), need); err != nil {
			return err
		}
	}
	if err := os.Mkdir(parent, 0o755); err != nil && !os.IsExist(err) {
		return fmt.Errorf("create cgroup %s: %w", parent, err)
	}
	if len(need) > 0 {
		if err := enable(parent, need); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		return fmt.Errorf("create cgroup %s: %w", dir, err)
	}
	if err := writeLimits(dir, l); err != nil {
		Remove(dir)
		return err
	}
	return nil
}

// enable turns on controllers need for dir's children. cgroup v2 refuses
// (EBUSY) while dir itself holds processes, so those are moved into
// dir/init first, as Podman does.
func enable(dir string, need []string) error {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
	if err != nil {
		return err
	}
	have := strings.Fields(string(b))
	var add []string
	for _, c := range need {
		if !slices.Contains(have, c) {
			add = append(add, "+"+c)
		}
	}
	if len(add) == 0 {
		return nil
	}
	for try := 0; ; try++ {
		err := writeFile(filepath.Join(dir, "cgroup.subtree_control"), strings.Join(add, " "))
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) || try == 5 {
			return fmt.Errorf("enable the %s controllers in cgroup %s: %w", strings.Join(need, ", "), dir, err)
		}
		if err := moveProcs(dir, filepath.Join(dir, LeafName)); err != nil {
			return err
		}
	}
}

// moveProcs moves every process of cgroup from into cgroup to.
func moveProcs(from, to string) error {
	if err := os.Mkdir(to, 0o755); err != nil && !os.IsExist(err) {
		return fmt.Errorf("create cgroup %s: %w", to, err)
	}
	b, err := os.ReadFile(filepath.Join(from, "cgroup.procs"))
	if err != nil {
		return err
	}
	for _, pid := range strings.Fields(string(b)) {
		err := writeFile(filepath.Join(to, "cgroup.procs"), pid)
		if err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("move process %s into cgroup %s: %w", pid, to, err)
		}
	}
	return nil
}

func writeLimits(dir string, l Limits) error {
	var files [][2]string
	if l.Memory > 0 {
		files = append(files, [2]string{"memory.max", itoa(l.Memory)})
		switch {
		case l.MemorySwap < 0:
			files = append(files, [2]string{"memory.swap.max", "max"})
		case l.MemorySwap >= l.Memory:
			files = append(files, [2]string{"memory.swap.max", itoa(l.MemorySwap - l.Memory)})
		}
	}
	if l.NanoCPUs > 0 {
		// The kernel refuses quotas under 1 ms.
		quota := max(l.NanoCPUs*cpuPeriod/1e9, 1000)
		files = append(files, [2]string{"cpu.max", fmt.Sprintf("%d %d", quota, cpuPeriod)})
	}
	if l.PidsLimit > 0 {
		files = append(files, [2]string{"pids.max", itoa(l.PidsLimit)})
	}
	for _, f := range files {
		err := writeFile(filepath.Join(dir, f[0]), f[1])
		if f[0] == "memory.swap.max" && os.IsNotExist(err) {
			continue // no swap accounting on this kernel: nothing to limit
		}
		if err != nil {
			return fmt.Errorf("set %s=%s in cgroup %s: %w", f[0], f[1], dir, err)
		}
	}
	return nil
}

// Remove kills whatever is left in the cgroup dir and removes it; a
// missing dir (or "") is fine.
func Remove(dir string) error {
	if dir == "" {
		return nil
	}
	writeFile(filepath.Join(dir, "cgroup.kill"), "1")
	var err error
	for i := 0; i < 200; i++ {
		if err = unix.Rmdir(dir); err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(5 * time.Millisecond) // killed processes not reaped yet
	}
	return fmt.Errorf("remove cgroup %s: %w", dir, err)
}

// Exists reports whether the cgroup dir exists.
func Exists(dir string) bool {
	if dir == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, "cgroup.procs"))
	return err == nil
}

func writeFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Update applies l, the container's complete new limits, to the existing
// cgroup dir of a running container (`nook update`): it enables the
// controllers l needs and writes its limits, without creating, moving or
// removing anything. A limit l leaves at zero is lifted ("max") where its
// controller is on.
func Update(dir string, l Limits) error {
	if _, err := os.Stat(filepath.Join(dir, "cgroup.procs")); err != nil {
		return fmt.Errorf("cgroup %s: %w", dir, err)
	}
	if need := l.Controllers(); len(need) > 0 {
		if err := enable(filepath.Dir(dir), need); err != nil {
			return err
		}
	}
	var lift []string
	if l.Memory <= 0 {
		lift = append(lift, "memory.max", "memory.swap.max")
	}
	if l.NanoCPUs <= 0 {
		lift = append(lift, "cpu.max")
	}
	if l.PidsLimit <= 0 {
		lift = append(lift, "pids.max")
	}
	for _, f := range lift {
		if err := writeFile(filepath.Join(dir, f), "max"); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("set %s=max in cgroup %s: %w", f, dir, err)
		}
	}
	return writeLimits(dir, l)
}
