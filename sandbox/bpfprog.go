package sandbox

import (
	"fmt"
	"runtime"

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

// x32SyscallBit (__X32_SYSCALL_BIT) marks amd64's x32 calls, which carry
// the native AUDIT_ARCH_X86_64.
const x32SyscallBit = 0x40000000

// syscallNrs are the numbers bindFilter matches in one syscall ABI.
type syscallNrs struct {
	arch                                                      uint32
	bind, ioUringSetup, sendto, sendmmsg, sendmsg, setsockopt uint32
	send                                                      uint32 // 0: the ABI has none (sendto)
	notifyBind, x32                                           bool
}

// syscallABIs: the build's native ABI and the 32-bit one its kernels also
// run (i386 on amd64, arm EABI on arm64; numbers from their syscall
// tables, which this build's x/sys/unix does not carry).
func syscallABIs() (native, compat syscallNrs) {
	native = syscallNrs{
		bind: unix.SYS_BIND, ioUringSetup: unix.SYS_IO_URING_SETUP, sendto: unix.SYS_SENDTO,
		sendmmsg: unix.SYS_SENDMMSG, sendmsg: unix.SYS_SENDMSG, setsockopt: unix.SYS_SETSOCKOPT,
		notifyBind: true,
	}
	switch runtime.GOARCH {
	case "amd64":
		native.x32 = true
		compat = syscallNrs{arch: unix.AUDIT_ARCH_I386, bind: 361, ioUringSetup: 425,
			sendto: 369, sendmmsg: 345, sendmsg: 370, setsockopt: 366}
	case "arm64":
		compat = syscallNrs{arch: unix.AUDIT_ARCH_ARM, bind: 282, ioUringSetup: 425,
			sendto: 290, sendmmsg: 374, sendmsg: 296, setsockopt: 294, send: 289}
	}
	return native, compat
}
