package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// tarEntry is one member of a test archive; Body is the content of a
// regular file.
type tarEntry struct {
	tar.Header
	Body string
}

func writeTar(t *testing.T, path string, gz bool, entries ...tarEntry) {
	t.Helper()
	var buf bytes.Buffer
	var zw *gzip.Writer
	tw := tar.NewWriter(&buf)
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	}
	for _, e := range entries {
		h := e.Header
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		h.ModTime = time.Unix(1700000000, 0)
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.Body))
	}
	tw.Close()
	if zw != nil {
		zw.Close()
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func dirEntry(name string) tarEntry {
	return tarEntry{Header: tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755}}
}

// ADD of a local archive extracts it (gzip or plain, ownership, modes,
// symlinks and hard links kept; --chown overrides); COPY does not.
func TestBuild_AddLocalTar(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + img + "\nADD app.tar.gz /opt/\nADD plain.tar /plain/\nADD --chown=7:8 plain.tar /chowned\n" +
			"COPY app.tar.gz /copied/\nADD notar.txt /notar/\n",
		"notar.txt": "just text\n",
	})
	writeTar(t, filepath.Join(dir, "app.tar.gz"), true,
		dirEntry("./pkg/"),
		tarEntry{Header: tar.Header{Name: "./pkg/run.sh", Mode: 0o755, Uid: 1000, Gid: 1001}, Body: "#!/bin/sh\necho pkg\n"},
		tarEntry{Header: tar.Header{Name: "./pkg/link", Typeflag: tar.TypeSymlink, Linkname: "run.sh"}},
		// As tar writes them: a hard link's header repeats its target's
		// metadata (extractors apply it to the shared inode).
		tarEntry{Header: tar.Header{Name: "./pkg/hard", Typeflag: tar.TypeLink, Linkname: "./pkg/run.sh", Mode: 0o755, Uid: 1000, Gid: 1001}})
	writeTar(t, filepath.Join(dir, "plain.tar"), false, tarEntry{Header: tar.Header{Name: "data.txt", Mode: 0o600}, Body: "plain\n"})
	tag := imageName(t)
	nook(t, "build", "-q", "-t", tag, dir).Ok()
	nook(t, "run", "--rm", tag, "/opt/pkg/run.sh").Ok().StdoutIs("pkg")
	nook(t, "run", "--rm", tag, "sh", "-c",
		"stat -c '%n %u:%g %a' /opt/pkg/run.sh /plain/data.txt /chowned/data.txt; readlink /opt/pkg/link; "+
			"[ $(stat -c %i /opt/pkg/run.sh) = $(stat -c %i /opt/pkg/hard) ] && echo hardlinked; ls /copied; cat /notar/notar.txt").Ok().
		StdoutIs("/opt/pkg/run.sh 1000:1001 755\n/plain/data.txt 0:0 600\n/chowned/data.txt 7:8 600\nrun.sh\nhardlinked\napp.tar.gz\njust text")
}

// serveFiles serves files on 127.0.0.1 (a free port) until the test ends;
// set replaces a file's content.
func serveFiles(t *testing.T, files map[string]string) (base string, set func(name, content string)) {
	t.Helper()
	var mu sync.Mutex
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body, ok := files[strings.TrimPrefix(r.URL.Path, "/")]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Last-Modified", time.Unix(1600000000, 0).UTC().Format(http.TimeFormat))
		w.Write([]byte(body))
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String(), func(name, content string) {
		mu.Lock()
		files[name] = content
		mu.Unlock()
	}
}

// ADD of URLs served on 127.0.0.1: the file lands with mode 0600 and the
// URL's base name, a remote archive is not extracted, the step is cached
// while the content is the same and re-run when it changes, and a 404 or
// a --checksum mismatch fails the build.
func TestBuild_AddURL(t *testing.T) {
	img := busyboxImage(t)
	var arch bytes.Buffer
	tw := tar.NewWriter(&arch)
	tw.WriteHeader(&tar.Header{Name: "inner.txt", Mode: 0o644, Size: 1})
	tw.Write([]byte("x"))
	tw.Close()
	base, set := serveFiles(t, map[string]string{"files/hello.txt": "hello v1\n", "a.tar": arch.String()})
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + img + "\nRUN echo before > /before\nADD " + base + "/files/hello.txt /dl/\nADD " + base + "/a.tar /dl/\n" +
			"ADD " + base + "/files/hello.txt /named.txt\nRUN cat /dl/hello.txt > /copy\n",
	})
	tag := imageName(t)
	nook(t, "build", "-q", "-t", tag, dir).Ok()
	nook(t, "run", "--rm", tag, "sh", "-c", "stat -c '%n %u:%g %a' /dl/hello.txt /named.txt; ls /dl; cat /copy").Ok().
		StdoutIs("/dl/hello.txt 0:0 600\n/named.txt 0:0 600\na.tar\nhello.txt\nhello v1")
	steps, r := buildSteps(t, newCmd(t), "-t", tag, dir)
	for _, s := range steps {
		if !strings.HasPrefix(s, "CACHED ") {
			r.Fatalf("unchanged URLs: step %q not cached", s)
		}
	}
	set("files/hello.txt", "hello v2\n")
	steps, r = buildSteps(t, newCmd(t), "-t", tag, dir)
	want := []string{"CACHED RUN echo before > /before", "ADD " + base + "/files/hello.txt /dl/", "ADD " + base + "/a.tar /dl/",
		"ADD " + base + "/files/hello.txt /named.txt", "RUN cat /dl/hello.txt > /copy"}
	if !slices.Equal(steps, want) {
		r.Fatalf("changed URL content: steps\n  %q\nwant\n  %q", steps, want)
	}
	nook(t, "run", "--rm", tag, "cat", "/copy").Ok().StdoutIs("hello v2")

	missing := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nADD " + base + "/nothere /x\n"})
	nook(t, "build", "-t", imageName(t), missing).Exit(1).StderrContains("404")
	sum := sha256.Sum256([]byte("something else"))
	bad := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nADD --checksum=sha256:" + hex.EncodeToString(sum[:]) + " " + base + "/files/hello.txt /x\n"})
	nook(t, "build", "-t", imageName(t), bad).Exit(1).StderrContains("digest mismatch")
}

// Hostile archives in ADD: entries climbing out with .. are rejected;
// symlinks pointing out of the rootfs (absolute, or up with ..) cannot
// carry later entries out: those land inside the image; hard links to
// files outside the archive are rejected. The host is never written.
func TestBuild_AddMaliciousTar(t *testing.T) {
	img := busyboxImage(t)
	host := t.TempDir() // a directory the test user can write: the target
	up := strings.Repeat("../", 20)
	cases := []struct {
		name    string
		entries []tarEntry
		err     string // "" = must build, confined
		inImage string // a path that must exist in the image
	}{
		{"dotdot traversal", []tarEntry{{Header: tar.Header{Name: up + host[1:] + "/pwned"}, Body: "x"}}, "outside the destination", ""},
		{"absolute symlink then write through it", []tarEntry{
			{Header: tar.Header{Name: "esc", Typeflag: tar.TypeSymlink, Linkname: host}},
			{Header: tar.Header{Name: "esc/pwned"}, Body: "x"}}, "", host + "/pwned"},
		{"relative symlink up then write through it", []tarEntry{
			{Header: tar.Header{Name: "up", Typeflag: tar.TypeSymlink, Linkname: up}},
			{Header: tar.Header{Name: "up" + host + "/pwned"}, Body: "x"}}, "", host + "/pwned"},
		{"hard link to a file outside the archive", []tarEntry{
			{Header: tar.Header{Name: "hl", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"}}}, "hard link", ""},
		{"hard link through a symlink", []tarEntry{
			{Header: tar.Header{Name: "etc", Typeflag: tar.TypeSymlink, Linkname: "/etc"}},
			{Header: tar.Header{Name: "hl", Typeflag: tar.TypeLink, Linkname: "etc/passwd"}}}, "hard link", ""},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeContext(t, map[string]string{"Dockerfile": fmt.Sprintf("FROM %s\nADD evil.tar /dest/\n", img)})
			writeTar(t, filepath.Join(dir, "evil.tar"), i%2 == 0, c.entries...)
			tag := imageName(t)
			r := newCmd(t).Run("build", "-t", tag, dir)
			if c.err != "" {
				r.Exit(1).StderrContains(c.err)
				nook(t, "image", "inspect", tag).Exit(1)
			} else {
				r.Ok()
				nook(t, "run", "--rm", tag, "test", "-f", c.inImage).Ok()
			}
			if ents, _ := os.ReadDir(host); len(ents) != 0 {
				t.Fatalf("the archive wrote on the host: %v in %s", ents, host)
			}
		})
	}
}

// A context tar on stdin (`nook build -`) with entries climbing out or
// writing through a symlink to the host never writes outside the context.
func TestBuild_HostileContextTar(t *testing.T) {
	img := busyboxImage(t)
	host := t.TempDir()
	dir := t.TempDir()
	df := tarEntry{Header: tar.Header{Name: "Dockerfile"}, Body: "FROM " + img + "\nCOPY . /ctx\n"}
	for i, entries := range [][]tarEntry{
		{df, {Header: tar.Header{Name: strings.Repeat("../", 20) + host[1:] + "/pwned-dotdot"}, Body: "x"}},
		{df, {Header: tar.Header{Name: "esc", Typeflag: tar.TypeSymlink, Linkname: host}},
			{Header: tar.Header{Name: "esc/pwned-symlink"}, Body: "x"}},
	} {
		p := filepath.Join(dir, fmt.Sprintf("ctx%d.tar", i))
		writeTar(t, p, false, entries...)
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		newCmd(t).WithStdin(f).Run("build", "-q", "-t", imageName(t), "-").Fails().StderrContains("context")
		f.Close()
		if ents, _ := os.ReadDir(host); len(ents) != 0 {
			t.Fatalf("context tar %d wrote on the host: %v in %s", i, ents, host)
		}
	}
}
