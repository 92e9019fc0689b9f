#!/usr/bin/env bash
# setup.sh — prepare this machine for nook's end-to-end tests.
#
# As root (make test-e2e, .ci/run): installs the packages the tests use (only
# those missing), creates the unprivileged user $NOOK_TEST_USER (nooktest) with
# /etc/subuid and /etc/subgid ranges, opens /dev/fuse and /dev/net/tun, creates
# /run/user/UID and builds the fixtures as that user under its home.
# Also creates $NOOK_NOSUB_USER (nooknosub): a user WITHOUT subordinate ids,
# as whom tests/e2e-run.sh runs the doctor tests for that broken set-up.
# Idempotent: a second run only checks and returns.
#
# As any other user: installs nothing. It checks the prerequisites for running
# the tests as yourself, says what is missing, and builds the fixtures in
# $NOOK_FIXTURES (default ~/.cache/nook-test/fixtures).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
user=${NOOK_TEST_USER:-nooktest}
packages=(uidmap slirp4netns fuse-overlayfs busybox-static passt docker-registry
	apache2-utils curl iproute2 mmdebstrap gcc libc6-dev git ca-certificates procps
	# Podman is the interchange partner of save/load and the benchmarks'
	# yardstick; here it needs runc (the tests give it its own config).
	podman runc
	# setcap: a commit test gives a file a capability (security.capability).
	libcap2-bin
	# C headers so that plain `go vet ./...` and `go build` (without the
	# Makefile's tags) compile containers/storage and containers/image too.
	libgpgme-dev libbtrfs-dev pkg-config)
# command -> package, for the non-root check.
declare -A provides=(
	[newuidmap]=uidmap [newgidmap]=uidmap [slirp4netns]=slirp4netns
	[fuse-overlayfs]=fuse-overlayfs [pasta]=passt [docker-registry]=docker-registry
	[htpasswd]=apache2-utils [curl]=curl [ip]=iproute2 [mmdebstrap]=mmdebstrap
	[podman]=podman [runc]=runc [ps]=procps [setcap]=libcap2-bin
)

log() { printf 'setup: %s\n' "$*" >&2; }

# build_fixtures DIR [USER]: (re)build the fixtures in DIR when their recipe
# changed. With USER (root only), the build itself runs as that user: it
# proves the fixture scripts need no root and leaves the files owned by it.
# The script is copied into DIR first, as USER may not be able to read the
# checkout.
build_fixtures() {
	local dir=$1 owner=${2:-} stamp run=()
	stamp=$(cat "$here/fixtures/busybox-rootfs.sh" /bin/busybox | sha256sum | cut -d' ' -f1)
	if [ -s "$dir/busybox.tar" ] && [ "$(cat "$dir/busybox.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	if [ -n "$owner" ]; then
		install -d -o "$owner" -g "$(id -g "$owner")" "$dir"
		run=(runuser -u "$owner" --)
	else
		mkdir -p -- "$dir"
	fi
	install -m 0755 "$here/fixtures/busybox-rootfs.sh" "$dir/.busybox-rootfs.sh"
	"${run[@]}" bash "$dir/.busybox-rootfs.sh" "$dir/busybox.tar"
	rm -f "$dir/.busybox-rootfs.sh"
	printf '%s\n' "$stamp" >"$dir/busybox.stamp"
	log "built $dir/busybox.tar"
}

prepare_devices() {
	local uid d
	for d in /dev/fuse /dev/net/tun; do
		if [ -c "$d" ]; then chmod 0666 "$d"; else log "warning: $d missing (fuse-overlayfs/slirp4netns tests will fail)"; fi
	done
	uid=$(id -u "$user")
	install -d -m 0700 -o "$user" -g "$(id -g "$user")" "/run/user/$uid"
}

install_packages() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# docker-registry's maintainer script tries to start a service; there is
	# no init system here, so tell it not to.
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	rm -f /usr/sbin/policy-rc.d
}

# next_free_id FILE: first id above every range in /etc/subuid and /etc/subgid.
next_free_id() {
	awk -F: 'BEGIN{m=100000} NF>=3 {e=$2+$3; if (e>m) m=e} END{print m}' /etc/subuid /etc/subgid 2>/dev/null
}

create_user() {
	if ! id -u "$user" >/dev/null 2>&1; then
		log "creating user $user"
		useradd --create-home --home-dir "/home/$user" --shell /bin/bash "$user"
	fi
	local f start
	touch /etc/subuid /etc/subgid
	for f in /etc/subuid /etc/subgid; do
		grep -q "^$user:" "$f" && continue
		start=$(next_free_id)
		log "adding $user:$start:65536 to $f"
		printf '%s:%s:65536\n' "$user" "$start" >>"$f"
	done
}

# create_nosub_user: a second test user with no /etc/subuid or /etc/subgid
# line (nook doctor must report it with the fix) and its runtime dir.
create_nosub_user() {
	local u=${NOOK_NOSUB_USER:-nooknosub} f
	id -u "$u" >/dev/null 2>&1 || { log "creating user $u (no subordinate ids)"; useradd --create-home --shell /bin/bash "$u"; }
	for f in /etc/subuid /etc/subgid; do
		if grep -q "^$u:\|^$(id -u "$u"):" "$f"; then
			log "removing $u's line from $f (it must have none)"
			sed -i "/^$u:/d; /^$(id -u "$u"):/d" "$f"
		fi
	done
	install -d -m 0700 -o "$u" -g "$(id -g "$u")" "/run/user/$(id -u "$u")"
}

# build_debian_fixture DIR [USER]: the Debian bookworm + Flask rootfs tar
# for the flagship example and the Debian build tests
# (tests/fixtures/debian-base.sh, ~20 s from deb.debian.org the first time,
# then cached by its recipe). Without the mirror only warn: the tests that
# need it fail with a clear message in strict mode.
build_debian_fixture() {
	local dir=$1 owner=${2:-} run=(env)
	[ -n "$owner" ] && run=(runuser -u "$owner" -- env HOME="$(getent passwd "$owner" | cut -d: -f6)")
	install -m 0755 "$here/fixtures/debian-base.sh" "$dir/.debian-base.sh"
	if ! (cd "$dir" && "${run[@]}" NOOK_BASE_NO_IMPORT=1 bash "$dir/.debian-base.sh" "$dir/debian-flask-bookworm.tar"); then
		log "warning: could not build $dir/debian-flask-bookworm.tar (the flagship example's and Debian build tests will fail)"
	fi
	rm -f "$dir/.debian-base.sh"
}

as_root() {
	install_packages
	create_user
	create_nosub_user
	prepare_devices
	local home fx
	home=$(getent passwd "$user" | cut -d: -f6)
	fx=${NOOK_FIXTURES:-$home/fixtures}
	build_fixtures "$fx" "$user"
	build_debian_fixture "$fx" "$user"
	log "ready: user $user (uid $(id -u "$user")), fixtures in $fx"
}

as_user() {
	local problems=() c me uid
	me=$(id -un)
	uid=$(id -u)
	for c in "${!provides[@]}"; do
		command -v "$c" >/dev/null 2>&1 || problems+=("$c not found: apt-get install ${provides[$c]}")
	done
	[ -x /bin/busybox ] || problems+=("/bin/busybox not found: apt-get install busybox-static")
	grep -q "^$me:\|^$uid:" /etc/subuid 2>/dev/null ||
		problems+=("no /etc/subuid range for $me: sudo usermod --add-subuids 200000-265535 $me")
	grep -q "^$me:\|^$uid:" /etc/subgid 2>/dev/null ||
		problems+=("no /etc/subgid range for $me: sudo usermod --add-subgids 200000-265535 $me")
	for c in /dev/fuse /dev/net/tun; do
		[ -r "$c" ] && [ -w "$c" ] || problems+=("$c is not read-writable for you: sudo chmod 0666 $c")
	done
	if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -O "${XDG_RUNTIME_DIR}" ]; then
		problems+=("XDG_RUNTIME_DIR='${XDG_RUNTIME_DIR:-}' is not a directory you own (e.g. sudo install -d -m 0700 -o $me /run/user/$uid)")
	fi
	if [ ${#problems[@]} -gt 0 ]; then
		log "missing prerequisites (or run 'sudo make test-e2e', which sets up a test user):"
		printf '  - %s\n' "${problems[@]}" >&2
		exit 1
	fi
	local fx=${NOOK_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/nook-test/fixtures}
	build_fixtures "$fx"
	build_debian_fixture "$fx"
}

if [ "$(id -u)" -eq 0 ]; then as_root; else as_user; fi
