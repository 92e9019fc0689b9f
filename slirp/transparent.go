package slirp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// replyTable is the routing table that makes every address local inside the
// container's namespace; only the published ports' replies are routed by it.
const replyTable = 100

// ensureReplyRouting lets a server in this thread's network namespace answer
// a client address that does not exist here. The forwarder's socket is
// bound (IP_TRANSPARENT) to the client's real address; without help, the
// server's replies to that address would leave through tap0. Two netlink
// objects fix that, without nft or iptables (rootlesskit's child needs one
// of them):
//
//	ip route add local 0.0.0.0/0 dev lo table 100
//	ip rule add ipproto tcp sport PORT lookup 100 priority 100
//
// so TCP segments sent from the published port are delivered locally, to
// the transparent socket. The rule matches only the published container
// port, so the container's own outgoing traffic is unaffected. Must run on a
// netnsThread; existing objects count as success.
func ensureReplyRouting(port int) error {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		return fmt.Errorf("find lo: %w", err)
	}
	if err := netlinkDo(unix.RTM_NEWROUTE, localDefaultRoute(lo.Index)); err != nil {
		return fmt.Errorf("add local route to table %d: %w", replyTable, err)
	}
	if err := netlinkDo(unix.RTM_NEWRULE, sportRule(uint16(port))); err != nil {
		return fmt.Errorf("add rule for source port %d: %w", port, err)
	}
	return nil
}

// localDefaultRoute is an rtmsg for "local 0.0.0.0/0 dev lo table 100".
func localDefaultRoute(loIndex int) []byte {
	b := []byte{
		unix.AF_INET, 0, 0, 0, // family, dst_len, src_len, tos
		replyTable, unix.RTPROT_BOOT, unix.RT_SCOPE_HOST, unix.RTN_LOCAL,
		0, 0, 0, 0, // flags
	}
	b = appendAttr(b, unix.RTA_TABLE, u32(replyTable))
	return appendAttr(b, unix.RTA_OIF, u32(uint32(loIndex)))
}

// sportRule is a fib_rule_hdr for "ipproto tcp sport PORT lookup 100".
func sportRule(port uint16) []byte {
	b := []byte{
		unix.AF_INET, 0, 0, 0, // family, dst_len, src_len, tos
		replyTable, 0, 0, unix.FR_ACT_TO_TBL,
		0, 0, 0, 0, // flags
	}
	b = appendAttr(b, unix.FRA_PRIORITY, u32(replyTable))
	b = appendAttr(b, unix.FRA_TABLE, u32(replyTable))
	b = appendAttr(b, unix.FRA_IP_PROTO, []byte{unix.IPPROTO_TCP})
	rng := make([]byte, 4)
	binary.NativeEndian.PutUint16(rng[0:], port)
	binary.NativeEndian.PutUint16(rng[2:], port)
	return appendAttr(b, unix.FRA_SPORT_RANGE, rng)
}

func u32(v uint32) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, v)
	return b
}

func appendAttr(b []byte, typ uint16, data []byte) []byte {
	hdr := make([]byte, unix.SizeofRtAttr)
	binary.NativeEndian.PutUint16(hdr[0:], uint16(unix.SizeofRtAttr+len(data)))
	binary.NativeEndian.PutUint16(hdr[2:], typ)
	b = append(append(b, hdr...), data...)
	for len(b)%unix.NLMSG_ALIGNTO != 0 {
		b = append(b, 0)
	}
	return b
}

// netlinkDo sends one create request and waits for its ack; EEXIST is nil.
func netlinkDo(typ uint16, body []byte) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	msg := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(body))
	binary.NativeEndian.PutUint32(msg[0:], uint32(unix.SizeofNlMsghdr+len(body)))
	binary.NativeEndian.PutUint16(msg[4:], typ)
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL)
	binary.NativeEndian.PutUint32(msg[8:], 1)
	msg = append(msg, body...)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return err
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Header.Type == unix.NLMSG_ERROR && len(m.Data) >= 4 {
			if e := -int32(binary.NativeEndian.Uint32(m.Data)); e != 0 {
				if errno := unix.Errno(e); !errors.Is(errno, unix.EEXIST) {
					return errno
				}
			}
		}
	}
	return nil
}
