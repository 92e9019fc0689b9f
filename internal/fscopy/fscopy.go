// Package fscopy copies file-system trees between a container root and
// the host (nook cp, volume copy-up) without a tar stream in between and
// without ever following a symlink: every step is relative to an open
// directory fd, so a container process that plants or swaps a symlink in
// either tree cannot make the copy read or write outside it.
package fscopy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Options say what the copy keeps and what it may replace.
type Options struct {
	// KeepOwner gives each copy its source's uid and gid. Owners the
	// caller cannot set (not mapped in its user namespace) are left as the
	// caller's. Without it, every copy belongs to the caller, as files
	// docker cp writes belong to the user at the destination.
	KeepOwner bool
	// Replace lets the copy replace what is already at the destination:
	// a directory is merged into an existing directory, anything else
	// replaces the existing entry (a symlink is replaced, never written
	// through). Without it an existing entry is an error.
	Replace bool
}

// Copy copies the file-system object src (a file, a directory tree, a
// symlink, a fifo or a device node) to dst, whose parent directory must
// exist. Modes, times, extended attributes the caller may set and hard
// links within the tree are kept; symlinks are copied as symlinks. It
// returns the number of bytes of file content copied.
func Copy(src, dst string, o Options) (int64, error) {
	srcDir, err := openDir(filepath.Dir(src))
	if err != nil {
		return 0, err
	}
	defer unix.Close(srcDir)
	dstDir, err := openDir(filepath.Dir(dst))
	if err != nil {
		return 0, err
	}
	defer unix.Close(dstDir)
	c := &copier{o: o, links: map[devIno]link{}, rootDir: dstDir}
	err = c.entry(srcDir, filepath.Base(src), dstDir, filepath.Base(dst), filepath.Base(dst))
	return c.bytes, err
}

type devIno struct{ dev, ino uint64 }

// link is where the first copy of a hard-linked file went: a path
// relative to the destination's parent directory.
type link struct{ dir, name string }

type copier struct {
	o       Options
	links   map[devIno]link
	rootDir int // the destination's parent, the base of link paths
	bytes   int64
}

func openDir(p string) (int, error) {
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: p, Err: err}
	}
	return fd, nil
}

// entry copies srcDir/name to dstDir/dname; rel is dname's path relative
// to the root of the copy.
func (c *copier) entry(srcDir int, name string, dstDir int, dname, rel string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(srcDir, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "stat", Path: name, Err: err}
	}
	typ := st.Mode & unix.S_IFMT
	if typ == unix.S_IFSOCK {
		return nil // a socket is only meaningful to the process that bound it
	}
	if err := c.clear(dstDir, dname, typ == unix.S_IFDIR); err != nil {
		return err
	}
	if typ != unix.S_IFDIR && st.Nlink > 1 {
		key := devIno{st.Dev, st.Ino}
		if first, ok := c.links[key]; ok {
			return c.hardlink(first, dstDir, dname)
		}
		c.links[key] = link{dir: filepath.Dir(rel), name: filepath.Base(rel)}
	}
	var err error
	switch typ {
	case unix.S_IFDIR:
		err = c.dir(srcDir, name, dstDir, dname, rel, &st)
	case unix.S_IFREG:
		err = c.file(srcDir, name, dstDir, dname, &st)
	case unix.S_IFLNK:
		err = c.symlink(srcDir, name, dstDir, dname, &st)
	default:
		err = c.special(dstDir, dname, &st)
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", rel, err)
	}
	return nil
}

// clear makes room for dname: without Replace anything there is an
// error; with it, an existing directory stays (to be merged) when the new
// entry is a directory, and everything else is removed.
func (c *copier) clear(dstDir int, dname string, isDir bool) error {
	var st unix.Stat_t
	err := unix.Fstatat(dstDir, dname, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return &os.PathError{Op: "stat", Path: dname, Err: err}
	}
	if !c.o.Replace {
		return &os.PathError{Op: "create", Path: dname, Err: unix.EEXIST}
	}
	existingDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	if existingDir && isDir {
		return nil
	}
	if existingDir {
		return fmt.Errorf("cannot overwrite directory %q with non-directory", dname)
	}
	if err := unix.Unlinkat(dstDir, dname, 0); err != nil {
		return &os.PathError{Op: "remove", Path: dname, Err: err}
	}
	return nil
}

func (c *copier) dir(srcDir int, name string, dstDir int, dname, rel string, st *unix.Stat_t) error {
	sfd, err := unix.Openat(srcDir, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	sf := os.NewFile(uintptr(sfd), name)
	defer sf.Close()
	// Owner-only until the content is in: a directory is never briefly
	// open to others, and a read-only one can still be filled.
	if err := unix.Mkdirat(dstDir, dname, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
		return err
	}
	dfd, err := unix.Openat(dstDir, dname, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	if err := unix.Fchmod(dfd, 0o700); err != nil {
		return err
	}
	for {
		names, err := sf.Readdirnames(1024)
		for _, n := range names {
			if err := c.entry(sfd, n, dfd, n, rel+"/"+n); err != nil {
				return err
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	return c.meta(dfd, sfd, dstDir, dname, st)
}

func (c *copier) file(srcDir int, name string, dstDir int, dname string, st *unix.Stat_t) error {
	sfd, err := unix.Openat(srcDir, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	in := os.NewFile(uintptr(sfd), name)
	defer in.Close()
	dfd, err := unix.Openat(dstDir, dname, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return err
	}
	out := os.NewFile(uintptr(dfd), dname)
	defer out.Close()
	// *os.File to *os.File: copy_file_range or sendfile, no user-space buffer.
	n, err := io.Copy(out, in)
	c.bytes += n
	if err != nil {
		return err
	}
	return c.meta(dfd, sfd, dstDir, dname, st)
}

func (c *copier) symlink(srcDir int, name string, dstDir int, dname string, st *unix.Stat_t) error {
	buf := make([]byte, st.Size+1)
	n, err := unix.Readlinkat(srcDir, name, buf)
	if err != nil {
		return err
	}
	if err := unix.Symlinkat(string(buf[:n]), dstDir, dname); err != nil {
		return err
	}
	if c.o.KeepOwner {
		if err := chownErr(unix.Fchownat(dstDir, dname, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW)); err != nil {
			return err
		}
	}
	return setTimes(dstDir, dname, st)
}

// special copies a fifo or a device node; device nodes cannot be made in
// a user namespace and are skipped there (/dev is mounted anyway).
func (c *copier) special(dstDir int, dname string, st *unix.Stat_t) error {
	err := unix.Mknodat(dstDir, dname, st.Mode&unix.S_IFMT|0o600, int(st.Rdev))
	if errors.Is(err, unix.EPERM) && st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return nil
	}
	if err != nil {
		return err
	}
	fd, err := unix.Openat(dstDir, dname, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// An O_PATH fd takes no fchmod; its /proc/self/fd link names exactly
	// the node just made.
	proc := fmt.Sprintf("/proc/self/fd/%d", fd)
	if c.o.KeepOwner {
		if err := chownErr(unix.Fchownat(fd, "", int(st.Uid), int(st.Gid), unix.AT_EMPTY_PATH)); err != nil {
			return err
		}
	}
	if err := unix.Chmod(proc, st.Mode&0o7777); err != nil {
		return err
	}
	return setTimes(dstDir, dname, st)
}

// hardlink links dstDir/dname to the first copy of the same file.
func (c *copier) hardlink(first link, dstDir int, dname string) error {
	fd, err := unix.Openat2(c.rootDir, first.dir, &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return &os.PathError{Op: "open", Path: first.dir, Err: err}
	}
	defer unix.Close(fd)
	if err := unix.Linkat(fd, first.name, dstDir, dname, 0); err != nil {
		return &os.PathError{Op: "link", Path: dname, Err: err}
	}
	return nil
}

// meta gives the open copy dfd (dstDir/dname) the owner, mode, xattrs
// and times of st, in the order that keeps setuid bits and file
// capabilities (chown clears both).
func (c *copier) meta(dfd, sfd, dstDir int, dname string, st *unix.Stat_t) error {
	if c.o.KeepOwner {
		if err := chownErr(unix.Fchown(dfd, int(st.Uid), int(st.Gid))); err != nil {
			return err
		}
	}
	if err := unix.Fchmod(dfd, st.Mode&0o7777); err != nil {
		return err
	}
	copyXattrs(sfd, dfd)
	return setTimes(dstDir, dname, st)
}

// chownErr drops the errors of an owner that is not mapped in this user
// namespace (EINVAL) or that we may not give (EPERM): the copy keeps ours.
func chownErr(err error) error {
	if err == nil || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EPERM) {
		return nil
	}
	return fmt.Errorf("chown: %w", err)
}

func setTimes(dir int, name string, st *unix.Stat_t) error {
	ts := []unix.Timespec{st.Atim, st.Mtim}
	return unix.UtimesNanoAt(dir, name, ts, unix.AT_SYMLINK_NOFOLLOW)
}

// copyXattrs copies the extended attributes the namespace lets us set
// (user.*, security.capability); others (trusted.*, file systems without
// xattrs) are skipped.
func copyXattrs(src, dst int) {
	size, err := unix.Flistxattr(src, nil)
	if err != nil || size <= 0 {
		return
	}
	buf := make([]byte, size)
	if size, err = unix.Flistxattr(src, buf); err != nil {
		return
	}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		n, err := unix.Fgetxattr(src, name, nil)
		if err != nil {
			continue
		}
		val := make([]byte, n)
		if n, err = unix.Fgetxattr(src, name, val); err != nil {
			continue
		}
		_ = unix.Fsetxattr(dst, name, val[:n], 0)
	}
}
