package container

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// copyTree copies the directory tree src (an overlay upper or diff
// directory) into the existing, empty directory dst as it is on disk:
// types, owners, modes, times, the xattrs a layer's tar carries (user.*,
// security.capability and .ima) and overlay's opaque marks, hardlinks as
// hardlinks, and whiteouts (0/0 character devices) as whiteouts. Storage
// makes a layer's tar from such a directory, so the copy yields the same
// image content as the original. Sockets are skipped, as tar does.
//
// The source may belong to a running container: it is read through
// directory descriptors opened with O_NOFOLLOW, so a symlink swapped in
// for a directory cannot lead the copy outside src.
func copyTree(src, dst string) error {
	sfd, err := unix.Open(src, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: src, Err: err}
	}
	dfd, err := unix.Open(dst, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(sfd)
		return &os.PathError{Op: "open", Path: dst, Err: err}
	}
	c := &treeCopier{dst: dfd, links: map[uint64]string{}}
	err = c.dir(sfd, dfd, ".")
	if err == nil {
		// The root's own times last: filling it changed them.
		err = c.times(dfd, ".", c.rootStat)
	}
	unix.Close(sfd)
	unix.Close(dfd)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}

type treeCopier struct {
	dst int // the destination root, for hardlinks by relative path
	// links maps the inode of a multiply linked source file to the path,
	// relative to dst, of its first copy.
	links    map[uint64]string
	rootStat unix.Stat_t
}

// dir copies the entries of the open source directory sfd into dfd
// (rel is its path relative to the roots), then sets dfd's metadata
// except its times, which the caller sets once dfd is complete.
func (c *treeCopier) dir(sfd, dfd int, rel string) error {
	var st unix.Stat_t
	if err := unix.Fstat(sfd, &st); err != nil {
		return pathErr("stat", rel, err)
	}
	if rel == "." {
		c.rootStat = st
	}
	names, err := readNames(sfd)
	if err != nil {
		return pathErr("read directory", rel, err)
	}
	for _, name := range names {
		if err := c.entry(sfd, dfd, name, path.Join(rel, name)); err != nil {
			return err
		}
	}
	if err := c.meta(dfd, sfd, &st, rel); err != nil {
		return err
	}
	return nil
}

// entry copies one entry name of directory sfd into dfd.
func (c *treeCopier) entry(sfd, dfd int, name, rel string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(sfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return pathErr("stat", rel, err)
	}
	mode := st.Mode & unix.S_IFMT
	if mode != unix.S_IFDIR && st.Nlink > 1 {
		if first, ok := c.links[st.Ino]; ok {
			return pathErr("link", rel, unix.Linkat(c.dst, first, dfd, name, 0))
		}
		c.links[st.Ino] = rel
	}
	switch mode {
	case unix.S_IFDIR:
		return c.subdir(sfd, dfd, name, rel)
	case unix.S_IFREG:
		return c.file(sfd, dfd, name, rel)
	case unix.S_IFLNK:
		target, err := readlinkat(sfd, name)
		if err != nil {
			return pathErr("readlink", rel, err)
		}
		if err := unix.Symlinkat(target, dfd, name); err != nil {
			return pathErr("symlink", rel, err)
		}
	case unix.S_IFCHR, unix.S_IFBLK, unix.S_IFIFO:
		if err := unix.Mknodat(dfd, name, mode|0o600, int(st.Rdev)); err != nil {
			return pathErr("mknod", rel, err)
		}
	default: // sockets: tar skips them
		return nil
	}
	if err := c.metaAt(sfd, dfd, name, &st, rel); err != nil {
		return err
	}
	return c.times(dfd, name, st)
}

func (c *treeCopier) subdir(sfd, dfd int, name, rel string) error {
	if err := unix.Mkdirat(dfd, name, 0o700); err != nil {
		return pathErr("mkdir", rel, err)
	}
	s, err := unix.Openat(sfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return pathErr("open", rel, err)
	}
	defer unix.Close(s)
	d, err := unix.Openat(dfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return pathErr("open", rel, err)
	}
	defer unix.Close(d)
	if err := c.dir(s, d, rel); err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(s, &st); err != nil {
		return pathErr("stat", rel, err)
	}
	return c.times(dfd, name, st)
}

func (c *treeCopier) file(sfd, dfd int, name, rel string) error {
	in, err := unix.Openat(sfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return pathErr("open", rel, err)
	}
	defer unix.Close(in)
	var st unix.Stat_t
	if err := unix.Fstat(in, &st); err != nil {
		return pathErr("stat", rel, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return pathErr("copy", rel, errors.New("changed while being copied"))
	}
	out, err := unix.Openat(dfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return pathErr("create", rel, err)
	}
	defer unix.Close(out)
	if err := copyData(in, out); err != nil {
		return pathErr("copy", rel, err)
	}
	if err := c.meta(out, in, &st, rel); err != nil {
		return err
	}
	return c.times(dfd, name, st)
}

// copyData copies in to out, in the kernel where it can.
func copyData(in, out int) error {
	for {
		n, err := unix.CopyFileRange(in, nil, out, nil, 1<<30, 0)
		if n > 0 {
			continue
		}
		if err == nil {
			return nil
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EXDEV) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
			break
		}
		return err
	}
	buf := make([]byte, 1<<20)
	for {
		n, err := unix.Read(in, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n == 0 {
			return err
		}
		for b := buf[:n]; len(b) > 0; {
			w, err := unix.Write(out, b)
			if err != nil && !errors.Is(err, unix.EINTR) {
				return err
			}
			if w > 0 {
				b = b[w:]
			}
		}
	}
}

func readNames(fd int) ([]string, error) {
	d, err := unix.Openat(fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(d), "")
	defer f.Close()
	return f.Readdirnames(-1)
}

func readlinkat(fd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		b := make([]byte, size)
		n, err := unix.Readlinkat(fd, name, b)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(b[:n]), nil
		}
	}
}

func pathErr(op, rel string, err error) error {
	if err == nil {
		return nil
	}
	return &os.PathError{Op: op, Path: strings.TrimPrefix(rel, "./"), Err: err}
}
