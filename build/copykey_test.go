package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stagingBackend is memBackend with LayerStager: a staged layer is a
// temporary directory, committed as the tar its recorder got.
type stagingBackend struct {
	*memBackend
	staged int
}

type memStaged struct {
	be     *stagingBackend
	parent string
	dir    string
	buf    bytes.Buffer
}

func (s *stagingBackend) StageLayer(_ context.Context, parent string) (StagedLayer, bool, error) {
	s.staged++
	dir, err := os.MkdirTemp(s.tmp, "staged-")
	return &memStaged{be: s, parent: parent, dir: dir}, err == nil, err
}

func (m *memStaged) Dir() string                          { return m.dir }
func (m *memStaged) TarStream() (LayerTarRecorder, error) { return &bufRecorder{Buffer: &m.buf}, nil }
func (m *memStaged) Abort()                               { _ = os.RemoveAll(m.dir) }
func (m *memStaged) Commit(names []string) (Layer, error) {
	return m.be.ApplyLayer(context.Background(), m.parent, names, &m.buf)
}

// A --no-cache ADD computes its cache key from the contents it copied
// (one read per file); the key must be the one a cached build computes
// by reading the files, and still change with any file's content.
func TestBuild_NoCacheCopyKeyIsTheCacheKey(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the staged sink chowns: run as root (CI does)")
	}
	be := &stagingBackend{memBackend: newMemBackend(t)}
	be.addBase(t, "busybox")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nCOPY files one.txt /dst/\n",
		"files/a/1.txt": "one", "files/a/2.txt": "two", "files/b/big": strings.Repeat("x", 300<<10), "one.txt": "single"})
	if err := os.Link(filepath.Join(dir, "files/a/1.txt"), filepath.Join(dir, "files/a/hard")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a/2.txt", filepath.Join(dir, "files/sym")); err != nil {
		t.Fatal(err)
	}
	build := func(noCache bool) buildResult {
		t.Helper()
		var stderr bytes.Buffer
		_, err := Build(context.Background(), be, Options{ContextDir: dir, NoCache: noCache, Stderr: &stderr,
			Progress: ProgressPlain, TmpDir: t.TempDir()})
		if err != nil {
			t.Fatalf("build: %v\n%s", err, stderr.String())
		}
		return buildResult{stderr: stderr.String()}
	}
	build(true)
	if be.staged == 0 {
		t.Fatal("the copy did not use the staged path")
	}
	if r := build(false); !strings.Contains(r.stderr, "CACHED") {
		t.Errorf("a cached build after --no-cache did not hit the layer it wrote:\n%s", r.stderr)
	}
	for _, f := range []string{"files/a/2.txt", "files/b/big", "one.txt"} {
		p := filepath.Join(dir, f)
		old, _ := os.ReadFile(p)
		changed := append([]byte{'Z'}, old[1:]...) // same size
		writeFiles(t, dir, map[string]string{f: string(changed)})
		if r := build(false); strings.Contains(r.stderr, "CACHED") {
			t.Errorf("changing %s kept the cached COPY:\n%s", f, r.stderr)
		}
		build(true)
		if r := build(false); !strings.Contains(r.stderr, "CACHED") {
			t.Errorf("after changing %s: --no-cache layer not hit:\n%s", f, r.stderr)
		}
	}
}
