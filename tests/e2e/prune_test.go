package e2e

import (
	"strings"
	"testing"
)

func TestPrune_ContainersImagesBuildCache(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	s.Run("run", "--name", "stopped", img, "true").Ok()
	s.Run("run", "-d", "--name", "running", img, "sleep", "300").Ok()
	out := s.Run("container", "prune", "-f").Ok().Stdout()
	if !strings.Contains(out, "Deleted Containers:") {
		t.Fatalf("container prune output:\n%s", out)
	}
	s.Run("ps", "-a", "--format", "{{.Names}}").Ok().StdoutIs("running")
	// A dangling image goes; a tagged one stays.
	s.Run("tag", img, "extra:v1").Ok()
	s.Run("rmi", "extra:v1").Ok()
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN echo a > /a\n"})
	s.Run("build", "-q", "-t", "tmp:v1", dir).Ok()
	s.Run("rmi", "tmp:v1").Ok()
	// Nothing is dangling here (rmi removed the image): as docker/cli,
	// only the total, no empty "Deleted Images:" header.
	s.Run("system", "prune", "-f").Ok().StdoutMatches(`^Total reclaimed space: [0-9.]+[kMG]?B\n$`)
	s.Run("images", "--format", "{{.Repository}}").Ok().StdoutIs("busybox")
	s.Run("builder", "prune", "-f").Ok()
	s.Run("rm", "-f", "running").Ok()
}
