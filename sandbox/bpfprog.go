package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// filterProg assembles a classic BPF program with forward jumps to named
// labels, so that a seccomp filter reads as a list of rules rather than
// hand-counted offsets.
type filterProg struct {
	insns  []unix.SockFilter
	jumps  map[int][2]string // instruction -> labels of its true and false branches
	labels map[string]int
}

func (p *filterProg) op(code uint16, k uint32) {
	p.insns = append(p.insns, unix.SockFilter{Code: code, K: k})
}

// jump adds a conditional jump; "" means the next instruction.
func (p *filterProg) jump(code uint16, k uint32, ifTrue, ifFalse string) {
	if p.jumps == nil {
		p.jumps = map[int][2]string{}
	}
	p.jumps[len(p.insns)] = [2]string{ifTrue, ifFalse}
	p.op(code, k)
}

func (p *filterProg) label(name string) {
	if p.labels == nil {
		p.labels = map[string]int{}
	}
	p.labels[name] = len(p.insns)
}

// assemble resolves the labels. A backward or too long jump is a bug in
// the program's text, hence the panic.
func (p *filterProg) assemble() []unix.SockFilter {
	offset := func(from int, label string) uint8 {
		if label == "" {
			return 0
		}
		to, ok := p.labels[label]
		if d := to - from - 1; !ok || d < 0 || d > 255 {
			panic(fmt.Sprintf("bpf: bad jump from %d to %q", from, label))
		} else {
			return uint8(d)
		}
	}
	out := append([]unix.SockFilter(nil), p.insns...)
	for i, l := range p.jumps {
		out[i].Jt, out[i].Jf = offset(i, l[0]), offset(i, l[1])
	}
	return out
}
