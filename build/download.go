package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"
)

// download is an ADD URL fetched to a temporary file.
type download struct {
	url   string
	file  string
	name  string // file name at the destination
	size  int64
	sum   string // hex sha256
	mtime time.Time
}

// download fetches src; checksum ("sha256:<hex>") pins the content.
func (b *builder) download(src, checksum string) (*download, error) {
	client := b.opts.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(b.ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, fmt.Errorf("ADD %s: %w", src, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ADD %s: %w", src, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("ADD %s: invalid response status %d", src, resp.StatusCode)
	}
	f, err := os.CreateTemp(b.tmpDir, "nook-add-")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), resp.Body)
	if err != nil {
		_ = os.Remove(f.Name())
		return nil, fmt.Errorf("ADD %s: %w", src, err)
	}
	d := &download{url: src, file: f.Name(), name: urlFileName(src), size: n,
		sum: hex.EncodeToString(h.Sum(nil)), mtime: time.Now().UTC().Truncate(time.Second)}
	if lm, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		d.mtime = lm.UTC()
	}
	if checksum != "" && checksum != "sha256:"+d.sum {
		_ = os.Remove(f.Name())
		return nil, fmt.Errorf("ADD %s: digest mismatch %s: sha256:%s", src, checksum, d.sum)
	}
	return d, nil
}

func urlFileName(src string) string {
	u, err := url.Parse(src)
	if err == nil {
		if base := path.Base(u.Path); base != "." && base != "/" && !strings.Contains(base, "..") {
			return base
		}
	}
	return "__unnamed__"
}
