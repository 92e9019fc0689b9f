package volume

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nook-dev/nook/internal/errdefs"
)

func TestCreate_NamedAndAnonymous(t *testing.T) {
	s := New(t.TempDir())
	v, err := s.Create(CreateOptions{Name: "pgdata", Labels: map[string]string{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "pgdata" || v.Anonymous() || v.Mountpoint != filepath.Join(s.Root(), "pgdata", "_data") {
		t.Fatalf("unexpected volume %+v", v)
	}
	if fi, err := os.Stat(v.Mountpoint); err != nil || !fi.IsDir() {
		t.Fatalf("no _data directory: %v", err)
	}
	again, err := s.Create(CreateOptions{Name: "pgdata"})
	if err != nil || again.Labels["a"] != "b" {
		t.Fatalf("creating an existing name should return it: %+v %v", again, err)
	}
	anon, err := s.Create(CreateOptions{Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(anon.Name) != 64 || !anon.Anonymous() {
		t.Fatalf("anonymous volume %+v", anon)
	}
	unnamed, err := s.Create(CreateOptions{})
	if err != nil || len(unnamed.Name) != 64 || unnamed.Anonymous() {
		t.Fatalf("volume create without a name: %+v %v", unnamed, err)
	}
	list, err := s.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %v %v", list, err)
	}
	if list[0].Name > list[1].Name || list[1].Name > list[2].Name {
		t.Fatal("list is not sorted by name")
	}
}

func TestCreate_Errors(t *testing.T) {
	s := New(t.TempDir())
	if _, err := s.Create(CreateOptions{Name: "bad/name"}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("bad name: %v", err)
	}
	if _, err := s.Create(CreateOptions{Name: "x", Driver: "nfs"}); err == nil {
		t.Error("unknown driver accepted")
	}
}

func TestInspect_DockerShape(t *testing.T) {
	s := New(t.TempDir())
	v, _ := s.Create(CreateOptions{Anonymous: true})
	b, err := json.Marshal(v.Inspect())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"} {
		if _, ok := m[k]; !ok {
			t.Errorf("inspect lacks %s: %s", k, b)
		}
	}
	if m["Scope"] != "local" || m["Driver"] != "local" {
		t.Errorf("scope/driver: %s", b)
	}
	if _, ok := m["Labels"].(map[string]any)[AnonymousLabel]; !ok {
		t.Errorf("anonymous label missing: %s", b)
	}
}

func TestGet_NotFound(t *testing.T) {
	s := New(t.TempDir())
	for _, n := range []string{"nope", "", "..", ".lock", "a/b"} {
		if _, err := s.Get(n); !errors.Is(err, errdefs.ErrNotFound) {
			t.Errorf("%q: %v", n, err)
		}
	}
}

func TestRemove(t *testing.T) {
	s := New(t.TempDir())
	v, _ := s.Create(CreateOptions{Name: "busy"})
	os.WriteFile(filepath.Join(v.Mountpoint, "f"), []byte("x"), 0o644)
	inUse := func(name string) []string {
		if name == "busy" {
			return []string{"abc", "def"}
		}
		return nil
	}
	err := s.Remove("busy", false, inUse)
	if err == nil || err.Error() != "remove busy: volume is in use - [abc, def]" || !errors.Is(err, errdefs.ErrConflict) {
		t.Fatalf("in-use error: %v", err)
	}
	if err := s.Remove("busy", true, inUse); err == nil {
		t.Fatal("force removed a volume in use (Docker refuses)")
	}
	if err := s.Remove("busy", false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "busy")); !os.IsNotExist(err) {
		t.Fatalf("directory left: %v", err)
	}
	if err := s.Remove("busy", false, nil); err == nil || err.Error() != "get busy: no such volume" {
		t.Fatalf("missing volume: %v", err)
	}
	if err := s.Remove("busy", true, nil); err != nil {
		t.Fatalf("force on a missing volume: %v", err)
	}
}

func TestRemove_ReadOnlyContent(t *testing.T) {
	s := New(t.TempDir())
	v, _ := s.Create(CreateOptions{Name: "ro"})
	d := filepath.Join(v.Mountpoint, "locked")
	os.Mkdir(d, 0o755)
	os.WriteFile(filepath.Join(d, "f"), nil, 0o444)
	os.Chmod(d, 0o555)
	if err := s.Remove("ro", false, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPrune(t *testing.T) {
	s := New(t.TempDir())
	named, _ := s.Create(CreateOptions{Name: "named"})
	anon, _ := s.Create(CreateOptions{Anonymous: true})
	used, _ := s.Create(CreateOptions{Anonymous: true})
	unnamed, _ := s.Create(CreateOptions{})
	os.WriteFile(filepath.Join(anon.Mountpoint, "f"), []byte("123456"), 0o644)
	inUse := func(n string) []string {
		if n == used.Name {
			return []string{"ctr"}
		}
		return nil
	}
	rep, err := s.Prune(Filter{}, inUse)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Deleted) != 1 || rep.Deleted[0] != anon.Name || rep.SpaceReclaimed != 6 {
		t.Fatalf("default prune: %+v", rep)
	}
	rep, err = s.Prune(Filter{All: true}, inUse)
	if err != nil || len(rep.Deleted) != 2 || !contains(rep.Deleted, named.Name) || !contains(rep.Deleted, unnamed.Name) {
		t.Fatalf("prune -a: %+v %v", rep, err)
	}
	if _, err := s.Get(used.Name); err != nil {
		t.Fatal("a used volume was pruned")
	}
}

func TestFilter(t *testing.T) {
	v := Volume{Name: "pgdata", Driver: "local", Labels: map[string]string{"env": "prod", "x": ""}}
	tests := []struct {
		args []string
		used bool
		want bool
	}{
		{nil, true, true},
		{[]string{"dangling=true"}, true, false},
		{[]string{"dangling=true"}, false, true},
		{[]string{"dangling=0"}, true, true},
		{[]string{"name=pg"}, false, true},
		{[]string{"name=^data"}, false, false},
		{[]string{"name=zz", "name=data"}, false, true},
		{[]string{"label=env"}, false, true},
		{[]string{"label=env=prod", "label=x"}, false, true},
		{[]string{"label=env=dev"}, false, false},
		{[]string{"label!=env"}, false, false},
		{[]string{"driver=local"}, false, true},
	}
	for _, tt := range tests {
		f, err := ParseFilters(tt.args, "dangling", "name", "driver", "label")
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Match(v, tt.used); got != tt.want {
			t.Errorf("%v used=%v: got %v", tt.args, tt.used, got)
		}
	}
	for _, bad := range []string{"dangling=maybe", "color=red", "name", "name!=x"} {
		if _, err := ParseFilters([]string{bad}, "dangling", "name", "driver", "label"); err == nil ||
			!strings.HasPrefix(err.Error(), "invalid filter") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// Two stores (as two CLI processes would) creating the same and different
// volumes at once must neither fail nor corrupt metadata.
func TestCreate_Concurrent(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := New(dir)
			for j := 0; j < 4; j++ {
				if _, err := s.Create(CreateOptions{Name: "shared"}); err != nil {
					errs <- err
				}
				if _, err := s.Create(CreateOptions{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := New(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1+16*4 {
		t.Fatalf("%d volumes, want %d", len(list), 1+16*4)
	}
	ents, _ := os.ReadDir(New(dir).Root())
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tmpPre) {
			t.Errorf("temporary directory left: %s", e.Name())
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
