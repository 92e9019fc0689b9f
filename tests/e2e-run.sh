#!/usr/bin/env bash
# e2e-run.sh TAGS USER TIMEOUT [TEST FLAGS...] — called by `make test-e2e`
# after `make build`.
#
# As root: runs tests/setup.sh, compiles tests/e2e with `go test -c`
# (static: the binary also plays helper roles inside containers), copies
# the test binary, bin/nook and examples/ to ~USER/e2e and runs the tests
# there as USER in strict mode (an unmet requirement fails). Then the
# TestDoctorEnv_* tests, which need a broken set-up, run in passes of their
# own (only those the flags' -test.run selects):
#   - TestDoctorEnv_NoSubIDs as $NOOK_NOSUB_USER (nooknosub: no /etc/subuid
#     or /etc/subgid line; tests/setup.sh creates it);
#   - TestDoctorEnv_TunDenied as USER in a private mount namespace where a
#     0600 root-owned node is bind-mounted over /dev/net/tun (the real
#     device, which concurrent tests use, is never touched);
#   - TestCgroupEnv_NotDelegated as USER outside any delegated cgroup.
# The main pass runs in a fresh cgroup v2 directory delegated to USER, as
# systemd's Delegate=yes would (so pause is tested for real, also on hosts
# without systemd); it is unique per run and removed afterwards.
# The summary line counts every pass.
# NOOK_E2E_DIR (as root) puts the binaries elsewhere than ~USER/e2e and
# keeps ~USER/e2e-stores: for a run next to others on a shared machine.
# As anyone else: checks prerequisites (tests/setup.sh) and runs the tests as
# yourself; strict only if NOOK_TEST_STRICT=1 is set. The set-up passes need
# root: the summary says they were not run.
set -euo pipefail

tags=$1 user=$2 timeout=$3
shift 3
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
[ -x bin/nook ] || { echo "e2e: bin/nook missing: run make build" >&2; exit 1; }

bash tests/setup.sh

envtests='^TestDoctorEnv_|^TestCgroupEnv_'
nosub_user=${NOOK_NOSUB_USER:-nooknosub}
stdpath=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin

# The main pass skips the set-up tests: merge that into the caller's own
# -test.skip, and remember the caller's -test.run.
flags=() runpat='' skippat=$envtests
while [ $# -gt 0 ]; do
	case $1 in
	-test.skip=*) skippat="${1#*=}|$envtests" ;;
	-test.skip) skippat="$2|$envtests"; shift ;;
	-test.run=*) runpat=${1#*=}; flags+=("$1") ;;
	-test.run) runpat=$2; flags+=("$1" "$2"); shift ;;
	*) flags+=("$1") ;;
	esac
	shift
done

# summarize LOG [NOTE]: the top-level tally of every pass as a closing line.
summarize() {
	local p f s
	p=$(grep -c '^--- PASS' "$1" || true)
	f=$(grep -c '^--- FAIL' "$1" || true)
	s=$(grep -c '^--- SKIP' "$1" || true)
	echo "e2e: $p passed, $f failed, $s skipped${2:+ ($2)}"
}

# as USER HOME DIR CMD...: run CMD as USER in DIR with the test environment.
as() {
	local u=$1 h=$2 d=$3
	shift 3
	(cd "$d" && runuser -u "$u" -- env -i HOME="$h" USER="$u" LOGNAME="$u" \
		XDG_RUNTIME_DIR="/run/user/$(id -u "$u")" NOOK_BIN="$d/nook" NOOK_FIXTURES="$fixtures" \
		NOOK_EXAMPLES="$d/examples" NOOK_TEST_STRICT=1 PATH="$stdpath" "$@")
}

# selected NAME: whether the caller's -test.run (if any) selects test NAME.
selected() {
	[ -z "$runpat" ] && return 0
	as "$user" "$home" "$dest" ./e2e.test -test.list "$runpat" 2>/dev/null | grep -qx "$1"
}

# install_to DIR OWNER: the test binary, nook and the examples in DIR.
install_to() {
	install -d -o "$2" -g "$(id -g "$2")" "$1"
	install -m 0755 "$testbin" "$1/e2e.test"
	install -m 0755 bin/nook bin/nook-runtime bin/nook-monitor "$1/"
	rm -rf -- "$1/examples" && cp -r examples "$1/examples" && chmod -R a+rX "$1/examples"
}

# tun_denied_pass: TestDoctorEnv_TunDenied with /dev/net/tun unusable, in a
# mount namespace of its own (unshare -m makes every mount private).
tun_denied_pass() {
	local tmp
	tmp=$(mktemp -d /run/nook-e2e-tun.XXXXXX)
	export -f as
	export fixtures stdpath
	unshare -m bash -c 'set -e; mount -t tmpfs -o mode=0755 tmpfs "$1"
		mknod -m 0600 "$1/tun" c 10 200
		mount --bind "$1/tun" /dev/net/tun
		shift; "$@"' _ "$tmp" \
		as "$user" "$home" "$dest" ./e2e.test -test.v -test.timeout 5m -test.run '^TestDoctorEnv_TunDenied$'
	local rc=$?
	rmdir -- "$tmp"
	return $rc
}

# cgroup2_mount: the cgroup2 mount point (pure v2 or hybrid), or nothing.
cgroup2_mount() {
	local m
	for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if [ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ]; then
			echo "$m"
			return
		fi
	done
}

# delegate_cgroup USER: create a cgroup delegated to USER (the directory
# and the files systemd hands over with Delegate=yes); prints its path.
delegate_cgroup() {
	local m cg
	m=$(cgroup2_mount)
	[ -n "$m" ] || return 0
	cg=$m/nook-e2e-$$-$RANDOM
	if ! mkdir "$cg" 2>/dev/null; then
		echo "e2e: cannot create a cgroup under $m: the tests needing a delegated cgroup will fail" >&2
		return 0
	fi
	chown "$1" "$cg" "$cg/cgroup.procs" "$cg/cgroup.threads" "$cg/cgroup.subtree_control"
	echo "$cg"
}

# remove_cgroup DIR: move what still runs in DIR's tree (keepers of test
# stores) back to the hierarchy's root, then remove the tree.
remove_cgroup() {
	local root d p
	root=$(cgroup2_mount)
	for d in $(find "$1" -depth -type d); do
		echo 0 >"$d/cgroup.freeze" 2>/dev/null || true
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
			echo "$p" >"$root/cgroup.procs" 2>/dev/null || true
		done
		rmdir "$d" || true
	done
}

# in_cgroup DIR CMD...: run CMD in cgroup DIR ("" = where we are), from a
# subshell so that this script itself stays where it is.
in_cgroup() (
	cg=$1
	shift
	if [ -n "$cg" ]; then echo "$BASHPID" >"$cg/cgroup.procs"; fi
	"$@"
)

if [ "$(id -u)" -eq 0 ]; then
	home=$(getent passwd "$user" | cut -d: -f6)
	dest=${NOOK_E2E_DIR:-$home/e2e}
	fixtures=$home/fixtures
	# Fresh stores a crashed run left behind hold files owned by sub-ids,
	# which only root (or nook unshare) can remove.
	[ -n "${NOOK_E2E_DIR:-}" ] || rm -rf -- "$home/e2e-stores"
	testbin=$(mktemp /tmp/e2e.test.XXXXXX)
	CGO_ENABLED=0 go test -c -tags "$tags" -o "$testbin" ./tests/e2e
	install_to "$dest" "$user"
	log=$dest/e2e.log
	cg=$(delegate_cgroup "$user")
	echo "e2e: main pass in cgroup ${cg:-(none: no cgroup2 mount)} delegated to $user"
	set +e
	in_cgroup "$cg" as "$user" "$home" "$dest" ./e2e.test -test.v -test.timeout "$timeout" -test.skip "$skippat" "${flags[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	[ -z "$cg" ] || remove_cgroup "$cg"
	passes=1
	if selected TestCgroupEnv_NotDelegated; then
		echo "e2e: TestCgroupEnv_NotDelegated as $user outside any delegated cgroup" | tee -a "$log"
		as "$user" "$home" "$dest" ./e2e.test -test.v -test.timeout 5m -test.run '^TestCgroupEnv_NotDelegated$' 2>&1 | tee -a "$log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
		passes=$((passes + 1))
	fi
	if selected TestDoctorEnv_NoSubIDs; then
		nhome=$(getent passwd "$nosub_user" | cut -d: -f6)
		rm -rf -- "$nhome/e2e-stores"
		install_to "$nhome/e2e" "$nosub_user"
		echo "e2e: TestDoctorEnv_NoSubIDs as $nosub_user (no subordinate ids)" | tee -a "$log"
		as "$nosub_user" "$nhome" "$nhome/e2e" ./e2e.test -test.v -test.timeout 5m -test.run '^TestDoctorEnv_NoSubIDs$' 2>&1 | tee -a "$log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
		passes=$((passes + 1))
	fi
	if selected TestDoctorEnv_TunDenied; then
		echo "e2e: TestDoctorEnv_TunDenied as $user with a 0600 /dev/net/tun (private mount namespace)" | tee -a "$log"
		tun_denied_pass 2>&1 | tee -a "$log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
		passes=$((passes + 1))
	fi
	rm -f -- "$testbin"
	summarize "$log" "$passes pass(es) of the test binary"
else
	out=${XDG_CACHE_HOME:-$HOME/.cache}/nook-test
	mkdir -p "$out"
	CGO_ENABLED=0 go test -c -tags "$tags" -o "$out/e2e.test" ./tests/e2e
	log=$out/e2e.log
	set +e
	NOOK_BIN="$PWD/bin/nook" NOOK_FIXTURES="${NOOK_FIXTURES:-$out/fixtures}" NOOK_EXAMPLES="$PWD/examples" \
		"$out/e2e.test" -test.v -test.timeout "$timeout" -test.skip "$skippat" "${flags[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	summarize "$log" "not run: the TestDoctorEnv_* tests, which need root to break the set-up (sudo make test-e2e)"
fi
exit "$rc"
