package exec

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nook-dev/nook/spec"
)

func TestCLIProcess_AppliesOptions(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("A=1\n# no\nB=2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, ok := ParseCLI([]string{"--env-file", envFile, "-e", "B=3", "-u", "1:2", "-w", "/x", "--privileged", "ctr", "sh", "-c", "id"})
	if !ok {
		t.Fatal("ParseCLI refused a plain command line")
	}
	base := spec.Process{Args: []string{"sleep"}, Env: []string{"PATH=/bin"}, User: "0", Cwd: "/", Capabilities: []string{"CAP_CHOWN"}}
	p, err := c.Process(base, []string{"CAP_ALL"})
	if err != nil {
		t.Fatal(err)
	}
	want := spec.Process{Args: []string{"sh", "-c", "id"}, Env: []string{"PATH=/bin", "A=1", "B=2", "B=3"}, User: "1:2", Cwd: "/x", Capabilities: []string{"CAP_ALL"}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Process = %+v\nwant      %+v", p, want)
	}
	if len(base.Env) != 1 {
		t.Errorf("the container's environment was changed: %v", base.Env)
	}
	if _, err := (CLI{Set: map[string][]string{"env-file": {"/nonexistent/env"}}}).Process(base, nil); err == nil {
		t.Error("a missing env file is not an error")
	}
}
