package e2e

import (
	"fmt"
	"net"
	"os"
	"time"
)

// roleEnv makes the test binary play a helper instead of running tests,
// e.g. a UDP server started inside a container's network namespace with
// `nook enter --net CTR /path/e2e.test PORT` (the busybox fixture has no
// UDP server applet).
const roleEnv = "_NOOK_E2E_ROLE"

func runRole(role string, args []string) int {
	var err error
	switch role {
	case "udpecho":
		err = udpEcho(args)
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
