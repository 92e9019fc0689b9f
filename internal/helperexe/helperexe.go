// Package helperexe finds nook-runtime, the small binary nook starts for a
// container's init, its exec'd processes and its monitor.
//
// Those processes must start fast (they are on the path of every `run` and
// `exec`) and a monitor lives as long as its container, so they come from a
// binary that links only the runtime packages (cmd/nook-runtime), installed
// next to nook, as conmon is next to podman. Without it, nook falls back to
// re-executing itself: slower, never wrong.
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

// Path is the binary to start for _init, _exec and _monitor: nook-runtime
// when installed, else this executable.
func Path() string { return path() }

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
