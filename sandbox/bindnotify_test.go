package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

const childEnv = "NOOK_TEST_BIND_NOTIFY_CHILD"

// TestMain lets the test binary act as a container command: install the
// filter as init does, then bind (notified) and listen (not notified).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
		sendBindNotify()
		fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			os.Exit(3)
		}
		if err := unix.Listen(fd, 1); err != nil {
			os.Exit(4)
		}
		os.Exit(refusedCalls())
	}
	os.Exit(m.Run())
}

// refusedCalls checks, in the filtered child, that the ways to send data
// in a first SYN and io_uring are refused while their ordinary uses are
// not; it returns the exit status (0: as expected).
func refusedCalls() int {
	tcp, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	udp, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	lo := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: 9}
	checks := []struct {
		err  error
		want error
	}{
		{unix.Sendto(tcp, []byte("x"), unix.MSG_FASTOPEN, lo), unix.EOPNOTSUPP},
		{unix.Sendmsg(tcp, []byte("x"), nil, lo, unix.MSG_FASTOPEN), unix.EOPNOTSUPP},
		{unix.SetsockoptInt(tcp, unix.IPPROTO_TCP, unix.TCP_FASTOPEN_CONNECT, 1), unix.ENOPROTOOPT},
		{ioUringSetup(), unix.ENOSYS},
		{unix.SetsockoptInt(tcp, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1), nil},
		{unix.Sendto(udp, []byte("x"), 0, lo), nil},
	}
	for i, c := range checks {
		if !errors.Is(c.err, c.want) && c.err != c.want {
			fmt.Fprintf(os.Stderr, "check %d: got %v, want %v\n", i, c.err, c.want)
			return 10 + i
		}
	}
	return 0
}

func ioUringSetup() error {
	var params [120]byte // struct io_uring_params
	_, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, uintptr(unsafe.Pointer(&params[0])), 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// The filter reports bind(2), and only bind, to the listener init sends
// on BindNotifyFD; a CONTINUE answer lets the bind happen.
func TestBindFilterNotifiesBind(t *testing.T) {
	if _, ok := auditArch(); !ok {
		t.Skip("no bind filter on this architecture")
	}
	parent, child, err := ConsoleSocket()
	if err != nil {
		t.Fatal(err)
	}
	defer parent.Close()
	cmd := osexec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.ExtraFiles = []*os.File{nil, nil, nil, child} // fd 6
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child.Close()
	listener := receiveBindNotify(parent)
	if listener == nil {
		cmd.Wait()
		t.Fatal("the child sent no seccomp listener")
	}
	defer listener.Close()
	// Answer every notification until the child is gone: exactly one,
	// for bind, is expected.
	var nrs []int32
	for {
		pfd := []unix.PollFd{{Fd: int32(listener.Fd()), Events: unix.POLLIN}}
		if n, err := unix.Poll(pfd, 5000); err != nil || n == 0 {
			cmd.Process.Kill()
			t.Fatalf("no notification and no exit in 5s (poll: %v); notified so far: %v", err, nrs)
		}
		if pfd[0].Revents&unix.POLLIN == 0 {
			break // POLLHUP: the child exited
		}
		var notif [80]byte // struct seccomp_notif
		if err := ioctl(listener.Fd(), unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&notif)); err != nil {
			t.Fatalf("receive notification: %v", err)
		}
		nrs = append(nrs, int32(binary.NativeEndian.Uint32(notif[16:])))
		var resp [24]byte // struct seccomp_notif_resp: id, val, error, flags
		copy(resp[0:8], notif[0:8])
		binary.NativeEndian.PutUint32(resp[20:], unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE)
		if err := ioctl(listener.Fd(), unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp)); err != nil {
			t.Fatalf("answer notification: %v", err)
		}
	}
	if len(nrs) != 1 || nrs[0] != unix.SYS_BIND {
		t.Errorf("notified syscalls %v, want only bind (%d)", nrs, unix.SYS_BIND)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v (exit 3: bind failed, 4: listen failed, 1x: a refusal check failed)", err)
	}
}

func ioctl(fd uintptr, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}
