package e2e

import (
	"regexp"
	"testing"
)

// ps -s shows the writable layer's size and the virtual total, as Docker.
func TestPs_SizeShowsWritableLayer(t *testing.T) {
	img := busyboxImage(t)
	name := uniqueName(t, "size")
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	t.Cleanup(func() { nook(t, "rm", "-f", name) })
	nook(t, "exec", name, "sh", "-c", "head -c 300000 /dev/zero > /big").Ok()
	r := nook(t, "ps", "-s", "--filter", "name="+name, "--format", "{{.Names}} {{.Size}}").Ok()
	if !regexp.MustCompile(`^` + name + ` 3\d\dkB \(virtual \d+(\.\d+)?MB\)\n$`).MatchString(r.Stdout()) {
		r.Fatalf("ps -s does not show the 300kB writable layer")
	}
	r = nook(t, "ps", "-s", "--filter", "name="+name).Ok()
	if !regexp.MustCompile(`(?m)^CONTAINER ID .* NAMES +SIZE$`).MatchString(r.Stdout()) {
		r.Fatalf("ps -s table lacks the SIZE column")
	}
}
