package sandbox

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// ConsoleFD is the socket on which _init sends the pty master it
// allocated in the container's own devpts (runc's console socket): inside
// the container `tty` then names /dev/pts/0, which a host pty cannot.
const ConsoleFD = 5

// consoleSlave is kept so that execProcess can give it to the user.
var consoleSlave = -1

// setupConsole allocates the pty inside the (already pivoted) root, makes
// its slave the controlling terminal and stdio, and sends the master back.
func setupConsole(sock int) error {
	master, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /dev/ptmx in the container: %w", err)
	}
	defer unix.Close(master)
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil {
		return fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(master, unix.TIOCGPTN)
	if err != nil {
		return fmt.Errorf("get pty number: %w", err)
	}
	slave, err := unix.Open(fmt.Sprintf("/dev/pts/%d", n), unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return fmt.Errorf("open pty slave: %w", err)
	}
	if err := unix.IoctlSetInt(slave, unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("set controlling terminal: %w", err)
	}
	for fd := 0; fd < 3; fd++ {
		if err := unix.Dup2(slave, fd); err != nil {
			return err
		}
	}
	consoleSlave = slave
	unix.CloseOnExec(slave)
	defer unix.Close(sock)
	if err := unix.Sendmsg(sock, []byte{0}, unix.UnixRights(master), nil, 0); err != nil {
		return fmt.Errorf("send console: %w", err)
	}
	return nil
}

// ReceiveConsole reads the pty master sent by _init or _exec; nil when
// the sender closed the socket without sending one (it failed first).
func ReceiveConsole(sock *os.File) *os.File {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, 0)
	if err != nil || oobn == 0 {
		return nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) == 0 {
		return nil
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) == 0 {
		return nil
	}
	return os.NewFile(uintptr(fds[0]), "console")
}

// EnvExecConsole names the console socket fd of `nook _exec -t`.
const EnvExecConsole = "_NOOK_EXEC_CONSOLE"

// ConsoleSocket returns a connected pair: the caller keeps parent and
// passes child to the process that allocates the pty.
func ConsoleSocket() (parent, child *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("console socket: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "console"), os.NewFile(uintptr(fds[1]), "console-child"), nil
}
