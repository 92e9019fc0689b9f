package userns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The fix for a missing range starts above every range of both files, so
// the suggested usermod can never overlap another user's ids.
func TestSubIDCheck_MissingRangeFixIsFree(t *testing.T) {
	dir := t.TempDir()
	uid := writeFile(t, dir, "subuid", "alice:100000:65536\nbob:165536:65536\n")
	gid := writeFile(t, dir, "subgid", "alice:100000:65536\ncarol:300000:1000\n")
	free := FreeSubIDStart(uid, gid)
	if free != 301000 {
		t.Fatalf("FreeSubIDStart = %d, want 301000", free)
	}
	c := subIDCheck(uid, "subuid", "dave", 1005, free)
	if c.Status != StatusFail || !strings.Contains(c.Detail, "dave has 0 subordinate ids") {
		t.Fatalf("check = %+v", c)
	}
	want := "sudo usermod --add-subuids 301000-366535 --add-subgids 301000-366535 dave"
	if c.Fix != want {
		t.Fatalf("fix %q, want %q", c.Fix, want)
	}
	// An entry by numeric uid counts for the user, in subgid too.
	if c := subIDCheck(gid, "subgid", "erin", 300000, free); c.Status != StatusFail {
		t.Fatalf("erin has no range: %+v", c)
	}
	g2 := writeFile(t, dir, "subgid2", "1007:400000:65536\n")
	if c := subIDCheck(g2, "subgid", "frank", 1007, free); c.Status != StatusOK {
		t.Fatalf("frank's entry by uid: %+v", c)
	}
}

func TestSubIDCheck_Overlap(t *testing.T) {
	dir := t.TempDir()
	uid := writeFile(t, dir, "subuid", "alice:100000:65536\nbob:150000:65536\n")
	c := subIDCheck(uid, "subuid", "bob", 1001, FreeSubIDStart(uid))
	if c.Status != StatusFail || !strings.Contains(c.Detail, "overlaps alice's") {
		t.Fatalf("check = %+v", c)
	}
	if want := "sudo usermod --del-subuids 150000-215535 bob --add-subuids 215536-281071 bob"; c.Fix != want {
		t.Fatalf("fix %q, want %q", c.Fix, want)
	}
}

func TestIdmapTool_OutsidePathNamesTheDirectory(t *testing.T) {
	if _, err := os.Stat("/usr/bin/newuidmap"); err != nil {
		t.Skip("newuidmap is not installed in /usr/bin")
	}
	t.Setenv("PATH", t.TempDir())
	c := idmapTool("newuidmap")
	if c.Status != StatusFail || !strings.Contains(c.Detail, "/usr/bin/newuidmap exists") ||
		!strings.Contains(c.Fix, `export PATH="$PATH:/usr/bin"`) {
		t.Fatalf("check = %+v", c)
	}
}

func TestMappedIDs(t *testing.T) {
	p := writeFile(t, t.TempDir(), "uid_map", "         0       1003          1\n         1     231072      65536\n")
	if n, err := mappedIDs(p); err != nil || n != 65537 {
		t.Fatalf("mappedIDs = %d, %v", n, err)
	}
}
