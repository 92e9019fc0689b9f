package build

import (
	"archive/tar"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// copyWriter writes the layer of one ADD/COPY.
type copyWriter struct {
	b       *builder
	cs      copyArgs
	plan    *copyPlan
	dest    string
	mode    int64
	hasMode bool
	owner   *owner // --chown resolved; nil = default
	lw      *layerWriter
	links   map[[2]uint64]string // (dev, ino) -> written path, for hard links
	// memo: record each item's part of the cache key as it is copied
	// (plan.walked), the content sums hashed from the copied bytes; sum is
	// the last regular file's.
	memo bool
	sum  string
}

type owner struct{ uid, gid int }

func (c *copyWriter) write(sink entrySink, lower string) error {
	c.lw = newLayerWriterTo(sink, lower)
	c.links = map[[2]uint64]string{}
	if c.cs.chown != "" {
		o, err := resolveChown(c.lw, lower, c.cs.chown)
		if err != nil {
			return err
		}
		c.owner = o
		c.lw.parentMeta = func() tar.Header {
			return tar.Header{Typeflag: tar.TypeDir, Mode: 0o755, Uid: o.uid, Gid: o.gid, ModTime: time.Now().UTC()}
		}
	}
	rdest, err := c.lw.resolve(c.dest)
	if err != nil {
		return fmt.Errorf("destination %q: %w", c.dest, err)
	}
	destIsDir := strings.HasSuffix(c.dest, "/") || len(c.plan.items)+len(c.plan.urls)+len(c.cs.contents) > 1
	if t, _, err := c.lw.lookup(rdest); err != nil {
		return err
	} else if t == tar.TypeDir {
		destIsDir = true
	}
	if c.memo {
		c.plan.walked = make([][]byte, len(c.plan.items))
	}
	for i, it := range c.plan.items {
		if err := c.writeItem(i, it, rdest, destIsDir); err != nil {
			return err
		}
	}
	for _, d := range c.plan.urls {
		if err := c.writeURL(d, rdest, destIsDir); err != nil {
			return err
		}
	}
	for _, sc := range c.cs.contents {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(sc.Data)), ModTime: time.Now().UTC()}
		if err := c.writeFile(c.target(rdest, path.Base(sc.Path), destIsDir), hdr, strings.NewReader(sc.Data)); err != nil {
			return err
		}
	}
	return c.lw.Close()
}

// target is where a single file named name goes.
func (c *copyWriter) target(rdest, name string, destIsDir bool) string {
	if destIsDir {
		return path.Join(rdest, name)
	}
	return c.dest
}

// applyMeta applies --chown, --chmod and the default ownership.
func (c *copyWriter) applyMeta(h *tar.Header, keepOwner bool) {
	if !keepOwner {
		h.Uid, h.Gid = 0, 0
	}
	if c.owner != nil {
		h.Uid, h.Gid = c.owner.uid, c.owner.gid
	}
	if c.hasMode && h.Typeflag != tar.TypeSymlink {
		h.Mode = c.mode
	}
	h.Uname, h.Gname = "", ""
}

func (c *copyWriter) writeFile(dst string, h *tar.Header, body io.Reader) error {
	c.applyMeta(h, false)
	_, err := c.lw.WriteEntry(dst, h, body)
	return err
}

func (c *copyWriter) writeItem(i int, it srcItem, rdest string, destIsDir bool) error {
	t := c.plan.tree
	var fn func(e *srcEntry) error
	if !it.isDir {
		if c.cs.add && c.cs.unpack && c.plan.fromKey == "" {
			ok, err := c.tryExtract(it, rdest)
			if ok || err != nil {
				return err
			}
		}
		dst := c.target(rdest, it.name, destIsDir)
		fn = func(e *srcEntry) error { return c.writeEntry(dst, e) }
	} else {
		fn = func(e *srcEntry) error {
			if e.rel == "" {
				// The destination directory itself: created with the source
				// directory's metadata only when missing (BuildKit copy).
				if tt, _, err := c.lw.lookup(rdest); err != nil || tt == tar.TypeDir {
					return err
				}
				return c.writeEntry(rdest, e)
			}
			return c.writeEntry(path.Join(rdest, e.rel), e)
		}
	}
	if !c.memo {
		return t.walk(it, fn)
	}
	// Record what the cache key hashes of each entry, in the key's walk
	// order, with the content sum taken by the copy.
	var rec bytes.Buffer
	err := t.walk(it, func(e *srcEntry) error {
		c.sum = ""
		if err := fn(e); err != nil {
			return err
		}
		if c.sum != "" && e.st.Size >= minCachedSize {
			c.b.hashes.store(t.hashKey(it, e), e, c.sum)
		}
		return c.b.keyEntry(&rec, t, it, e, c.sum)
	})
	if err == nil {
		c.plan.walked[i] = rec.Bytes()
	}
	return err
}

// writeEntry writes one walked entry at dst.
func (c *copyWriter) writeEntry(dst string, e *srcEntry) error {
	h := fileHeader(e)
	if h == nil {
		return nil
	}
	c.applyMeta(h, c.plan.tree.keepOwner)
	ino := [2]uint64{e.st.Dev, e.st.Ino}
	if h.Typeflag == tar.TypeReg && e.st.Nlink > 1 {
		if first, ok := c.links[ino]; ok {
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, first, 0
			_, err := c.lw.WriteEntry(dst, h, nil)
			return err
		}
	}
	var body io.Reader
	var sum *hashingReader
	if h.Typeflag == tar.TypeReg {
		f, err := e.open()
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
		if c.memo {
			sum = newHashingReader(f)
			body = sum
		}
	}
	p, err := c.lw.WriteEntry(dst, h, body)
	if err == nil && sum != nil && sum.n == e.st.Size {
		c.sum = hex.EncodeToString(sum.h.Sum(nil))
	}
	if err == nil && h.Typeflag == tar.TypeReg && e.st.Nlink > 1 {
		c.links[ino] = p
	}
	return err
}

// tryExtract extracts a local archive item at rdest; ok=false when the
// file is no archive.
func (c *copyWriter) tryExtract(it srcItem, rdest string) (bool, error) {
	r, err := os.OpenRoot(c.plan.tree.root)
	if err != nil {
		return false, err
	}
	defer r.Close()
	f, err := r.OpenFile(it.rel, os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return false, fmt.Errorf("open %q: %w", it.original, err)
	}
	defer f.Close()
	tr, closer, ok, err := openArchive(f)
	if err != nil || !ok {
		return false, err
	}
	defer closer()
	return true, extractTar(tr, c.lw, rdest, c.applyArchiveMeta)
}

func (c *copyWriter) applyArchiveMeta(h *tar.Header) { c.applyMeta(h, true) }

func (c *copyWriter) writeURL(d *download, rdest string, destIsDir bool) error {
	f, err := os.Open(d.file)
	if err != nil {
		return err
	}
	defer f.Close()
	mode := int64(0o600)
	h := &tar.Header{Typeflag: tar.TypeReg, Mode: mode, Size: d.size, ModTime: d.mtime}
	return c.writeFile(c.target(rdest, d.name, destIsDir), h, f)
}
