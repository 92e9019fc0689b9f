package nsenter

/*
#cgo CFLAGS: -Wall -O2
#include "nsenter.h"

// glibc passes argc/argv to constructors: doctor must see the host and
// exec may be handed to nook-runtime.
static void __attribute__((constructor)) nook_init(int argc, char **argv) {
	nook_nsenter(argc, argv);
}
*/
import "C"

// EnvFastExec is set by the constructor of nook when it hands `nook exec`
// to nook-runtime: the path of nook, to fall back to. EnvNoFast marks that
// fall-back, so that nook serves the command itself.
const (
	EnvFastExec = "_NOOK_FASTEXEC"
	EnvNoFast   = "_NOOK_NOFAST"
)

// State is what the constructor did before the Go runtime started.
type State struct {
	// JoinedKeeper is true when this process joined the keeper's user and
	// mount namespace and now runs as uid 0 inside it.
	JoinedKeeper bool
	// JoinedContainer is true when _NOOK_JOIN was handled.
	JoinedContainer bool
	// KeeperPID is the keeper's pid when JoinedKeeper.
	KeeperPID int
	// HostUID and HostGID are the ids of the caller as seen on the host,
	// read before any namespace change.
	HostUID, HostGID int
	// RuntimeDir is $XDG_RUNTIME_DIR/nook (or /tmp/nook-UID), computed on
	// the host side. Meaningless for processes started inside the namespace.
	RuntimeDir string
}

// Current returns the constructor's findings.
func Current() State {
	s := C.nook_state
	return State{
		JoinedKeeper:    s.joined != 0,
		JoinedContainer: s.joined_container != 0,
		KeeperPID:       int(s.keeper_pid),
		HostUID:         int(s.host_uid),
		HostGID:         int(s.host_gid),
		RuntimeDir:      C.GoString(&s.runtime_dir[0]),
	}
}
