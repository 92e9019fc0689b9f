package nettest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Ports the container role serves.
const (
	HTTPPort = 80
	UDPPort  = 53
	SinkPort = 5001
)

// containerMain is the workload inside the new network namespace. It prints
// "ready" on stdout once its servers listen and runs until killed.
func containerMain() error {
	if err := loUp(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", HTTPPort))
	if err != nil {
		return err
	}
	uc, err := net.ListenPacket("udp", fmt.Sprintf(":%d", UDPPort))
	if err != nil {
		return err
	}
	sink, err := net.Listen("tcp", fmt.Sprintf(":%d", SinkPort))
	if err != nil {
		return err
	}
	go udpEcho(uc)
	go serveSink(sink)
	fmt.Println("ready")
	return http.Serve(ln, http.HandlerFunc(handle))
}

// handle answers "/" with the client's address, "/net" with the interfaces
// and "/dial?addr=" with whether a TCP connection to addr succeeds.
func handle(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/net":
		_ = json.NewEncoder(w).Encode(netInfo())
	case "/dial":
		c, err := net.DialTimeout("tcp", r.URL.Query().Get("addr"), 2*time.Second)
		if err != nil {
			fmt.Fprintf(w, "error: %v", err)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(c, 100))
		c.Close()
		fmt.Fprintf(w, "ok: %s", b)
	default:
		fmt.Fprint(w, r.RemoteAddr)
	}
}

// NetInfo is what the container reports about its network.
type NetInfo struct {
	Interfaces map[string][]string // name -> CIDRs
	MTU        map[string]int
	Routes     string // /proc/net/route
}

func netInfo() NetInfo {
	info := NetInfo{Interfaces: map[string][]string{}, MTU: map[string]int{}}
	ifs, _ := net.Interfaces()
	for _, i := range ifs {
		addrs, _ := i.Addrs()
		info.Interfaces[i.Name] = []string{}
		for _, a := range addrs {
			info.Interfaces[i.Name] = append(info.Interfaces[i.Name], a.String())
		}
		info.MTU[i.Name] = i.MTU
	}
	b, _ := os.ReadFile("/proc/net/route")
	info.Routes = string(b)
	return info
}

// udpEcho replies "FROM PAYLOAD" to every datagram.
func udpEcho(c net.PacketConn) {
	buf := make([]byte, 65536)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
		_, _ = c.WriteTo([]byte(from.String()+" "+string(buf[:n])), from)
	}
}

// serveSink reads each connection to EOF and answers with the byte count.
func serveSink(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			n, _ := io.Copy(io.Discard, c)
			fmt.Fprintf(c, "%d", n)
		}()
	}
}

// loUp brings the loopback interface up (what nook's init does).
func loUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	req, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, req); err != nil {
		return fmt.Errorf("get lo flags: %w", err)
	}
	req.SetUint16(req.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, req); err != nil {
		return fmt.Errorf("set lo up: %w", err)
	}
	return nil
}

// hasIface reports whether info lists name with an address starting with prefix.
func (info NetInfo) hasIface(name, prefix string) bool {
	for _, a := range info.Interfaces[name] {
		if strings.HasPrefix(a, prefix) {
			return true
		}
	}
	return false
}
