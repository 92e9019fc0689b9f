// Package monitor is `nook _monitor`: one small process per detached
// container (Podman's conmon, but part of nook). It is started by the CLI in
// its own session, holds the container's init as its child, writes its
// stdout/stderr to a json-file log, attaches and tears down the network,
// records state and exit code, applies the restart policy, and finally runs
// the cleanup command (unmount, --rm). It imports sandbox, slirp, spec, exec
// and internal packages only, and runs from its own pure-Go binary
// (cmd/nook-monitor), so nothing here may need cgo (internal/archtest).
//
//	CLI                              nook _monitor ID (setsid)
//	 | -- Config JSON on fd 3, EOF --> |
//	 |                                 | launch init, attach network, exec CMD
//	 | <-- fd 4: EOF (running) ------- |
//	 | <-- fd 4: Report JSON (error) - |
//	 exits                             | wait, log, restart policy, cleanup
package monitor
