package container

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// copyTree keeps what a layer's tar carries: types, owners, modes (set-id
// bits too), times, hardlinks, whiteouts, user and opaque xattrs; it
// leaves out sockets and overlay's bookkeeping xattrs.
func TestCopyTree_KeepsLayerContent(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (chown, mknod of a whiteout)")
	}
	base := t.TempDir()
	src, dst := filepath.Join(base, "src"), filepath.Join(base, "dst")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(src, "d/e"), 0o755))
	must(os.WriteFile(filepath.Join(src, "d/e/f"), []byte("data"), 0o644))
	must(os.Link(filepath.Join(src, "d/e/f"), filepath.Join(src, "hl")))
	must(os.Symlink("../nowhere", filepath.Join(src, "d/sl")))
	must(os.WriteFile(filepath.Join(src, "suid"), []byte("s"), 0o600))
	must(os.Chown(filepath.Join(src, "suid"), 123, 456))
	must(unix.Chmod(filepath.Join(src, "suid"), 0o4750))
	must(os.Lchown(filepath.Join(src, "d/sl"), 7, 8))
	must(unix.Mknod(filepath.Join(src, "wh"), unix.S_IFCHR, 0))
	must(unix.Mkfifo(filepath.Join(src, "fifo"), 0o640))
	must(unix.Setxattr(filepath.Join(src, "d"), "user.overlay.opaque", []byte("y"), 0))
	must(unix.Setxattr(filepath.Join(src, "d"), "user.overlay.origin", []byte("x"), 0))
	must(unix.Setxattr(filepath.Join(src, "d/e/f"), "user.note", []byte("kept"), 0))
	l, err := net.Listen("unix", filepath.Join(src, "sock"))
	must(err)
	defer l.Close()
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	must(os.Chtimes(filepath.Join(src, "d/e"), old, old))
	must(os.Chtimes(filepath.Join(src, "d"), old, old))
	must(os.Mkdir(dst, 0o700))

	must(copyTree(src, dst))

	st := func(p string) unix.Stat_t {
		t.Helper()
		var s unix.Stat_t
		must(unix.Lstat(filepath.Join(dst, p), &s))
		return s
	}
	if b, err := os.ReadFile(filepath.Join(dst, "hl")); err != nil || string(b) != "data" {
		t.Errorf("hl: %q %v", b, err)
	}
	if a, b := st("hl"), st("d/e/f"); a.Ino != b.Ino || a.Nlink != 2 {
		t.Errorf("hl and d/e/f are not one file: %d/%d nlink %d", a.Ino, b.Ino, a.Nlink)
	}
	if s := st("suid"); s.Uid != 123 || s.Gid != 456 || s.Mode&0o7777 != 0o4750 {
		t.Errorf("suid: %d:%d %o", s.Uid, s.Gid, s.Mode&0o7777)
	}
	if s := st("d/sl"); s.Uid != 7 || s.Gid != 8 || s.Mode&unix.S_IFMT != unix.S_IFLNK {
		t.Errorf("d/sl: %d:%d %o", s.Uid, s.Gid, s.Mode)
	}
	if target, err := os.Readlink(filepath.Join(dst, "d/sl")); target != "../nowhere" {
		t.Errorf("d/sl -> %q %v", target, err)
	}
	if s := st("wh"); s.Mode&unix.S_IFMT != unix.S_IFCHR || s.Rdev != 0 {
		t.Errorf("whiteout: mode %o rdev %d", s.Mode, s.Rdev)
	}
	if s := st("fifo"); s.Mode&unix.S_IFMT != unix.S_IFIFO || s.Mode&0o777 != 0o640 {
		t.Errorf("fifo: mode %o", s.Mode)
	}
	for _, p := range []string{"d", "d/e"} {
		if s := st(p); s.Mtim.Sec != old.Unix() {
			t.Errorf("%s mtime %d, want %d", p, s.Mtim.Sec, old.Unix())
		}
	}
	if _, err := os.Lstat(filepath.Join(dst, "sock")); !os.IsNotExist(err) {
		t.Errorf("socket copied: %v", err)
	}
	xattr := func(p, k string) string {
		b := make([]byte, 64)
		n, err := unix.Lgetxattr(filepath.Join(dst, p), k, b)
		if err != nil {
			return err.Error()
		}
		return string(b[:n])
	}
	if got := xattr("d", "user.overlay.opaque"); got != "y" {
		t.Errorf("opaque mark: %q", got)
	}
	if got := xattr("d", "user.overlay.origin"); got != unix.ENODATA.Error() {
		t.Errorf("overlay origin copied: %q", got)
	}
	if got := xattr("d/e/f", "user.note"); got != "kept" {
		t.Errorf("user xattr: %q", got)
	}
}
