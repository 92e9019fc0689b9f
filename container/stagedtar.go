package container

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	tsstorage "github.com/vbatts/tar-split/tar/storage"
	"go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"
	"go.podman.io/storage/pkg/archive"
)

// LayerTar records the tar stream of a staged layer as its writer
// produces it alongside the files: its digest is the layer's diff ID, and
// its tar-split metadata (what tar-split's disassembler would record for
// the same stream) lets storage give back exactly this stream for save and
// push, reading file contents from the diff directory; so the files need
// no second pass to be hashed. The writer calls BeginFile after writing an
// entry's header and EndFile after its contents; all other bytes (headers,
// padding, the end marker) are kept as raw segments.
type LayerTar struct {
	h          hash.Hash
	n          int64
	bw         *bufio.Writer
	ts         *os.File // tar-split metadata (uncompressed JSON), unlinked
	packer     tsstorage.Packer
	seg        []byte // raw bytes since the last entry
	inFile     bool
	name       string
	size       int64
	crc        hash.Hash64
	uids, gids map[uint32]bool
	sum        diffSum
	err        error
}

// TarStream returns the recorder of the layer's tar; the caller writes
// the whole stream through it before Commit.
func (s *StagedLayer) TarStream() (*LayerTar, error) {
	if s.tar != nil {
		return nil, errors.New("tar stream already open")
	}
	dir := filepath.Join(s.m.DataDir, "tmp")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "tarsplit-")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	bw := bufio.NewWriterSize(f, 256<<10)
	s.tar = &LayerTar{h: sha256.New(), bw: bw, ts: f, packer: tsstorage.NewJSONPacker(bw),
		crc: crc64.New(tsstorage.CRCTable), uids: map[uint32]bool{}, gids: map[uint32]bool{}}
	return s.tar, nil
}

// Write takes raw tar bytes: an entry's contents between BeginFile and
// EndFile, else header or padding bytes.
func (t *LayerTar) Write(p []byte) (int, error) {
	t.h.Write(p)
	t.n += int64(len(p))
	if t.inFile {
		t.crc.Write(p)
	} else {
		t.seg = append(t.seg, p...)
	}
	return len(p), nil
}

func (t *LayerTar) flushSeg() {
	if len(t.seg) > 0 && t.err == nil {
		_, t.err = t.packer.AddEntry(tsstorage.Entry{Type: tsstorage.SegmentType, Payload: t.seg})
	}
	t.seg = t.seg[:0]
}

// BeginFile follows the header of the entry name (as in the header).
func (t *LayerTar) BeginFile(name string, size int64, uid, gid int) {
	t.flushSeg()
	t.inFile, t.name, t.size = true, name, size
	t.crc.Reset()
	t.uids[uint32(uid)], t.gids[uint32(gid)] = true, true
}

// EndFile follows the entry's contents.
func (t *LayerTar) EndFile() error {
	if !t.inFile {
		return t.err
	}
	t.inFile = false
	e := tsstorage.Entry{Type: tsstorage.FileType, Size: t.size}
	if t.size > 0 {
		e.Payload = t.crc.Sum(nil)
	}
	e.SetName(t.name)
	if t.err == nil {
		_, t.err = t.packer.AddEntry(e)
	}
	return t.err
}

// Close ends the stream (after the tar writer's end marker).
func (t *LayerTar) Close() error {
	if err := t.EndFile(); err != nil {
		return err
	}
	t.flushSeg()
	if t.err == nil {
		t.err = t.bw.Flush()
	}
	t.sum = diffSum{digest: digest.NewDigest(digest.SHA256, t.h), size: t.n, uids: sortedKeys(t.uids), gids: sortedKeys(t.gids)}
	return t.err
}

// commitWithTarSplit stages the diff directory of layer id as its diff,
// with the digest and tar-split of the stream written to TarStream.
func (s *StagedLayer) commitWithTarSplit() error {
	st := s.tar
	if st.err != nil {
		st.ts.Close()
		return st.err
	}
	src, err := s.m.Store.DifferTarget(s.id)
	if err != nil {
		st.ts.Close()
		return err
	}
	d := &tarSplitDiffer{moveDiffer: moveDiffer{src: src, sum: st.sum}, ts: st.ts}
	out, err := s.m.Store.PrepareStagedLayer(nil, d)
	if err != nil {
		if out != nil && out.Target != "" {
			_ = s.m.Store.CleanupStagedLayer(out)
		}
		if !d.handed {
			st.ts.Close()
		}
		return fmt.Errorf("stage layer: %w", err)
	}
	if _, err := s.m.Store.ApplyStagedLayer(storage.ApplyStagedLayerOptions{ID: s.id, DiffOutput: out}); err != nil {
		_ = s.m.Store.CleanupStagedLayer(out)
		return fmt.Errorf("commit layer: %w", err)
	}
	return nil
}

// tarSplitDiffer is moveDiffer handing storage the tar-split metadata too
// (storage owns and closes the file from then on).
type tarSplitDiffer struct {
	moveDiffer
	ts     *os.File
	handed bool
}

func (d *tarSplitDiffer) ApplyDiff(dest string, o *archive.TarOptions, do *graphdriver.DifferOptions) (graphdriver.DriverWithDifferOutput, error) {
	out, err := d.moveDiffer.ApplyDiff(dest, o, do)
	if err == nil {
		out.TarSplit, d.handed = d.ts, true
	}
	return out, err
}
