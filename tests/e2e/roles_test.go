package e2e

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// roleEnv makes the test binary play a helper instead of running tests,
// e.g. a UDP server started inside a container's network namespace with
// `nook enter --net CTR /path/e2e.test PORT` (the busybox fixture has no
// UDP server applet). The binary is static (tests/e2e-run.sh builds it
// with CGO_ENABLED=0), so it also runs inside a container from a bind
// mount.
const roleEnv = "_NOOK_E2E_ROLE"

func runRole(role string, args []string) int {
	var err error
	switch role {
	case "udpecho":
		err = udpEcho(args)
	case "bindconnect":
		err = bindConnect(args)
	case "iouring":
		ioUringProbe()
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e role %s: %v\n", role, err)
		return 1
	}
	return 0
}

// udpEcho answers every datagram with "SOURCE PAYLOAD", so the client
// learns which address the server saw. It quits on "quit" or after a
// minute, since nothing kills a process that joined only a netns.
func udpEcho(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: PORT")
	}
	c, err := net.ListenPacket("udp", ":"+args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	buf := make([]byte, 2048)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return err
		}
		if string(buf[:n]) == "quit" {
			return nil
		}
		if _, err := c.WriteTo([]byte(from.String()+" "+string(buf[:n])), from); err != nil {
			return err
		}
	}
}

// bindConnect binds a TCP socket to the container's port PORT on the
// wildcard address, prints "bound N" with the port getsockname reports,
// optionally listens and disconnects again (connect(AF_UNSPEC)), then
// tries to use the socket as a client of 127.0.0.1:TARGET. It exits 0
// only when it connected (and wrote "ESCAPED"), 3 when connect failed.
func bindConnect(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: PORT TARGET [listen]")
	}
	port, _ := strconv.Atoi(args[0])
	target, _ := strconv.Atoi(args[1])
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		return err
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: port}); err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	if sa, err := unix.Getsockname(fd); err == nil {
		fmt.Printf("bound %d\n", sa.(*unix.SockaddrInet4).Port)
	}
	if len(args) > 2 && args[2] == "listen" {
		if err := unix.Listen(fd, 1); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		var unspec [16]byte // sa_family 0 = AF_UNSPEC
		if _, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&unspec[0])), 16); e != 0 {
			return fmt.Errorf("disconnect: %w", e)
		}
	}
	tv := unix.Timeval{Sec: 2}
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv)
	if err := unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: target}); err != nil {
		fmt.Printf("connect: %v\n", err)
		os.Exit(3)
	}
	_, err = unix.Write(fd, []byte("ESCAPED\n"))
	fmt.Println("connected")
	return err
}

// ioUringProbe prints whether io_uring_setup works for this process:
// "io_uring: ok" or "io_uring: ERROR".
func ioUringProbe() {
	var params [120]byte // struct io_uring_params
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, uintptr(unsafe.Pointer(&params[0])), 0)
	if errno != 0 {
		fmt.Printf("io_uring: %v\n", errno)
		return
	}
	unix.Close(int(fd))
	fmt.Println("io_uring: ok")
}
