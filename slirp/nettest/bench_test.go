package nettest

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/nook-dev/nook/slirp"
)

const bulk = 64 << 20

func benchSend(b *testing.B, addr string) {
	buf := make([]byte, 256<<10)
	b.SetBytes(bulk)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := SendBulk(addr, bulk, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTCP compares host -> container throughput through a published
// port with plain host loopback (the limit) and slirp4netns's add_hostfwd.
func BenchmarkTCP(b *testing.B) {
	b.Run("loopback", func(b *testing.B) {
		ln, err := HostSink()
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		benchSend(b, ln.Addr().String())
	})
	for _, d := range []slirp.NetworkDriver{slirp.Slirp4netns{}, slirp.Pasta{}} {
		b.Run("publish-"+d.Name(), func(b *testing.B) {
			env := Setup(b, d, slirp.Options{})
			benchSend(b, env.Addr("5001/tcp"))
		})
	}
	b.Run("hostfwd-slirp4netns", func(b *testing.B) {
		env := Setup(b, slirp.Slirp4netns{}, slirp.Options{})
		m, _ := slirp.ParsePublish("127.0.0.1::5001")
		got, err := slirp.PublishHostfwd(context.Background(), env.Att.APISocket, m)
		if err != nil {
			b.Fatal(err)
		}
		fb := &Env{Ports: map[string]slirp.PortMapping{"5001/tcp": got[0]}}
		benchSend(b, fb.Addr("5001/tcp"))
	})
}

// BenchmarkConnRate measures short connections (one HTTP/1.0 request each)
// through a published port, the cost that dominates small-request rates.
func BenchmarkConnRate(b *testing.B) {
	env := Setup(b, slirp.Slirp4netns{}, slirp.Options{})
	addr := env.Addr("80/tcp")
	buf := make([]byte, 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.WriteString(c, "GET / HTTP/1.0\r\n\r\n"); err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := c.Read(buf); err != nil {
				break
			}
		}
		c.Close()
	}
}
