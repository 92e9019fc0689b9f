package container

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// meta gives the open copy fd the owner, mode and xattrs of the open
// source src (st is its stat). Owner before mode: chown clears set-id bits.
func (c *treeCopier) meta(fd, src int, st *unix.Stat_t, rel string) error {
	if err := unix.Fchown(fd, int(st.Uid), int(st.Gid)); err != nil {
		return pathErr("chown", rel, err)
	}
	if err := unix.Fchmod(fd, st.Mode&0o7777); err != nil {
		return pathErr("chmod", rel, err)
	}
	return copyXattrs(rel, func(b []byte) (int, error) { return unix.Flistxattr(src, b) },
		func(k string, b []byte) (int, error) { return unix.Fgetxattr(src, k, b) },
		func(k string, v []byte) error { return unix.Fsetxattr(fd, k, v, 0) })
}

// metaAt is meta for an entry that cannot be opened (symlink, device,
// fifo): name in the directories sfd (source) and dfd (copy).
func (c *treeCopier) metaAt(sfd, dfd int, name string, st *unix.Stat_t, rel string) error {
	if err := unix.Fchownat(dfd, name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return pathErr("chown", rel, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		if err := unix.Fchmodat(dfd, name, st.Mode&0o7777, 0); err != nil {
			return pathErr("chmod", rel, err)
		}
	}
	// The l*xattr calls take paths: name them through the directory
	// descriptors, which do not follow the entry itself.
	sp, dp := fmt.Sprintf("/proc/self/fd/%d/%s", sfd, name), fmt.Sprintf("/proc/self/fd/%d/%s", dfd, name)
	return copyXattrs(rel, func(b []byte) (int, error) { return unix.Llistxattr(sp, b) },
		func(k string, b []byte) (int, error) { return unix.Lgetxattr(sp, k, b) },
		func(k string, v []byte) error { return unix.Lsetxattr(dp, k, v, 0) })
}

// times sets the access and modification times of name in dfd to st's.
func (c *treeCopier) times(dfd int, name string, st unix.Stat_t) error {
	ts := []unix.Timespec{st.Atim, st.Mtim}
	return pathErr("set times of", name, unix.UtimesNanoAt(dfd, name, ts, unix.AT_SYMLINK_NOFOLLOW))
}

// keepXattr tells which xattrs a layer carries: those storage puts into a
// layer's tar, and overlay's opaque-directory mark (read as a whiteout).
func keepXattr(k string) bool {
	switch k {
	case "security.capability", "security.ima", "user.overlay.opaque", "trusted.overlay.opaque":
		return true
	}
	return strings.HasPrefix(k, "user.") && !strings.HasPrefix(k, "user.overlay.")
}

func copyXattrs(rel string, list func([]byte) (int, error), get func(string, []byte) (int, error), set func(string, []byte) error) error {
	names, err := xattrList(list)
	if err != nil {
		if errors.Is(err, unix.ENOTSUP) {
			return nil
		}
		return pathErr("list xattrs of", rel, err)
	}
	for _, k := range names {
		if !keepXattr(k) {
			continue
		}
		v, err := xattrValue(k, get)
		if errors.Is(err, unix.ENODATA) {
			continue // removed meanwhile
		}
		if err != nil {
			return pathErr("read xattr "+k+" of", rel, err)
		}
		if err := set(k, v); err != nil {
			return pathErr("set xattr "+k+" on", rel, err)
		}
	}
	return nil
}

func xattrList(list func([]byte) (int, error)) ([]string, error) {
	b, err := growingRead(list, 256)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range strings.Split(string(b), "\x00") {
		if k != "" {
			out = append(out, k)
		}
	}
	return out, nil
}

func xattrValue(k string, get func(string, []byte) (int, error)) ([]byte, error) {
	return growingRead(func(b []byte) (int, error) { return get(k, b) }, 256)
}

// growingRead calls read (an xattr syscall) with a buffer that grows to
// the size the kernel reports when it answers ERANGE.
func growingRead(read func([]byte) (int, error), size int) ([]byte, error) {
	b := make([]byte, size)
	for {
		n, err := read(b)
		if errors.Is(err, unix.ERANGE) {
			sz, err := read(nil)
			if err != nil {
				return nil, err
			}
			b = make([]byte, sz+64)
			continue
		}
		if err != nil {
			return nil, err
		}
		return b[:n], nil
	}
}
