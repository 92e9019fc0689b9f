// Package slirp owns a container's user-mode network: it attaches a helper
// (slirp4netns by default, pasta as the alternative) to a network namespace,
// publishes host ports into that namespace, and renders the container's
// /etc/resolv.conf and /etc/hosts.
//
// It is called by the per-container monitor, which runs as uid 0 in the
// keeper's user namespace but still in the host network namespace. That
// process owns the container's network namespace (same user namespace), so it
// can join it on a locked OS thread and bind unprivileged host ports.
//
// # Network layout
//
// Both drivers give the container the same view:
//
//	interface tap0, MTU 65520
//	address   10.0.2.100/24
//	gateway   10.0.2.2   (the host's loopback when AllowHostLoopback is set)
//	DNS       10.0.2.3   (forwards to the host's resolver)
//
// slirp4netns provides this natively (--configure). pasta is started with
// -a 10.0.2.100 -n 24 -g 10.0.2.2 --dns-forward 10.0.2.3 and, unless host
// loopback is allowed, --no-map-gw. pasta also copies the host's IPv6
// address and routes, so a pasta container has IPv6 where the host has it.
//
// # Published ports
//
// Publish uses rootlesskit's builtin port driver (parent side) as a library:
// it listens on the host port in the host network namespace and asks a child
// for a socket connected to the container's port. The child side lives in
// the same process (see child.go): a goroutine on an OS thread that joined
// the container's network namespace once and never leaves it. The child dials
// the container's address (10.0.2.100, not 127.0.0.1, so a service bound to
// the container's loopback is not exposed, as with Docker). For loopback
// clients it connects sockets that thread created ahead of time from the
// request's own goroutine (fastdial.go): a socket stays in the namespace it
// was created in, and skipping the thread hop and the Go dialer cut the
// forwarder's CPU per connection by ~20%.
//
// Source addresses: for TCP the child binds its socket to the client's real
// address and port before connecting, so the server in the container sees
// the client exactly as the host saw it. Loopback clients (127.0.0.0/8) need
// nothing more; other clients use IP_TRANSPARENT plus a policy route so the
// replies reach the forwarder instead of leaving through tap0. If that fails
// the connection still works and the server sees 10.0.2.100. UDP does not
// keep the source: the server sees 10.0.2.100 with one port per client
// (rootlesskit's UDP proxy, 90 s idle timeout).
//
// # port_handler=bypass
//
// With ServeBindNotify (bypass*.go) no forwarder carries the traffic: the
// container's init installed a seccomp filter that reports every bind(2)
// of its command to the monitor (sandbox/bindnotify.go). A TCP bind to a
// published container port, on the wildcard or the container's address,
// is answered by the monitor: it reads the sockaddr (process_vm_readv),
// fetches the socket (pidfd_getfd) to copy its options, re-checks that the
// notification is still pending (the pid and fd number are trusted only
// then), removes the forwarder's listener on the host port, binds a new
// socket of the host's network namespace there and installs it on the
// caller's fd number (SECCOMP_IOCTL_NOTIF_ADDFD, SETFD), then answers 0.
// The server then accepts host connections itself, in the kernel. A relay
// listening at the original address inside the container keeps the port
// reachable from there. Anything else, and every failure (the forwarder is
// then restored), continues the bind unchanged in the container.
//
// The host socket is guarded before it is handed over (bypassguard.go): a
// locked socket filter that drops inbound SYN+ACK, so the container cannot
// use it as a client of the host's network. Kernels that refuse TCP socket
// filters to unprivileged users leave it unguarded; HostSocketGuard lets
// create warn about that.
//
// The slirp4netns API (add_hostfwd) is the slow fallback (PublishHostfwd):
// the server then sees 10.0.2.2.
//
// This package imports only internal/errdefs from nook, plus rootlesskit,
// which no other nook package may import.
package slirp
