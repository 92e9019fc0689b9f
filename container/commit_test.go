package container

import (
	"errors"
	"io"
	"strings"
	"testing"
)

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// The diff opens only on the first Read and is closed (releasing the
// store lock) as soon as it reaches EOF, before the reader's own Close.
func TestLazyDiff_OpensLateClosesAtEOF(t *testing.T) {
	rc := &closeCounter{Reader: strings.NewReader("layer")}
	opened := 0
	d := &lazyDiff{open: func() (io.ReadCloser, error) { opened++; return rc, nil }}
	if opened != 0 {
		t.Fatal("opened before the first read")
	}
	b, err := io.ReadAll(d)
	if err != nil || string(b) != "layer" || opened != 1 {
		t.Fatalf("read %q %v, opened %d times", b, err, opened)
	}
	if rc.closed != 1 {
		t.Fatalf("diff closed %d times at EOF, want 1", rc.closed)
	}
	d.Close()
	if rc.closed != 1 {
		t.Fatal("closed twice")
	}
	if _, err := d.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("read after EOF: %v", err)
	}
}

func TestLazyDiff_OpenError(t *testing.T) {
	d := &lazyDiff{open: func() (io.ReadCloser, error) { return nil, errors.New("boom") }}
	if _, err := d.Read(make([]byte, 8)); err == nil || !strings.Contains(err.Error(), "read changes: boom") {
		t.Fatalf("err %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}
