package build

import (
	"fmt"
	"strings"
	"time"
)

// draw renders the tty frame; while running it redraws at most every
// 50 ms, the final frame says FINISHED (or ERROR) once all is done.
func (p *progress) draw(final bool) {
	if p.mode != ProgressTTY || (!p.live && !final) {
		return
	}
	if !final && time.Since(p.lastDraw) < 50*time.Millisecond {
		return
	}
	p.lastDraw = time.Now()
	lines := p.frame(final)
	var sb strings.Builder
	if p.live && p.drawn > 0 {
		fmt.Fprintf(&sb, "\x1b[%dF\x1b[J", p.drawn)
	}
	for _, l := range lines {
		sb.WriteString(l + "\n")
	}
	p.drawn = len(lines)
	_, _ = p.w.Write([]byte(sb.String()))
}

func (p *progress) frame(final bool) []string {
	completed, anyFailed := 0, false
	for _, v := range p.vertices {
		if v.state != running {
			completed++
		}
		anyFailed = anyFailed || v.state == failed
	}
	status := ""
	if final {
		status = " FINISHED"
		if anyFailed {
			status = " ERROR"
		}
	}
	lines := []string{fmt.Sprintf("[+] Building %.1fs (%d/%d)%s", time.Since(p.begin).Seconds(), completed, len(p.vertices), status)}
	for _, v := range p.vertices {
		dur := v.dur
		if v.state == running {
			dur = time.Since(v.started)
		}
		prefix := ""
		switch v.state {
		case cached:
			prefix = "CACHED "
		case failed:
			prefix = "ERROR "
		}
		lines = append(lines, p.jobLine(" => "+prefix+v.name, dur))
		for _, s := range v.subs {
			lines = append(lines, p.jobLine(" => => "+s, 0))
		}
		if v.state == running {
			logs := v.logs
			if len(logs) > 6 {
				logs = logs[len(logs)-6:]
			}
			for _, l := range logs {
				lines = append(lines, p.cut(" => => # "+l, p.width))
			}
		}
	}
	return lines
}

// jobLine pads name and right-aligns the duration to the width.
func (p *progress) jobLine(name string, d time.Duration) string {
	secs := d.Seconds()
	if secs < 0.05 {
		secs = 0
	}
	dur := fmt.Sprintf(" %3.1fs", secs)
	room := p.width - len(dur)
	name = p.cut(name, room)
	return name + strings.Repeat(" ", max(0, room-len([]rune(name)))) + dur
}

func (p *progress) cut(s string, n int) string {
	r := []rune(s)
	if n > 0 && len(r) > n {
		return string(r[:n])
	}
	return s
}
