package slirp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/rootless-containers/rootlesskit/v3/pkg/lowlevelmsgutil"
	"github.com/rootless-containers/rootlesskit/v3/pkg/port/builtin/msg"
	"github.com/rootless-containers/rootlesskit/v3/pkg/port/builtin/opaque"
	"golang.org/x/sys/unix"
)

// portChild is the child half of rootlesskit's builtin port driver, run
// in-process: it speaks rootlesskit's protocol (pkg/port/builtin/msg) on the
// parent's socket and dials the container on a thread inside the container's
// network namespace, so no extra process per container is needed.
//
// It differs from rootlesskit's child.NewDriver in where it dials and how it
// keeps the client's address: rootlesskit skips loopback clients and needs
// nft or iptables; this child binds the connecting socket to the client's
// address and port (see dialTCP).
//
//	parent (rootlesskit, host netns)          portChild (this file)
//	  listen host port, accept client
//	  connect unix socket ------------------>  accept
//	  Request{connect, proto, IP, Port,
//	          SourceIP, SourcePort} -------->  dial IP:Port on the netns thread
//	                               <--------  "dummy" + SCM_RIGHTS(socket fd)
//	  splice client <-> received socket
type portChild struct {
	ln   *net.UnixListener
	ns   *netnsThread
	pool *sockPool
	log  io.Writer

	mu       sync.Mutex
	lastMsg  string
	lastTime time.Time
}

// logOnce logs msg unless it was the last message, less than a second
// ago: the parent retries a failed connect ten times within ~0.2 s.
func (c *portChild) logOnce(msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if msg == c.lastMsg && time.Since(c.lastTime) < time.Second {
		return
	}
	c.lastMsg, c.lastTime = msg, time.Now()
	fmt.Fprintln(c.log, msg)
}

// startPortChild listens on the parent's socket and reports readiness by
// closing the parent's FIFO, as rootlesskit's child does.
func startPortChild(opq map[string]string, ns *netnsThread, log io.Writer) (*portChild, error) {
	sock, fifo := opq[opaque.SocketPath], opq[opaque.ChildReadyPipePath]
	if sock == "" || fifo == "" {
		return nil, errors.New("port driver: parent gave no socket or ready pipe path")
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("port driver: listen on %q: %w", sock, err)
	}
	c := &portChild{ln: ln, ns: ns, pool: newSockPool(ns), log: log}
	go c.signalReady(fifo)
	go c.serve()
	return c, nil
}

func (c *portChild) signalReady(fifo string) {
	// Opening a FIFO for writing blocks until the parent opens it to read.
	f, err := os.OpenFile(fifo, os.O_WRONLY, os.ModeNamedPipe)
	if err != nil {
		fmt.Fprintf(c.log, "port driver: open ready pipe: %v\n", err)
		return
	}
	f.Close()
}

func (c *portChild) close() {
	c.ln.Close()
	c.pool.close()
}

func (c *portChild) serve() {
	for {
		conn, err := c.ln.AcceptUnix()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			if err := c.handle(conn); err != nil {
				// The parent logs only that no socket came back.
				c.logOnce("port driver: " + err.Error())
				_, _ = lowlevelmsgutil.MarshalToWriter(conn, &msg.Reply{Error: err.Error()})
			}
		}()
	}
}

func (c *portChild) handle(conn *net.UnixConn) error {
	var req msg.Request
	if _, err := lowlevelmsgutil.UnmarshalFromReader(conn, &req); err != nil {
		return err
	}
	switch req.Type {
	case msg.RequestTypeInit:
		_, err := lowlevelmsgutil.MarshalToWriter(conn, &msg.Reply{})
		return err
	case msg.RequestTypeConnect:
	default:
		return fmt.Errorf("unknown request type %q", req.Type)
	}
	fd, ok, err := c.pool.dialLoopback(req)
	if !ok {
		err = c.ns.Do(func() (err error) {
			fd, err = dialInNetns(req)
			return err
		})
	}
	if err != nil {
		client := ""
		if req.SourceIP != "" {
			client = " for client " + net.JoinHostPort(req.SourceIP, strconv.Itoa(req.SourcePort))
		}
		return fmt.Errorf("connect to container port %d/%s%s: %w", req.Port, req.Proto, client, err)
	}
	defer unix.Close(fd)
	for {
		err = unix.Sendmsg(connFd(conn), []byte("dummy"), unix.UnixRights(fd), nil, 0)
		if err != unix.EINTR {
			return err
		}
	}
}

func connFd(conn *net.UnixConn) int {
	var fd int
	raw, err := conn.SyscallConn()
	if err != nil {
		return -1
	}
	_ = raw.Control(func(f uintptr) { fd = int(f) })
	return fd
}

// dialInNetns runs on the namespace thread and returns a connected socket.
func dialInNetns(req msg.Request) (int, error) {
	ip := net.ParseIP(req.IP)
	if ip == nil {
		ip = net.ParseIP(ContainerIP)
	}
	target := net.JoinHostPort(ip.String(), strconv.Itoa(req.Port))
	var conn net.Conn
	var err error
	switch req.Proto {
	case "tcp", "tcp4", "tcp6":
		conn, err = dialTCP(target, net.ParseIP(req.SourceIP), req.SourcePort)
	case "udp", "udp4", "udp6":
		conn, err = net.Dial("udp", target)
	default:
		return -1, fmt.Errorf("unknown proto %q", req.Proto)
	}
	if err != nil {
		return -1, err
	}
	defer conn.Close()
	f, err := conn.(interface{ File() (*os.File, error) }).File()
	if err != nil {
		return -1, err
	}
	// File dup'ed the descriptor; keep it past f's finalizer.
	fd, err := unix.Dup(int(f.Fd()))
	f.Close()
	return fd, err
}

// dialTCP connects to target from the client's own address when it can, so
// the server sees who really connected:
//   - a loopback client (127.0.0.0/8, ::1) is local in every namespace, so a
//     plain bind to its address and port works;
//   - any other client needs IP_TRANSPARENT and replies routed back to this
//     namespace's loopback (see transparent.go);
//   - otherwise (port taken, family mismatch, routing not possible) it falls
//     back to an ordinary connection from the container's own address.
func dialTCP(target string, src net.IP, srcPort int) (net.Conn, error) {
	tgt, _ := net.ResolveTCPAddr("tcp", target)
	if src != nil && srcPort != 0 && tgt != nil && (src.To4() != nil) == (tgt.IP.To4() != nil) {
		transparent := !src.IsLoopback()
		if !transparent || ensureReplyRouting(tgt.Port) == nil {
			for _, p := range []int{srcPort, 0} {
				c, err := dialFrom(target, &net.TCPAddr{IP: src, Port: p}, transparent)
				if err == nil || !isBindError(err) {
					// A refused or timed-out connection is the server's
					// answer: retrying from another address would race
					// a server that is just starting and hand it a
					// connection from 10.0.2.100 instead of the client's.
					return c, err
				}
			}
		}
	}
	return dialFrom(target, nil, false)
}

// isBindError reports whether dialing failed because of the local address
// (taken, not bindable, transparent binding refused), so that another local
// address may work.
func isBindError(err error) bool {
	for _, e := range []error{syscall.EADDRINUSE, syscall.EADDRNOTAVAIL, syscall.EPERM, syscall.EACCES, syscall.EINVAL} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func dialFrom(target string, local *net.TCPAddr, transparent bool) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second, Control: func(network, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			if transparent && local.IP.To4() != nil {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_TRANSPARENT, 1)
			} else if transparent {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_TRANSPARENT, 1)
			}
			tuneForwardSocket(int(fd))
		})
		if err != nil {
			return err
		}
		return serr
	}}
	if local != nil {
		d.LocalAddr = local
	}
	return d.Dial("tcp", target)
}
