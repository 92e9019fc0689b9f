package build

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// layerWriter writes one layer as a tar stream. Paths it is given are
// in-root paths ("/a/b"); it resolves their parent directories through the
// symlinks of the layer below (lower, a mounted rootfs, "" = empty) and of
// the entries already written, clamped at the root like the kernel does
// inside a chroot, so a written entry can never land outside the rootfs or
// shadow a symlinked directory with a real one. Entry names in the stream
// are clean relative paths.
type layerWriter struct {
	sink  entrySink
	lower string
	// written maps in-root paths to the tar type written there; links
	// holds symlink targets written in this layer.
	written map[string]byte
	links   map[string]string
	dirs    map[string]string // resolved-parent cache: dir -> resolved dir
	// notBelow holds directories of this layer that the layer below does
	// not have: nothing under them needs a look there (10,000 lstats
	// through an overlay mount for an ADD of a new tree).
	notBelow map[string]bool
	// parentMeta is used for directories the writer must create.
	parentMeta func() tar.Header
}

// entrySink receives the entries of a layer: a tar stream, or the
// staging directory of the new layer (dirsink.go).
type entrySink interface {
	// put writes hdr (a clean relative name, directories ending in "/")
	// and, for a regular file, copies up to hdr.Size bytes of body,
	// returning how many it copied.
	put(hdr *tar.Header, body io.Reader) (int64, error)
	Close() error
}

// tarSink writes entries as a tar stream.
type tarSink struct{ tw *tar.Writer }

func (t tarSink) put(hdr *tar.Header, body io.Reader) (int64, error) {
	if err := t.tw.WriteHeader(hdr); err != nil {
		return 0, err
	}
	if body == nil || hdr.Typeflag != tar.TypeReg {
		return 0, nil
	}
	return copyBuffered(t.tw, io.LimitReader(body, hdr.Size))
}

func (t tarSink) Close() error { return t.tw.Close() }

func newLayerWriter(w io.Writer, lower string) *layerWriter {
	return newLayerWriterTo(tarSink{tw: tar.NewWriter(w)}, lower)
}

func newLayerWriterTo(sink entrySink, lower string) *layerWriter {
	now := time.Now().UTC().Truncate(time.Second)
	return &layerWriter{
		sink: sink, lower: lower,
		written: map[string]byte{}, links: map[string]string{}, dirs: map[string]string{}, notBelow: map[string]bool{},
		parentMeta: func() tar.Header {
			return tar.Header{Typeflag: tar.TypeDir, Mode: 0o755, ModTime: now}
		},
	}
}

func (w *layerWriter) Close() error { return w.sink.Close() }

// errNotDir reports a path component that exists but is no directory.
type errNotDir struct{ path string }

func (e *errNotDir) Error() string { return fmt.Sprintf("%s: not a directory", e.path) }

// lookup reports what exists at the resolved path p: the tar type (0 when
// absent) and, for a symlink, its target.
func (w *layerWriter) lookup(p string) (byte, string, error) {
	if p == "/" {
		return tar.TypeDir, "", nil
	}
	if t, ok := w.written[p]; ok {
		return t, w.links[p], nil
	}
	if w.lower == "" || w.notBelow[path.Dir(p)] {
		return 0, "", nil
	}
	fi, err := os.Lstat(filepath.Join(w.lower, filepath.FromSlash(p)))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDirErrno) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	switch {
	case fi.IsDir():
		return tar.TypeDir, "", nil
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(filepath.Join(w.lower, filepath.FromSlash(p)))
		return tar.TypeSymlink, target, err
	default:
		return tar.TypeReg, "", nil
	}
}

// resolve follows symlinks in every component of the in-root path p
// (including the last) within the root and returns the resolved path.
func (w *layerWriter) resolve(p string) (string, error) {
	cur := "/"
	rest := splitPath(p)
	for n := 0; len(rest) > 0; {
		comp := rest[0]
		rest = rest[1:]
		if comp == "." {
			continue
		}
		if comp == ".." {
			cur = path.Dir(cur)
			continue
		}
		t, target, err := w.lookup(cur)
		if err != nil {
			return "", err
		}
		if t != 0 && t != tar.TypeDir {
			return "", &errNotDir{path: cur}
		}
		next := path.Join(cur, comp)
		t, target, err = w.lookup(next)
		if err != nil {
			return "", err
		}
		if t != tar.TypeSymlink {
			cur = next
			continue
		}
		if n++; n > 255 {
			return "", fmt.Errorf("resolve %q: too many levels of symbolic links", p)
		}
		if path.IsAbs(target) {
			cur = "/"
		}
		rest = append(splitPath(target), rest...)
	}
	return cur, nil
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// parent resolves the directory that will hold dst and creates the missing
// directories on the way. It returns the resolved entry path.
func (w *layerWriter) parent(dst string) (string, error) {
	dir, base := path.Split(path.Clean("/" + dst))
	if base == "" || base == "." || base == ".." {
		return "", fmt.Errorf("invalid destination %q", dst)
	}
	rdir, ok := w.dirs[dir]
	if !ok {
		var err error
		if rdir, err = w.resolve(dir); err != nil {
			return "", err
		}
		if err := w.mkdirAll(rdir); err != nil {
			return "", err
		}
		w.dirs[dir] = rdir
	}
	return path.Join(rdir, base), nil
}

// mkdirAll writes directory entries for the missing components of the
// resolved directory p.
func (w *layerWriter) mkdirAll(p string) error {
	if p == "/" {
		return nil
	}
	t, _, err := w.lookup(p)
	if err != nil {
		return err
	}
	switch t {
	case tar.TypeDir:
		return nil
	case 0:
	default:
		return &errNotDir{path: p}
	}
	if err := w.mkdirAll(path.Dir(p)); err != nil {
		return err
	}
	hdr := w.parentMeta()
	return w.emit(p, &hdr, nil)
}

// WriteEntry writes hdr (and body for regular files) at the in-root path
// dst. hdr.Name is set here; for hard links hdr.Linkname must be an in-root
// path already written in this layer. It returns the path written.
func (w *layerWriter) WriteEntry(dst string, hdr *tar.Header, body io.Reader) (string, error) {
	p, err := w.parent(dst)
	if err != nil {
		return "", err
	}
	if hdr.Typeflag == tar.TypeDir {
		// An existing directory keeps being a directory; the entry
		// updates its metadata as `tar -x` and BuildKit's copy do.
		if t, _, err := w.lookup(p); err != nil {
			return "", err
		} else if t == tar.TypeSymlink {
			if p, err = w.resolve(p); err != nil {
				return "", err
			}
			if err := w.mkdirAll(path.Dir(p)); err != nil {
				return "", err
			}
		}
	}
	if hdr.Typeflag == tar.TypeLink {
		target := path.Clean("/" + hdr.Linkname)
		if t := w.written[target]; t != tar.TypeReg && t != tar.TypeLink {
			return "", fmt.Errorf("hard link %q -> %q: target is not a file of this layer", dst, hdr.Linkname)
		}
		hdr.Linkname = strings.TrimPrefix(target, "/")
	}
	return p, w.emit(p, hdr, body)
}

// emit writes the entry at the resolved path p.
func (w *layerWriter) emit(p string, hdr *tar.Header, body io.Reader) error {
	name := strings.TrimPrefix(p, "/")
	if strings.HasPrefix(path.Base(name), ".wh.") {
		return fmt.Errorf("%q: names starting with .wh. are reserved for layer whiteouts", p)
	}
	hdr.Name = name
	if hdr.Typeflag == tar.TypeDir {
		hdr.Name += "/"
	}
	if hdr.Typeflag != tar.TypeReg {
		hdr.Size = 0
	}
	prev := w.written[p]
	if hdr.Typeflag == tar.TypeDir && prev == 0 {
		if t, _, err := w.lookup(p); err != nil {
			return err
		} else if t == 0 {
			w.notBelow[p] = true
		}
	}
	w.written[p] = hdr.Typeflag
	if hdr.Typeflag == tar.TypeSymlink {
		w.links[p] = hdr.Linkname
	} else {
		delete(w.links, p)
	}
	if hdr.Typeflag == tar.TypeSymlink || (prev == tar.TypeDir && hdr.Typeflag != tar.TypeDir) {
		clear(w.dirs) // a cached resolution may go through p
	}
	n, err := w.sink.put(hdr, body)
	if err != nil {
		return fmt.Errorf("write %q: %w", name, err)
	}
	if body != nil && hdr.Typeflag == tar.TypeReg && n != hdr.Size {
		return fmt.Errorf("write %q: file changed size while reading", name)
	}
	return nil
}
