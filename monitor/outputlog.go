package monitor

import (
	"bytes"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// OutputLog gives a container run in the foreground the json-file log a
// monitor keeps for a detached one, so that `nook logs` works after
// `nook run --name x IMG` as after `docker run`: each stream the
// container writes goes to the user (as it comes, unbuffered) and, line
// by line, to LogFile.
type OutputLog struct {
	lw    *logWriter
	f     *os.File
	wg    sync.WaitGroup
	pipes []*os.File // our copies of the write ends, closed by Wait
	lines []*lineLog // Writer's, flushed by Wait
}

// OpenOutputLog opens LogFile in the container directory dir.
func OpenOutputLog(dir string) (*OutputLog, error) {
	lw, f, err := openLog(filepath.Join(dir, LogFile))
	if err != nil {
		return nil, err
	}
	// A closed stdout (`nook run IMG yes | head -1`) must fail our write
	// with EPIPE, not kill nook with SIGPIPE before it cleans up. Notify,
	// not Ignore: an ignored SIGPIPE would be inherited by the container.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	return &OutputLog{lw: lw, f: f}, nil
}

// Stream returns the file the container writes stream ("stdout",
// "stderr") to; what it writes reaches dst (nil: nowhere) and the log.
func (o *OutputLog) Stream(dst io.Writer, stream string) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	o.pipes = append(o.pipes, w)
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer r.Close()
		lines := &lineLog{lw: o.lw, stream: stream}
		buf := make([]byte, 32*1024)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				lines.Write(buf[:n])
				if dst != nil {
					if _, werr := dst.Write(buf[:n]); werr != nil {
						// The reader went away: closing our end gives
						// the container EPIPE/SIGPIPE, as if it wrote to
						// the user's pipe itself.
						err = werr
					}
				}
			}
			if err != nil {
				lines.flush()
				return
			}
		}
	}()
	return w, nil
}

// Writer is Stream for output nook copies itself (the pty master of a
// `run -t`): what is written to it goes to the log only; Wait flushes a
// last line without a newline.
func (o *OutputLog) Writer(stream string) io.Writer {
	l := &lineLog{lw: o.lw, stream: stream}
	o.lines = append(o.lines, l)
	return l
}

// Wait closes this side's write ends, then waits until the container's
// output is drained: the streams end when every process holding them has
// exited (all of them, once pid 1 of the container's pid namespace is
// gone). A process that escaped with a stream cannot hold the exit past
// grace.
func (o *OutputLog) Wait(grace time.Duration) {
	for _, w := range o.pipes {
		w.Close()
	}
	done := make(chan struct{})
	go func() { o.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
	}
	for _, l := range o.lines {
		l.flush()
	}
	o.f.Close()
}

// maxLogLine is where a line without a newline is cut into entries, as
// Docker's json-file driver cuts at 16 KiB: a stream without newlines
// must not grow the holder's memory.
const maxLogLine = 16 * 1024

// lineLog cuts a stream into the log's lines; a last line without a
// newline is logged by flush.
type lineLog struct {
	lw      *logWriter
	stream  string
	partial []byte
}

func (l *lineLog) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if room := maxLogLine - len(l.partial); len(p) >= room {
				l.emit(append(l.partial, p[:room]...))
				l.partial, p = l.partial[:0], p[room:]
				continue
			}
			l.partial = append(l.partial, p...)
			break
		}
		l.emit(append(l.partial, p[:i+1]...))
		l.partial, p = l.partial[:0], p[i+1:]
	}
	return n, nil
}

func (l *lineLog) flush() {
	if len(l.partial) > 0 {
		l.emit(l.partial)
		l.partial = nil
	}
}

func (l *lineLog) emit(line []byte) {
	l.lw.mu.Lock()
	l.lw.enc.Encode(LogEntry{Log: string(line), Stream: l.stream, Time: time.Now().UTC()})
	l.lw.mu.Unlock()
}
