package container

import (
	"errors"
	"os"
	"testing"

	"github.com/nook-dev/nook/internal/errdefs"
)

func TestLookupOrderIDNamePrefix(t *testing.T) {
	m := &Manager{DataDir: t.TempDir()}
	add := func(id, name string) {
		if err := os.MkdirAll(m.Dir(id), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(m.Dir(id)+"/"+configFile, &Record{ID: id, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	a := "abc1230000000000000000000000000000000000000000000000000000000001"
	b := "abc4560000000000000000000000000000000000000000000000000000000002"
	// A container named like another's ID prefix: the name wins over the prefix.
	add(a, "web")
	add(b, "abc123")
	add(".removing-"+a[:60]+"ffff", "gone")

	cases := []struct{ ref, want string }{
		{a, a}, {"web", a}, {"/web", a}, {"abc123", b}, {"abc4", b},
	}
	for _, c := range cases {
		r, err := m.Lookup(c.ref)
		if err != nil || r.ID != c.want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", c.ref, r, err, c.want[:12])
		}
	}
	if _, err := m.Lookup("abc"); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("ambiguous prefix: got %v, want a conflict", err)
	}
	for _, ref := range []string{"gone", "nosuch", ".removing"} {
		if _, err := m.Lookup(ref); !errors.Is(err, errdefs.ErrNotFound) {
			t.Errorf("Lookup(%q): got %v, want not found", ref, err)
		}
	}
}
