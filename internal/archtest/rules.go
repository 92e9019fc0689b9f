package archtest

import (
	"fmt"
	"sort"
	"strings"
)

// Module is nook's module path.
const Module = "github.com/nook-dev/nook"

// layers maps each top-level nook package (relative to Module) to its
// layer. Sub-packages (fuseoverlay/drivertest) share their parent's layer
// and may import the parent.
var layers = map[string]int{
	"cmd/nook": 6,
	// nook-runtime: init, exec and monitor processes; see runtimeForbidden.
	"cmd/nook-runtime": 6,
	// nook-monitor: the monitor alone, pure Go; see monitorForbidden.
	"cmd/nook-monitor": 6,
	"build":            5,
	"container":        4,
	"image":            3,
	"fuseoverlay":      2,
	"monitor":          2,
	// records: read-only container records, shared with nook-runtime.
	"records":  2,
	"userns":   1,
	"sandbox":  1,
	"slirp":    1,
	"volume":   1,
	"cgroups":  1,
	"exec":     1,
	"spec":     0,
	"nsenter":  0,
	"internal": 0,
}

// confined maps a third-party import path prefix to the nook packages
// allowed to import it directly.
var confined = map[string][]string{
	"github.com/urfave/cli":                      {"cmd/nook"},
	"go.podman.io/storage":                       {"image", "fuseoverlay", "container"},
	"go.podman.io/image":                         {"image", "fuseoverlay"},
	"github.com/rootless-containers/rootlesskit": {"slirp"},
	"github.com/moby/buildkit":                   {"build"},
}

// runtimeForbidden are what cmd/nook-runtime must never link, directly or
// not: it starts on every run and exec and a monitor lives as long as its
// container, so it stays free of storage, registries and the frontend.
var runtimeForbidden = []string{
	"go.podman.io/", "github.com/moby/buildkit", "github.com/urfave/cli",
	Module + "/image", Module + "/container", Module + "/build", Module + "/fuseoverlay",
}

// RuntimeViolations lists the packages among deps (the dependencies of
// cmd/nook-runtime) that it must not link.
func RuntimeViolations(deps []string) []string {
	var out []string
	for _, d := range deps {
		for _, f := range runtimeForbidden {
			if strings.HasPrefix(d, f) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// monitorForbidden are what cmd/nook-monitor must never link on top of
// runtimeForbidden: nearly all of a monitor's binary is resident for the
// container's lifetime (issue 5's memory budget), so no cgo constructor
// (nsenter, via userns), no container init or exec code paths beyond
// starting nook-runtime, and no net/http with its crypto, which
// rootlesskit's port package pulled in (third_party/rootlesskit).
var monitorForbidden = []string{
	Module + "/nsenter", Module + "/userns", Module + "/volume",
	"runtime/cgo", "net/http", "crypto/tls", "crypto/x509", "os/user",
	"github.com/containernetworking/",
	"github.com/rootless-containers/rootlesskit/v3/pkg/port/builtin/child",
}

// MonitorViolations lists the packages among deps (the dependencies of
// cmd/nook-monitor) that it must not link.
func MonitorViolations(deps []string) []string {
	var out []string
	for _, d := range deps {
		for _, f := range append(runtimeForbidden[:len(runtimeForbidden):len(runtimeForbidden)], monitorForbidden...) {
			if hasPrefixPath(d, strings.TrimSuffix(f, "/")) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// unchecked are nook packages outside the layering: end-to-end tests and
// this package.
var unchecked = []string{"tests", "internal/archtest"}

// Package is the part of `go list -json` output the rules look at.
type Package struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// rel returns path relative to Module and whether it is a nook package.
func rel(path string) (string, bool) {
	if path == Module {
		return "", true
	}
	r, ok := strings.CutPrefix(path, Module+"/")
	return r, ok
}

func hasPrefixPath(p, prefix string) bool {
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// owner returns the layer-table entry that p (relative) belongs to.
func owner(p string) (string, bool) {
	best := ""
	for k := range layers {
		if hasPrefixPath(p, k) && len(k) > len(best) {
			best = k
		}
	}
	return best, best != ""
}

// Violations returns one line per import edge that breaks the rules,
// sorted. pkgs may include the standard library and third-party packages
// (as `go list -deps` prints them); only nook packages are checked.
func Violations(pkgs []Package) []string {
	var out []string
	for _, p := range pkgs {
		from, ok := rel(p.ImportPath)
		if !ok || skipped(from) {
			continue
		}
		fromOwner, known := owner(from)
		if !known {
			out = append(out, fmt.Sprintf("%s: package not in the layer table (add it to internal/archtest/rules.go and the README)", from))
			continue
		}
		for _, imp := range p.Imports {
			if v := checkEdge(from, fromOwner, imp); v != "" {
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}

func skipped(p string) bool {
	for _, u := range unchecked {
		if hasPrefixPath(p, u) {
			return true
		}
	}
	return false
}

// checkEdge checks one import of package from (relative, in fromOwner).
func checkEdge(from, fromOwner, imp string) string {
	to, nook := rel(imp)
	if !nook {
		return checkThirdParty(from, fromOwner, imp)
	}
	switch {
	case hasPrefixPath(to, "cmd") || hasPrefixPath(to, "tests"):
		return fmt.Sprintf("%s imports %s: nothing may import cmd/ or tests/", from, to)
	case hasPrefixPath(to, "internal"):
		return "" // internal/* is importable from any layer
	}
	toOwner, known := owner(to)
	if !known {
		return fmt.Sprintf("%s imports %s: %s is not in the layer table", from, to, to)
	}
	if toOwner == fromOwner && hasPrefixPath(from, to) {
		return "" // a sub-package (drivertest, nettest) uses its parent
	}
	if layers[toOwner] >= layers[fromOwner] {
		return fmt.Sprintf("%s (L%d) imports %s (L%d): only strictly lower layers may be imported",
			from, layers[fromOwner], to, layers[toOwner])
	}
	return ""
}

func checkThirdParty(from, fromOwner, imp string) string {
	for prefix, allowed := range confined {
		if !hasPrefixPath(imp, prefix) {
			continue
		}
		for _, a := range allowed {
			if fromOwner == a {
				return ""
			}
		}
		return fmt.Sprintf("%s imports %s: %s is confined to %s", from, imp, prefix, strings.Join(allowed, ", "))
	}
	return ""
}
