package sandbox

import (
	"encoding/binary"
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
		os.Exit(0)
	}
	os.Exit(m.Run())
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
		t.Fatalf("child: %v (exit 3: bind failed, 4: listen failed)", err)
	}
}

func ioctl(fd uintptr, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}
