package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A short name resolves through registries.conf when one configures it:
// its unqualified-search registries, or an alias; the image is then found
// by the same short name.
func TestPull_ShortNamesFollowRegistriesConf(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	repo := uniqueName(t, "shortname")
	ref := reg.Ref(repo + ":1")
	pushTo(t, newCmd(t), busyboxImage(t), ref)
	cfg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "containers"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("unqualified-search-registries = [%q]\n[aliases]\n%q = %q\n", reg.Addr, "bbalias", reg.Addr+"/"+repo)
	if err := os.WriteFile(filepath.Join(cfg, "containers", "registries.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	s := freshStore(t, "XDG_CONFIG_HOME="+cfg)

	r := s.Run("pull", repo+":1").Ok()
	if out := r.Stdout() + r.Stderr(); !strings.Contains(out, "unqualified-search registries") || !strings.Contains(out, ref) {
		r.Fatalf("pull of a short name does not say how it resolved to %s", ref)
	}
	r = s.Run("run", "--rm", repo+":1", "echo", "found").Ok()
	if r.Stdout() != "found\n" || strings.Contains(r.Stderr(), "Unable to find image") {
		r.Fatalf("the pulled image is not found by its short name")
	}
	r = s.Run("pull", "bbalias:1").Ok()
	if out := r.Stdout() + r.Stderr(); !strings.Contains(out, "as an alias") {
		r.Fatalf("pull through an alias does not say so")
	}
	s.Run("image", "inspect", "-f", "{{.Id}}", "bbalias:1").Ok()
}
