package container

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"hash/crc64"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	"github.com/vbatts/tar-split/tar/asm"
	tsstorage "github.com/vbatts/tar-split/tar/storage"
)

// LayerTar records the same tar-split metadata as tar-split's own
// disassembler (which storage runs on a layer applied from a tar), and the
// stream's digest.
func TestLayerTarMatchesTarSplit(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "ts")
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	lt := &LayerTar{h: sha256.New(), bw: bw, ts: f, packer: tsstorage.NewJSONPacker(bw),
		crc: crc64.New(tsstorage.CRCTable), uids: map[uint32]bool{}, gids: map[uint32]bool{}}
	var stream bytes.Buffer
	tw := tar.NewWriter(io.MultiWriter(lt, &stream))
	mt := time.Unix(1700000000, 123).UTC()
	long := strings.Repeat("d/", 60) + "f"
	for _, e := range []struct {
		h    tar.Header
		body string
	}{
		{tar.Header{Name: "a/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mt, Format: tar.FormatPAX}, ""},
		{tar.Header{Name: "a/f", Typeflag: tar.TypeReg, Mode: 0o644, Uid: 5, Gid: 6, Size: 700, ModTime: mt, Format: tar.FormatPAX}, strings.Repeat("x", 700)},
		{tar.Header{Name: "a/empty", Typeflag: tar.TypeReg, Mode: 0o644, ModTime: mt, Format: tar.FormatPAX}, ""},
		{tar.Header{Name: "a/l", Typeflag: tar.TypeSymlink, Linkname: "f", ModTime: mt, Format: tar.FormatPAX}, ""},
		{tar.Header{Name: "a/h", Typeflag: tar.TypeLink, Linkname: "a/f", ModTime: mt, Format: tar.FormatPAX}, ""},
		{tar.Header{Name: long, Typeflag: tar.TypeReg, Mode: 0o600, Size: 3, ModTime: mt, Format: tar.FormatPAX}, "abc"},
	} {
		if err := lt.EndFile(); err != nil {
			t.Fatal(err)
		}
		h := e.h
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		lt.BeginFile(h.Name, h.Size, h.Uid, h.Gid)
		io.WriteString(tw, e.body)
	}
	if err := lt.EndFile(); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	if err := lt.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())

	var want bytes.Buffer
	its, err := asm.NewInputTarStream(bytes.NewReader(stream.Bytes()), tsstorage.NewJSONPacker(&want), tsstorage.NewDiscardFilePutter())
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, its)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("tar-split metadata differs:\n got %s\nwant %s", got, want.Bytes())
	}
	if d := digest.FromBytes(stream.Bytes()); lt.sum.digest != d || lt.sum.size != int64(stream.Len()) {
		t.Fatalf("digest %s size %d, want %s %d", lt.sum.digest, lt.sum.size, d, stream.Len())
	}
	if len(lt.sum.uids) != 2 || lt.sum.uids[1] != 5 {
		t.Fatalf("uids %v", lt.sum.uids)
	}
}
