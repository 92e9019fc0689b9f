package monitor

import (
	"io"
	"os"
	"sync"

	"github.com/nook-dev/nook/sandbox"
)

// stdio makes the pipes (or pty) that feed the log and the attach clients;
// with Config.Stdin the container's stdin is a pipe the monitor keeps open
// (so the command never sees EOF) and feeds from attach clients.
func (m *monitor) stdio() (sandbox.Stdio, func(), func(), error) {
	var wg sync.WaitGroup
	if m.cfg.Tty {
		// The pty is allocated inside the container; its master arrives
		// before the command runs.
		wg.Add(1)
		var master *os.File
		return sandbox.Stdio{Terminal: true, OnConsole: func(f *os.File) {
				master = f
				m.att.setInput(f, f)
				go m.log.copyStream(m.att.tee(f, frameStdout), "stdout", &wg)
			}},
			func() {}, func() {
				if master == nil {
					wg.Done()
					return
				}
				wg.Wait()
				master.Close()
			}, nil
	}
	or, ow, err := os.Pipe()
	if err != nil {
		return sandbox.Stdio{}, nil, nil, err
	}
	er, ew, err := os.Pipe()
	if err != nil {
		or.Close()
		ow.Close()
		return sandbox.Stdio{}, nil, nil, err
	}
	st := sandbox.Stdio{Stdout: ow, Stderr: ew}
	var ir *os.File
	if m.cfg.Stdin {
		var iw *os.File
		if ir, iw, err = os.Pipe(); err != nil {
			or.Close()
			ow.Close()
			er.Close()
			ew.Close()
			return sandbox.Stdio{}, nil, nil, err
		}
		st.Stdin = ir
		m.att.setInput(iw, nil)
	}
	wg.Add(2)
	go m.log.copyStream(m.att.tee(or, frameStdout), "stdout", &wg)
	go m.log.copyStream(m.att.tee(er, frameStderr), "stderr", &wg)
	closeChild := func() {
		ow.Close()
		ew.Close()
		if ir != nil {
			ir.Close()
		}
	}
	return st, closeChild, func() { wg.Wait(); or.Close(); er.Close() }, nil
}

// tee passes what r yields to the attach clients as it is read (not line
// by line: prompts have no newline).
func (s *attachServer) tee(r io.Reader, stream byte) io.Reader {
	return io.TeeReader(r, broadcastWriter{s, stream})
}

type broadcastWriter struct {
	s      *attachServer
	stream byte
}

// Write never fails: an error here would end the log copy.
func (b broadcastWriter) Write(p []byte) (int, error) {
	b.s.broadcast(b.stream, p)
	return len(p), nil
}
