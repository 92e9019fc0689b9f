# net.sh — bench_net OUTDIR NOOK FIXTURE BENCHRUN: published ports and the
# user-mode network, side by side in one run (issue 4):
#   - TCP throughput host -> container through -p, against plain host
#     loopback (the limit) and rootless Podman's rootlessport (target:
#     >= 0.6x loopback);
#   - HTTP request rate through -p against the same server on host loopback
#     ("direct") and Podman, a new connection per request and keep-alive
#     (target: >= 0.8x direct), with the default forwarder and with
#     --network slirp4netns:port_handler=bypass (the server's socket in the
#     host's network namespace: no relay at all);
#   - TCP throughput container -> host through slirp4netns and pasta.
# Both ends run tests/bench/netbench (static Go, bind-mounted into busybox
# containers), so every configuration runs the same client and server.
# NET_ROUNDS (default 3) interleaved rounds; each prints its median, the
# result is the median of the rounds.

bench_net() {
	local out=$1 nook=$2 tar=$3
	local nb=$out/netbench img=bench-busybox:latest rounds=${NET_ROUNDS:-3}
	local gobin
	gobin=$(command -v go || echo /usr/local/go/bin/go)
	if ! (cd "$BENCH_AREAS/netbench" && CGO_ENABLED=0 GOTOOLCHAIN=local "$gobin" build -o "$nb" main.go); then
		echo "net: cannot build tests/bench/netbench (needs Go): skipped"
		return 0
	fi
	local podman=
	if command -v podman >/dev/null &&
		{ podman image exists "$img" 2>/dev/null || podman import "$tar" "$img" >/dev/null 2>&1; }; then
		podman=podman
	fi
	local tag=netbench-$$ ctrs=() pctrs=()
	# net_ctr ENGINE NAME ARGS...: start a container, remember it for cleanup.
	net_ctr() {
		local eng=$1 name=$2
		shift 2
		"$eng" run -d --name "$name" -v "$nb:/netbench:ro" "$@" >/dev/null || return 1
		if [ "$eng" = podman ]; then pctrs+=("$name"); else ctrs+=("$name"); fi
	}
	net_throughput_in "$@" || true
	net_rate "$@" || true
	net_throughput_out "$@" || true
	[ ${#ctrs[@]} -eq 0 ] || "$nook" rm -f "${ctrs[@]}" >/dev/null 2>&1
	[ ${#pctrs[@]} -eq 0 ] || podman rm -f "${pctrs[@]}" >/dev/null 2>&1
	return 0
}

# net_median: median of the numbers on stdin.
net_median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print 0}'; }

# net_report LABEL VALUES UNIT [BASE]: median of VALUES, and its ratio to BASE.
net_report() {
	local m
	m=$(printf '%s\n' $2 | net_median)
	if [ -n "${4:-}" ] && [ "${4:-0}" != 0 ]; then
		printf '%-48s median %6s %s  %.2fx  [%s]\n' "$1" "$m" "$3" "$(echo "$m $4" | awk '{print $1/$2}')" "$2"
	else
		printf '%-48s median %6s %s  [%s]\n' "$1" "$m" "$3" "$2"
	fi
}

# net_throughput_in: host client -> container sink through -p.
net_throughput_in() {
	local lp np bp pp ppod hostsink
	lp=$("$nb" port) np=$("$nb" port) bp=$("$nb" port) pp=$("$nb" port) ppod=$("$nb" port)
	"$nb" sink -listen "127.0.0.1:$lp" &
	hostsink=$!
	net_ctr "$nook" "$tag-in-slirp" -p "127.0.0.1:$np:5001" "$img" /netbench sink
	net_ctr "$nook" "$tag-in-bypass" --network slirp4netns:port_handler=bypass -p "127.0.0.1:$bp:5001" "$img" /netbench sink
	net_ctr "$nook" "$tag-in-pasta" --network pasta -p "127.0.0.1:$pp:5001" "$img" /netbench sink
	[ -z "$podman" ] || net_ctr podman "$tag-in-podman" -p "127.0.0.1:$ppod:5001" "$img" /netbench sink
	local -A res=()
	local r k port
	for r in $(seq "$rounds"); do
		for k in loop slirp bypass pasta podman; do
			case $k in
			loop) port=$lp ;; slirp) port=$np ;; bypass) port=$bp ;; pasta) port=$pp ;;
			podman) [ -n "$podman" ] || continue; port=$ppod ;;
			esac
			res[$k]+="$("$nb" send -addr "127.0.0.1:$port" -mib 512 -n 3 | awk '{print $2}') "
		done
	done
	kill "$hostsink"
	local base
	base=$(printf '%s\n' ${res[loop]} | net_median)
	net_report "TCP host->ctr: host loopback (the limit)" "${res[loop]}" MB/s
	net_report "TCP host->ctr: nook -p, slirp4netns" "${res[slirp]}" MB/s "$base"
	net_report "TCP host->ctr: nook -p, bypass" "${res[bypass]}" MB/s "$base"
	net_report "TCP host->ctr: nook -p, pasta" "${res[pasta]}" MB/s "$base"
	if [ -n "$podman" ]; then
		net_report "TCP host->ctr: podman -p (rootlessport)" "${res[podman]}" MB/s "$base"
	else
		echo "podman not installed: no rootlessport comparison"
	fi
}

# net_rate: HTTP requests per second through -p vs the same server direct.
net_rate() {
	local dp np bp ppod direct
	dp=$("$nb" port) np=$("$nb" port) bp=$("$nb" port) ppod=$("$nb" port)
	"$nb" http -listen "127.0.0.1:$dp" &
	direct=$!
	net_ctr "$nook" "$tag-http" -p "127.0.0.1:$np:80" "$img" /netbench http -listen :80
	net_ctr "$nook" "$tag-http-bypass" --network slirp4netns:port_handler=bypass -p "127.0.0.1:$bp:80" "$img" /netbench http -listen :80
	[ -z "$podman" ] || net_ctr podman "$tag-http-podman" -p "127.0.0.1:$ppod:80" "$img" /netbench http -listen :80
	local ka mode
	for ka in false true; do
		mode="new connection each"
		[ "$ka" = true ] && mode="keep-alive"
		local -A res=()
		local r k port
		for r in $(seq "$rounds"); do
			for k in direct nook bypass podman; do
				case $k in
				direct) port=$dp ;; nook) port=$np ;; bypass) port=$bp ;;
				podman) [ -n "$podman" ] || continue; port=$ppod ;;
				esac
				res[$k]+="$("$nb" rate -addr "127.0.0.1:$port" -d 2s -c 4 -keepalive="$ka" | awk '{print $1}') "
			done
		done
		local base
		base=$(printf '%s\n' ${res[direct]} | net_median)
		net_report "HTTP ($mode): direct on loopback" "${res[direct]}" req/s
		net_report "HTTP ($mode): nook -p" "${res[nook]}" req/s "$base"
		net_report "HTTP ($mode): nook -p, bypass" "${res[bypass]}" req/s "$base"
		[ -z "$podman" ] || net_report "HTTP ($mode): podman -p" "${res[podman]}" req/s "$base"
	done
	kill "$direct"
}

# net_throughput_out: container client -> host sink on 127.0.0.1, reached
# through 10.0.2.2 (allow_host_loopback=true), per driver.
net_throughput_out() {
	local hp sink
	hp=$("$nb" port)
	"$nb" sink -listen "127.0.0.1:$hp" &
	sink=$!
	local -A res=()
	local r drv
	for r in $(seq "$rounds"); do
		for drv in slirp4netns pasta; do
			res[$drv]+="$("$nook" run --rm --network "$drv:allow_host_loopback=true" -v "$nb:/netbench:ro" "$img" \
				/netbench send -addr "10.0.2.2:$hp" -mib 256 -n 3 | awk '{print $2}') "
		done
	done
	kill "$sink"
	net_report "TCP ctr->host: slirp4netns" "${res[slirp4netns]}" MB/s
	net_report "TCP ctr->host: pasta" "${res[pasta]}" MB/s
}
