# health: one health probe on demand (nook: signal the monitor, which
# probes through `nook _exec`) next to `podman healthcheck run`, and the
# monitor's memory after many probes next to a monitor without a healthcheck.

# health_rss NOOK NAME: VmRSS and RssAnon (kB) of NAME's monitor.
health_rss() {
	local id pid
	id=$("$1" inspect -f '{{.Id}}' "$2")
	pid=$(pgrep -f "nook _monitor $id" | head -1)
	awk '/^(VmRSS|RssAnon):/ {printf "%s %s kB  ", $1, $2} END {print ""}' "/proc/$pid/status"
}

bench_health() {
	local out=$1 nook=$2 b=$4
	"$nook" rm -f bench-health bench-health-fast bench-health-none >/dev/null 2>&1 || true
	"$nook" run -d --name bench-health --health-cmd true --health-interval 1h bench-busybox:latest sleep 600 >/dev/null
	"$b" -n "$N" -label "nook healthcheck run CTR (probe: true)" -- "$nook" healthcheck run bench-health
	"$b" -n "$N" -label "nook exec CTR true (the same exec path)" -- "$nook" exec bench-health true
	"$nook" run -d --name bench-health-fast --health-cmd true --health-interval 100ms bench-busybox:latest sleep 600 >/dev/null
	"$nook" run -d --name bench-health-none bench-busybox:latest sleep 600 >/dev/null
	sleep 10
	echo "monitor with 100ms probes, after 10 s: $(health_rss "$nook" bench-health-fast)"
	echo "monitor without healthcheck:          $(health_rss "$nook" bench-health-none)"
	"$nook" inspect -f 'probes: status {{.State.Health.Status}}, last {{(index .State.Health.Log 4).Start}}' bench-health-fast
	"$nook" rm -f bench-health bench-health-fast bench-health-none >/dev/null
	if command -v podman >/dev/null; then
		podman rm -f -t 0 bench-health >/dev/null 2>&1 || true
		# Without a systemd user session Podman cannot schedule its probes
		# (its timers are systemd units) and says so on stderr.
		podman run -d --name bench-health --health-cmd true --health-interval 1h bench-busybox:latest sleep 600 >/dev/null 2>&1
		"$b" -n "$N" -label "podman healthcheck run CTR (probe: true)" -- podman healthcheck run bench-health
		podman rm -f -t 0 bench-health >/dev/null 2>&1 || true
	fi
}
