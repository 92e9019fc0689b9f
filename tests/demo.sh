#!/usr/bin/env bash
# demo.sh — the flagship example end to end (`make demo`, the README's first
# command).
#
# As root: installs the system packages and the unprivileged user (tests/setup.sh),
# copies nook, the example and this script to that user's home and runs the
# demo as that user. As a normal user: checks the prerequisites (nook doctor),
# makes the Debian+Flask base image if it is missing (tests/fixtures/debian-base.sh),
# builds examples/helloworld, runs it with -p, curls it and shows ps, exec,
# inspect, the container's namespaces and an anonymous volume, then cleans up.
#
# As root, the Debian base tar is the one tests/setup.sh built in the user's
# fixtures (NOOK_DEBIAN_TAR): mmdebstrap runs once, not twice.
#
# Environment: NOOK_DEMO_USER (as root; default nooktest), NOOK (the binary;
# default bin/nook next to this script's tests/), DEMO_PORT (default 4000,
# or a free one when 4000 is busy).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname -- "$here")
now() { echo "${EPOCHREALTIME/./}"; } # microseconds
t0=$(now)

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
since() { local d=$(($(now) - $1)); printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000)); }
# run CMD...: echo it, run it, print its time.
run() {
	local s
	s=$(now)
	printf '$ %s\n' "$*"
	"$@"
	printf '   (%ss)\n' "$(since "$s")"
}

as_root() {
	local user=${NOOK_DEMO_USER:-nooktest} home uid dir
	say "setting up the machine (packages, user $user)"
	NOOK_TEST_USER=$user bash "$here/setup.sh"
	[ -x "$top/bin/nook" ] || die "bin/nook missing: run make build (or make demo)"
	home=$(getent passwd "$user" | cut -d: -f6)
	uid=$(id -u "$user")
	dir=$home/nook-demo
	# The user may not be able to read this checkout: give it its own copy.
	install -d -o "$user" -g "$(id -g "$user")" "$dir" "$dir/bin" "$dir/tests" "$dir/tests/fixtures" "$dir/examples"
	install -o "$user" -m 0755 "$top/bin/nook" "$top/bin/nook-runtime" "$top/bin/nook-monitor" "$dir/bin/"
	install -o "$user" -m 0755 "$here/demo.sh" "$dir/tests/demo.sh"
	install -o "$user" -m 0755 "$here/fixtures/debian-base.sh" "$dir/tests/fixtures/debian-base.sh"
	rm -rf -- "$dir/examples/helloworld"
	cp -r -- "$top/examples/helloworld" "$dir/examples/"
	chown -R "$user:" "$dir/examples"
	say "running the demo as $user (uid $uid)"
	cd "$dir"
	exec runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin TERM="${TERM:-dumb}" \
		HOME="$home" USER="$user" LOGNAME="$user" XDG_RUNTIME_DIR="/run/user/$uid" \
		DEMO_PORT="${DEMO_PORT:-}" NOOK_DEBIAN_TAR="${NOOK_FIXTURES:-$home/fixtures}/debian-flask-bookworm.tar" \
		bash "$dir/tests/demo.sh"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
	local p=${DEMO_PORT:-4000}
	while port_busy "$p"; do p=$((p + 1)); done
	echo "$p"
}

cleanup() {
	"$NOOK" rm -f hello hello-vol >/dev/null 2>&1 || true
	[ -n "${vol:-}" ] && "$NOOK" volume rm "$vol" >/dev/null 2>&1 || true
}

# curl_retry URL: the app needs a moment to start listening.
curl_retry() {
	local i
	for i in $(seq 1 100); do
		if body=$(curl -fsS --max-time 2 "$1" 2>/dev/null); then
			printf '%s\n' "$body"
			return 0
		fi
		sleep 0.1
	done
	die "no answer from $1 after 10 s; see: $NOOK logs hello"
}

prepare() {
	NOOK=${NOOK:-$top/bin/nook}
	[ -x "$NOOK" ] || die "$NOOK missing: run make build"
	export NOOK
	say "checking the rootless prerequisites"
	run "$NOOK" doctor || die "fix what nook doctor lists above (or run: sudo make demo)"
	command -v curl >/dev/null || die "curl missing: sudo apt-get install curl"
	say "preparing the base image debian-flask:bookworm (cached after the first run)"
	if "$NOOK" image inspect debian-flask:bookworm >/dev/null 2>&1; then
		echo "debian-flask:bookworm is present"
	else
		run bash "$top/tests/fixtures/debian-base.sh" ${NOOK_DEBIAN_TAR:+"$NOOK_DEBIAN_TAR"}
	fi
}

tour() {
	local id short port pid body vid
	port=$(pick_port)
	say "build the example"
	run "$NOOK" build -t helloworld "$top/examples/helloworld"
	say "run it detached, port $port on the host -> 80 in the container"
	cleanup
	printf '$ nook run -d -p %s:80 --name hello helloworld\n' "$port"
	id=$("$NOOK" run -d -p "$port:80" --name hello helloworld)
	echo "$id"
	short=${id:0:12}
	say "curl http://localhost:$port"
	body=$(curl_retry "http://localhost:$port")
	echo "$body"
	grep -q 'Hello MyWorld!' <<<"$body" || die "the answer lacks 'Hello MyWorld!'"
	grep -q "Hostname:</b> $short" <<<"$body" || die "the hostname is not the short container id $short"
	echo "OK: greeting from ENV NAME, hostname == short container id ($short)"
	say "what is running"
	run "$NOOK" ps
	run "$NOOK" exec hello python3 -c 'import flask, socket; print("flask", flask.__version__, "on", socket.gethostname())'
	pid=$("$NOOK" inspect --format '{{.State.Pid}}' hello)
	say "the container is an ordinary process of yours (pid $pid) in its own namespaces"
	run "$NOOK" inspect --format '{{.State.Pid}}' hello
	run ls -l "/proc/$pid/ns"
	echo "your shell's for comparison:"
	ls -l /proc/self/ns | tail -n +2 | awk '{print $(NF-2), $NF}'
	ps -o user,pid,cmd -p "$pid" || true
	volume_demo
}

volume_demo() {
	local mp
	say "an anonymous volume"
	run "$NOOK" run -d -v /test --name hello-vol helloworld sleep infinity
	run "$NOOK" exec hello-vol touch /test/made-in-the-container
	vol=$("$NOOK" inspect --format '{{range .Mounts}}{{.Name}}{{end}}' hello-vol)
	run "$NOOK" volume ls
	mp=$("$NOOK" volume inspect --format '{{.Mountpoint}}' "$vol")
	run ls -l "$mp"
	[ -e "$mp/made-in-the-container" ] || die "the file written in the container is not in $mp"
	echo "OK: the file is on the host under the volume's _data"
	run "$NOOK" commit hello-vol hello-snapshot
	printf '$ nook run --rm hello-snapshot ls /test   # volumes are not committed\n'
	[ -z "$("$NOOK" run --rm hello-snapshot ls -A /test)" ] || die "the committed image carries the volume's file"
	"$NOOK" rmi hello-snapshot >/dev/null
	echo "OK: the committed image has an empty /test"
}

as_user() {
	trap cleanup EXIT
	prepare
	tour
	say "cleaning up"
	run "$NOOK" rm -f -v hello hello-vol
	if "$NOOK" volume inspect "$vol" >/dev/null 2>&1; then die "rm -v left the anonymous volume $vol"; fi
	vol=
	say "demo done in $(since "$t0") s"
}

if [ "$(id -u)" -eq 0 ]; then as_root; else as_user; fi
