package image

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.podman.io/image/v5/types"
)

func names(t *testing.T, sys *types.SystemContext, ref string) ([]string, string) {
	t.Helper()
	cands, how, err := resolvePullRef(sys, ref)
	if err != nil {
		t.Fatalf("resolvePullRef(%q): %v", ref, err)
	}
	var out []string
	for _, c := range cands {
		out = append(out, c.String())
	}
	return out, how
}

func TestResolvePullRef(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "registries.conf")
	empty := &types.SystemContext{SystemRegistriesConfPath: conf, SystemRegistriesConfDirPath: filepath.Join(dir, "d")}
	os.WriteFile(conf, nil, 0o644)
	// Without a configuration: Docker's rule.
	if got, how := names(t, empty, "alpine"); !reflect.DeepEqual(got, []string{"docker.io/library/alpine:latest"}) || how != "" {
		t.Errorf("alpine without registries.conf = %v (%q)", got, how)
	}
	if got, _ := names(t, empty, "127.0.0.1:5000/app:1"); !reflect.DeepEqual(got, []string{"127.0.0.1:5000/app:1"}) {
		t.Errorf("qualified = %v", got)
	}
	// containers/image caches a configuration by path: use another file.
	conf = filepath.Join(dir, "registries2.conf")
	os.WriteFile(conf, []byte(`unqualified-search-registries = ["registry.example", "quay.io"]
[aliases]
"web" = "registry.example/team/web"
`), 0o644)
	sys := &types.SystemContext{SystemRegistriesConfPath: conf, SystemRegistriesConfDirPath: filepath.Join(dir, "d")}
	if got, how := names(t, sys, "app:2"); !reflect.DeepEqual(got, []string{"registry.example/app:2", "quay.io/app:2"}) || how == "" {
		t.Errorf("app:2 with search registries = %v (%q)", got, how)
	}
	if got, how := names(t, sys, "web"); !reflect.DeepEqual(got, []string{"registry.example/team/web:latest"}) || how == "" {
		t.Errorf("alias = %v (%q)", got, how)
	}
	if _, _, err := resolvePullRef(sys, "Bad:Name:x"); err == nil {
		t.Error("an invalid reference resolved")
	}
}
