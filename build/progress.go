package build

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress renders BuildKit-like output: "plain" prints a log of
// vertices as they run, "tty" redraws a summary ([+] Building ...), quiet
// prints nothing.
type progress struct {
	mode  string
	w     io.Writer
	live  bool // redraw in place (a terminal)
	width int
	begin time.Time

	mu       sync.Mutex
	vertices []*vertex
	drawn    int // lines of the last frame
	lastDraw time.Time
	stop     chan struct{}
	wg       sync.WaitGroup
}

type vertexState int

const (
	running vertexState = iota
	done
	cached
	failed
)

// vertex is one line of progress: a step or an internal job.
type vertex struct {
	p       *progress
	num     int
	name    string
	started time.Time
	dur     time.Duration
	state   vertexState
	subs    []string // " => => " status lines
	logs    []string // output lines (last few kept)
	tlogs   []string // the same with their time ("0.234 line")
	partial []byte
}

func newProgress(opts *Options) *progress {
	mode := opts.Progress
	if opts.Quiet {
		mode = ProgressQuiet
	}
	if mode == "" || mode == ProgressAuto {
		mode = ProgressPlain
		if opts.IsTerminal {
			mode = ProgressTTY
		}
	}
	p := &progress{mode: mode, w: opts.Stderr, width: opts.TerminalWidth, begin: time.Now()}
	if p.w == nil {
		p.w = io.Discard
	}
	if p.width <= 0 {
		p.width = 80
	}
	if mode == ProgressTTY && opts.IsTerminal {
		p.live, p.stop = true, make(chan struct{})
		p.wg.Add(1)
		go p.ticker()
	}
	if mode == ProgressPlain {
		fmt.Fprintf(p.w, "#0 building with \"default\" instance using nook driver\n\n")
	}
	return p
}

func (p *progress) ticker() {
	defer p.wg.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.draw(false)
			p.mu.Unlock()
		}
	}
}

// start begins a vertex named name.
func (p *progress) start(name string) *vertex {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := &vertex{p: p, num: len(p.vertices) + 1, name: name, started: time.Now()}
	p.vertices = append(p.vertices, v)
	if p.mode == ProgressPlain {
		fmt.Fprintf(p.w, "#%d %s\n", v.num, name)
	}
	p.draw(false)
	return v
}

// status adds a sub-line ("transferring context: 2B") that is done.
func (v *vertex) status(msg string) {
	p := v.p
	p.mu.Lock()
	defer p.mu.Unlock()
	v.subs = append(v.subs, msg)
	if p.mode == ProgressPlain {
		fmt.Fprintf(p.w, "#%d %s done\n", v.num, msg)
	}
}

// finish ends the vertex as DONE or CACHED.
func (v *vertex) finish(wasCached bool) {
	p := v.p
	p.mu.Lock()
	defer p.mu.Unlock()
	v.dur = time.Since(v.started)
	v.state = done
	if wasCached {
		v.state = cached
	}
	v.flushPartial()
	if p.mode == ProgressPlain {
		if wasCached {
			fmt.Fprintf(p.w, "#%d CACHED\n\n", v.num)
		} else {
			fmt.Fprintf(p.w, "#%d DONE %.1fs\n\n", v.num, v.dur.Seconds())
		}
	}
	p.draw(false)
}

// fail ends the vertex with an error.
func (v *vertex) fail(err error) {
	p := v.p
	p.mu.Lock()
	defer p.mu.Unlock()
	v.dur = time.Since(v.started)
	v.state = failed
	v.flushPartial()
	if p.mode == ProgressPlain {
		fmt.Fprintf(p.w, "#%d ERROR: %v\n\n", v.num, err)
	}
	p.draw(false)
}

// logWriter receives RUN output; plain mode prefixes each line with the
// vertex number and the seconds since the step started.
func (v *vertex) logWriter() io.Writer { return (*vertexLog)(v) }

type vertexLog vertex

func (l *vertexLog) Write(b []byte) (int, error) {
	v := (*vertex)(l)
	p := v.p
	p.mu.Lock()
	defer p.mu.Unlock()
	v.partial = append(v.partial, b...)
	for {
		i := bytes.IndexByte(v.partial, '\n')
		if i < 0 {
			break
		}
		v.addLog(string(v.partial[:i]))
		v.partial = v.partial[i+1:]
	}
	return len(b), nil
}

func (v *vertex) flushPartial() {
	if len(v.partial) > 0 {
		v.addLog(string(v.partial))
		v.partial = nil
	}
}

const keptLogLines = 10

func (v *vertex) addLog(line string) {
	line = strings.TrimRight(line, "\r")
	if v.p.mode == ProgressPlain {
		fmt.Fprintf(v.p.w, "#%d %.3f %s\n", v.num, time.Since(v.started).Seconds(), line)
	}
	v.logs = append(v.logs, line)
	v.tlogs = append(v.tlogs, fmt.Sprintf("%.3f %s", time.Since(v.started).Seconds(), line))
	if len(v.logs) > keptLogLines {
		v.logs = v.logs[len(v.logs)-keptLogLines:]
		v.tlogs = v.tlogs[len(v.tlogs)-keptLogLines:]
	}
}

// close stops redrawing and prints the final tty frame.
func (p *progress) close() {
	if p.stop != nil {
		close(p.stop)
		p.wg.Wait()
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == ProgressTTY {
		p.draw(true)
	}
}
