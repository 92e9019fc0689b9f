package container

import "io"

// readAhead reads r on a goroutine of its own, a megabyte at a time, so
// that what produces r and what consumes it run at the same time. A layer
// diff from storage comes through an io.Pipe from the goroutine that
// reads the files: behind a pipe, that goroutine and the hashing take
// turns on one core while the other may be idle.
type readAhead struct {
	full chan chunk
	free chan []byte
	done chan struct{}
	cur  chunk
	off  int // read from cur.b so far
}

type chunk struct {
	b   []byte
	err error
}

const readAheadChunks, readAheadSize = 4, 1 << 20

func newReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{full: make(chan chunk, readAheadChunks), free: make(chan []byte, readAheadChunks), done: make(chan struct{})}
	for range readAheadChunks {
		ra.free <- make([]byte, readAheadSize)
	}
	go func() {
		for {
			var b []byte
			select {
			case b = <-ra.free:
			case <-ra.done:
				return
			}
			n, err := io.ReadFull(r, b)
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			ra.full <- chunk{b: b[:n], err: err}
			if err != nil {
				return
			}
		}
	}()
	return ra
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for ra.off == len(ra.cur.b) {
		if ra.cur.err != nil {
			return 0, ra.cur.err
		}
		if ra.cur.b != nil {
			ra.free <- ra.cur.b[:cap(ra.cur.b)]
		}
		ra.cur, ra.off = <-ra.full, 0
	}
	n := copy(p, ra.cur.b[ra.off:])
	ra.off += n
	return n, nil
}

// stop ends the reading goroutine (once it returns from a pending read);
// close the underlying reader after it.
func (ra *readAhead) stop() { close(ra.done) }
