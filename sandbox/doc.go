// Package sandbox is the code that runs as `nook _init` inside a
// container's fresh namespaces: it turns the rootfs into /, mounts /proc,
// /dev and /sys, applies volumes and the /etc files, sets the hostname,
// drops capabilities, sets no_new_privs, switches user, and execs the
// command, which becomes pid 1. It imports only spec and internal packages.
//
// Protocol with the parent (the CLI for foreground runs, the monitor for
// detached ones):
//
//	parent                         nook _init (new mnt/pid/uts/ipc/net/cgroup ns)
//	  | -- spec JSON on fd 3, EOF -->  |
//	  |                                | set up rootfs, pivot_root, user, caps
//	  |                                | execve(CMD)
//	  | <-- fd 4: EOF (exec worked) -- |  (fd 4 is close-on-exec)
//	  | <-- fd 4: InitError JSON ----- |  (on any failure; then exit 125/126/127)
package sandbox
