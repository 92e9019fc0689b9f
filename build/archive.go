package build

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/ulikunitz/xz"
)

// openArchive detects a (gzip, bzip2 or xz compressed) tar by content, as
// Docker's ADD does. ok is false when r holds no tar archive.
func openArchive(r io.Reader) (*tar.Reader, func(), bool, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(6)
	var dr io.Reader = br
	closer := func() {}
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, false, nil
		}
		dr, closer = gz, func() { _ = gz.Close() }
	case bytes.HasPrefix(magic, []byte("BZh")):
		dr = bzip2.NewReader(br)
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		xr, err := xz.NewReader(br)
		if err != nil {
			return nil, nil, false, nil
		}
		dr = xr
	}
	// A tar has "ustar" at offset 257 (or is an old v7 tar, which Docker
	// also accepts: try to read a header).
	pb := bufio.NewReaderSize(dr, 1024)
	head, err := pb.Peek(512)
	if err != nil || len(head) < 512 {
		closer()
		return nil, nil, false, nil
	}
	if _, err := tar.NewReader(bytes.NewReader(head)).Next(); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		closer()
		return nil, nil, false, nil
	}
	return tar.NewReader(pb), closer, true, nil
}

// archivePath turns an archive entry name into a path relative to the
// extraction directory, refusing names that climb out of it.
func archivePath(name string) (string, error) {
	n := strings.TrimLeft(strings.ReplaceAll(name, "\\", "/"), "/")
	clean := path.Clean(n)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("archive entry %q points outside the destination", name)
	}
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

// extractTar writes the entries of tr below the resolved directory dest
// through lw, which keeps every entry inside the rootfs: names are
// sanitised here, parent symlinks are resolved within the root by lw, hard
// links must point at files of the same archive.
func extractTar(tr *tar.Reader, lw *layerWriter, dest string, meta func(*tar.Header)) error {
	written := map[string]string{} // archive path -> in-root path
	if err := lw.mkdirAll(dest); err != nil {
		return err
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		rel, err := archivePath(h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA, tar.TypeDir, tar.TypeSymlink, tar.TypeLink,
			tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		default:
			continue // PAX/GNU metadata entries, sockets
		}
		if rel == "" {
			continue // "./" itself: keep the destination's metadata
		}
		if h.Typeflag == tar.TypeRegA {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag == tar.TypeLink {
			lrel, err := archivePath(h.Linkname)
			if err != nil {
				return err
			}
			target, ok := written[lrel]
			if !ok {
				return fmt.Errorf("archive entry %q: hard link target %q is not in the archive", h.Name, h.Linkname)
			}
			h.Linkname = target
		}
		meta(h)
		h.PAXRecords, h.Xattrs = nil, nil //nolint:staticcheck // drop xattrs (security.*, trusted.*)
		h.Format = tar.FormatPAX
		p, err := lw.WriteEntry(path.Join(dest, rel), h, tr)
		if err != nil {
			return fmt.Errorf("archive entry %q: %w", h.Name, err)
		}
		written[rel] = p
	}
}
