package format

import (
	"bytes"
	"io"

	"github.com/mattn/go-runewidth"
)

// Table alignment as docker/cli's tabwriter: text/tabwriter with
// minwidth 10, tabwidth 1, padding 3, pad char ' ' and no flags, except
// that cell widths are display widths (East Asian wide characters count
// 2), as in Docker's fork. The algorithm is text/tabwriter's: a column
// block is a run of consecutive lines that have a cell in that column;
// its width is the widest cell plus padding, at least minwidth. The last
// cell of a line is not part of a column and is never padded.
const (
	tableMinWidth = 10
	tablePadding  = 3
)

type cell struct {
	text  []byte
	width int
}

type aligner struct {
	out      *bytes.Buffer
	lines    [][]cell
	widths   []int
	minwidth int
	padding  int
}

// writeAligned aligns the tab-separated cells of text and writes the
// result to w.
func writeAligned(w io.Writer, text []byte, minwidth, padding int) error {
	a := &aligner{out: &bytes.Buffer{}, minwidth: minwidth, padding: padding}
	lines := bytes.Split(text, []byte{'\n'})
	for i, line := range lines {
		var cells []cell
		start := 0
		for i, ch := range line {
			if ch == '\t' || ch == '\v' {
				cells = append(cells, newCell(line[start:i]))
				start = i + 1
			}
		}
		// Like tabwriter's Flush, an empty cell at the very end is dropped.
		if start < len(line) || i < len(lines)-1 {
			cells = append(cells, newCell(line[start:]))
		}
		a.lines = append(a.lines, cells)
	}
	a.format(0, len(a.lines))
	_, err := a.out.WriteTo(w)
	return err
}

func newCell(text []byte) cell {
	return cell{text: text, width: runewidth.StringWidth(string(text))}
}

// format writes lines [line0, line1) at the current column depth,
// recursing into each column block (text/tabwriter's Writer.format).
func (a *aligner) format(line0, line1 int) {
	column := len(a.widths)
	for this := line0; this < line1; this++ {
		if column >= len(a.lines[this])-1 {
			continue
		}
		a.writeLines(line0, this)
		line0 = this
		width := a.minwidth
		for ; this < line1; this++ {
			line := a.lines[this]
			if column >= len(line)-1 {
				break
			}
			if w := line[column].width + a.padding; w > width {
				width = w
			}
		}
		a.widths = append(a.widths, width)
		a.format(line0, this)
		a.widths = a.widths[:len(a.widths)-1]
		line0 = this
	}
	a.writeLines(line0, line1)
}

func (a *aligner) writeLines(line0, line1 int) {
	for i := line0; i < line1; i++ {
		for j, c := range a.lines[i] {
			a.out.Write(c.text)
			if j < len(a.widths) {
				for range a.widths[j] - c.width {
					a.out.WriteByte(' ')
				}
			}
		}
		if i+1 < len(a.lines) {
			a.out.WriteByte('\n')
		}
	}
}
