# registry.sh — bench_registry: pull of a ~120 MB multi-layer image from a
# local docker-registry into an empty store, nook next to `podman pull`
# (issue 8's target: nook within 1.2x of Podman), and the re-pull of a
# present image (target < 100 ms). Sourced by tests/bench.sh.

# bench_registry_port: a free loopback port (nothing answers on it).
bench_registry_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# bench_registry_median LABEL RUNS PREPARE PULL...: runs PREPARE (untimed)
# then PULL (timed) RUNS times and prints the median like benchrun.
bench_registry_median() {
	local label=$1 runs=$2 prep=$3 i t0 t1
	shift 3
	local times=()
	for i in $(seq "$runs"); do
		eval "$prep" >/dev/null 2>&1 || true
		t0=$(date +%s%N)
		"$@" >/dev/null || { echo "bench: $label failed" >&2; return 1; }
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1} END {
		p = int(NR * 0.9); if (p < 1) p = 1
		printf "%-40s median %7.2f ms   p90 %7.2f ms   min %7.2f ms   (n=%d)\n", l,
			a[int(NR/2)+1]/1000, a[p]/1000, a[1]/1000, NR}'
}

# bench_registry_image DIR NOOK: builds the image to push: the busybox
# base plus three ~40 MB layers (random bytes; base64 text, which
# compresses; 2000 small random files).
bench_registry_image() {
	local ctx=$1/ctx nook=$2 i
	rm -rf "$ctx" && mkdir -p "$ctx/small"
	head -c 40M /dev/urandom >"$ctx/random.bin"
	head -c 30M /dev/urandom | base64 -w 76 | head -c 40M >"$ctx/text.txt"
	for i in $(seq 2000); do head -c 20480 /dev/urandom >"$ctx/small/f$i"; done
	printf 'FROM bench-busybox:latest\nCOPY random.bin /data/random.bin\nCOPY text.txt /data/text.txt\nCOPY small /data/small\n' >"$ctx/Dockerfile"
	"$nook" build -q -t bench-registry:1 "$ctx" >/dev/null
	rm -rf "$ctx"
}

# bench_registry runs in a subshell, so that its EXIT trap stops the
# registry it started, also when a step fails under set -e.
bench_registry() (
	local out=$1/registry nook=$2 b=$4 port pid ref runs=${BENCH_PULLS:-5}
	local pulls=$out/nook-store pm=$out/podman
	local pmrun=${XDG_RUNTIME_DIR:-/tmp}/bench-registry-pm
	if ! command -v docker-registry >/dev/null; then
		echo "docker-registry not installed: skipped"
		return 0
	fi
	rm -rf "$out" && mkdir -p "$out/data" "$pulls/data" "$pulls/run"
	port=$(bench_registry_port) || { echo "bench: no free port" >&2; return 1; }
	printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n' \
		"$out/data" "$port" >"$out/config.yml"
	docker-registry serve "$out/config.yml" >"$out/registry.log" 2>&1 &
	pid=$!
	# shellcheck disable=SC2064
	trap "kill $pid 2>/dev/null" EXIT
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
	ref=127.0.0.1:$port/bench/big:1
	bench_registry_image "$out" "$nook"
	"$nook" tag bench-registry:1 "$ref"
	"$nook" push -q "$ref" >/dev/null
	"$nook" rmi "$ref" >/dev/null
	"$nook" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' bench-registry:1 | sed 's/^/image: /'
	du -sh "$out/data" | sed 's/\t.*//; s/^/compressed in the registry: /'

	local env=(env XDG_DATA_HOME="$pulls/data" XDG_RUNTIME_DIR="$pulls/run")
	bench_registry_median "nook pull (~120 MB, empty store)" "$runs" \
		"${env[*]} $nook rmi -f $ref" "${env[@]}" "$nook" pull -q "$ref"
	"$b" -n "$N" -label "nook pull (present, up to date)" -- "${env[@]}" "$nook" pull -q "$ref"
	"${env[@]}" "$nook" unshare rm -rf "$pulls/data/nook"
	kill "$(cut -d' ' -f1 "$pulls/run/nook/keeper" 2>/dev/null)" 2>/dev/null || true

	if command -v podman >/dev/null; then
		mkdir -p "$pm/root" "$pmrun"
		local p=(podman --root "$pm/root" --runroot "$pmrun" --storage-driver overlay)
		bench_registry_median "podman pull (~120 MB, empty store)" "$runs" \
			"${p[*]} rmi -af" "${p[@]}" pull -q --tls-verify=false "$ref"
		"$b" -n "$N" -label "podman pull (present, up to date)" -- "${p[@]}" pull -q --tls-verify=false "$ref"
		"${p[@]}" rmi -af >/dev/null
		# Podman keeps its overlay directory mounted in its namespace.
		"${p[@]}" unshare sh -c "umount '$pm/root/overlay' 2>/dev/null; rm -rf '$pm/root' '$pmrun'"
		rm -rf "$pmrun"
	else
		echo "podman not installed: no comparison"
	fi
	"$nook" rmi bench-registry:1 >/dev/null
	rm -rf "$out"
)
