# mem.sh — issue 5's memory target: the helper processes of one idle
# `run -d -p H:80 IMAGE` container (nook: monitor, which also forwards the
# ports, + slirp4netns) <= 8 MiB RSS in sum, next to rootless Podman's
# (conmon + slirp4netns + rootlessport + rootlessport-child).
#
# Every helper process of the container counts, with its whole RSS (file
# pages of its binary and libraries included) and its PSS (shared pages
# divided among the processes mapping them). The per-user process shared by
# all containers (nook's keeper, Podman's pause process) is printed apart.
# Each container is measured alone (PSS then splits pages only with
# unrelated processes), then once more after its monitor has done work:
# logs written, a health probe run, a connection forwarded.

# mem_kb PID...: "RSS PSS" (kB) summed over the processes.
mem_kb() {
	local p rss=0 pss=0 r s
	for p in "$@"; do
		read -r r s < <(awk '/^Rss:/ {r=$2} /^Pss:/ {s=$2} END {print r+0, s+0}' "/proc/$p/smaps_rollup")
		rss=$((rss + r)) pss=$((pss + s))
	done
	echo "$rss $pss"
}

# mib KB: kB as MiB with one decimal.
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# ppid_of PID
ppid_of() { awk '{sub(/.*\) /, ""); print $2}' "/proc/$1/stat"; }

# mem_median FILE COLUMN: median of a column of numbers.
mem_median() { sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {print v[int((NR+1)/2)]}'; }

# mem_nook_helpers NOOK NAME: pids of the monitor and its children but
# the container's init (slirp4netns).
mem_nook_helpers() {
	local ctr mon c
	ctr=$("$1" inspect -f '{{.State.Pid}}' "$2")
	mon=$(ppid_of "$ctr")
	echo "$mon"
	for c in $(cat "/proc/$mon/task/"*/children); do
		[ "$c" = "$ctr" ] || echo "$c"
	done
}

# mem_podman_helpers NAME: conmon, the slirp4netns serving the container's
# netns (named on its command line), and the rootlessport holding that
# netns open, with its rootlessport-child if one is still running.
mem_podman_helpers() {
	local conmon key p c
	conmon=$(podman inspect -f '{{.State.ConmonPid}}' "$1")
	key=$(podman inspect -f '{{.NetworkSettings.SandboxKey}}' "$1")
	echo "$conmon"
	pgrep -u "$(id -u)" -f "slirp4netns .*$key" || true
	for p in $(pgrep -u "$(id -u)" -x rootlessport); do
		if find "/proc/$p/fd" -lname "$key" 2>/dev/null | grep -q .; then
			echo "$p"
			for c in $(cat "/proc/$p/task/"*/children); do echo "$c"; done
		fi
	done
}

# mem_http PORT: one HTTP request to 127.0.0.1:PORT (bash's /dev/tcp).
mem_http() {
	timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "GET / HTTP/1.0\r\n\r\n" >&3; cat <&3' _ "$1" >/dev/null 2>&1 || true
}

# mem_line LABEL FILE: the medians of "RSS PSS" lines.
mem_line() {
	local rss pss
	rss=$(mem_median "$2" 1) pss=$(mem_median "$2" 2)
	printf '%-62s RSS %5s MiB  PSS %5s MiB  (median of %d)\n' "$1" "$(mib "$rss")" "$(mib "$pss")" "$(wc -l <"$2")"
}

bench_mem() {
	local out=$1 nook=$2 i name port pids exe runs=${MEM_N:-5} f=$1/mem
	mkdir -p "$f"
	: >"$f/nook" ; : >"$f/nook-monitor"; : >"$f/nook-work"; : >"$f/podman"
	for i in $(seq "$runs"); do
		name=bench-mem-$i port=$((18300 + i))
		"$nook" rm -f "$name" >/dev/null 2>&1 || true
		"$nook" run -d --name "$name" -p "127.0.0.1:$port:80" --health-cmd true --health-interval 1h \
			bench-busybox:latest httpd -f -p 80 -h / >/dev/null
		sleep 2
		pids=$(mem_nook_helpers "$nook" "$name")
		exe=$(basename "$(readlink "/proc/$(echo "$pids" | head -1)/exe")")
		mem_kb $pids >>"$f/nook"
		mem_kb "$(echo "$pids" | head -1)" >>"$f/nook-monitor"
		# Work: logs, a health probe, forwarded connections.
		for _ in 1 2 3; do "$nook" exec "$name" sh -c 'echo log line >/proc/1/fd/1'; done
		"$nook" healthcheck run "$name" >/dev/null 2>&1 || true
		for _ in 1 2 3; do mem_http "$port"; done
		sleep 1
		mem_kb $pids >>"$f/nook-work"
		"$nook" rm -f "$name" >/dev/null
	done
	echo "helper processes of one idle run -d -p container (target: nook <= 8 MiB RSS):"
	mem_line "nook (monitor + slirp4netns)" "$f/nook"
	mem_line "  nook monitor alone (binary: $exe)" "$f/nook-monitor"
	mem_line "nook, after logs, a health probe and 3 forwarded connections" "$f/nook-work"
	local keeper
	keeper=$(cut -d' ' -f1 "$XDG_RUNTIME_DIR/nook/keeper" 2>/dev/null || true)
	if [ -n "$keeper" ] && [ -e "/proc/$keeper" ]; then
		read -r i name < <(mem_kb "$keeper")
		echo "  shared by all containers: nook keeper RSS $(mib "$i") MiB PSS $(mib "$name") MiB"
	fi
	command -v podman >/dev/null || { echo "podman not installed: no comparison"; return 0; }
	for i in $(seq "$runs"); do
		name=bench-mem-$i port=$((18300 + i))
		podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
		podman run -d --name "$name" -p "127.0.0.1:$port:80" bench-busybox:latest httpd -f -p 80 -h / >/dev/null
		sleep 2
		mem_kb $(mem_podman_helpers "$name") >>"$f/podman"
		podman rm -f -t 0 "$name" >/dev/null 2>&1
	done
	mem_line "podman (conmon + slirp4netns + rootlessport + its child)" "$f/podman"
	local pause
	pause=$(cat "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid" "/run/user/$(id -u)/libpod/tmp/pause.pid" 2>/dev/null | head -1 || true)
	if [ -n "$pause" ] && [ -e "/proc/$pause" ]; then
		read -r i name < <(mem_kb "$pause")
		echo "  shared by all containers: podman pause process RSS $(mib "$i") MiB PSS $(mib "$name") MiB"
	fi
}
