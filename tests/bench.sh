#!/usr/bin/env bash
# bench.sh — `make bench`: startup latency of nook next to rootless Podman,
# measured in one run on this machine. Issue 2's target: `nook run --rm IMAGE
# true` median <= 25 ms with native overlay; joining the keeper < 2 ms.
#
# As root: prepares the nooktest user (tests/setup.sh), installs podman and
# runc if missing and configures Podman for that user (cgroupfs, runc, file
# events), then measures as that user. As anyone else: measures as you,
# with Podman only if it is installed and configured.
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
N=${BENCH_N:-50}
user=${NOOK_TEST_USER:-nooktest}
[ -x bin/nook ] || { echo "bench: bin/nook missing: run make build" >&2; exit 1; }

# measure OUTDIR NOOK FIXTURE: runs as the measuring user.
measure() {
	local out=$1 nook=$2 tar=$3 b=$1/benchrun
	"$nook" import "$tar" bench-busybox:latest >/dev/null
	"$nook" info | grep -E 'Storage Driver|Kernel Version' || true
	if [ -z "${BENCH_ONLY:-}" ] || [ "$BENCH_ONLY" = core ]; then measure_core "$@"; fi
	# Each tests/bench/NAME.sh defines bench_NAME OUTDIR NOOK FIXTURE BENCHRUN;
	# BENCH_ONLY=NAME runs only that area (BENCH_ONLY=core: only the core set).
	local f name
	for f in "$BENCH_AREAS"/*.sh; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .sh)
		if [ -n "${BENCH_ONLY:-}" ] && [ "$BENCH_ONLY" != "$name" ]; then continue; fi
		echo "== $name"
		# shellcheck source=/dev/null
		source "$f"
		"bench_$name" "$out" "$nook" "$tar" "$b"
	done
}

# measure_nook OUTDIR NOOK CTX: nook's latencies in the current store.
measure_nook() {
	local out=$1 nook=$2 ctx=$3 b=$1/benchrun
	"$b" -n "$N" -label "nook run --rm --network none IMAGE true" -- "$nook" run --rm --network none bench-busybox:latest true
	"$b" -n "$N" -label "nook run --rm IMAGE true (slirp4netns)" -- "$nook" run --rm bench-busybox:latest true
	"$nook" rm -f bench-exec >/dev/null 2>&1 || true
	"$nook" run -d --name bench-exec bench-busybox:latest sleep 600 >/dev/null
	"$b" -n "$N" -label "nook exec CTR true" -- "$nook" exec bench-exec true
	local pid
	pid=$("$nook" inspect -f '{{.State.Pid}}' bench-exec)
	"$b" -n "$N" -label "nsenter -t PID -U -m -p -n -u -i true (the limit)" -- nsenter -t "$pid" -U -m -p -n -u -i --preserve-credentials true
	"$nook" rm -f bench-exec >/dev/null
	"$nook" build -q -t bench-build "$ctx" >/dev/null
	"$b" -n "$N" -label "nook build (7 steps, fully cached)" -- "$nook" build -q -t bench-build "$ctx"
	"$b" -n "$N" -label "nook unshare true (join + exec)" -- "$nook" unshare true
	"$b" -n "$N" -label "nook version (CLI start, joined)" -- "$nook" version
	"$b" -n "$N" -label "nook images -q" -- "$nook" images -q
}

# measure_core OUTDIR NOOK FIXTURE: run, exec and cached build next to Podman.
measure_core() {
	local out=$1 nook=$2 tar=$3 b=$1/benchrun images
	# containers/storage's load time grows with the store: the test user's
	# store holds the e2e tests' images and layers. One line there, then
	# everything in a store of its own (what a user's machine has).
	images=$("$nook" images -q | wc -l)
	"$b" -n "$N" -label "nook run --rm --network none IMAGE true (test user's store: $images images)" -- "$nook" run --rm --network none bench-busybox:latest true
	local ctx=$out/build-ctx
	mkdir -p "$ctx"
	printf 'FROM bench-busybox:latest\nWORKDIR /app\nADD . /app\nRUN echo built > /app/built\nEXPOSE 80\nENV NAME=MyWorld\nCMD ["cat", "/app/built"]\n' > "$ctx/Dockerfile"
	echo hi > "$ctx/app.txt"
	(
		# BENCH_RUN: a runtime dir (keeper socket) of this run's own when
		# BENCH_DIR is set, so two runs never share a keeper.
		export XDG_DATA_HOME=$out/store XDG_RUNTIME_DIR=${BENCH_RUN:-$XDG_RUNTIME_DIR/nook-bench}
		mkdir -p -m 0700 "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
		"$nook" import "$tar" bench-busybox:latest >/dev/null
		measure_nook "$out" "$nook" "$ctx"
	)
	if command -v podman >/dev/null; then
		podman --storage-driver overlay import "$tar" bench-busybox:latest >/dev/null 2>&1 ||
			podman import "$tar" bench-busybox:latest >/dev/null
		podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null | sed 's/^/podman storage: /' || true
		"$b" -n "$N" -label "podman run --rm --network none IMAGE true" -- podman run --rm --network none bench-busybox:latest true
		"$b" -n "$N" -label "podman run --rm IMAGE true (slirp4netns)" -- podman run --rm bench-busybox:latest true
		podman rm -f bench-exec >/dev/null 2>&1 || true
		podman run -d --name bench-exec bench-busybox:latest sleep 600 >/dev/null
		"$b" -n "$N" -label "podman exec CTR true" -- podman exec bench-exec true
		podman rm -f bench-exec >/dev/null 2>&1 || true
		podman build -q -t bench-build "$ctx" >/dev/null
		"$b" -n "$N" -label "podman build (7 steps, fully cached)" -- podman build -q -t bench-build "$ctx"
	else
		echo "podman not installed: no comparison"
	fi
	"$b" -n "$N" -label "unshare -Urmpf --mount-proc true" -- unshare -Urmpf --mount-proc true
}

if [ "$(id -u)" -eq 0 ]; then
	bash tests/setup.sh
	if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc >/dev/null
	fi
	home=$(getent passwd "$user" | cut -d: -f6)
	uid=$(id -u "$user")
	conf=$home/.config/containers
	install -d -o "$user" -g "$(id -g "$user")" "$home/.config" "$conf"
	# cgroup v1 hybrid here: crun refuses, runc with cgroupfs works.
	printf '[engine]\ncgroup_manager="cgroupfs"\nruntime="runc"\nevents_logger="file"\n' >"$conf/containers.conf"
	printf '[storage]\ndriver="overlay"\n' >"$conf/storage.conf"
	chown "$user:" "$conf/containers.conf" "$conf/storage.conf"
	# BENCH_DIR: where the binaries, scripts and scratch data go (default
	# ~nooktest/bench); give each concurrent run (worktree) its own.
	out=${BENCH_DIR:-$home/bench}
	run=
	[ -n "${BENCH_DIR:-}" ] && run=$out/run-core
	install -d -o "$user" -g "$(id -g "$user")" "$out"
	go build -o "$out/benchrun" ./tests/cmd/benchrun
	install -m 0755 bin/nook bin/nook-runtime bin/nook-monitor "$out/"
	rm -rf "$out/bench" && cp -r tests/bench "$out/bench" && chmod -R a+rX "$out/bench"
	rm -rf "$out/examples" && cp -r examples "$out/examples" && chmod -R a+rX "$out/examples"
	cd "$out"
	runuser -u "$user" -- env -i HOME="$home" USER="$user" XDG_RUNTIME_DIR="/run/user/$uid" \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin N="$N" BENCH_AREAS="$PWD/bench" \
		BENCH_ONLY="${BENCH_ONLY:-}" BENCH_RUN="$run" \
		bash -c "$(declare -f measure measure_core measure_nook); measure '$out' '$out/nook' '$home/fixtures/busybox.tar'"
else
	bash tests/setup.sh
	out=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nook-test}
	[ -n "${BENCH_DIR:-}" ] && BENCH_RUN=$out/run-core
	go build -o "$out/benchrun" ./tests/cmd/benchrun
	BENCH_AREAS=$PWD/tests/bench measure "$out" "$PWD/bin/nook" "${NOOK_FIXTURES:-$out/fixtures}/busybox.tar"
fi
