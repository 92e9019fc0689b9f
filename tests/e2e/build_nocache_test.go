package e2e

import (
	"strings"
	"testing"
)

// --no-cache twice in a row re-runs every step and replaces the cache
// entries; the next cached build reuses the newest result.
func TestBuild_NoCacheTwiceReplacesCache(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + img + "\nRUN cat /proc/sys/kernel/random/uuid > /stamp\n",
	})
	tag := imageName(t)
	nook(t, "build", "--no-cache", "-q", "-t", tag, dir).Ok()
	first := nook(t, "run", "--rm", tag, "cat", "/stamp").Ok().Line()
	nook(t, "build", "--no-cache", "-q", "-t", tag, dir).Ok()
	second := nook(t, "run", "--rm", tag, "cat", "/stamp").Ok().Line()
	if first == second {
		t.Fatalf("--no-cache reused the RUN step: /stamp %s both times", first)
	}
	r := nook(t, "build", "--progress", "plain", "-t", tag, dir).Ok()
	if !strings.Contains(r.Stderr(), "CACHED") {
		r.Fatalf("the build after --no-cache did not use the cache")
	}
	nook(t, "run", "--rm", tag, "cat", "/stamp").Ok().StdoutIs(second)
}
