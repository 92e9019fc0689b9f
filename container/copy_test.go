package container

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nook-dev/nook/spec"
)

// docker cp's naming rules, on plain directories.
func TestCopyPath_DockerNaming(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "dir", "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "dir", "sub", "f"), []byte("f"), 0o644)
	os.WriteFile(filepath.Join(src, "file"), []byte("data"), 0o644)
	dst := t.TempDir()
	os.Mkdir(filepath.Join(dst, "existing"), 0o755)
	os.WriteFile(filepath.Join(dst, "afile"), []byte("old"), 0o644)
	exists := func(p string) bool { _, err := os.Lstat(filepath.Join(dst, p)); return err == nil }
	for _, c := range []struct {
		name     string
		src, dst string
		contents bool
		want     string // a path under dst that must exist afterwards
		fails    bool
	}{
		{"file into an existing directory keeps its name", "file", "existing", false, "existing/file", false},
		{"file to a new name", "file", "renamed", false, "renamed", false},
		{"file over an existing file", "file", "afile", false, "afile", false},
		{"directory to a new name is the copy", "dir", "newdir", false, "newdir/sub/f", false},
		{"directory into an existing directory", "dir", "existing", false, "existing/dir/sub/f", false},
		{"SRC/. copies the content", "dir", "existing", true, "existing/sub/f", false},
		{"directory onto a file fails", "dir", "afile", false, "", true},
		{"missing destination directory fails", "file", "nope/x", false, "", true},
		{"trailing slash on a missing directory fails", "file", "missing/", false, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := filepath.Join(dst, c.dst)
			if c.dst[len(c.dst)-1] == '/' {
				d += "/"
			}
			_, err := copyPath(filepath.Join(src, c.src), c.src, d, c.contents, CopyOptions{})
			if c.fails {
				if err == nil {
					t.Fatal("copy succeeded")
				}
				return
			}
			if err != nil || !exists(c.want) {
				t.Fatalf("err %v, %s exists: %v", err, c.want, exists(c.want))
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "afile")); string(b) != "data" {
		t.Errorf("existing file not replaced: %q", b)
	}
}

func TestResolveSource_LastSymlinkKept(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.Symlink("/etc", filepath.Join(root, "link"))
	os.Symlink("/etc/passwd", filepath.Join(root, "etc", "pw"))
	got, err := resolveSource(root, "/link/pw", false)
	if err != nil || got != filepath.Join(root, "etc", "pw") {
		t.Fatalf("resolveSource = %q %v: inner links resolve in the root, the last is kept", got, err)
	}
	got, err = resolveSource(root, "/link/pw", true)
	if err != nil || got != filepath.Join(root, "etc", "passwd") {
		t.Fatalf("follow: %q %v, want the root's /etc/passwd", got, err)
	}
}

func TestContentsOnly(t *testing.T) {
	for p, want := range map[string]bool{"/data/.": true, ".": true, "/data": false, "/data/": false, "./x": false} {
		if contentsOnly(p) != want {
			t.Errorf("contentsOnly(%q) = %v", p, !want)
		}
	}
}

func TestMountFor_DeepestVolumeOrBind(t *testing.T) {
	r := &Record{}
	r.Spec.Mounts = []spec.Mount{
		{Type: "volume", Source: "/vols/v/_data", Destination: "/data"},
		{Type: "bind", Source: "/host/ro", Destination: "/data/ro/", Options: []string{"ro"}},
		{Type: "tmpfs", Source: "tmpfs", Destination: "/data/tmp"},
	}
	for p, want := range map[string][3]string{
		"/etc/passwd":     {"/root", "/etc/passwd", ""},
		"/data":           {"/vols/v/_data", "/", ""},
		"/data/x/y":       {"/vols/v/_data", "/x/y", ""},
		"/data/ro/f":      {"/host/ro", "/f", "ro"},
		"/data/rox":       {"/vols/v/_data", "/rox", ""},
		"/data/tmp/f":     {"/vols/v/_data", "/tmp/f", ""},
		"data/../data/./": {"/vols/v/_data", "/", ""},
	} {
		base, rel, ro := mountFor(r, "/root", p)
		if base != want[0] || rel != want[1] || ro != (want[2] == "ro") {
			t.Errorf("mountFor(%q) = %q %q %v, want %v", p, base, rel, ro, want)
		}
	}
}
