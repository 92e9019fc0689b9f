package cgroups

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Where cgroup2 is mounted: pure v2, or the hybrid layout's "unified".
const (
	mountV2     = "/sys/fs/cgroup"
	mountHybrid = "/sys/fs/cgroup/unified"
)

// Names nook gives cgroups under the delegated one (see the package doc).
const (
	LeafName   = "init"
	ParentName = "nook"
)

// Host is what this host, and the caller's place in its cgroup tree,
// allow nook to do.
type Host struct {
	// Version is 2 on a pure cgroup v2 host, 1 on v1 or hybrid hosts (as
	// Docker reports it: a hybrid host's controllers are on v1).
	Version int
	// Mount is the cgroup2 mount point, "" when there is none.
	Mount string
	// Own is the caller's cgroup, relative to Mount ("/user.slice/...").
	Own string
	// Base is the delegated cgroup directory nook puts containers under;
	// "" when the caller has none, and then NotDelegated says why.
	Base         string
	NotDelegated string
	// Controllers are the controllers Base may enable for its children
	// (its cgroup.controllers).
	Controllers []string
	// V1 are the controllers bound to a cgroup v1 hierarchy.
	V1 []string
}

// Detect looks at the host's cgroup mounts and the calling process's
// cgroup. It never fails: what is missing ends up in NotDelegated.
func Detect() Host {
	self, _ := os.ReadFile("/proc/self/cgroup")
	for _, m := range []string{mountV2, mountHybrid} {
		if isCgroup2(m) {
			return inspect(m, m == mountV2, self, os.Geteuid())
		}
	}
	return inspect("", false, self, os.Geteuid())
}

func isCgroup2(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

// inspect fills a Host from the cgroup2 mount point (pure when it is the
// only hierarchy), the contents of /proc/self/cgroup and the caller's uid.
func inspect(mount string, pure bool, self []byte, uid int) Host {
	h := Host{Version: 1, Mount: mount}
	if pure {
		h.Version = 2
	}
	own, hasOwn := "", false
	for _, line := range strings.Split(string(self), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			own, hasOwn = parts[2], true
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c != "" && !strings.HasPrefix(c, "name=") {
				h.V1 = append(h.V1, c)
			}
		}
	}
	switch {
	case mount == "":
		h.NotDelegated = "this host has no cgroup v2 mount (cgroup v1 only)"
		return h
	case !hasOwn:
		h.NotDelegated = "/proc/self/cgroup names no cgroup v2 cgroup for nook"
		return h
	}
	h.Own = own
	dir := filepath.Join(mount, own)
	// A caller already moved into D/init (by an earlier nook) belongs to D.
	if filepath.Base(own) == LeafName && own != "/" {
		if parent := filepath.Dir(dir); delegation(parent, uid) == "" {
			dir = parent
		}
	}
	if why := delegation(dir, uid); why != "" {
		h.NotDelegated = why
		return h
	}
	h.Base = dir
	b, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	h.Controllers = strings.Fields(string(bytes.TrimSpace(b)))
	return h
}

// delegation returns "" when uid may manage the cgroup dir and create
// children in it (what systemd's Delegate=yes grants), else why not.
func delegation(dir string, uid int) string {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return fmt.Sprintf("your cgroup %s cannot be read: %v", dir, err)
	}
	if int(st.Uid) != uid {
		return fmt.Sprintf("your cgroup %s belongs to another user", dir)
	}
	for _, f := range []string{"", "cgroup.procs", "cgroup.subtree_control"} {
		if err := unix.Access(filepath.Join(dir, f), unix.W_OK); err != nil {
			return fmt.Sprintf("%s is not writable by you", filepath.Join(dir, f))
		}
	}
	return ""
}

// Path is where container id's cgroup goes; "" when nothing is delegated.
func (h Host) Path(id string) string {
	if h.Base == "" {
		return ""
	}
	return filepath.Join(h.Base, ParentName, id)
}

// HasController reports whether Base can hand controller c to containers.
func (h Host) HasController(c string) bool { return slices.Contains(h.Controllers, c) }
