package build

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The staged sink writes what the tar says, and the tar it tees is the
// one the tar path would have produced for the same entries.
func TestTeeSinkWritesDirAndSameTar(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the sink chowns: run as root (CI does; nook runs it as root in its user namespace)")
	}
	lower := t.TempDir()
	if err := os.MkdirAll(filepath.Join(lower, "usr/local"), 0o711); err != nil {
		t.Fatal(err)
	}
	mt := time.Unix(1700000000, 5).UTC()
	entries := func(lw *layerWriter) error {
		steps := []struct {
			dst  string
			h    tar.Header
			body string
		}{
			{"/usr/local/new", tar.Header{Typeflag: tar.TypeDir, Mode: 0o750, Uid: 7, Gid: 8, ModTime: mt}, ""},
			{"/usr/local/new/f", tar.Header{Typeflag: tar.TypeReg, Mode: 0o4755, Uid: 7, Gid: 8, ModTime: mt, Size: 5}, "hello"},
			{"/usr/local/new/hl", tar.Header{Typeflag: tar.TypeLink, Linkname: "/usr/local/new/f", ModTime: mt}, ""},
			{"/usr/local/new/sl", tar.Header{Typeflag: tar.TypeSymlink, Linkname: "../../../../etc", ModTime: mt}, ""},
			{"/usr/local/new/x", tar.Header{Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mt}, ""},
			{"/usr/local/new/x/y", tar.Header{Typeflag: tar.TypeReg, Mode: 0o644, ModTime: mt, Size: 1}, "y"},
			{"/usr/local/new/g", tar.Header{Typeflag: tar.TypeDir, Mode: 0o2775, Gid: 8, ModTime: mt}, ""},
			{"/usr/local/new/g/root", tar.Header{Typeflag: tar.TypeReg, Mode: 0o2755, ModTime: mt, Size: 1}, "r"},
			// a file replacing a directory this layer wrote
			{"/usr/local/new/x", tar.Header{Typeflag: tar.TypeReg, Mode: 0o600, ModTime: mt, Size: 3}, "now"},
		}
		for _, s := range steps {
			h := s.h
			if _, err := lw.WriteEntry(s.dst, &h, strings.NewReader(s.body)); err != nil {
				return err
			}
		}
		return lw.Close()
	}
	var ref bytes.Buffer
	if err := entries(newLayerWriter(&ref, lower)); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	var teed bytes.Buffer
	rec := &bufRecorder{Buffer: &teed}
	if err := entries(newLayerWriterTo(newTeeSink(newDirSink(context.Background(), root, lower), rec), lower)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ref.Bytes(), teed.Bytes()) {
		t.Fatalf("teed tar differs from the tar path's (%d vs %d bytes)", teed.Len(), ref.Len())
	}
	stat := func(p string) unix.Stat_t {
		t.Helper()
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(root, p), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := stat("usr/local"); st.Mode&0o7777 != 0o711 {
		t.Errorf("copied-up parent mode %o, want the lower's 711", st.Mode&0o7777)
	}
	f, hl := stat("usr/local/new/f"), stat("usr/local/new/hl")
	if f.Mode&0o7777 != 0o4755 || f.Uid != 7 || f.Gid != 8 || f.Ino != hl.Ino || f.Mtim.Nsec != 5 {
		t.Errorf("file: mode %o owner %d:%d ino %d/%d mtime ns %d", f.Mode&0o7777, f.Uid, f.Gid, f.Ino, hl.Ino, f.Mtim.Nsec)
	}
	if d := stat("usr/local/new"); d.Mode&0o7777 != 0o750 || d.Mtim.Sec != mt.Unix() {
		t.Errorf("dir: mode %o mtime %d (times are set after its entries)", d.Mode&0o7777, d.Mtim.Sec)
	}
	if r := stat("usr/local/new/g/root"); r.Gid != 0 || r.Mode&0o7777 != 0o2755 {
		t.Errorf("file in a set-group-ID dir: group %d mode %o, want 0 and 2755", r.Gid, r.Mode&0o7777)
	}
	if l, _ := os.Readlink(filepath.Join(root, "usr/local/new/sl")); l != "../../../../etc" {
		t.Errorf("symlink target %q", l)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "usr/local/new/x")); string(b) != "now" {
		t.Errorf("replaced entry holds %q", b)
	}
}

// Device nodes cannot be made in the user namespace: the staged path
// hands the layer back to the tar path.
func TestDirSinkDeviceNeedsTar(t *testing.T) {
	d := newDirSink(context.Background(), t.TempDir(), "")
	_, err := d.put(&tar.Header{Name: "dev", Typeflag: tar.TypeChar, Mode: 0o600}, nil)
	if !errors.Is(err, errNeedTar) {
		t.Fatalf("char device: %v, want errNeedTar", err)
	}
	if _, err := d.put(&tar.Header{Name: "../x", Typeflag: tar.TypeReg}, io.LimitReader(nil, 0)); err == nil {
		t.Fatal("a name with .. was accepted")
	}
}

// bufRecorder is a LayerTarRecorder keeping only the bytes.
type bufRecorder struct{ *bytes.Buffer }

func (bufRecorder) BeginFile(string, int64, int, int) {}
func (bufRecorder) EndFile() error                    { return nil }
func (bufRecorder) Close() error                      { return nil }
