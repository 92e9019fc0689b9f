package monitor

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *attachServer) clientCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

func TestAttach_StreamsOutputForwardsStdinAndReturnsExitCode(t *testing.T) {
	dir := t.TempDir()
	s := serveAttach(dir)
	defer s.close()
	if s.ln == nil {
		t.Fatal("no attach socket")
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	s.setInput(inW, nil)
	var out, errOut syncBuf
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := Attach(dir, AttachOptions{Stdin: strings.NewReader("hello\n"), Stdout: &out, Stderr: &errOut})
		done <- result{code, err}
	}()
	got := make([]byte, 6)
	if _, err := io.ReadFull(inR, got); err != nil || string(got) != "hello\n" {
		t.Fatalf("container stdin got %q, %v", got, err)
	}
	waitUntil(t, "client registered", func() bool { return s.clientCount() == 1 })
	s.broadcast(frameStdout, []byte("out1"))
	s.broadcast(frameStderr, []byte("err1"))
	s.exited(42)
	r := <-done
	if r.err != nil || r.code != 42 {
		t.Fatalf("Attach = %d, %v; want 42, nil", r.code, r.err)
	}
	if out.String() != "out1" || errOut.String() != "err1" {
		t.Fatalf("stdout %q stderr %q", out.String(), errOut.String())
	}
	// exited closes the stdin pipe the server owned: the container sees EOF.
	if n, err := inR.Read(got); n != 0 || err != io.EOF {
		t.Fatalf("stdin after exit: %d, %v; want EOF", n, err)
	}
}

func TestAttach_StalledClientNeverBlocksOutput(t *testing.T) {
	dir := t.TempDir()
	s := serveAttach(dir)
	defer s.close()
	// A client that connects and never reads.
	c, err := net.Dial("unix", filepath.Join(dir, AttachSocket))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitUntil(t, "client registered", func() bool { return s.clientCount() == 1 })
	chunk := bytes.Repeat([]byte("x"), 64*1024)
	start := time.Now()
	for i := 0; i < 4*clientQueue; i++ {
		s.broadcast(frameStdout, chunk)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("broadcast to a stalled client took %s", d)
	}
	if n := s.clientCount(); n != 0 {
		t.Fatalf("stalled client still registered (%d clients)", n)
	}
}

func TestAttach_NoSocketIsAnError(t *testing.T) {
	if _, err := Attach(t.TempDir(), AttachOptions{Stdout: io.Discard, Stderr: io.Discard}); err == nil {
		t.Fatal("Attach without a monitor succeeded")
	}
}

func TestCopyInput_DetachKeys(t *testing.T) {
	keys := []byte{0x10, 0x11}
	for _, tc := range []struct {
		name, in, sent string
		detached       bool
	}{
		{"plain input passes", "abc", "abc", false},
		{"the sequence detaches and is not sent", "ab\x10\x11cd", "ab", true},
		{"a broken sequence is sent on", "a\x10b", "a\x10b", false},
		{"a repeated first key still matches", "\x10\x10\x11", "\x10", true},
		{"a partial sequence at EOF is sent", "a\x10", "a\x10", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent []byte
			det := copyInput(strings.NewReader(tc.in), keys, func(p []byte) error {
				sent = append(sent, p...)
				return nil
			})
			if det != tc.detached || string(sent) != tc.sent {
				t.Fatalf("copyInput(%q) = %v, sent %q; want %v, %q", tc.in, det, sent, tc.detached, tc.sent)
			}
		})
	}
}
