// Command netbench is the traffic generator of tests/bench/net.sh. Built
// static (CGO_ENABLED=0), the same binary serves on the host and, bind-
// mounted, inside busybox containers, so every comparison runs the same
// code on both ends:
//
//	netbench sink -listen ADDR          count bytes per connection, reply "N\n"
//	netbench http -listen ADDR          tiny HTTP server answering "ok"
//	netbench send -addr A -mib M -n N   N bulk uploads of M MiB: median MB/s
//	netbench port                       print a free TCP port of 127.0.0.1
//	netbench rate -addr A -d D -c C [-keepalive]
//	                                    HTTP requests per second for D with C
//	                                    clients, a new connection per request
//	                                    unless -keepalive
//
// The sink answers with a line instead of closing first, and the sender
// reads that line rather than waiting for EOF: Debian 12's pasta never
// delivers the peer's FIN after a half-close from the container.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: netbench sink|http|send|rate [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	listen := fs.String("listen", ":5001", "address to serve on")
	addr := fs.String("addr", "", "address to connect to")
	mib := fs.Int("mib", 1024, "MiB per upload")
	n := fs.Int("n", 5, "uploads (after one warm-up)")
	dur := fs.Duration("d", 3*time.Second, "rate: duration")
	conc := fs.Int("c", 4, "rate: concurrent clients")
	keep := fs.Bool("keepalive", false, "rate: reuse connections")
	_ = fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "sink":
		err = serve(*listen, sinkConn)
	case "http":
		err = serveHTTP(*listen)
	case "send":
		err = send(*addr, int64(*mib)<<20, *n)
	case "rate":
		err = rate(*addr, *dur, *conc, *keep)
	case "port":
		err = freePort()
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "netbench:", err)
		os.Exit(1)
	}
}

func serve(addr string, handle func(net.Conn)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go handle(c)
	}
}

func freePort() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	return nil
}

func sinkConn(c net.Conn) {
	defer c.Close()
	n, _ := io.CopyBuffer(io.Discard, c, make([]byte, 1<<20))
	fmt.Fprintf(c, "%d\n", n)
}

func serveHTTP(addr string) error {
	return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "3")
		io.WriteString(w, "ok\n")
	}))
}

// send uploads size bytes n times (plus a warm-up) and prints the median
// and best throughput in MB/s (10^6 bytes).
func send(addr string, size int64, n int) error {
	buf := make([]byte, 1<<20)
	var rates []float64
	for i := -1; i < n; i++ {
		// The server may still be starting: retry the first connection.
		var c net.Conn
		var err error
		for try := 0; try < 100; try++ {
			if c, err = net.Dial("tcp", addr); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			return err
		}
		start := time.Now()
		for left := size; left > 0; {
			w, err := c.Write(buf[:min(int64(len(buf)), left)])
			if err != nil {
				c.Close()
				return err
			}
			left -= int64(w)
		}
		_ = c.(*net.TCPConn).CloseWrite()
		line, err := bufio.NewReader(c).ReadString('\n')
		el := time.Since(start)
		c.Close()
		if got, _ := strconv.ParseInt(strings.TrimSpace(line), 10, 64); got != size {
			return fmt.Errorf("sink counted %q bytes, sent %d (%v)", line, size, err)
		}
		if i >= 0 {
			rates = append(rates, float64(size)/el.Seconds()/1e6)
		}
	}
	sort.Float64s(rates)
	fmt.Printf("median %.0f MB/s  max %.0f MB/s  (n=%d x %d MiB)\n", rates[len(rates)/2], rates[len(rates)-1], n, size>>20)
	return nil
}

// rate runs conc clients doing GET / for d and prints requests per second.
func rate(addr string, d time.Duration, conc int, keepalive bool) error {
	tr := &http.Transport{DisableKeepAlives: !keepalive, MaxIdleConnsPerHost: conc}
	cl := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	url := "http://" + addr + "/"
	var err error
	for try := 0; try < 100; try++ { // warm-up, and wait for the server
		if err = get(cl, url); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	var done, failed atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if get(cl, url) == nil {
					done.Add(1)
				} else {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d of %d requests failed", f, f+done.Load())
	}
	fmt.Printf("%.0f req/s  (%d clients, %s, keepalive=%v)\n", float64(done.Load())/d.Seconds(), conc, d, keepalive)
	return nil
}

func get(cl *http.Client, url string) error {
	resp, err := cl.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}
