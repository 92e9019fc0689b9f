# flagship.sh — issue 9's yardstick: the cached rebuild of the flagship
# example, `nook build -t helloworld examples/helloworld` (7 steps on the
# Debian+Flask base, everything cached), next to `podman build` of the same
# Dockerfile on the same base (target: nook <= 100 ms).
#
# The base is the fixture tests/setup.sh builds next to FIXTURE
# (debian-flask-bookworm.tar); Podman gets it through `nook save` and
# `podman load`. The example is examples/helloworld, copied next to BENCH_AREAS
# by tests/bench.sh (or the checkout's when run from it).

# bench_flagship OUTDIR NOOK FIXTURE BENCHRUN
bench_flagship() {
	local out=$1 nook=$2 fx b=$4 ctx base=debian-flask:bookworm d
	fx=$(dirname -- "$3")/debian-flask-bookworm.tar
	for d in "$BENCH_AREAS/../examples/helloworld" "$BENCH_AREAS/../../examples/helloworld"; do
		[ -f "$d/Dockerfile" ] && { ctx=$(cd -- "$d" && pwd); break; }
	done
	if [ -z "${ctx:-}" ]; then
		echo "flagship: examples/helloworld not found next to $BENCH_AREAS: not measured" >&2
		return 1
	fi
	if ! "$nook" image inspect "$base" >/dev/null 2>&1; then
		[ -s "$fx" ] || { echo "flagship: $fx missing (tests/setup.sh builds it as root): not measured" >&2; return 1; }
		"$nook" import "$fx" "$base" >/dev/null
	fi
	"$nook" build -q -t bench-helloworld "$ctx" >/dev/null
	"$b" -n "$N" -label "nook build -t helloworld examples/helloworld (fully cached)" -- \
		"$nook" build -q -t bench-helloworld "$ctx"
	if ! command -v podman >/dev/null; then
		echo "flagship: podman not installed: no comparison"
		return 0
	fi
	if ! podman image exists "$base"; then
		"$nook" save -o "$out/flagship-base.tar" "$base"
		podman load -q -i "$out/flagship-base.tar" >/dev/null
		rm -f -- "$out/flagship-base.tar"
	fi
	podman info --format 'podman storage: {{.Store.GraphDriverName}}' 2>/dev/null || true
	podman build -q -t bench-helloworld "$ctx" >/dev/null
	"$b" -n "$N" -label "podman build of examples/helloworld (fully cached)" -- \
		podman build -q -t bench-helloworld "$ctx"
}
