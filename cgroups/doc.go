// Package cgroups gives rootless containers a cgroup v2 of their own where
// the host delegates one to the user (as systemd does with Delegate=yes):
// it finds the cgroup2 mount (pure v2 at /sys/fs/cgroup or the hybrid
// "unified" mount), the caller's cgroup and whether the user may manage
// it, enables controllers in the subtree (moving the caller's processes
// into a leaf first: cgroup v2 forbids processes in a cgroup that hands
// controllers to its children), creates and removes a container's cgroup,
// writes its limits and freezes or thaws it (pause/unpause).
//
// Layout under the delegated cgroup D (the caller's own, or its parent
// when the caller is already in D/init):
//
//	D/init        the caller's processes, moved there only when
//	              controllers must be enabled in D
//	D/nook/ID     one container: its init is cloned straight into it
//	              (CLONE_INTO_CGROUP), so every process it starts is too
//
// Where nothing is delegated (cgroup v1, hybrid without delegation, a
// root-owned session scope), Host.Require says in one sentence what is
// missing and why. It imports only internal packages.
package cgroups
