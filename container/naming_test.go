package container

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
)

// openVFS opens a separate handle on one vfs store in dir, as a separate
// nook process would.
func openVFS(t *testing.T, dir string) *Manager {
	t.Helper()
	st, err := image.Open(image.Options{DataDir: dir, RunDir: dir + "/run", Driver: "vfs"})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return &Manager{Store: st, DataDir: dir, RunDir: dir + "/run"}
}

// Concurrent creators that all draw the same names (the worst case of the
// random draw) must still each end up with a distinct, free name: the draw
// and the registration happen under one lock.
func TestRegister_ConcurrentGeneratedNamesNeverCollide(t *testing.T) {
	saved := generateName
	t.Cleanup(func() { generateName = saved })
	generateName = func(id string, taken func(string) bool) string {
		for i := range 100 {
			if n := fmt.Sprintf("same_draw%d", i); !taken(n) {
				return n
			}
		}
		return id[:12]
	}
	dir := t.TempDir()
	const n = 8
	managers := make([]*Manager, n)
	for i := range managers {
		managers[i] = openVFS(t, dir)
	}
	recs := make([]*Record, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		recs[i] = &Record{ID: newID()}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = managers[i].register(recs[i], "", nil)
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("creator %d: %v", i, err)
		}
		if seen[recs[i].Name] {
			t.Fatalf("name %q given twice", recs[i].Name)
		}
		seen[recs[i].Name] = true
	}
}

func TestRegister_TakenNameIsConflict(t *testing.T) {
	m := openVFS(t, t.TempDir())
	first := &Record{ID: newID(), Name: "web"}
	if err := m.register(first, "", nil); err != nil {
		t.Fatal(err)
	}
	err := m.register(&Record{ID: newID(), Name: "web"}, "", nil)
	want := `Conflict. The container name "/web" is already in use by container "` + first.ID +
		`". You have to remove (or rename) that container to be able to reuse that name.`
	if !errors.Is(err, errdefs.ErrConflict) || err.Error() != want {
		t.Fatalf("second register of one name: got %v, want a conflict: %s", err, want)
	}
}
