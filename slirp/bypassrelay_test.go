package slirp

import (
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// A process in the container can open any number of connections to the
// relay (and hold them open through its own server): the monitor must not
// open an unbounded number of host connections, goroutines and buffers for
// them.
func TestRelayBoundsConnections(t *testing.T) {
	server, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	var held atomic.Int32
	go func() {
		for {
			c, err := server.Accept()
			if err != nil {
				return
			}
			held.Add(1)
			defer c.Close() // held open until the test ends
		}
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln, target: server.Addr().String()}
	go r.serve()
	defer r.close()
	for i := 0; i < maxRelayConns+50; i++ {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break // the relay's backlog is full: bounded too
		}
		defer c.Close()
	}
	deadline := time.Now().Add(3 * time.Second)
	for held.Load() < maxRelayConns && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // room for any excess to show up
	if n := held.Load(); n != maxRelayConns {
		t.Fatalf("the relay opened %d upstream connections, want exactly %d (bounded, and the bound reached)", n, maxRelayConns)
	}
}
