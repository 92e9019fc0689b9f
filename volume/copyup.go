package volume

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// copyUp fills the empty volume directory dst with the content of dir
// ctrPath of the container root, and gives dst that directory's owner and
// mode (moby's copyExistingContents + copyOwnership). Nothing happens when
// dst is not empty or ctrPath is not a directory of the image.
func copyUp(rootfs, ctrPath, dst string) error {
	if empty, err := isEmptyDir(dst); err != nil || !empty {
		return err
	}
	src, err := resolveIn(rootfs, ctrPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	fi, err := os.Lstat(src)
	if err != nil || !fi.IsDir() {
		return nil
	}
	c := copier{links: map[devIno]string{}}
	if err := c.copyDir(src, dst); err != nil {
		return err
	}
	return setMeta(src, dst, fi)
}

func isEmptyDir(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// resolveIn returns the host path of p inside root, following symlinks as
// if root were "/" (openat2 RESOLVE_IN_ROOT), so an image symlink cannot
// lead the copy out of the container.
func resolveIn(root, p string) (string, error) {
	rootFd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", &os.PathError{Op: "open", Path: root, Err: err}
	}
	defer unix.Close(rootFd)
	rel := strings.TrimLeft(filepath.Clean("/"+p), "/")
	if rel == "" {
		rel = "."
	}
	fd, err := unix.Openat2(rootFd, rel, &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return "", &os.PathError{Op: "resolve", Path: p, Err: err}
	}
	defer unix.Close(fd)
	real, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return "", err
	}
	cleanRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	if real != cleanRoot && !strings.HasPrefix(real, cleanRoot+"/") {
		return "", fmt.Errorf("resolve %s: escapes the container root", p)
	}
	return real, nil
}

type devIno struct{ dev, ino uint64 }

// copier copies a tree keeping owners, modes, times, xattrs, symlinks and
// hard links (within the tree).
type copier struct {
	links map[devIno]string
}

func (c *copier) copyDir(src, dst string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		s, d := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		fi, err := os.Lstat(s)
		if err != nil {
			return err
		}
		if err := c.copyEntry(s, d, fi); err != nil {
			return err
		}
	}
	return nil
}

func (c *copier) copyEntry(src, dst string, fi os.FileInfo) error {
	st := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() && st.Nlink > 1 {
		key := devIno{uint64(st.Dev), st.Ino}
		if first, ok := c.links[key]; ok {
			return os.Link(first, dst)
		}
		c.links[key] = dst
	}
	var err error
	switch m := fi.Mode(); {
	case m.IsDir():
		if err = os.Mkdir(dst, 0o700); err == nil {
			err = c.copyDir(src, dst)
		}
	case m.IsRegular():
		err = copyFile(src, dst)
	case m&os.ModeSymlink != 0:
		var target string
		if target, err = os.Readlink(src); err == nil {
			err = os.Symlink(target, dst)
		}
	case m&os.ModeNamedPipe != 0:
		err = unix.Mkfifo(dst, 0o600)
	case m&os.ModeDevice != 0:
		err = unix.Mknod(dst, st.Mode, int(st.Rdev))
		if errors.Is(err, unix.EPERM) {
			return nil // no device nodes in a user namespace; skip as /dev is mounted anyway
		}
	default:
		return nil // sockets
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return setMeta(src, dst, fi)
}

func copyFile(src, dst string) error {
	in, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// setMeta applies owner, mode, xattrs and times of fi to dst, in the
// order that keeps setuid bits and file capabilities (chown clears both).
func setMeta(src, dst string, fi os.FileInfo) error {
	st := fi.Sys().(*syscall.Stat_t)
	symlink := fi.Mode()&os.ModeSymlink != 0
	if err := unix.Lchown(dst, int(st.Uid), int(st.Gid)); err != nil &&
		!errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EPERM) {
		// EINVAL/EPERM: an owner not mapped in this user namespace; the
		// copy keeps ours.
		return fmt.Errorf("chown %s: %w", dst, err)
	}
	if !symlink {
		if err := unix.Chmod(dst, st.Mode&0o7777); err != nil {
			return fmt.Errorf("chmod %s: %w", dst, err)
		}
	}
	copyXattrs(src, dst)
	ts := []unix.Timespec{unix.NsecToTimespec(st.Atim.Nano()), unix.NsecToTimespec(st.Mtim.Nano())}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, dst, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("set times of %s: %w", dst, err)
	}
	return nil
}

// copyXattrs copies the extended attributes the namespace lets us set
// (user.*, security.capability); others (trusted.*, unsupported file
// systems) are skipped.
func copyXattrs(src, dst string) {
	size, err := unix.Llistxattr(src, nil)
	if err != nil || size <= 0 {
		return
	}
	buf := make([]byte, size)
	size, err = unix.Llistxattr(src, buf)
	if err != nil {
		return
	}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		n, err := unix.Lgetxattr(src, name, nil)
		if err != nil {
			continue
		}
		val := make([]byte, n)
		if n, err = unix.Lgetxattr(src, name, val); err != nil {
			continue
		}
		unix.Lsetxattr(dst, name, val[:n], 0)
	}
}
