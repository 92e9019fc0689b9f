package container

import (
	"archive/tar"
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	"github.com/vbatts/tar-split/tar/asm"
	tsstorage "github.com/vbatts/tar-split/tar/storage"
	"go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"
	"go.podman.io/storage/pkg/archive"
)

// errAborted ends the tar stream of an aborted staged layer.
var errAborted = errors.New("staged layer aborted")

// stagedTar is the tar stream of a staged layer, written by the caller
// alongside the files: its digest is the layer's diff ID, and its
// tar-split metadata lets storage give back exactly this stream for save
// and push (reading file contents from the diff directory), so the files
// need no second pass to be hashed.
type stagedTar struct {
	pw   *io.PipeWriter
	ts   *os.File // tar-split metadata (uncompressed JSON), unlinked
	done chan error
	sum  diffSum
}

// TarStream returns the writer for the layer's tar: the entries written
// into Dir, in the same order and with the same headers and contents. The
// caller closes it when everything is written, before Commit.
func (s *StagedLayer) TarStream() (io.WriteCloser, error) {
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
	pr, pw := io.Pipe()
	st := &stagedTar{pw: pw, ts: f, done: make(chan error, 1)}
	go func() {
		err := st.read(pr)
		pr.CloseWithError(err)
		st.done <- err
	}()
	s.tar = st
	return pw, nil
}

// read disassembles the stream into tar-split metadata and records its
// digest, size and owners, as storage does for a layer applied from a tar.
func (st *stagedTar) read(r io.Reader) error {
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(r, h)}
	bw := bufio.NewWriterSize(st.ts, 256<<10)
	its, err := asm.NewInputTarStream(cr, tsstorage.NewJSONPacker(bw), tsstorage.NewDiscardFilePutter())
	if err != nil {
		return err
	}
	tr := tar.NewReader(its)
	uids, gids := map[uint32]bool{}, map[uint32]bool{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("layer tar: %w", err)
		}
		uids[uint32(hdr.Uid)], gids[uint32(hdr.Gid)] = true, true
	}
	if _, err := io.Copy(io.Discard, its); err != nil {
		return fmt.Errorf("layer tar: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write tar-split: %w", err)
	}
	st.sum = diffSum{digest: digest.NewDigest(digest.SHA256, h), size: cr.n, uids: sortedKeys(uids), gids: sortedKeys(gids)}
	return nil
}

// abort stops the reader and drops the metadata.
func (st *stagedTar) abort() {
	st.pw.CloseWithError(errAborted)
	<-st.done
	st.ts.Close()
}

// commitWithTarSplit stages the diff directory of layer id as its diff,
// with the digest and tar-split of the stream written to TarStream.
func (s *StagedLayer) commitWithTarSplit() error {
	st := s.tar
	if err := <-st.done; err != nil {
		st.ts.Close()
		return err
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
