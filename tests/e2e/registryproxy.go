package e2e

import (
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// registryProxy is a tiny HTTP server in front of a LocalRegistry that
// counts blob downloads and can damage or slow them: the failures a real
// registry will not produce on demand.
type registryProxy struct {
	Addr string
	mu   sync.Mutex
	gets map[string]int // blob digest -> GET count
	// corrupt, when set, is a blob digest whose body gets one byte flipped.
	corrupt string
	// slow makes every blob body trickle (a few KiB per 100 ms).
	slow bool
}

// startProxy serves on a free loopback port and forwards to r (plain HTTP).
func startProxy(t testing.TB, r *LocalRegistry) *registryProxy {
	t.Helper()
	target, _ := url.Parse(r.URL())
	p := &registryProxy{gets: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = p.modify
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.Addr = l.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if d := blobDigest(req.URL.Path); d != "" && req.Method == http.MethodGet {
			p.mu.Lock()
			p.gets[d]++
			p.mu.Unlock()
		}
		rp.ServeHTTP(w, req)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return p
}

// Ref returns a reference to repo:tag through the proxy.
func (p *registryProxy) Ref(repoTag string) string { return p.Addr + "/" + repoTag }

// Gets returns how often the blob with digest d was downloaded.
func (p *registryProxy) Gets(d string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gets[d]
}

// TotalGets is the number of blob downloads so far.
func (p *registryProxy) TotalGets() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.gets {
		n += c
	}
	return n
}

func (p *registryProxy) modify(resp *http.Response) error {
	d := blobDigest(resp.Request.URL.Path)
	if d == "" || resp.Request.Method != http.MethodGet || resp.StatusCode != http.StatusOK {
		return nil
	}
	p.mu.Lock()
	corrupt, slow := p.corrupt == d, p.slow
	p.mu.Unlock()
	switch {
	case corrupt:
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		b[len(b)/2] ^= 0xff
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
	case slow:
		resp.Body = &trickle{r: resp.Body}
	}
	return nil
}

// blobDigest returns the digest of a /v2/NAME/blobs/DIGEST path, or "".
func blobDigest(path string) string {
	i := strings.LastIndex(path, "/blobs/")
	if !strings.HasPrefix(path, "/v2/") || i < 0 {
		return ""
	}
	return path[i+len("/blobs/"):]
}

// trickle slows a body down to about 40 KiB/s.
type trickle struct{ r io.ReadCloser }

func (t *trickle) Read(b []byte) (int, error) {
	time.Sleep(100 * time.Millisecond)
	if len(b) > 4096 {
		b = b[:4096]
	}
	return t.r.Read(b)
}

func (t *trickle) Close() error { return t.r.Close() }

// silentServer accepts connections on loopback and never answers: a
// registry that hangs. It returns the address.
func silentServer(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}
