package fscopy

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mustCopy copies and returns the bytes copied.
func mustCopy(t *testing.T, src, dst string, o Options) int64 {
	t.Helper()
	n, err := Copy(src, dst, o)
	must(t, err)
	return n
}

func lstat(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	var st syscall.Stat_t
	must(t, syscall.Lstat(p, &st))
	return &st
}

// tree builds src/{file 0640 33:34 +xattr, hard, suid 04755, ro/ 0555,
// ro/inner, link -> file, abs -> /etc/passwd, fifo}.
func tree(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	must(t, os.MkdirAll(filepath.Join(src, "ro"), 0o755))
	must(t, os.WriteFile(filepath.Join(src, "file"), []byte("data\n"), 0o640))
	must(t, os.Chown(filepath.Join(src, "file"), 33, 34))
	_ = unix.Lsetxattr(filepath.Join(src, "file"), "user.nook", []byte("yes"), 0)
	must(t, os.Link(filepath.Join(src, "file"), filepath.Join(src, "hard")))
	must(t, os.WriteFile(filepath.Join(src, "suid"), []byte("#!/bin/sh\n"), 0o755))
	must(t, unix.Chmod(filepath.Join(src, "suid"), 0o4755))
	must(t, os.WriteFile(filepath.Join(src, "ro/inner"), []byte("in\n"), 0o644))
	must(t, os.Chmod(filepath.Join(src, "ro"), 0o555))
	must(t, os.Symlink("file", filepath.Join(src, "link")))
	must(t, os.Symlink("/etc/passwd", filepath.Join(src, "abs")))
	must(t, unix.Mkfifo(filepath.Join(src, "fifo"), 0o600))
	must(t, unix.Chmod(filepath.Join(src, "fifo"), 0o620))
	t.Cleanup(func() { os.Chmod(filepath.Join(src, "ro"), 0o755) })
	return src
}

func TestCopy_KeepsContentModesLinksAndTimes(t *testing.T) {
	src := tree(t)
	dst := filepath.Join(t.TempDir(), "dst")
	// file (5 bytes; its hard link is not copied again), suid 10, ro/inner 3
	if n := mustCopy(t, src, dst, Options{KeepOwner: true}); n != 18 {
		t.Errorf("copied %d bytes, want 18", n)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dst, "ro"), 0o755) })
	if b, err := os.ReadFile(filepath.Join(dst, "file")); err != nil || string(b) != "data\n" {
		t.Fatalf("content %q %v", b, err)
	}
	if st := lstat(t, filepath.Join(dst, "file")); st.Uid != 33 || st.Gid != 34 || st.Mode&0o7777 != 0o640 {
		t.Errorf("file owner/mode %d:%d %o", st.Uid, st.Gid, st.Mode&0o7777)
	}
	if st := lstat(t, filepath.Join(dst, "suid")); st.Mode&0o7777 != 0o4755 {
		t.Errorf("setuid lost: %o", st.Mode&0o7777)
	}
	if st := lstat(t, filepath.Join(dst, "ro")); st.Mode&0o7777 != 0o555 {
		t.Errorf("read-only dir mode %o", st.Mode&0o7777)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "ro/inner")); string(b) != "in\n" {
		t.Errorf("file in read-only dir: %q", b)
	}
	if a, b := lstat(t, filepath.Join(dst, "file")), lstat(t, filepath.Join(dst, "hard")); a.Ino != b.Ino {
		t.Error("hard link became a copy")
	}
	for link, want := range map[string]string{"link": "file", "abs": "/etc/passwd"} {
		if got, err := os.Readlink(filepath.Join(dst, link)); err != nil || got != want {
			t.Errorf("symlink %s: %q %v", link, got, err)
		}
	}
	if st := lstat(t, filepath.Join(dst, "fifo")); st.Mode&syscall.S_IFMT != syscall.S_IFIFO || st.Mode&0o777 != 0o620 {
		t.Errorf("fifo mode %o", st.Mode)
	}
	v := make([]byte, 8)
	if _, err := unix.Lgetxattr(filepath.Join(src, "file"), "user.nook", v); err == nil {
		if n, err := unix.Lgetxattr(filepath.Join(dst, "file"), "user.nook", v); err != nil || string(v[:n]) != "yes" {
			t.Errorf("xattr not copied: %v", err)
		}
	}
	for _, p := range []string{"file", "ro", "link"} {
		if a, b := lstat(t, filepath.Join(src, p)).Mtim, lstat(t, filepath.Join(dst, p)).Mtim; a != b {
			t.Errorf("mtime of %s: %v != %v", p, b, a)
		}
	}
}

func TestCopy_WithoutKeepOwnerFilesAreOurs(t *testing.T) {
	src := tree(t)
	dst := filepath.Join(t.TempDir(), "dst")
	mustCopy(t, src, dst, Options{})
	t.Cleanup(func() { os.Chmod(filepath.Join(dst, "ro"), 0o755) })
	if st := lstat(t, filepath.Join(dst, "file")); int(st.Uid) != os.Getuid() || st.Mode&0o777 != 0o640 {
		t.Errorf("owner %d (want %d), mode %o", st.Uid, os.Getuid(), st.Mode&0o777)
	}
}

func TestCopy_ExistingEntry(t *testing.T) {
	src := tree(t)
	dst := t.TempDir()
	os.WriteFile(filepath.Join(dst, "file"), []byte("old"), 0o600)
	_, err := Copy(filepath.Join(src, "file"), filepath.Join(dst, "file"), Options{})
	if !errors.Is(err, unix.EEXIST) {
		t.Fatalf("copy over an existing file without Replace: %v", err)
	}
	mustCopy(t, filepath.Join(src, "file"), filepath.Join(dst, "file"), Options{Replace: true})
	if b, _ := os.ReadFile(filepath.Join(dst, "file")); string(b) != "data\n" {
		t.Fatalf("not replaced: %q", b)
	}
	os.Mkdir(filepath.Join(dst, "d"), 0o755)
	if _, err := Copy(filepath.Join(src, "file"), filepath.Join(dst, "d"), Options{Replace: true}); err == nil {
		t.Fatal("a file replaced a directory")
	}
}

// A symlink already at the destination (planted by a container) is
// replaced, never written through, at any depth of the copy.
func TestCopy_NeverWritesThroughDestinationSymlinks(t *testing.T) {
	src := tree(t)
	outside := t.TempDir()
	dst := filepath.Join(t.TempDir(), "dst")
	must(t, os.MkdirAll(dst, 0o755))
	must(t, os.Symlink(outside, filepath.Join(dst, "ro")))
	must(t, os.Symlink(filepath.Join(outside, "victim"), filepath.Join(dst, "file")))
	mustCopy(t, src, dst, Options{Replace: true})
	t.Cleanup(func() { os.Chmod(filepath.Join(dst, "ro"), 0o755) })
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("wrote outside the destination: %v", ents)
	}
	if st := lstat(t, filepath.Join(dst, "ro")); st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		t.Error("symlink to a directory was not replaced by the directory")
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "file")); string(b) != "data\n" {
		t.Errorf("file: %q", b)
	}
}

// A symlink as the source is copied as a link, not followed.
func TestCopy_SourceSymlinkIsCopiedAsLink(t *testing.T) {
	src := tree(t)
	dst := filepath.Join(t.TempDir(), "abs")
	mustCopy(t, filepath.Join(src, "abs"), dst, Options{})
	if l, err := os.Readlink(dst); err != nil || l != "/etc/passwd" {
		t.Fatalf("link %q %v", l, err)
	}
}

func TestCopy_MergesIntoExistingDirectory(t *testing.T) {
	src := tree(t)
	dst := t.TempDir()
	os.WriteFile(filepath.Join(dst, "mine"), []byte("keep"), 0o644)
	mustCopy(t, src, dst, Options{Replace: true})
	t.Cleanup(func() { os.Chmod(filepath.Join(dst, "ro"), 0o755) })
	if b, _ := os.ReadFile(filepath.Join(dst, "mine")); string(b) != "keep" {
		t.Error("merge removed an existing file")
	}
	if _, err := os.Stat(filepath.Join(dst, "ro/inner")); err != nil {
		t.Error(err)
	}
}
