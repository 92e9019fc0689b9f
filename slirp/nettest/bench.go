package nettest

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// SendBulk writes n bytes to addr (a sink that answers with the count it
// read) and checks the count.
func SendBulk(addr string, n int64, buf []byte) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	for left := n; left > 0; {
		chunk := buf[:min(int64(len(buf)), left)]
		w, err := c.Write(chunk)
		if err != nil {
			return err
		}
		left -= int64(w)
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		return err
	}
	reply, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if got, _ := strconv.ParseInt(strings.TrimSpace(string(reply)), 10, 64); got != n {
		return fmt.Errorf("sink read %q bytes, sent %d", reply, n)
	}
	return nil
}

// HostSink starts a sink on the host's 127.0.0.1 (the loopback baseline).
func HostSink() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go serveSink(ln)
	return ln, nil
}
