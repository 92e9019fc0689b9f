package container

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// readAhead hands on every byte in order, then the reader's error.
func TestReadAhead_PassesBytesAndError(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 3*readAheadSize/16+1234)
	ra := newReadAhead(iotest.HalfReader(bytes.NewReader(data)))
	defer ra.stop()
	got, err := io.ReadAll(iotest.OneByteReader(io.LimitReader(ra, 10)))
	if err != nil || string(got) != "0123456789" {
		t.Fatalf("first bytes: %q %v", got, err)
	}
	rest, err := io.ReadAll(ra)
	if err != nil || !bytes.Equal(append(got, rest...), data) {
		t.Fatalf("read %d of %d bytes, %v", len(got)+len(rest), len(data), err)
	}
	boom := errors.New("boom")
	rb := newReadAhead(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(boom)))
	defer rb.stop()
	if got, err := io.ReadAll(rb); !errors.Is(err, boom) || len(got) != 100 {
		t.Fatalf("with an error: %d bytes, %v", len(got), err)
	}
}
