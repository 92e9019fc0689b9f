package userns

import (
	"os"
	"strconv"

	"github.com/nook-dev/nook/nsenter"
)

// Internal environment protocol between nook processes (never documented).
const (
	envInUserns   = "_NOOK_IN_USERNS"
	envHostUID    = "_NOOK_HOST_UID"
	envHostGID    = "_NOOK_HOST_GID"
	envRuntimeDir = "_NOOK_RUNTIME_DIR"
	envReexec     = "_NOOK_REEXEC"
)

// Identity is who the caller is on the host and where its state lives,
// computed once outside the user namespace and passed on to children: inside
// the namespace getuid() is 0, and a child that derived its runtime dir from
// it would act on the wrong state.
type Identity struct {
	HostUID, HostGID int
	RuntimeDir       string
	// InUserns is true when this process runs as uid 0 inside the keeper's
	// namespace (joined, or started there by another nook process).
	InUserns bool
	// Rootful is true when nook was started by the real root.
	Rootful bool
}

var (
	reexecAttempt int // how often EnterKeeper re-executed to get here
	current       = detect()
)

func detect() Identity {
	st := nsenter.Current()
	// EnterKeeper's counter is for this process only: children start afresh.
	reexecAttempt, _ = strconv.Atoi(os.Getenv(envReexec))
	os.Unsetenv(envReexec)
	if st.JoinedKeeper {
		return Identity{HostUID: st.HostUID, HostGID: st.HostGID, RuntimeDir: st.RuntimeDir, InUserns: true}
	}
	if os.Getenv(envInUserns) == "1" {
		uid, _ := strconv.Atoi(os.Getenv(envHostUID))
		gid, _ := strconv.Atoi(os.Getenv(envHostGID))
		id := Identity{HostUID: uid, HostGID: gid, RuntimeDir: os.Getenv(envRuntimeDir), InUserns: true}
		for _, k := range []string{envInUserns, envHostUID, envHostGID, envRuntimeDir} {
			os.Unsetenv(k)
		}
		return id
	}
	return Identity{HostUID: st.HostUID, HostGID: st.HostGID, RuntimeDir: st.RuntimeDir, Rootful: os.Geteuid() == 0}
}

// Current returns the identity of this process.
func Current() Identity { return current }

// ChildEnv returns env plus what a nook child process started inside the
// namespace needs to know its identity, and the variables that tell
// containers/storage the user namespace is already set up.
func (id Identity) ChildEnv(env []string) []string {
	if !id.InUserns {
		return env
	}
	return append(env,
		envInUserns+"=1",
		envHostUID+"="+strconv.Itoa(id.HostUID),
		envHostGID+"="+strconv.Itoa(id.HostGID),
		envRuntimeDir+"="+id.RuntimeDir,
	)
}

// HelperEnv is the environment of nook's own helper processes (init,
// monitor, _exec): a fixed PATH, extra, the few variables that locate
// nook's directories (the cleanup command run by a monitor must find the
// same store), NOOK_TRACE, and the identity; nothing else of the user's.
func (id Identity) HelperEnv(extra ...string) []string {
	env := append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, extra...)
	for _, k := range []string{"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "NOOK_TRACE"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return id.ChildEnv(env)
}

// ConfigureStorageEnv sets the variables containers/storage reads to know
// it runs rootless inside an already configured user namespace.
func (id Identity) ConfigureStorageEnv() {
	if !id.InUserns {
		return
	}
	os.Setenv("_CONTAINERS_USERNS_CONFIGURED", "done")
	os.Setenv("_CONTAINERS_ROOTLESS_UID", strconv.Itoa(id.HostUID))
	os.Setenv("_CONTAINERS_ROOTLESS_GID", strconv.Itoa(id.HostGID))
}
