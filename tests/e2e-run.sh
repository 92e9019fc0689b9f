#!/usr/bin/env bash
# e2e-run.sh TAGS USER TIMEOUT [TEST FLAGS...] — called by `make test-e2e`
# after `make build`.
#
# As root: runs tests/setup.sh, compiles tests/e2e with `go test -c`, copies
# the test binary and bin/nook to ~USER/e2e and runs the tests there as USER
# in strict mode (an unmet requirement fails).
# As anyone else: checks prerequisites (tests/setup.sh) and runs the tests as
# yourself; strict only if NOOK_TEST_STRICT=1 is set.
set -euo pipefail

tags=$1 user=$2 timeout=$3
shift 3
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
[ -x bin/nook ] || { echo "e2e: bin/nook missing: run make build" >&2; exit 1; }

bash tests/setup.sh

# summarize LOG: the top-level tally as a plain closing line.
summarize() {
	local p f s
	p=$(grep -c '^--- PASS' "$1" || true)
	f=$(grep -c '^--- FAIL' "$1" || true)
	s=$(grep -c '^--- SKIP' "$1" || true)
	echo "e2e: $p passed, $f failed, $s skipped"
}

if [ "$(id -u)" -eq 0 ]; then
	home=$(getent passwd "$user" | cut -d: -f6)
	uid=$(id -u "$user")
	dest=$home/e2e
	install -d -o "$user" -g "$(id -g "$user")" "$dest"
	# Fresh stores a crashed run left behind hold files owned by sub-ids,
	# which only root (or nook unshare) can remove.
	rm -rf -- "$home/e2e-stores"
	go test -c -tags "$tags" -o "$dest/e2e.test" ./tests/e2e
	install -m 0755 bin/nook bin/nook-runtime "$dest/"
	chmod 0755 "$dest/e2e.test"
	log=$dest/e2e.log
	cd "$dest"
	set +e
	runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" \
		XDG_RUNTIME_DIR="/run/user/$uid" NOOK_BIN="$dest/nook" NOOK_FIXTURES="$home/fixtures" \
		NOOK_TEST_STRICT=1 PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
		./e2e.test -test.v -test.timeout "$timeout" "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
else
	out=${XDG_CACHE_HOME:-$HOME/.cache}/nook-test
	mkdir -p "$out"
	go test -c -tags "$tags" -o "$out/e2e.test" ./tests/e2e
	log=$out/e2e.log
	set +e
	NOOK_BIN="$PWD/bin/nook" NOOK_FIXTURES="${NOOK_FIXTURES:-$out/fixtures}" \
		"$out/e2e.test" -test.v -test.timeout "$timeout" "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
fi
summarize "$log"
exit "$rc"
