# files.sh — issue 7's speed target: `nook commit` of a container whose rw
# layer holds 100 MB in 1,000 files, and `nook cp` of the same, within 1.5x
# of `tar -c | tar -x` of the same files on the host. Also `nook cp` from
# the host into a container.
#
# Every timed run writes into a fresh directory (or image tag) so that no
# run pays for removing the previous one; everything is removed after the
# loops. Scratch space lives under OUTDIR (/home), not /tmp.

# bench_files OUTDIR NOOK FIXTURE BENCHRUN
bench_files() {
	local out=$1 nook=$2 b=$4
	local n=${BENCH_FILES_N:-$((N < 10 ? N : 10))}
	local dir=$out/files scratch src ctr=bench-files-src dst=bench-files-dst repo=bench-files-commit
	src=$dir/src
	scratch=$dir/scratch.$$
	mkdir -p "$src/data" "$scratch"
	if [ ! -e "$src/data/f999" ]; then
		# 1,000 files of 100 kB of random bytes: nothing compresses or dedups.
		head -c 100000000 /dev/urandom >"$dir/blob"
		local i
		for i in $(seq 0 999); do
			dd if="$dir/blob" of="$src/data/f$i" bs=100000 skip="$i" count=1 status=none
		done
		rm -f "$dir/blob"
	fi
	"$nook" rm -f "$ctr" "$dst" >/dev/null 2>&1 || true
	"$nook" run --name "$ctr" --network none -v "$src:/src:ro" bench-busybox:latest cp -a /src/data /data
	"$nook" create --name "$dst" --network none bench-busybox:latest true >/dev/null
	echo 0 >"$scratch/count"

	# Fresh DIR under scratch for each run; commit and cp-in use a counter.
	# sync before each loop: every loop starts without the dirty pages of
	# the one before (each run writes 100 MB).
	local tarline commitline outline inline
	sync
	tarline=$("$b" -n "$n" -label "tar -c | tar -x (100 MB, 1000 files)" -- \
		sh -c 'd=$(mktemp -d -p "$1"); tar -C "$2" -c data | tar -C "$d" -x' sh "$scratch" "$src")
	echo "$tarline"
	sync
	commitline=$("$b" -n "$n" -label "nook commit (100 MB, 1000 files)" -- \
		sh -c 'i=$(cat "$1/count"); echo $((i+1)) >"$1/count"; exec "$2" commit "$3" "$4:$i"' sh "$scratch" "$nook" "$ctr" "$repo")
	echo "$commitline"
	sync
	outline=$("$b" -n "$n" -label "nook cp CTR:/data HOSTDIR" -- \
		sh -c 'd=$(mktemp -d -p "$1"); exec "$2" cp "$3:/data" "$d/"' sh "$scratch" "$nook" "$ctr")
	echo "$outline"
	sync
	inline=$("$b" -n "$n" -label "nook cp HOSTDIR CTR:/dir" -- \
		sh -c 'i=$(cat "$1/count"); echo $((i+1)) >"$1/count"; exec "$2" cp "$3" "$4:/in$i"' sh "$scratch" "$nook" "$src/data" "$dst")
	echo "$inline"

	local base
	base=$(bench_files_median "$tarline")
	local l
	for l in "$commitline" "$outline" "$inline"; do
		awk -v base="$base" -v t="$(bench_files_median "$l")" -v label="${l%% median*}" 'BEGIN {
			r = t / base; printf "%s %.2fx tar|tar (target <= 1.5x): %s\n", label, r, (r <= 1.5 ? "ok" : "MISSED") }'
	done

	# Remove exactly the tags the commit loop made (never by filter: the
	# store is shared with whatever else the user has).
	"$nook" rm -f "$ctr" "$dst" >/dev/null
	local i
	for i in $(seq 0 $((n + 1))); do
		"$nook" rmi "$repo:$i" >/dev/null 2>&1 || true
	done
	rm -rf "$scratch"
}

# bench_files_median LINE prints the median (ms) of a benchrun line.
bench_files_median() {
	awk '{ for (i = 1; i < NF; i++) if ($i == "median") print $(i + 1) }' <<<"$1"
}
