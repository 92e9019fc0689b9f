package slirp

import (
	"errors"
	"net"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A guarded socket still serves: it listens, accepts and exchanges data.
func TestGuardHostSocket_ListenerServes(t *testing.T) {
	fd := guardedSocket(t)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 4); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(fd)
	port := sa.(*unix.SockaddrInet4).Port
	done := make(chan error, 1)
	go func() {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 2*time.Second)
		if err == nil {
			_, err = c.Write([]byte("hi"))
			c.Close()
		}
		done <- err
	}()
	nfd, _, err := unix.Accept(fd)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(nfd)
	buf := make([]byte, 2)
	if n, err := unix.Read(nfd, buf); err != nil || string(buf[:n]) != "hi" {
		t.Fatalf("read on accepted socket: %q, %v", buf[:n], err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := unix.SetsockoptInt(nfd, unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0); !errors.Is(err, unix.EPERM) {
		t.Fatalf("detach on an accepted socket: %v, want EPERM (inherited lock)", err)
	}
}

// Used as a client, even after listen and connect(AF_UNSPEC), a guarded
// socket never completes a connection, and its filter cannot be removed.
func TestGuardHostSocket_CannotConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	target := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: ln.Addr().(*net.TCPAddr).Port}
	for _, afterListen := range []bool{false, true} {
		fd := guardedSocket(t)
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0); !errors.Is(err, unix.EPERM) {
			t.Fatalf("detach: %v, want EPERM", err)
		}
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatal(err)
		}
		if afterListen {
			if err := unix.Listen(fd, 1); err != nil {
				t.Fatal(err)
			}
			if err := disconnect(fd); err != nil {
				t.Fatalf("disconnect: %v", err)
			}
		}
		// A blocking connect gives up after SO_SNDTIMEO.
		tv := unix.Timeval{Usec: 300_000}
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
			t.Fatal(err)
		}
		if err := unix.Connect(fd, target); err == nil {
			t.Fatalf("connect (after listen: %v) succeeded: the guard let a SYN-ACK through", afterListen)
		}
	}
}

func guardedSocket(t *testing.T) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	switch ok, err := guardHostSocket(fd); {
	case err != nil:
		t.Fatal(err)
	case !ok:
		// Unit tests run as root (make test); as a user on Linux 6.x the
		// kernel refuses, which the e2e tests cover.
		t.Skip("no CAP_NET_ADMIN: the kernel refuses TCP socket filters")
	}
	return fd
}

// disconnect is connect(fd, AF_UNSPEC), which x/sys/unix cannot express.
func disconnect(fd int) error {
	var sa [16]byte // sa_family 0 = AF_UNSPEC
	_, _, errno := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa[0])), uintptr(len(sa)))
	if errno != 0 {
		return errno
	}
	return nil
}
