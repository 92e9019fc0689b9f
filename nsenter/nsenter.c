// nsenter.c runs before the Go runtime starts (a constructor): joining a user
// or mount namespace is impossible once Go has started threads (setns(2)
// returns EINVAL for a multithreaded caller). It does exactly one of:
//
//  1. keeper  (_NOOK_KEEPER=1): wait until the parent wrote the id maps, then
//     pause forever, holding the rootless user+mount namespace alive.
//  2. join    (_NOOK_JOIN=types): setns() into the namespace fds 3..N passed by
//     the parent (nook exec/enter), then fork when the pid namespace is among
//     them so that the child is really inside it; the parent waits and
//     forwards signals.
//  3. keeper join (euid != 0, not already inside): setns() into the keeper's
//     user and mount namespace, become uid 0, restore the cwd. This is the hot
//     path of every command an ordinary user runs.
//  4. fast exec: `nook exec ...` (argv[1] == "exec") execve()s nook-runtime,
//     found next to nook as internal/helperexe finds it, with
//     _NOOK_FASTEXEC=<path of nook>. nook-runtime serves the command without
//     nook's Go start-up (cmd/nook-runtime/fastexec.go) and execs nook again
//     with _NOOK_NOFAST=1 for anything it does not handle. The front-end
//     stays on the host: its _exec helper joins the container directly.
//  5. otherwise return.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nsenter.h"

struct nook_state nook_state;

static void bail(const char *step) {
	fprintf(stderr, "Error: nook: %s: %s\n", step, strerror(errno));
	_exit(125);
}

static void keeper(void) {
	char c;
	prctl(PR_SET_NAME, "nook-keeper", 0, 0, 0);
	// Block until the parent has written uid_map/gid_map and closes fd 3.
	while (read(3, &c, 1) < 0 && errno == EINTR)
		;
	close(3);
	if (chdir("/") < 0)
		_exit(1);
	for (;;)
		pause();
}

// runtime_dir computes the state directory exactly once, outside the user
// namespace: inside it getuid() is 0 and anything derived from it is wrong.
static void runtime_dir(uid_t uid) {
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	if (xdg && xdg[0] == '/' && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == uid) {
		snprintf(nook_state.runtime_dir, sizeof(nook_state.runtime_dir), "%s/nook", xdg);
		return;
	}
	snprintf(nook_state.runtime_dir, sizeof(nook_state.runtime_dir), "/tmp/nook-%u", uid);
}

static int open_ns(long pid, const char *type, unsigned long long ino) {
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%ld/ns/%s", pid, type);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	// Verify the inode on the opened fd: a recycled pid must not lead us
	// into a stranger's namespace (Podman's pid-reuse gap).
	if (ino && (fstat(fd, &st) < 0 || (unsigned long long)st.st_ino != ino)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void join_keeper(int host_only) {
	char path[PATH_MAX + 16], cwd[PATH_MAX];
	long pid = 0;
	unsigned long long ino = 0;
	uid_t uid = getuid();

	nook_state.host_uid = uid;
	nook_state.host_gid = getgid();
	runtime_dir(uid);
	if (host_only || geteuid() == 0 || getenv("_NOOK_IN_USERNS") || getenv("_NOOK_NOJOIN"))
		return;
	snprintf(path, sizeof(path), "%s/keeper", nook_state.runtime_dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	int n = fscanf(f, "%ld %llu", &pid, &ino);
	fclose(f);
	if (n != 2 || pid <= 0)
		return;
	int userfd = open_ns(pid, "user", ino);
	if (userfd < 0)
		return;
	int mntfd = open_ns(pid, "mnt", 0);
	if (mntfd < 0) {
		close(userfd);
		return;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	// Before this point any failure falls back to Go's slow path; after it
	// the process is half-joined and must not continue.
	if (setns(userfd, CLONE_NEWUSER) < 0) {
		close(userfd);
		close(mntfd);
		return;
	}
	if (setns(mntfd, CLONE_NEWNS) < 0)
		bail("join the keeper's mount namespace");
	if (setresgid(0, 0, 0) < 0)
		bail("setresgid 0 in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		bail("setresuid 0 in the user namespace");
	close(userfd);
	close(mntfd);
	if (cwd[0] && chdir(cwd) < 0 && chdir("/") < 0)
		bail("chdir");
	nook_state.joined = 1;
	nook_state.keeper_pid = pid;
}

static pid_t join_child;

static void forward_signal(int sig) {
	if (join_child > 0)
		kill(join_child, sig);
}

// join_namespaces handles _NOOK_JOIN: a comma-separated list of namespace
// types whose fds are 3, 4, ... in that order, or the fds _NOOK_JOIN_FDS
// lists (nook-runtime's fast exec: it cannot move fds under the Go runtime).
static void join_namespaces(const char *types) {
	char buf[256];
	int fd = 3, want_pid = 0;
	struct stat self, st;
	const char *fds = getenv("_NOOK_JOIN_FDS");

	// A non-dumpable helper's /proc/PID/exe cannot be opened by the
	// container's processes (CVE-2019-5736).
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	snprintf(buf, sizeof(buf), "%s", types);
	for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), fd++) {
		if (fds) {
			char *end;
			long n = strtol(fds, &end, 10);
			if (end == fds || n < 0 || n > INT_MAX || (*end && *end != ',')) {
				errno = EINVAL;
				bail("read _NOOK_JOIN_FDS");
			}
			fd = (int)n;
			fds = *end ? end + 1 : end;
		}
		if (strcmp(t, "user") == 0 && stat("/proc/self/ns/user", &self) == 0 &&
		    fstat(fd, &st) == 0 && st.st_ino == self.st_ino) {
			close(fd);
			continue; // already there: setns would fail with EINVAL
		}
		if (setns(fd, 0) < 0) {
			char step[64];
			snprintf(step, sizeof(step), "setns %s namespace", t);
			bail(step);
		}
		close(fd);
		if (strcmp(t, "pid") == 0)
			want_pid = 1;
	}
	if (!want_pid)
		return;
	join_child = fork();
	if (join_child < 0)
		bail("fork into the pid namespace");
	if (join_child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		return; // the child continues into Go
	}
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], forward_signal);
	int status;
	while (waitpid(join_child, &status, 0) < 0)
		if (errno != EINTR)
			bail("wait for the joined process");
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

// fast_exec hands `nook exec` to nook-runtime (case 4). It returns when
// there is none (or this is nook-runtime): nook then serves it itself.
static void fast_exec(char **argv) {
	char self[PATH_MAX], rt[PATH_MAX + 40];
	const char *rel[] = {"nook-runtime", "../libexec/nook/nook-runtime"};
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = 0;
	char *slash = strrchr(self, '/');
	if (!slash || strcmp(slash + 1, "nook-runtime") == 0)
		return;
	for (unsigned i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(rt, sizeof(rt), "%.*s/%s", (int)(slash - self), self, rel[i]);
		if (stat(rt, &st) != 0 || !S_ISREG(st.st_mode) || access(rt, X_OK) != 0)
			continue;
		if (setenv("_NOOK_FASTEXEC", self, 1) != 0)
			return;
		execv(rt, argv);
		unsetenv("_NOOK_FASTEXEC"); // exec failed: serve it here
		return;
	}
}

// mark_start records when this process began, for NOOK_TRACE (internal/trace).
// A process nook handed over to (fast exec and its fall-back) keeps the
// first stamp: the trace then covers the whole command.
static void mark_start(void) {
	struct timespec ts;
	char buf[32];
	if (!getenv("NOOK_TRACE") || clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return;
	if (getenv("_NOOK_T0") && (getenv("_NOOK_FASTEXEC") || getenv("_NOOK_NOFAST")))
		return;
	snprintf(buf, sizeof(buf), "%lld", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	setenv("_NOOK_T0", buf, 1);
}

void nook_nsenter(int argc, char **argv) {
	const char *arg1 = argc > 1 ? argv[1] : 0;
	mark_start();
	const char *v = getenv("_NOOK_KEEPER");
	if (v && strcmp(v, "1") == 0)
		keeper();
	v = getenv("_NOOK_JOIN");
	if (v && *v) {
		join_namespaces(v);
		nook_state.joined_container = 1;
		return;
	}
	// _NOOK_NOFAST stays set: nook may re-execute itself (to create the
	// keeper) and must not be handed over again. Its helpers get a fixed
	// environment (userns.Identity.HelperEnv), so it goes no further.
	if (arg1 && strcmp(arg1, "exec") == 0 && !getenv("_NOOK_FASTEXEC") && !getenv("_NOOK_NOFAST"))
		fast_exec(argv);
	// nook doctor checks the host as the user sees it, and the fast exec
	// front-end needs nothing of the keeper.
	join_keeper((arg1 && strcmp(arg1, "doctor") == 0) || getenv("_NOOK_FASTEXEC"));
}
