#ifndef NOOK_NSENTER_H
#define NOOK_NSENTER_H
#include <limits.h>

// nook_state is what the constructor learned before Go started; Go reads it
// through cgo because setenv() here would be invisible to os.Getenv.
struct nook_state {
	int joined;           // joined the keeper's user+mount namespace
	int joined_container; // handled _NOOK_JOIN
	long keeper_pid;
	unsigned host_uid, host_gid;
	char runtime_dir[PATH_MAX];
};

extern struct nook_state nook_state;
void nook_nsenter(int argc, char **argv);
#endif
