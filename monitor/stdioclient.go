package monitor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
)

// AttachOptions say what a `nook attach` client connects.
type AttachOptions struct {
	// Stdin is forwarded to the container's stdin (nil: not attached).
	Stdin io.Reader
	// Stdout and Stderr receive the container's output from now on.
	Stdout, Stderr io.Writer
	// DetachKeys, read on Stdin, end the attachment and leave the
	// container running (nil: none).
	DetachKeys []byte
	// Resize delivers terminal sizes (rows, cols) for a tty container.
	Resize <-chan [2]uint16
}

var (
	// ErrDetached: the user typed the detach keys.
	ErrDetached = errors.New("read escape sequence")
	// ErrNoExitCode: the stream ended without an exit code (the process
	// exited as the client connected, or the monitor died).
	ErrNoExitCode = errors.New("attach stream ended without an exit code")
)

// Attach connects to the monitor of the container in dir and copies its
// streams until the container exits; it returns the exit code.
func Attach(dir string, o AttachOptions) (int, error) {
	d, err := os.Open(dir)
	if err != nil {
		return 0, err
	}
	conn, err := net.Dial("unix", fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), AttachSocket))
	d.Close()
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var wmu sync.Mutex
	send := func(t byte, p []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		_, err := conn.Write(frame(t, p))
		return err
	}
	detached := make(chan struct{})
	if o.Stdin != nil {
		go func() {
			if copyInput(o.Stdin, o.DetachKeys, func(p []byte) error { return send(frameStdin, p) }) {
				close(detached)
				conn.Close()
			}
		}()
	}
	go sendSizes(o.Resize, send)
	hdr := make([]byte, 5)
	for {
		_, err := io.ReadFull(conn, hdr)
		var p []byte
		if err == nil {
			p = make([]byte, binary.BigEndian.Uint32(hdr[1:]))
			_, err = io.ReadFull(conn, p)
		}
		if err != nil {
			select {
			case <-detached:
				return 0, ErrDetached
			default:
				return 0, ErrNoExitCode
			}
		}
		switch hdr[0] {
		case frameStdout:
			o.Stdout.Write(p)
		case frameStderr:
			o.Stderr.Write(p)
		case frameExit:
			code, _ := strconv.Atoi(string(p))
			return code, nil
		}
	}
}

// sendSizes forwards terminal sizes until the channel or the connection ends.
func sendSizes(sizes <-chan [2]uint16, send func(byte, []byte) error) {
	for sz := range sizes {
		p := make([]byte, 4)
		binary.BigEndian.PutUint16(p, sz[0])
		binary.BigEndian.PutUint16(p[2:], sz[1])
		if send(frameResize, p) != nil {
			return
		}
	}
}

// copyInput sends r to the container until EOF or an error, watching for
// the detach keys (a partial match is sent on once it stops matching, as
// Docker's escape proxy does); it reports whether they were typed.
func copyInput(r io.Reader, keys []byte, send func([]byte) error) bool {
	buf := make([]byte, 32*1024)
	matched := 0
	for {
		n, err := r.Read(buf)
		out := make([]byte, 0, n+len(keys))
		for _, b := range buf[:n] {
			if len(keys) > 0 && b == keys[matched] {
				matched++
				if matched == len(keys) {
					if len(out) > 0 {
						send(out)
					}
					return true
				}
				continue
			}
			if matched > 0 {
				out = append(out, keys[:matched]...)
				matched = 0
				if b == keys[0] {
					matched = 1
					continue
				}
			}
			out = append(out, b)
		}
		if len(out) > 0 && send(out) != nil {
			return false
		}
		if err != nil {
			if matched > 0 {
				send(keys[:matched])
			}
			return false
		}
	}
}
