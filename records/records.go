// Package records reads nook's container records (config.json, state.json
// under $XDG_DATA_HOME/nook/containers/ID) without the image store. Both
// binaries use it: container.Manager for every lookup, and nook-runtime's
// fast `nook exec` front-end, which must not link the store (see
// internal/archtest). It only reads; writing and locking stay in container.
package records

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nook-dev/nook/internal/atomicfile"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/names"
	"github.com/nook-dev/nook/spec"
	"github.com/nook-dev/nook/userns"
)

// Files in a container's directory. config.json and state.json are stable
// formats.
const (
	ConfigFile = "config.json"
	StateFile  = "state.json"
)

// StatusRunning is Docker's state string of a running container.
const StatusRunning = "running"

// DataDir is $XDG_DATA_HOME/nook (default ~/.local/share/nook).
func DataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "nook")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "nook")
}

// ContainersDir holds one directory per container, named by its full ID.
func ContainersDir(dataDir string) string { return filepath.Join(dataDir, "containers") }

// Resolve returns the full ID of the container that ref names: a full
// ID, a name or a unique ID prefix, in Docker's order, with Docker's
// errors (not found; several IDs share the prefix).
func Resolve(dir, ref string) (string, error) {
	ref = strings.TrimPrefix(ref, "/")
	if ref == "" {
		// "" is a prefix of every ID: `nook rm "$EMPTY"` must not
		// pick the only container.
		return "", errdefs.NotFound("No such container: %s", ref)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return "", err
	}
	var match []string
	for _, e := range entries {
		switch id := e.Name(); {
		case strings.HasPrefix(id, "."): // being removed
		case id == ref:
			return id, nil
		case strings.HasPrefix(id, ref):
			match = append(match, id)
		}
	}
	if names.ValidName(ref) == nil {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			var n struct {
				Name string `json:"name"`
			}
			if atomicfile.ReadJSON(filepath.Join(dir, e.Name(), ConfigFile), &n) == nil && n.Name == ref {
				return e.Name(), nil
			}
		}
	}
	switch len(match) {
	case 0:
		return "", errdefs.NotFound("No such container: %s", ref)
	case 1:
		return match[0], nil
	}
	return "", errdefs.Conflict("multiple IDs found with provided prefix: %s", ref)
}

// ReadSpec reads only the runtime spec of a container's record (the part
// exec needs), sparing the decoding of the rest.
func ReadSpec(dir, id string) (spec.Container, error) {
	var r struct {
		Spec spec.Container `json:"spec"`
	}
	err := atomicfile.ReadJSON(filepath.Join(dir, id, ConfigFile), &r)
	return r.Spec, err
}

// ReadState returns a container's recorded state; a container without a
// state file was created but never started.
func ReadState(dir, id string) spec.State {
	var s spec.State
	if err := atomicfile.ReadJSON(filepath.Join(dir, id, StateFile), &s); err != nil {
		return spec.State{Status: "created"}
	}
	return s
}

// RunningPid is the one check of "plainly running" (exec's fast path and
// the CLI): recorded as running, with a pid, and its holder (monitor or
// foreground CLI) still alive. Anything else (paused, stopped, a dead
// holder to clean up after) is for the caller's slow path to judge.
func RunningPid(st spec.State) (int, bool) {
	if st.Status == StatusRunning && st.Pid > 0 && HolderAlive(st) {
		return st.Pid, true
	}
	return 0, false
}

// HolderAlive reports whether the process that holds a running container
// (its monitor or foreground CLI), as recorded in st, still lives.
func HolderAlive(st spec.State) bool {
	if st.MonitorPid <= 0 {
		return false
	}
	start, err := userns.ProcessStartTime(st.MonitorPid)
	return err == nil && start == st.MonitorStart && !zombie(st.MonitorPid)
}

func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || len(s) < i+3 || s[i+2] == 'Z' || s[i+2] == 'X'
}
