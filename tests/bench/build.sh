# build.sh — bench_build OUTDIR NOOK FIXTURE BENCHRUN: `nook build` next to
# `podman build` of the same Dockerfiles, in one run (issue 3's targets):
#   - ADD of 10,000 small files: the ADD step (build minus a 1-file ADD
#     build) at most 2x `tar -x` of the same files on the host;
#   - RUN step overhead: a Dockerfile with $BENCH_RUN_STEPS `RUN true`
#     steps, uncached: (build - build without them) / steps - `sh -c true`
#     on the host, < 50 ms per step;
#   - the 7-step busybox Dockerfile (seed shape), uncached and fully
#     cached (cached target: <= 100 ms).
# nook runs in a store of its own under OUTDIR (its own keeper), podman with
# --root under OUTDIR: --no-cache runs pile up layers, and both are removed
# at the end without touching the user's default stores. Uncached builds of
# the big contexts run min(N, $BENCH_HEAVY_N) times.

bench_build() {
	local out=$1/build nook=$2 tar=$3 b=$4
	local n=${N:-10} heavy=${BENCH_HEAVY_N:-5} steps=${BENCH_RUN_STEPS:-10}
	[ "$heavy" -gt "$n" ] && heavy=$n
	[ -d "$out" ] && _bench_build_cleanup "$out" "$nook"
	# tar -x extracts next to nook's store: file creation cost on this ext4
	# (no journal) depends on the block group's recent deletions.
	mkdir -p "$out/run" "$out/data/tarx" && chmod 0700 "$out/run"
	# nk: nook in the benchmark's own store.
	nk() { XDG_DATA_HOME=$out/data XDG_RUNTIME_DIR=$out/run "$nook" "$@"; }
	local pm=()
	if command -v podman >/dev/null && [ -z "${BENCH_NO_PODMAN:-}" ]; then
		pm=(podman --root "$out/podman" --runroot "$out/podman-run" --storage-driver overlay)
	fi
	_bench_build_contexts "$out" "$steps"
	nk import "$tar" bench-busybox:latest >/dev/null
	nk info | grep -E 'Storage Driver' | sed 's/^ */nook: /'
	[ ${#pm[@]} -gt 0 ] && "${pm[@]}" import -q "$tar" bench-busybox:latest >/dev/null

	local t_run0 t_runN t_sh
	# tar -x and the ADD builds interleaved per round, each after an untimed
	# sync: this disk's speed swings 3x minute to minute, so the ratio is the
	# median of per-round ratios, not a ratio of medians from separate loops.
	_bench_add_vs_tar "nook ADD 10k step" "$b" "$heavy" "$out" 2 \
		env XDG_DATA_HOME="$out/data" XDG_RUNTIME_DIR="$out/run" "$nook" build -q --no-cache
	nk builder prune -f >/dev/null 2>&1 || true

	t_sh=$(_bench_med "$b" -n "$n" -label "sh -c true (host, the command)" -- /bin/busybox sh -c true)
	t_run0=$(_bench_med "$b" -n "$n" -label "nook build 0 RUN (no cache)" -- \
		env XDG_DATA_HOME="$out/data" XDG_RUNTIME_DIR="$out/run" "$nook" build -q --no-cache -t bb-run0 "$out/run0")
	t_runN=$(_bench_med "$b" -n "$heavy" -label "nook build $steps x RUN true (no cache)" -- \
		env XDG_DATA_HOME="$out/data" XDG_RUNTIME_DIR="$out/run" "$nook" build -q --no-cache -t bb-runn "$out/runN")
	_bench_step "nook RUN step overhead" "$t_runN" "$t_run0" "$steps" "$t_sh" 50
	t_runN=$(_bench_med "$b" -n "$heavy" -label "nook build $steps x RUN true --network none" -- \
		env XDG_DATA_HOME="$out/data" XDG_RUNTIME_DIR="$out/run" "$nook" build -q --no-cache --network none -t bb-runn "$out/runN")
	_bench_step "nook RUN step overhead (--network none)" "$t_runN" "$t_run0" "$steps" "$t_sh" 50
	nk builder prune -f >/dev/null 2>&1 || true

	"$b" -n "$heavy" -label "nook build 7 steps (no cache)" -- \
		env XDG_DATA_HOME="$out/data" XDG_RUNTIME_DIR="$out/run" "$nook" build -q --no-cache -t bb-seven "$out/seven"
	nk build -q -t bb-seven "$out/seven" >/dev/null
	"$b" -n "$n" -label "nook build 7 steps (fully cached)" -- \
		env XDG_DATA_HOME="$out/data" XDG_RUNTIME_DIR="$out/run" "$nook" build -q -t bb-seven "$out/seven"

	if [ ${#pm[@]} -gt 0 ]; then
		_bench_add_vs_tar "podman ADD 10k step" "$b" "$heavy" "$out" "" "${pm[@]}" build -q --no-cache
		t_run0=$(_bench_med "$b" -n "$heavy" -label "podman build 0 RUN (no cache)" -- "${pm[@]}" build -q --no-cache -t bb-run0 "$out/run0")
		t_runN=$(_bench_med "$b" -n "$heavy" -label "podman build $steps x RUN true (no cache)" -- "${pm[@]}" build -q --no-cache -t bb-runn "$out/runN")
		_bench_step "podman RUN step overhead" "$t_runN" "$t_run0" "$steps" "$t_sh" ""
		"$b" -n "$heavy" -label "podman build 7 steps (no cache)" -- "${pm[@]}" build -q --no-cache -t bb-seven "$out/seven"
		"${pm[@]}" build -q -t bb-seven "$out/seven" >/dev/null
		"$b" -n "$n" -label "podman build 7 steps (fully cached)" -- "${pm[@]}" build -q -t bb-seven "$out/seven"
		"${pm[@]}" unshare rm -rf "$out/podman" "$out/podman-run" >/dev/null 2>&1 || true
	else
		echo "podman: not installed or BENCH_NO_PODMAN set: no comparison"
	fi
	_bench_build_cleanup "$out" "$nook"
}

# _bench_build_contexts OUT STEPS writes the contexts and the 10k tar.
_bench_build_contexts() {
	local out=$1 steps=$2 i
	mkdir -p "$out/add1" "$out/add10k/files" "$out/run0" "$out/runN" "$out/seven"
	printf 'FROM bench-busybox:latest\nADD one.txt /files/\n' >"$out/add1/Dockerfile"
	echo one >"$out/add1/one.txt"
	printf 'FROM bench-busybox:latest\nADD files /files\n' >"$out/add10k/Dockerfile"
	(cd "$out/add10k/files" && for d in $(seq -w 0 99); do
		mkdir "d$d" && for i in $(seq -w 0 99); do echo "file $d$i" >"d$d/f$i.txt"; done
	done)
	tar -cf "$out/files10k.tar" -C "$out/add10k" files
	printf 'FROM bench-busybox:latest\nLABEL steps=0\n' >"$out/run0/Dockerfile"
	{ echo "FROM bench-busybox:latest"; for i in $(seq "$steps"); do echo "RUN true"; done; } >"$out/runN/Dockerfile"
	printf 'FROM bench-busybox:latest\nWORKDIR /app\nADD . /app\nRUN echo built > /app/built\nEXPOSE 80\nENV NAME=MyWorld\nCMD ["cat", "/app/built"]\n' >"$out/seven/Dockerfile"
	echo hi >"$out/seven/app.txt"
}

# _bench_med BENCHRUN ARGS...: runs benchrun, shows its line, prints the median (ms).
_bench_med() {
	local line
	line=$("$@") || return 1
	echo "$line" >&2
	echo "$line" | sed -n 's/.* median *\([0-9.]*\) ms.*/\1/p'
}

# _bench_add_vs_tar LABEL BENCHRUN N OUT MAXRATIO BUILD...: tar -x of the 10k
# files, BUILD of the 1-file and of the 10k-file context, interleaved per
# round; prints the ADD step (10k build - 1-file build, medians) and the
# median per-round ratio (10k - 1-file) / tar -x; no verdict when MAXRATIO
# is "".
_bench_add_vs_tar() {
	local l=$1 b=$2 n=$3 out=$4 max=$5 who lines
	shift 5
	who=$1
	[ "$who" = env ] && who=nook
	lines=$("$b" -n "$n" -before sync -ratio 3-2/1 -- \
		:: "tar -x 10k files (host)" sh -c 'd=$(mktemp -d -p "$1") && tar -xf "$2" -C "$d"' _ "$out/data/tarx" "$out/files10k.tar" \
		:: "$who build ADD 1 file (no cache)" "$@" -t bb-add1 "$out/add1" \
		:: "$who build ADD 10k files (no cache)" "$@" -t bb-add10k "$out/add10k") || return 1
	grep -v '^ratio ' <<<"$lines" >&2
	awk -v l="$l" -v m="$max" '
		$1 != "ratio" { for (i = 1; i < NF; i++) if ($i == "median") t[NR] = $(i + 1) }
		$1 == "ratio" {
			q = substr($4, 1, length($4) - 1); qm = substr($6, 1, length($6) - 1)
			printf "%-40s %8.1f ms = %.2fx tar -x", l, t[3] - t[2], q
			if (m != "") printf " (target <= %sx): %s", m, (q <= m ? "OK" : "MISSED")
			printf "   (per-round median; min-based %.2fx)\n", qm }' <<<"$lines"
}

# _bench_step LABEL TN T0 STEPS CMD TARGET: per-step overhead over the
# command's own time; no verdict when TARGET is "".
_bench_step() {
	awk -v l="$1" -v tn="$2" -v t0="$3" -v n="$4" -v c="$5" -v m="$6" 'BEGIN {
		s = (tn - t0) / n - c
		printf "%-40s %8.1f ms per step", l, s
		if (m != "") printf " (target < %s ms): %s", m, (s < m ? "OK" : "MISSED")
		printf "\n" }'
}

# _bench_build_cleanup OUT NOOK: removes the benchmark's store and stops its keeper.
_bench_build_cleanup() {
	local out=$1 nook=$2 pid
	XDG_DATA_HOME=$out/data XDG_RUNTIME_DIR=$out/run "$nook" unshare rm -rf "$out/data/nook" >/dev/null 2>&1 || true
	pid=$(cut -d' ' -f1 "$out/run/nook/keeper" 2>/dev/null || true)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$out" 2>/dev/null || true
}
