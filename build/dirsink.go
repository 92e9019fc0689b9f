package build

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// errNeedTar reports an entry the staged path cannot write (a device
// node: mknod is refused in the user namespace); the caller aborts the
// staged layer and writes the layer as a tar instead.
var errNeedTar = errors.New("entry needs the tar path")

// dirSink writes a layer's entries straight into the diff directory of a
// new overlay layer (its upper directory), as storage would extract the
// same tar there: the entry replaces what this layer wrote at its path
// unless both are directories, directories get their times once
// everything in them is written. The layerWriter hands it resolved paths
// that cross no symlink, and the directory starts empty, so a path can
// only name what this sink created; the final component is never
// followed either.
type dirSink struct {
	ctx   context.Context
	root  string // the diff directory
	lower string // the mounted parent rootfs, "" for none
	// made records what this sink created: name -> is a directory.
	made  map[string]bool
	times map[string]time.Time // directories: mtime to set at Close
	// sgid holds directories with the set-group-ID bit (files created in
	// them take their group); uid, gid and umask are this process's.
	sgid     map[string]bool
	uid, gid int
	umask    uint32
}

func newDirSink(ctx context.Context, root, lower string) *dirSink {
	mask := unix.Umask(0o22)
	unix.Umask(mask)
	return &dirSink{ctx: ctx, root: root, lower: lower, made: map[string]bool{}, times: map[string]time.Time{},
		sgid: map[string]bool{}, uid: unix.Geteuid(), gid: unix.Getegid(), umask: uint32(mask)}
}

func (d *dirSink) put(h *tar.Header, body io.Reader) (int64, error) {
	if err := d.ctx.Err(); err != nil {
		return 0, err
	}
	name := strings.TrimSuffix(h.Name, "/")
	if name == "" || name == "." || strings.HasPrefix(name, "/") || strings.Contains("/"+name+"/", "/../") {
		return 0, fmt.Errorf("invalid entry name %q", h.Name)
	}
	if err := d.parent(path.Dir(name)); err != nil {
		return 0, err
	}
	p := filepath.Join(d.root, name)
	if isDir, ok := d.made[name]; ok && !(isDir && h.Typeflag == tar.TypeDir) {
		if err := os.RemoveAll(p); err != nil {
			return 0, err
		}
		d.forget(name)
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if _, ok := d.made[name]; !ok {
			if err := unix.Mkdir(p, 0o700); err != nil {
				return 0, &os.PathError{Op: "mkdir", Path: name, Err: err}
			}
		}
		d.made[name] = true
		d.times[name] = h.ModTime
		return 0, d.meta(p, h, true)
	case tar.TypeReg:
		return d.file(name, p, h, body)
	case tar.TypeSymlink:
		if err := unix.Symlink(h.Linkname, p); err != nil {
			return 0, &os.PathError{Op: "symlink", Path: name, Err: err}
		}
		d.made[name] = false
		if err := unix.Lchown(p, h.Uid, h.Gid); err != nil {
			return 0, &os.PathError{Op: "lchown", Path: name, Err: err}
		}
		return 0, setTimes(p, h.ModTime)
	case tar.TypeLink:
		// layerWriter checked that the target is a file of this layer.
		target := path.Clean(h.Linkname)
		if isDir, ok := d.made[target]; !ok || isDir {
			return 0, fmt.Errorf("hard link %q -> %q: no such file in this layer", name, h.Linkname)
		}
		if err := unix.Link(filepath.Join(d.root, target), p); err != nil {
			return 0, &os.PathError{Op: "link", Path: name, Err: err}
		}
		d.made[name] = false
		return 0, nil
	case tar.TypeFifo:
		if err := unix.Mkfifo(p, 0o600); err != nil {
			return 0, &os.PathError{Op: "mkfifo", Path: name, Err: err}
		}
		d.made[name] = false
		return 0, d.meta(p, h, false)
	default:
		return 0, errNeedTar
	}
}

// file creates a regular file; O_EXCL|O_NOFOLLOW: the path is new. Raw
// descriptors and one buffer: os.File's poller registration costs more
// than the write of a small file.
func (d *dirSink) file(name, p string, h *tar.Header, body io.Reader) (int64, error) {
	perm := uint32(h.Mode & 0o777)
	fd, err := unix.Open(p, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm)
	if err != nil {
		return 0, &os.PathError{Op: "create", Path: name, Err: err}
	}
	d.made[name] = false
	var n int64
	if body != nil && h.Size > 0 {
		n, err = copyBuffered(fdWriter(fd), io.LimitReader(body, h.Size))
	}
	if err == nil {
		err = d.fmeta(fd, name, h, perm)
	}
	if err == nil {
		// By descriptor: no second lookup of the path.
		err = setFdTimes(fd, name, h.ModTime)
	}
	if cerr := unix.Close(fd); err == nil && cerr != nil {
		err = &os.PathError{Op: "close", Path: name, Err: cerr}
	}
	return n, err
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// copyBuffered is io.Copy with a pooled buffer: io.Copy from an *os.File
// to a writer that is no file allocates 32 KiB per call (os.genericWriteTo),
// which for 10,000 small files is most of the garbage of an ADD.
func copyBuffered(dst io.Writer, src io.Reader) (int64, error) {
	b := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(b)
	return io.CopyBuffer(dst, struct{ io.Reader }{src}, *b)
}

type fdWriter int

func (w fdWriter) Write(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := unix.Write(int(w), b[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}

// fmeta sets owner then mode (chown clears set-id bits) on an open file.
// A file created with mode perm needs neither call when it is already
// right: owned by us (no set-group-ID parent) with no bit masked off or
// special bits wanted, which is the common case and saves two system calls
// per file.
func (d *dirSink) fmeta(fd int, name string, h *tar.Header, perm uint32) error {
	if h.Uid != d.uid || h.Gid != d.gid || d.sgid[path.Dir(name)] {
		if err := unix.Fchown(fd, h.Uid, h.Gid); err != nil {
			return &os.PathError{Op: "chown", Path: name, Err: err}
		}
	} else if h.Mode&0o7000 == 0 && perm&d.umask == 0 {
		return nil
	}
	if err := unix.Fchmod(fd, uint32(h.Mode&0o7777)); err != nil {
		return &os.PathError{Op: "chmod", Path: name, Err: err}
	}
	return nil
}

func (d *dirSink) meta(p string, h *tar.Header, isDir bool) error {
	if isDir {
		rel, _ := filepath.Rel(d.root, p)
		if h.Mode&0o2000 != 0 {
			d.sgid[filepath.ToSlash(rel)] = true
		} else {
			delete(d.sgid, filepath.ToSlash(rel))
		}
	}
	if err := unix.Lchown(p, h.Uid, h.Gid); err != nil {
		return &os.PathError{Op: "chown", Path: p, Err: err}
	}
	if err := unix.Chmod(p, uint32(h.Mode&0o7777)); err != nil {
		return &os.PathError{Op: "chmod", Path: p, Err: err}
	}
	if !isDir {
		return setTimes(p, h.ModTime)
	}
	return nil
}

// parent makes sure the directory dir exists in the diff directory. One
// that only the lower layers have is copied up with their metadata (as
// overlay's copy-up does), so the layer does not change it.
func (d *dirSink) parent(dir string) error {
	if dir == "." || dir == "" {
		return nil
	}
	if isDir, ok := d.made[dir]; ok {
		if !isDir {
			return fmt.Errorf("%s: not a directory", dir)
		}
		return nil
	}
	if err := d.parent(path.Dir(dir)); err != nil {
		return err
	}
	h := &tar.Header{Mode: 0o755, ModTime: time.Now()}
	if d.lower != "" {
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(d.lower, dir), &st); err == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			h = &tar.Header{Mode: int64(st.Mode & 0o7777), Uid: int(st.Uid), Gid: int(st.Gid),
				ModTime: time.Unix(st.Mtim.Sec, st.Mtim.Nsec)}
		}
	}
	p := filepath.Join(d.root, dir)
	if err := unix.Mkdir(p, 0o700); err != nil {
		return &os.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	d.made[dir] = true
	d.times[dir] = h.ModTime
	return d.meta(p, h, true)
}

// forget drops name and, for a removed directory, everything under it.
func (d *dirSink) forget(name string) {
	if d.made[name] {
		prefix := name + "/"
		for k := range d.made {
			if strings.HasPrefix(k, prefix) {
				delete(d.made, k)
				delete(d.times, k)
			}
		}
	}
	delete(d.made, name)
	delete(d.times, name)
}

// Close gives the directories their times, now that nothing is created
// in them any more.
func (d *dirSink) Close() error {
	for name, t := range d.times {
		if err := setTimes(filepath.Join(d.root, name), t); err != nil {
			return err
		}
	}
	return nil
}

// setFdTimes is futimens(2): utimensat on the descriptor with no path.
func setFdTimes(fd int, name string, t time.Time) error {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	ts := [2]unix.Timespec{unix.NsecToTimespec(t.UnixNano()), unix.NsecToTimespec(t.UnixNano())}
	if _, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0); e != 0 {
		return &os.PathError{Op: "utimes", Path: name, Err: e}
	}
	return nil
}

func setTimes(p string, t time.Time) error {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	ts := unix.NsecToTimespec(t.UnixNano())
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "utimes", Path: p, Err: err}
	}
	return nil
}
