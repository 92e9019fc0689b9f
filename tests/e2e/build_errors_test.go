package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// storeState is what a failed build must not change in a store.
type storeState struct {
	layers, containers, mounts, tmp int
	ps                              string
}

// countJSON counts the records of the storage file matching pattern
// ("*-layers/layers.json"; the driver name prefixes the directory); a
// missing file (nothing ever stored) counts 0.
func countJSON(t *testing.T, s *Store, pattern string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.StorageDir(), pattern))
	if len(files) > 1 {
		t.Fatalf("want one %s in %s, found %v", pattern, s.StorageDir(), files)
	}
	if len(files) == 0 {
		return 0
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var recs []json.RawMessage
	if len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("%s: %v", files[0], err)
		}
	}
	return len(recs)
}

func snapshot(t *testing.T, s *Store) storeState {
	t.Helper()
	var st storeState
	if st.layers = countJSON(t, s, "*-layers/layers.json"); st.layers == 0 {
		t.Fatalf("no layers.json in %s: the store layout changed?", s.StorageDir())
	}
	st.containers = countJSON(t, s, "*-containers/containers.json")
	// Mounts live in the keeper's mount namespace: look from inside it.
	for _, l := range strings.Split(s.Run("unshare", "cat", "/proc/self/mountinfo").Ok().Stdout(), "\n") {
		if strings.Contains(l, s.DataHome) {
			st.mounts++
		}
	}
	ents, _ := os.ReadDir(filepath.Join(s.DataHome, "nook", "tmp"))
	st.tmp = len(ents)
	st.ps = s.Run("ps", "-a", "-q").Ok().Line()
	return st
}

// expectNoLeftovers compares the store with before, allowing extraLayers
// new (cached) layers from the steps that succeeded.
func expectNoLeftovers(t *testing.T, s *Store, before storeState, extraLayers int, what string) {
	t.Helper()
	after := snapshot(t, s)
	want := before
	want.layers += extraLayers
	if after != want {
		t.Fatalf("%s left something behind: before %+v (+%d cached layers), after %+v", what, before, extraLayers, after)
	}
}

// forTest is s with failures reported to t (a subtest).
func (s *Store) forTest(t *testing.T) *Store {
	c := *s.Cmd
	c.t = t
	n := *s
	n.Cmd = &c
	return &n
}

// Each failing build exits 1 with a message naming the problem (and the
// Dockerfile line), tags nothing and leaves no container, layer, mount or
// temporary file behind.
func TestBuild_ErrorsLeaveNothing(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("TOP-SECRET-CONTENT\n"), 0o644)
	ctx := writeContext(t, map[string]string{"in.txt": "in\n"})
	rel, _ := filepath.Rel(ctx, filepath.Join(outside, "secret.txt"))
	os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(ctx, "abs-link"))
	os.Symlink(rel, filepath.Join(ctx, "rel-link"))
	os.Symlink(outside, filepath.Join(ctx, "dir-link"))
	cases := []struct {
		name, df string
		cached   int
		stderr   []string
	}{
		{"unknown instruction", "FROM " + img + "\nRUN true\nFOO bar\n", 0, []string{"Dockerfile:3", "FOO"}},
		{"bad flag", "FROM " + img + "\nCOPY --bogus=1 in.txt /x\n", 0, []string{"Dockerfile:2", "--bogus"}},
		{"unterminated heredoc", "FROM " + img + "\nRUN <<EOF\necho hi\n", 0, []string{"Dockerfile:2"}},
		{"missing source", "FROM " + img + "\nCOPY in.txt /in\nCOPY nothere.txt /x\n", 1, []string{"Dockerfile:3", "nothere.txt", "not found"}},
		{"source above the context", "FROM " + img + "\nCOPY " + rel + " /x\n", 0, []string{"not found"}},
		{"absolute symlink out", "FROM " + img + "\nCOPY abs-link /x\n", 0, []string{"abs-link", "not found"}},
		{"relative symlink out", "FROM " + img + "\nCOPY rel-link /x\n", 0, []string{"rel-link", "not found"}},
		{"through a symlinked dir", "FROM " + img + "\nADD dir-link/secret.txt /x\n", 0, []string{"not found"}},
		{"failing RUN", "FROM " + img + "\nRUN echo first > /f\nRUN echo out; exit 3\nRUN echo never\n", 1,
			[]string{"Dockerfile:3", `process "/bin/sh -c echo out; exit 3" did not complete successfully: exit code: 3`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := s.forTest(t)
			before := snapshot(t, s)
			os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(c.df), 0o644)
			tag := "e2e/failed:" + strings.ReplaceAll(c.name, " ", "-")
			r := s.Run("build", "--progress", "plain", "-t", tag, ctx).Exit(1).StderrContains(c.stderr...)
			if strings.Contains(r.Stderr(), "TOP-SECRET") || strings.Contains(r.Stderr(), "[4/4] RUN echo never") {
				r.Fatalf("the build read outside the context or went on after the failure")
			}
			s.Run("image", "inspect", tag).Exit(1)
			expectNoLeftovers(t, s, before, c.cached, c.name)
		})
	}
	// Symlinks inside a copied directory are copied as links, never followed.
	os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte("FROM "+img+"\nCOPY . /ctx\n"), 0o644)
	s.Run("build", "-q", "-t", "e2e/links", ctx).Ok()
	s.Run("run", "--rm", "e2e/links", "sh", "-c", "readlink /ctx/abs-link; readlink /ctx/rel-link").Ok().
		StdoutIs(filepath.Join(outside, "secret.txt") + "\n" + rel)
	s.Run("run", "--rm", "e2e/links", "cat", "/ctx/abs-link").Fails()
}

// Ctrl-C during a RUN stops the build like a failure: non-zero exit, the
// RUN's process gone, nothing tagged and nothing left behind.
func TestBuild_InterruptLeavesNothing(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	marker := uniqueName(t, "sleeper")
	ctx := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN echo started; sh -c 'sleep 300' " + marker + "\n"})
	before := snapshot(t, s)
	r := s.Start("build", "--progress", "plain", "-t", "e2e/interrupted", ctx)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(r.stderr.String(), "started") {
		if time.Now().After(deadline) {
			r.Signal(syscall.SIGKILL)
			r.Fatalf("the RUN step did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	r.Signal(syscall.SIGINT)
	if r.Wait(); r.Code == 0 || r.TimedOut || time.Since(start) > 10*time.Second {
		r.Fatalf("Ctrl-C: want a prompt non-zero exit")
	}
	s.Run("image", "inspect", "e2e/interrupted").Exit(1)
	expectNoLeftovers(t, s, before, 0, "an interrupted build")
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, _ := os.ReadFile(p); strings.Contains(string(b), marker) {
			t.Fatalf("the RUN process survived Ctrl-C: %s: %q", p, b)
		}
	}
}
