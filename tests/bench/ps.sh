# ps.sh — issue 5's targets: `nook ps` with 100 containers <= 50 ms and
# `nook run -d IMAGE sleep 100` returning in <= 40 ms, next to rootless
# Podman. nook runs in a store of its own (its own keeper), so that other
# users of the default store change neither the count nor the cleanup.

# bench_ps OUTDIR NOOK FIXTURE BENCHRUN
bench_ps() {
	local out=$1 nook=$2 tar=$3 b=$4 base i
	base=$out/ps-store
	rm -rf "$base"
	mkdir -p "$base/data" "$base/run"
	(
		export XDG_DATA_HOME=$base/data XDG_RUNTIME_DIR=$base/run
		"$nook" import "$tar" bench-busybox:latest >/dev/null
		for i in $(seq 100); do
			"$nook" create bench-busybox:latest sleep 100 >/dev/null
		done
		"$b" -n "$N" -label "nook ps (100 created containers)" -- "$nook" ps
		"$b" -n "$N" -label "nook ps -a (100 created containers)" -- "$nook" ps -a
		"$b" -n "$N" -label "nook run -d IMAGE sleep 100" -- "$nook" run -d bench-busybox:latest sleep 100
		"$b" -n "$N" -label "nook run -d --network none IMAGE sleep 100" -- "$nook" run -d --network none bench-busybox:latest sleep 100
		"$b" -n "$N" -label "nook ps (100 created + $((2 * N + 2)) running)" -- "$nook" ps
		"$nook" ps -aq | xargs -r "$nook" rm -f >/dev/null
		# monitors may still be finishing their cleanup: retry briefly
		for i in 1 2 3 4 5; do
			"$nook" unshare rm -rf "$base/data/nook" 2>/dev/null && break
			sleep 1
		done
		kill "$(cut -d' ' -f1 "$base/run/nook/keeper")" 2>/dev/null || true
	)
	rm -rf "$base"
	if ! command -v podman >/dev/null; then
		echo "podman not installed: no comparison"
		return 0
	fi
	podman image exists bench-busybox:latest || podman import "$tar" bench-busybox:latest >/dev/null
	for i in $(seq 100); do
		podman create --label nook-bench-ps=1 bench-busybox:latest sleep 100 >/dev/null
	done
	"$b" -n "$N" -label "podman ps (100 created containers)" -- podman ps
	"$b" -n "$N" -label "podman ps -a (100 created containers)" -- podman ps -a
	"$b" -n "$N" -label "podman run -d IMAGE sleep 100" -- podman run -d --label nook-bench-ps=1 bench-busybox:latest sleep 100
	podman ps -aq --filter label=nook-bench-ps=1 | xargs -r podman rm -f -t 0 >/dev/null
}
