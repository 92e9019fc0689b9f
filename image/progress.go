package image

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	digest "github.com/opencontainers/go-digest"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/types"
	"golang.org/x/term"
)

// layerWords are the per-layer words Docker prints for one direction.
type layerWords struct {
	active  string // while bytes move: "Downloading", "Pushing"
	done    string // "Pull complete", "Pushed"
	skipped string // "Already exists", "Layer already exists"
}

var (
	pullWords = layerWords{active: "Downloading", done: "Pull complete", skipped: "Already exists"}
	pushWords = layerWords{active: "Pushing", done: "Pushed", skipped: "Layer already exists"}
)

// layerReporter turns containers/image's progress events into Docker's
// per-layer output: redrawn mpb bars on a terminal, one line per finished
// layer otherwise. A nil *layerReporter is quiet.
type layerReporter struct {
	w     io.Writer
	words layerWords
	ch    chan types.ProgressProperties
	done  chan struct{}
	pool  *mpb.Progress // nil when w is not a terminal
	bars  map[digest.Digest]*mpb.Bar
}

// newLayerReporter starts a reporter writing to w; nil w means quiet.
func newLayerReporter(w io.Writer, words layerWords) *layerReporter {
	if w == nil {
		return nil
	}
	r := &layerReporter{w: w, words: words, ch: make(chan types.ProgressProperties, 64),
		done: make(chan struct{}), bars: map[digest.Digest]*mpb.Bar{}}
	if hasTerminalWidth(w) {
		r.pool = mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(120*time.Millisecond))
	}
	go r.run()
	return r
}

// apply hooks the reporter into copy options.
func (r *layerReporter) apply(o *copy.Options) {
	if r == nil {
		return
	}
	o.Progress = r.ch
	// Events are only sent with a positive interval; off a terminal only
	// the done/skipped events matter, so read updates are made rare.
	o.ProgressInterval = time.Second
	if r.pool != nil {
		o.ProgressInterval = 100 * time.Millisecond
	}
}

// close ends the event stream (copy.Image has returned, so no sender is
// left) and waits until everything is drawn.
func (r *layerReporter) close() {
	if r == nil {
		return
	}
	close(r.ch)
	<-r.done
}

func (r *layerReporter) run() {
	defer close(r.done)
	for ev := range r.ch {
		if isConfigMediaType(ev.Artifact.MediaType) {
			continue
		}
		r.handle(ev)
	}
	if r.pool != nil {
		for _, b := range r.bars {
			if !b.Completed() {
				b.Abort(false)
			}
		}
		r.pool.Wait()
	}
}

func (r *layerReporter) handle(ev types.ProgressProperties) {
	d := ev.Artifact.Digest
	if r.pool == nil {
		switch ev.Event {
		case types.ProgressEventDone:
			fmt.Fprintf(r.w, "%s: %s\n", shortDigest(d), r.words.done)
		case types.ProgressEventSkipped:
			fmt.Fprintf(r.w, "%s: %s\n", shortDigest(d), r.words.skipped)
		}
		return
	}
	switch ev.Event {
	case types.ProgressEventNewArtifact:
		r.bar(d, ev.Artifact.Size, r.words.done)
	case types.ProgressEventRead:
		b := r.bar(d, ev.Artifact.Size, r.words.done)
		if total := ev.Artifact.Size; total > 0 && int64(ev.Offset) > total {
			b.SetTotal(int64(ev.Offset), false)
		}
		b.SetCurrent(int64(ev.Offset))
	case types.ProgressEventDone:
		b := r.bar(d, ev.Artifact.Size, r.words.done)
		b.SetCurrent(int64(ev.Offset))
		b.SetTotal(-1, true)
	case types.ProgressEventSkipped:
		b := r.bar(d, 0, r.words.skipped)
		b.SetTotal(-1, true)
	}
}

// bar returns the layer's bar, creating it with the text it shows when
// complete.
func (r *layerReporter) bar(d digest.Digest, size int64, doneText string) *mpb.Bar {
	if b, ok := r.bars[d]; ok {
		return b
	}
	if size < 0 {
		size = 0
	}
	b := r.pool.New(size, mpb.BarStyle().Lbound("[").Rbound("]").Filler("=").Tip(">").Padding(" "),
		mpb.BarFillerClearOnComplete(),
		mpb.PrependDecorators(
			decor.Name(shortDigest(d)+": "),
			decor.OnComplete(decor.Name(r.words.active+" "), doneText),
		),
		mpb.AppendDecorators(decor.OnComplete(decor.Counters(decor.SizeB1000(0), "% .1f/% .1f"), "")),
	)
	r.bars[d] = b
	return b
}

// shortDigest is the 12-hex-digit layer ID Docker shows.
func shortDigest(d digest.Digest) string {
	e := d.Encoded()
	if len(e) > 12 {
		return e[:12]
	}
	return e
}

func isConfigMediaType(mt string) bool {
	return strings.Contains(mt, "config") || mt == "application/vnd.docker.container.image.v1+json"
}

// hasTerminalWidth reports whether w is a terminal (only *os.File can
// be) with a known width: mpb draws nothing on a zero-width pty.
func hasTerminalWidth(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	return err == nil && width > 0
}
