package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// buildTags are the tags nook is always built with.
const buildTags = "containers_image_openpgp exclude_graphdriver_btrfs"

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// listPackages runs `go list -deps -json ./...` with nook's build tags.
func listPackages(t *testing.T) []Package {
	t.Helper()
	cmd := osexec.Command(goTool(), "list", "-deps", "-json", "-tags", buildTags, "./...")
	cmd.Dir = moduleRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps -json ./...: %v\n%s", err, stderr.String())
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	nook := 0
	for _, p := range pkgs {
		if _, ok := rel(p.ImportPath); ok {
			nook++
		}
	}
	if nook < 5 {
		t.Fatalf("go list found only %d nook packages; is the module path %s?", nook, Module)
	}
	if v := Violations(pkgs); len(v) > 0 {
		t.Fatalf("%d import(s) break the layering (see README, architecture):\n  %s",
			len(v), strings.Join(v, "\n  "))
	}
}

func TestViolations_Table(t *testing.T) {
	m := func(p string) string { return Module + "/" + p }
	cases := []struct {
		name string
		pkg  Package
		want string // substring of the single violation, "" for none
	}{
		{"lower layer is fine", Package{ImportPath: m("container"), Imports: []string{m("image"), m("spec")}}, ""},
		{"internal from anywhere", Package{ImportPath: m("spec"), Imports: []string{m("internal/errdefs")}}, ""},
		{"same layer is refused", Package{ImportPath: m("sandbox"), Imports: []string{m("userns")}}, "only strictly lower"},
		{"upward is refused", Package{ImportPath: m("container"), Imports: []string{m("build")}}, "(L5)"},
		{"cmd is never imported", Package{ImportPath: m("build"), Imports: []string{m("cmd/nook")}}, "nothing may import cmd/"},
		{"sub-package uses its parent", Package{ImportPath: m("fuseoverlay/drivertest"), Imports: []string{m("fuseoverlay")}}, ""},
		{"cli outside cmd", Package{ImportPath: m("image"), Imports: []string{"github.com/urfave/cli/v2"}}, "confined to cmd/nook"},
		{"storage in container", Package{ImportPath: m("container"), Imports: []string{"go.podman.io/storage/pkg/archive"}}, ""},
		{"image lib in container", Package{ImportPath: m("container"), Imports: []string{"go.podman.io/image/v5/types"}}, "confined"},
		{"rootlesskit outside slirp", Package{ImportPath: m("monitor"), Imports: []string{"github.com/rootless-containers/rootlesskit/v3/pkg/port"}}, "confined to slirp"},
		{"buildkit outside build", Package{ImportPath: m("image"), Imports: []string{"github.com/moby/buildkit/frontend/dockerfile/parser"}}, "confined to build"},
		{"unknown package", Package{ImportPath: m("newthing")}, "not in the layer table"},
		{"tests are not checked", Package{ImportPath: m("tests/e2e"), Imports: []string{m("cmd/nook")}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Violations([]Package{tc.pkg})
			switch {
			case tc.want == "" && len(v) != 0:
				t.Fatalf("unexpected violations: %v", v)
			case tc.want != "" && (len(v) != 1 || !strings.Contains(v[0], tc.want)):
				t.Fatalf("got %v, want one containing %q", v, tc.want)
			}
		})
	}
}

func TestMonitorStaysSmall(t *testing.T) {
	// Listed as the Makefile builds it: without cgo.
	cmd := osexec.Command(goTool(), "list", "-deps", "-tags", buildTags, "./cmd/nook-monitor")
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("CGO_ENABLED=0 go list -deps ./cmd/nook-monitor: %v\n%s", err, stderr.String())
	}
	deps := strings.Fields(string(out))
	if v := MonitorViolations(deps); len(v) > 0 {
		t.Errorf("cmd/nook-monitor links packages it must not (its binary stays resident as long as the container):\n%s", strings.Join(v, "\n"))
	}
	for _, want := range []string{Module + "/monitor", "github.com/rootless-containers/rootlesskit/v3/pkg/port/builtin/parent"} {
		if !slicesContains(deps, want) {
			t.Errorf("cmd/nook-monitor does not link %s: is it still the monitor?", want)
		}
	}
	for _, bad := range []string{"net/http", Module + "/nsenter", "github.com/containernetworking/plugins/pkg/ns", "go.podman.io/storage"} {
		if v := MonitorViolations([]string{bad}); len(v) != 1 {
			t.Errorf("MonitorViolations misses %s: %v", bad, v)
		}
	}
	if v := MonitorViolations([]string{"net", "net/netip", Module + "/monitor", Module + "/slirp"}); len(v) != 0 {
		t.Errorf("MonitorViolations refuses what the monitor needs: %v", v)
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestRuntimeStaysSmall(t *testing.T) {
	cmd := osexec.Command(goTool(), "list", "-deps", "-tags", buildTags, "./cmd/nook-runtime")
	cmd.Dir = moduleRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/nook-runtime: %v", err)
	}
	if v := RuntimeViolations(strings.Fields(string(out))); len(v) > 0 {
		t.Errorf("cmd/nook-runtime links packages it must not (it starts on every run and exec):\n%s", strings.Join(v, "\n"))
	}
	if v := RuntimeViolations([]string{"go.podman.io/storage"}); len(v) != 1 {
		t.Errorf("RuntimeViolations misses go.podman.io/storage: %v", v)
	}
}
