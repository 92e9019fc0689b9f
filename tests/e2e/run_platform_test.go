package e2e

import (
	"strings"
	"testing"
)

// run --platform: the host's platform runs the local image; another one
// is refused with Docker's message when it cannot be pulled.
func TestRun_Platform(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", "--platform", "linux/amd64", img, "echo", "ok").Ok().StdoutIs("ok")
	r := nook(t, "run", "--rm", "--pull", "never", "--platform", "linux/arm64", img, "true").Exit(125)
	if !strings.Contains(r.Stderr(), "does not match the specified platform: wanted linux/arm64, actual: linux/amd64") {
		r.Fatalf("want Docker's platform mismatch error")
	}
	r = nook(t, "create", "--platform", "linux/", img).Exit(125)
	if !strings.Contains(r.Stderr(), "invalid platform") {
		r.Fatalf("want an invalid platform error")
	}
}
