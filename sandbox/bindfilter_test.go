package sandbox

import (
	"encoding/binary"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// runFilter interprets the cBPF subset seccomp filters use on a
// seccomp_data (nr, arch, ip, args[6], little-endian as on amd64/arm64).
func runFilter(t *testing.T, prog []unix.SockFilter, arch uint32, nr uint32, args ...uint64) uint32 {
	t.Helper()
	data := make([]byte, 64)
	binary.LittleEndian.PutUint32(data[0:], nr)
	binary.LittleEndian.PutUint32(data[4:], arch)
	for i, a := range args {
		binary.LittleEndian.PutUint64(data[16+8*i:], a)
	}
	var acc uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			acc = binary.LittleEndian.Uint32(data[in.K:])
		case unix.BPF_RET | unix.BPF_K:
			return in.K
		case unix.BPF_JMP | unix.BPF_JA:
			pc += int(in.K)
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K,
			unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K, unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K:
			var ok bool
			switch in.Code & 0xf0 {
			case unix.BPF_JEQ:
				ok = acc == in.K
			case unix.BPF_JSET:
				ok = acc&in.K != 0
			case unix.BPF_JGE:
				ok = acc >= in.K
			case unix.BPF_JGT:
				ok = acc > in.K
			}
			if ok {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		default:
			t.Fatalf("instruction %d: unexpected opcode %#x", pc, in.Code)
		}
	}
	t.Fatal("the program ran off its end")
	return 0
}

// compatCalls: the numbers of the 32-bit ABI the kernel also runs for
// this build's arch (int 0x80 works even from a 64-bit process).
type compatCalls struct {
	arch                                                  uint32
	bind, ioUringSetup, sendto, sendmsg, setsockopt, send uint32
}

func compatABI(t *testing.T) compatCalls {
	switch runtime.GOARCH {
	case "amd64": // i386
		return compatCalls{0x40000003, 361, 425, 369, 370, 366, 0}
	case "arm64": // arm EABI
		return compatCalls{0x40000028, 282, 425, 290, 296, 294, 289}
	}
	t.Skip("no bind filter on this architecture")
	return compatCalls{}
}

// Every syscall ABI the kernel runs for a container's process must refuse
// what the native one refuses (io_uring, TCP Fast Open): otherwise the
// refusals, which keep data from leaving in a bypassed socket's first SYN,
// are one int 0x80 (or x32 call) away.
func TestBindFilterCoversEveryABI(t *testing.T) {
	native, ok := auditArch()
	if !ok {
		t.Skip("no bind filter on this architecture")
	}
	compat := compatABI(t)
	prog := bindFilter(native, true)
	const (
		notify      = unix.SECCOMP_RET_USER_NOTIF
		allow       = unix.SECCOMP_RET_ALLOW
		enosys      = unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)
		eopnotsupp  = unix.SECCOMP_RET_ERRNO | uint32(unix.EOPNOTSUPP)
		enoprotoopt = unix.SECCOMP_RET_ERRNO | uint32(unix.ENOPROTOOPT)
		fastopen    = unix.MSG_FASTOPEN
	)
	cases := []struct {
		what     string
		arch, nr uint32
		args     []uint64
		want     uint32
	}{
		{"native bind", native, unix.SYS_BIND, nil, notify},
		{"native io_uring_setup", native, unix.SYS_IO_URING_SETUP, nil, enosys},
		{"native sendto", native, unix.SYS_SENDTO, []uint64{3, 0, 1, 0}, allow},
		{"native sendto MSG_FASTOPEN", native, unix.SYS_SENDTO, []uint64{3, 0, 1, fastopen}, eopnotsupp},
		{"native sendmsg MSG_FASTOPEN", native, unix.SYS_SENDMSG, []uint64{3, 0, fastopen}, eopnotsupp},
		{"native TCP_FASTOPEN_CONNECT", native, unix.SYS_SETSOCKOPT, []uint64{3, unix.IPPROTO_TCP, unix.TCP_FASTOPEN_CONNECT}, enoprotoopt},
		{"native TCP_NODELAY", native, unix.SYS_SETSOCKOPT, []uint64{3, unix.IPPROTO_TCP, unix.TCP_NODELAY}, allow},
		{"native getpid", native, unix.SYS_GETPID, nil, allow},
		{"compat bind (stays in the container)", compat.arch, compat.bind, nil, allow},
		{"compat io_uring_setup", compat.arch, compat.ioUringSetup, nil, enosys},
		{"compat sendto", compat.arch, compat.sendto, []uint64{3, 0, 1, 0}, allow},
		{"compat sendto MSG_FASTOPEN", compat.arch, compat.sendto, []uint64{3, 0, 1, fastopen}, eopnotsupp},
		{"compat sendmsg MSG_FASTOPEN", compat.arch, compat.sendmsg, []uint64{3, 0, fastopen}, eopnotsupp},
		{"compat TCP_FASTOPEN_CONNECT", compat.arch, compat.setsockopt, []uint64{3, unix.IPPROTO_TCP, unix.TCP_FASTOPEN_CONNECT}, enoprotoopt},
		{"compat TCP_NODELAY", compat.arch, compat.setsockopt, []uint64{3, unix.IPPROTO_TCP, unix.TCP_NODELAY}, allow},
		{"another arch", 0x12345678, unix.SYS_IO_URING_SETUP, nil, allow},
	}
	if compat.send != 0 {
		cases = append(cases, struct {
			what     string
			arch, nr uint32
			args     []uint64
			want     uint32
		}{"compat send MSG_FASTOPEN", compat.arch, compat.send, []uint64{3, 0, 1, fastopen}, eopnotsupp})
	}
	if runtime.GOARCH == "amd64" {
		const x32 = 0x40000000 // __X32_SYSCALL_BIT: x32 calls carry the native arch
		for _, c := range []struct {
			what string
			nr   uint32
			args []uint64
		}{
			{"x32 io_uring_setup", x32 | 425, nil},
			{"x32 sendto MSG_FASTOPEN", x32 | unix.SYS_SENDTO, []uint64{3, 0, 1, fastopen}},
			{"x32 setsockopt TCP_FASTOPEN_CONNECT", x32 | 541, []uint64{3, unix.IPPROTO_TCP, unix.TCP_FASTOPEN_CONNECT}},
		} {
			if got := runFilter(t, prog, native, c.nr, c.args...); got&unix.SECCOMP_RET_ACTION_FULL != unix.SECCOMP_RET_ERRNO {
				t.Errorf("%s: filter returns %#x, want a refusal", c.what, got)
			}
		}
	}
	for _, c := range cases {
		if got := runFilter(t, prog, c.arch, c.nr, c.args...); got != c.want {
			t.Errorf("%s: filter returns %#x, want %#x", c.what, got, c.want)
		}
	}
	// The exec'd processes' filter: the same refusals, bind allowed.
	refusals := bindFilter(native, false)
	for _, c := range cases {
		want := c.want
		if want == notify {
			want = allow
		}
		if got := runFilter(t, refusals, c.arch, c.nr, c.args...); got != want {
			t.Errorf("refusals only, %s: filter returns %#x, want %#x", c.what, got, want)
		}
	}
}
