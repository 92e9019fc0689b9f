// Package spec holds pure data: what a container is (process, environment,
// user, mounts, namespaces, ports, volumes, hostname) and how it is recorded.
// It performs no syscalls and no I/O so that every layer may import it.
package spec
