package build

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"
	"golang.org/x/sys/unix"
)

// srcTree is a directory tree ADD/COPY read from: the build context or a
// mounted stage/image rootfs. Nothing outside root is ever opened: source
// arguments are resolved inside root (symlinks included) and trees are
// walked with openat(O_NOFOLLOW) relative to directory descriptors.
type srcTree struct {
	root      string
	ignore    *patternmatcher.PatternMatcher // .dockerignore (context only)
	keepOwner bool                           // --from keeps uid/gid
	isContext bool
}

// srcItem is one resolved source argument (after wildcard expansion).
type srcItem struct {
	name     string // base name used at the destination
	rel      string // resolved path relative to the tree root ("" = root)
	isDir    bool
	original string
}

// lookup resolves p inside the tree like layerWriter.resolve does.
func (t *srcTree) resolve(p string, followLast bool) (string, error) {
	lw := &layerWriter{lower: t.root, written: map[string]byte{}, links: map[string]string{}}
	if followLast {
		return lw.resolve(p)
	}
	dir, base := path.Split(path.Clean("/" + p))
	rdir, err := lw.resolve(dir)
	if err != nil {
		return "", err
	}
	return path.Join(rdir, base), nil
}

func (t *srcTree) hostPath(rel string) string {
	return filepath.Join(t.root, filepath.FromSlash(rel))
}

func (t *srcTree) ignored(rel string) bool {
	if t.ignore == nil || rel == "" {
		return false
	}
	m, _ := t.ignore.MatchesOrParentMatches(rel) //nolint:staticcheck // simple and what docker build's context filter uses
	return m
}

// items expands one source argument into items; wildcards follow
// filepath.Match per path component, an empty match is no error (BuildKit
// AllowEmptyWildcard), a missing plain path is.
func (t *srcTree) items(arg string) ([]srcItem, error) {
	clean := path.Clean("/" + arg)
	if !containsWildcards(clean) {
		it, err := t.item(clean, arg)
		if err != nil {
			return nil, err
		}
		return []srcItem{it}, nil
	}
	matches, err := t.glob("/", splitPath(clean))
	if err != nil {
		return nil, err
	}
	var out []srcItem
	for _, m := range matches {
		if t.ignored(strings.TrimPrefix(m, "/")) {
			continue
		}
		it, err := t.item(m, arg)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func (t *srcTree) item(p, arg string) (srcItem, error) {
	rp, err := t.resolve(p, true)
	if err != nil {
		return srcItem{}, fmt.Errorf("resolve %q: %w", arg, err)
	}
	rel := strings.TrimPrefix(rp, "/")
	if t.ignored(strings.TrimPrefix(p, "/")) || t.ignored(rel) {
		return srcItem{}, fmt.Errorf("%q: not found (excluded by .dockerignore)", arg)
	}
	var st unix.Stat_t
	if err := unix.Lstat(t.hostPath(rel), &st); err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			return srcItem{}, fmt.Errorf("%q: not found", arg)
		}
		return srcItem{}, fmt.Errorf("stat %q: %w", arg, err)
	}
	name := path.Base(p)
	return srcItem{name: name, rel: rel, isDir: st.Mode&unix.S_IFMT == unix.S_IFDIR, original: arg}, nil
}

// glob matches comps below the resolved directory dir.
func (t *srcTree) glob(dir string, comps []string) ([]string, error) {
	if len(comps) == 0 {
		return []string{dir}, nil
	}
	comp := comps[0]
	if !containsWildcards(comp) {
		next := path.Join(dir, comp)
		if len(comps) > 1 {
			r, err := t.resolve(next, true)
			if err != nil {
				return nil, nil
			}
			next = r
		}
		if _, err := os.Lstat(t.hostPath(next)); err != nil {
			return nil, nil
		}
		return t.glob(next, comps[1:])
	}
	ents, err := os.ReadDir(t.hostPath(dir))
	if err != nil {
		return nil, nil
	}
	var out []string
	for _, e := range ents {
		ok, err := path.Match(comp, e.Name())
		if err != nil {
			return nil, fmt.Errorf("bad pattern %q: %w", comp, err)
		}
		if !ok {
			continue
		}
		next := path.Join(dir, e.Name())
		if len(comps) > 1 {
			if next, err = t.resolve(next, true); err != nil {
				continue
			}
		}
		m, err := t.glob(next, comps[1:])
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	slices.Sort(out)
	return out, nil
}

func containsWildcards(name string) bool {
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '*', '?', '[':
			return true
		case '\\':
			i++
		}
	}
	return false
}

// srcEntry is one file system object met while walking an item.
type srcEntry struct {
	rel  string // relative to the item ("" = the item itself)
	st   unix.Stat_t
	link string // symlink target
	dirf *os.File
	name string // name inside dirf
}

// open opens a regular file entry without following symlinks, as a raw
// descriptor: an os.File costs an fcntl and a poller check per file.
func (e *srcEntry) open() (fdReader, error) {
	fd, err := unix.Openat(int(e.dirf.Fd()), e.name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: e.rel, Err: err}
	}
	return fdReader(fd), nil
}

// fdReader reads a file descriptor it owns.
type fdReader int

func (r fdReader) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(int(r), b)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 && len(b) > 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

func (r fdReader) Close() error { return unix.Close(int(r)) }

// walk calls fn for the item and everything below it in lexical order.
// Excluded paths are skipped; a directory is entered only when it is not
// excluded or exclusion patterns could re-include something below it.
func (t *srcTree) walk(it srcItem, fn func(e *srcEntry) error) error {
	r, err := os.OpenRoot(t.root)
	if err != nil {
		return err
	}
	defer r.Close()
	dir, base := path.Split("/" + it.rel)
	dirRel := strings.TrimPrefix(path.Clean(dir), "/")
	if dirRel == "" {
		dirRel = "."
	}
	parent, err := r.Open(dirRel)
	if err != nil {
		return fmt.Errorf("open %q: %w", it.original, err)
	}
	defer parent.Close()
	if base == "" { // the root itself
		base = "."
	}
	return t.walkAt(parent, base, "", it.rel, fn)
}

func (t *srcTree) walkAt(dirf *os.File, name, rel, ctxRel string, fn func(*srcEntry) error) error {
	e := &srcEntry{rel: rel, dirf: dirf, name: name}
	if err := unix.Fstatat(int(dirf.Fd()), name, &e.st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &fs.PathError{Op: "lstat", Path: ctxRel, Err: err}
	}
	excluded := t.ignored(ctxRel)
	isDir := e.st.Mode&unix.S_IFMT == unix.S_IFDIR
	if excluded && (!isDir || !t.ignore.Exclusions()) {
		return nil
	}
	if e.st.Mode&unix.S_IFMT == unix.S_IFLNK {
		buf := make([]byte, unix.PathMax)
		n, err := unix.Readlinkat(int(dirf.Fd()), name, buf)
		if err != nil {
			return &fs.PathError{Op: "readlink", Path: ctxRel, Err: err}
		}
		e.link = string(buf[:n])
	}
	if !excluded {
		if err := fn(e); err != nil {
			return err
		}
	}
	if !isDir {
		return nil
	}
	return t.walkDir(e, ctxRel, fn)
}

func (t *srcTree) walkDir(e *srcEntry, ctxRel string, fn func(*srcEntry) error) error {
	fd, err := unix.Openat(int(e.dirf.Fd()), e.name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open", Path: ctxRel, Err: err}
	}
	d := os.NewFile(uintptr(fd), ctxRel)
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return &fs.PathError{Op: "readdir", Path: ctxRel, Err: err}
	}
	slices.Sort(names)
	for _, n := range names {
		if err := t.walkAt(d, n, path.Join(e.rel, n), path.Join(ctxRel, n), fn); err != nil {
			return err
		}
	}
	return nil
}
