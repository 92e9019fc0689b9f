package monitor

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// AttachSocket is the monitor's unix socket in the container directory
// (conmon's attach socket): `nook attach` connects there.
const AttachSocket = "attach.sock"

// Frames of the attach protocol, both directions: a type byte, a 4-byte
// big-endian length, the payload.
const (
	frameStdin  byte = 0 // client -> monitor: bytes for the container's stdin
	frameStdout byte = 1 // monitor -> client
	frameStderr byte = 2 // monitor -> client
	frameExit   byte = 3 // monitor -> client: the exit code in decimal, last frame
	frameResize byte = 4 // client -> monitor: rows, cols (uint16 each)
	maxFrame         = 1 << 20
	// clientQueue frames may wait for a slow client; beyond that it is
	// dropped rather than ever slowing the container down.
	clientQueue = 1024
)

// attachServer fans the container's output out to attach clients and
// feeds their input to its stdin. Nothing a client does (stop reading,
// vanish) blocks the container or the log.
type attachServer struct {
	ln      net.Listener
	dir     *os.File
	mu      sync.Mutex
	clients map[*attachConn]bool
	stdin   *os.File // nil: the container has no stdin
	console *os.File // the pty master (tty), also stdin
}

type attachConn struct {
	conn net.Conn
	out  chan []byte
}

// serveAttach creates the socket; it is reached through /proc/self/fd so
// that long container directories fit a unix socket path. Without a
// socket (error) the server still holds the container's stdin open.
func serveAttach(dir string) *attachServer {
	s := &attachServer{clients: map[*attachConn]bool{}}
	d, err := os.Open(dir)
	if err != nil {
		return s
	}
	path := fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), AttachSocket)
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		d.Close()
		return s
	}
	s.ln, s.dir = ln, d
	go s.accept()
	return s
}

func (s *attachServer) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		ac := &attachConn{conn: c, out: make(chan []byte, clientQueue)}
		s.mu.Lock()
		s.clients[ac] = true
		s.mu.Unlock()
		go ac.write()
		go s.read(ac)
	}
}

// write sends queued frames until the queue is closed or the client fails.
func (ac *attachConn) write() {
	for b := range ac.out {
		if _, err := ac.conn.Write(b); err != nil {
			break
		}
	}
	ac.conn.Close()
}

// read applies the client's frames: stdin bytes and window sizes.
func (s *attachServer) read(ac *attachConn) {
	defer s.drop(ac)
	hdr := make([]byte, 5)
	for {
		if _, err := io.ReadFull(ac.conn, hdr); err != nil {
			return
		}
		n := binary.BigEndian.Uint32(hdr[1:])
		if n > maxFrame {
			return
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(ac.conn, p); err != nil {
			return
		}
		s.mu.Lock()
		in, console := s.stdin, s.console
		s.mu.Unlock()
		switch {
		case hdr[0] == frameStdin && in != nil:
			// May block while the container does not read: only this
			// client's reader waits; closing the pipe at exit frees it.
			in.Write(p)
		case hdr[0] == frameResize && console != nil && n == 4:
			ws := &unix.Winsize{Row: binary.BigEndian.Uint16(p), Col: binary.BigEndian.Uint16(p[2:])}
			unix.IoctlSetWinsize(int(console.Fd()), unix.TIOCSWINSZ, ws)
		}
	}
}

// drop forgets a client; its writer ends after the queued frames.
func (s *attachServer) drop(ac *attachConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clients[ac] {
		delete(s.clients, ac)
		close(ac.out)
	}
}

func frame(t byte, p []byte) []byte {
	b := make([]byte, 5+len(p))
	b[0] = t
	binary.BigEndian.PutUint32(b[1:], uint32(len(p)))
	copy(b[5:], p)
	return b
}

// broadcast queues output for every client without ever blocking.
func (s *attachServer) broadcast(stream byte, p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.clients) == 0 {
		return
	}
	f := frame(stream, p)
	for ac := range s.clients {
		select {
		case ac.out <- f:
		default: // too slow: cut it off
			delete(s.clients, ac)
			close(ac.out)
			ac.conn.Close()
		}
	}
}

// setInput names where client input goes for the process being started:
// a pipe the server owns (closed at exit), or the pty master (console).
func (s *attachServer) setInput(stdin, console *os.File) {
	s.mu.Lock()
	s.stdin, s.console = stdin, console
	s.mu.Unlock()
}

// exited ends every attachment with the exit code of the process and
// closes its stdin pipe; clients attaching later see the next start.
func (s *attachServer) exited(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := frame(frameExit, []byte(strconv.Itoa(code)))
	for ac := range s.clients {
		select {
		case ac.out <- f:
		default:
		}
		close(ac.out)
	}
	clear(s.clients)
	if s.stdin != nil && s.console == nil {
		s.stdin.Close()
	}
	s.stdin, s.console = nil, nil
}

// close removes the socket; the monitor is about to exit.
func (s *attachServer) close() {
	if s.ln != nil {
		s.ln.Close()
		s.dir.Close()
	}
}
