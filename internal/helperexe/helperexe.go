// Package helperexe finds nook-runtime, the small binary nook starts for a
// container's init, its exec'd processes and its monitor.
//
// Those processes must start fast (they are on the path of every `run` and
// `exec`) and a monitor lives as long as its container, so they come from a
// binary that links only the runtime packages (cmd/nook-runtime), installed
// next to nook, as conmon is next to podman. Without it, nook falls back to
// re-executing itself: slower, never wrong. Monitors prefer nook-monitor,
// a binary of their own next to nook-runtime (see MonitorPath).
package helperexe

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Name is the helper's file name.
const Name = "nook-runtime"

// Protocol names the format of what nook sends its helper (the JSON specs
// on the set-up pipes and the _NOOK_* variables). Bump it whenever they
// change incompatibly, so a stale nook-runtime next to a new nook fails
// with a clear message instead of misreading its input.
const Protocol = "1"

const protocolEnv = "_NOOK_PROTOCOL"

var path = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return "/proc/self/exe"
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	dir := filepath.Dir(exe)
	for _, p := range []string{
		filepath.Join(dir, Name),
		filepath.Join(dir, "..", "libexec", "nook", Name),
	} {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return "/proc/self/exe"
})

// Path is the binary to start for _init and _exec: nook-runtime when
// installed, else this executable.
func Path() string { return path() }

// MonitorName is the file name of the monitor's own binary.
const MonitorName = "nook-monitor"

var monitorPath = sync.OnceValue(func() string { return monitorNextTo(path()) })

// monitorNextTo returns nook-monitor in the directory of the nook-runtime
// rt, or rt itself.
func monitorNextTo(rt string) string {
	if rt == "/proc/self/exe" {
		// Without nook-runtime a nook-monitor could not start _init.
		return rt
	}
	p := filepath.Join(filepath.Dir(rt), MonitorName)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
		return p
	}
	return rt
}

// MonitorPath is the binary to start for _monitor: nook-monitor installed
// next to nook-runtime, else Path(), which has a _monitor role too.
//
// The monitor lives as long as its container and nearly all of its binary
// ends up resident (package inits, GC and stack walks touch every 64 KiB
// fault-around window), so it gets a binary of its own: pure Go, linking
// only what the monitor runs, about 40% of nook-runtime's size.
func MonitorPath() string { return monitorPath() }

// Env adds the protocol version to the environment of a helper process.
func Env(env []string) []string {
	return append(env[:len(env):len(env)], protocolEnv+"="+Protocol)
}

// CheckProtocol is called by nook-runtime before it reads anything: a
// helper from another nook build refuses to run.
func CheckProtocol() error {
	if got := os.Getenv(protocolEnv); got != Protocol {
		exe, _ := os.Executable()
		return fmt.Errorf("%s speaks protocol %s but nook sent %q: it comes from another nook build; install nook and %s together (make install)", exe, Protocol, got, Name)
	}
	return nil
}
