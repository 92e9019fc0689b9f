package build

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func makeTar(t *testing.T, gz bool, entries ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	var tw *tar.Writer
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	} else {
		tw = tar.NewWriter(&buf)
	}
	for _, h := range entries {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(h.Name))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			_, _ = tw.Write([]byte(h.Name))
		}
	}
	_ = tw.Close()
	if zw != nil {
		_ = zw.Close()
	}
	return buf.Bytes()
}

func TestArchivePath_RejectsTraversal(t *testing.T) {
	for _, name := range []string{"../x", "a/../../x", "/../../etc/passwd", ".."} {
		if _, err := archivePath(name); err == nil {
			t.Errorf("archivePath(%q) accepted", name)
		}
	}
	for in, want := range map[string]string{"/etc/x": "etc/x", "./a/./b": "a/b", "a/b/../c": "a/c", "./": ""} {
		if got, err := archivePath(in); err != nil || got != want {
			t.Errorf("archivePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// extractEntries runs extractTar below /dest and returns the written names.
func extractEntries(t *testing.T, archive []byte) (map[string]*tar.Header, error) {
	t.Helper()
	tr, closer, ok, err := openArchive(bytes.NewReader(archive))
	if err != nil || !ok {
		t.Fatalf("openArchive: ok=%v err=%v", ok, err)
	}
	defer closer()
	var out bytes.Buffer
	lw := newLayerWriter(&out, "")
	if err := extractTar(tr, lw, "/dest", func(*tar.Header) {}); err != nil {
		return nil, err
	}
	_ = lw.Close()
	got := map[string]*tar.Header{}
	r := tar.NewReader(&out)
	for {
		h, err := r.Next()
		if err != nil {
			break
		}
		got[h.Name] = h
	}
	return got, nil
}

func TestExtractTar_StaysInsideRoot(t *testing.T) {
	// A symlink to / followed by a file "through" it must land inside the
	// rootfs (resolved as in a chroot), never as an escaping tar name.
	arch := makeTar(t, true,
		&tar.Header{Name: "esc", Typeflag: tar.TypeSymlink, Linkname: "../../../../"},
		&tar.Header{Name: "esc/etc/evil", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "abs", Typeflag: tar.TypeSymlink, Linkname: "/tmp"},
		&tar.Header{Name: "abs/x", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "ok/file", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "ok/hard", Typeflag: tar.TypeLink, Linkname: "ok/file"},
	)
	got, err := extractEntries(t, arch)
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range got {
		if strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
			t.Errorf("unclean entry %q", name)
		}
		if h.Typeflag == tar.TypeLink && h.Linkname != "dest/ok/file" {
			t.Errorf("hard link %q -> %q", name, h.Linkname)
		}
	}
	for _, want := range []string{"etc/evil", "tmp/x", "dest/ok/file", "dest/ok/hard"} {
		if got[want] == nil {
			t.Errorf("missing %q in %v", want, keys(got))
		}
	}
}

func TestExtractTar_Rejects(t *testing.T) {
	for name, arch := range map[string][]byte{
		"dotdot":         makeTar(t, false, &tar.Header{Name: "../../etc/passwd", Typeflag: tar.TypeReg}),
		"hardlink out":   makeTar(t, false, &tar.Header{Name: "h", Typeflag: tar.TypeLink, Linkname: "../../etc/shadow"}),
		"hardlink lower": makeTar(t, false, &tar.Header{Name: "h", Typeflag: tar.TypeLink, Linkname: "etc/shadow"}),
		"whiteout":       makeTar(t, false, &tar.Header{Name: ".wh.etc", Typeflag: tar.TypeReg}),
	} {
		if _, err := extractEntries(t, arch); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestBuild_AddArchiveAndURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
		fmt.Fprint(w, "remote")
	}))
	defer srv.Close()
	be := newMemBackend(t)
	be.addBase(t, "busybox")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nADD a.tgz /opt/\nADD " + srv.URL + "/file.txt /dl/\n"})
	if err := os.WriteFile(filepath.Join(dir, "a.tgz"), makeTar(t, true, &tar.Header{Name: "pkg/bin", Typeflag: tar.TypeReg, Mode: 0o755, Uid: 7}), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBuild(t, be, Options{ContextDir: dir})
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	if h := be.tarEntries(t, "layer2")["opt/pkg/bin"]; h == nil || h.Uid != 7 || h.Mode != 0o755 {
		t.Errorf("extracted entry = %+v", h)
	}
	h := be.tarEntries(t, "layer3")["dl/file.txt"]
	if h == nil || h.Mode != 0o600 || h.ModTime.Year() != 2015 || h.Size != 6 {
		t.Errorf("downloaded entry = %+v", h)
	}
}

func TestCompileIgnore(t *testing.T) {
	pm, err := compileIgnore([]byte("# comment\n*.md\n!README*.md\nREADME-secret.md\n**/*.log\n/build/\n"))
	if err != nil {
		t.Fatal(err)
	}
	tree := &srcTree{ignore: pm}
	for path, want := range map[string]bool{
		"a.md": true, "README.md": false, "README-secret.md": true, "x/y/z.log": true,
		"build": true, "build/out": true, "sub/a.md": false, "main.go": false,
	} {
		if got := tree.ignored(path); got != want {
			t.Errorf("ignored(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestCacheKey(t *testing.T) {
	a := cacheKey("run", "l1", "echo", "A=1")
	if a != cacheKey("run", "l1", "echo", "A=1") || !strings.HasPrefix(a, CacheKeyPrefix) {
		t.Fatal("cache key not stable")
	}
	for _, other := range []string{cacheKey("run", "l2", "echo", "A=1"), cacheKey("run", "l1", "echo", "A=2"),
		cacheKey("run", "l1", "echoA=1"), cacheKey("copy", "l1", "echo", "A=1")} {
		if other == a {
			t.Errorf("collision for %s", other)
		}
	}
}
