package build

import (
	"archive/tar"
	"fmt"
	"io"
	"sync"
)

// teeSink writes each entry into the staged directory and, identically,
// into the layer's tar stream (whose digest is the layer's diff ID): file
// contents are read once, for both. The tar side (header encoding,
// digest, tar-split records) runs on a goroutine of its own, so on a
// machine with two cores it overlaps the file creation: entries go to it
// in batches, small files' contents copied into the batch. A large file
// waits for the queue to drain and is streamed into both inline.
type teeSink struct {
	dir *dirSink
	tw  *tar.Writer // writes to rec
	rec LayerTarRecorder

	batch   *tarBatch
	queue   chan *tarBatch
	free    chan *tarBatch
	wg      sync.WaitGroup
	mu      sync.Mutex
	err     error // the tar side's first error
	started bool
}

// tarBatch is a run of entries for the tar goroutine; data holds the
// contents of its regular files back to back.
type tarBatch struct {
	hdrs []tar.Header
	data []byte
}

const (
	tarBatchEntries = 256
	tarBatchBytes   = 1 << 20
	// teeInlineSize: larger files are not copied into a batch.
	teeInlineSize = 256 << 10
)

func newTeeSink(dir *dirSink, rec LayerTarRecorder) *teeSink {
	return &teeSink{dir: dir, tw: tar.NewWriter(rec), rec: rec}
}

func (t *teeSink) start() {
	t.started = true
	t.queue, t.free = make(chan *tarBatch, 4), make(chan *tarBatch, 6)
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		for b := range t.queue {
			t.writeBatch(b)
			b.hdrs, b.data = b.hdrs[:0], b.data[:0]
			select {
			case t.free <- b:
			default:
			}
		}
	}()
}

func (t *teeSink) writeBatch(b *tarBatch) {
	off := int64(0)
	for i := range b.hdrs {
		h := &b.hdrs[i]
		var body []byte
		if h.Typeflag == tar.TypeReg {
			body = b.data[off : off+h.Size]
			off += h.Size
		}
		if t.failed() == nil {
			t.setErr(t.writeTar(h, body))
		}
	}
}

func (t *teeSink) failed() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

func (t *teeSink) setErr(err error) {
	if err != nil {
		t.mu.Lock()
		if t.err == nil {
			t.err = err
		}
		t.mu.Unlock()
	}
}

// writeTar writes one entry with its whole body into the tar stream.
func (t *teeSink) writeTar(h *tar.Header, body []byte) error {
	if err := t.rec.EndFile(); err != nil {
		return err
	}
	if err := t.tw.WriteHeader(h); err != nil {
		return err
	}
	size := int64(0)
	if h.Typeflag == tar.TypeReg {
		size = h.Size
	}
	t.rec.BeginFile(h.Name, size, h.Uid, h.Gid)
	if len(body) > 0 {
		_, err := t.tw.Write(body)
		return err
	}
	return nil
}

// abort stops the tar side after a failed write (the layer is dropped).
func (t *teeSink) abort() { _ = t.drain() }

// drain sends the pending batch and waits until the tar side wrote
// everything before it.
func (t *teeSink) drain() error {
	if t.started {
		t.send()
		close(t.queue)
		t.wg.Wait()
		t.started = false
	}
	return t.failed()
}

func (t *teeSink) send() {
	if t.batch != nil && len(t.batch.hdrs) > 0 {
		t.queue <- t.batch
		t.batch = nil
	}
}

func (t *teeSink) put(h *tar.Header, body io.Reader) (int64, error) {
	if err := t.failed(); err != nil {
		return 0, err
	}
	if h.Typeflag == tar.TypeReg && body != nil && h.Size > teeInlineSize {
		return t.putInline(h, body)
	}
	if !t.started {
		t.start()
	}
	if t.batch == nil {
		select {
		case t.batch = <-t.free:
		default:
			t.batch = &tarBatch{data: make([]byte, 0, tarBatchBytes+teeInlineSize)}
		}
	}
	b := t.batch
	start := len(b.data)
	if h.Typeflag == tar.TypeReg && body != nil && h.Size > 0 {
		body = &appendReader{r: body, b: b}
	}
	n, err := t.dir.put(h, body)
	if err != nil {
		return n, err
	}
	if h.Typeflag == tar.TypeReg && int64(len(b.data)-start) != h.Size {
		return n, fmt.Errorf("write %q: %d bytes of %d: file changed size while reading", h.Name, len(b.data)-start, h.Size)
	}
	b.hdrs = append(b.hdrs, *h)
	if len(b.hdrs) >= tarBatchEntries || len(b.data) >= tarBatchBytes {
		t.send()
	}
	return n, nil
}

// putInline writes a large file into both at once, after the queue.
func (t *teeSink) putInline(h *tar.Header, body io.Reader) (int64, error) {
	if err := t.drain(); err != nil {
		return 0, err
	}
	if err := t.rec.EndFile(); err != nil {
		return 0, err
	}
	if err := t.tw.WriteHeader(h); err != nil {
		return 0, err
	}
	t.rec.BeginFile(h.Name, h.Size, h.Uid, h.Gid)
	return t.dir.put(h, io.TeeReader(body, t.tw))
}

func (t *teeSink) Close() error {
	if err := t.drain(); err != nil {
		return err
	}
	if err := t.dir.Close(); err != nil {
		return err
	}
	if err := t.rec.EndFile(); err != nil {
		return err
	}
	if err := t.tw.Close(); err != nil {
		return err
	}
	return t.rec.Close()
}

// appendReader appends what it reads to a batch's data.
type appendReader struct {
	r io.Reader
	b *tarBatch
}

func (a *appendReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	a.b.data = append(a.b.data, p[:n]...)
	return n, err
}
