package build

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
)

// memBackend is an in-memory Backend that records layers as tar bytes.
type memBackend struct {
	t       *testing.T
	layers  map[string]*memLayer
	names   map[string]string // layer name -> id
	images  map[string]*BaseImage
	runs    []RunOptions
	created int
	tmp     string
}

type memLayer struct {
	Layer
	parent string
	tar    []byte
}

func newMemBackend(t *testing.T) *memBackend {
	return &memBackend{t: t, layers: map[string]*memLayer{}, names: map[string]string{},
		images: map[string]*BaseImage{}, tmp: t.TempDir()}
}

func (m *memBackend) LookupImage(_ context.Context, ref string) (*BaseImage, error) {
	if bi, ok := m.images[ref]; ok {
		return bi, nil
	}
	return nil, errdefs.NotFound("image %q not found", ref)
}

func (m *memBackend) PullImage(context.Context, string, io.Writer) (*BaseImage, error) {
	return nil, errdefs.WithKind(fmt.Errorf("pull"), errdefs.ErrNotImplemented)
}

func (m *memBackend) LookupLayer(_ context.Context, name string) (Layer, bool, error) {
	id, ok := m.names[name]
	if !ok {
		return Layer{}, false, nil
	}
	return m.layers[id].Layer, true, nil
}

func (m *memBackend) ApplyLayer(_ context.Context, parent string, names []string, r io.Reader) (Layer, error) {
	dt, err := io.ReadAll(r)
	if err != nil {
		return Layer{}, err
	}
	sum := sha256.Sum256(dt)
	m.created++
	l := &memLayer{Layer: Layer{ID: fmt.Sprintf("layer%d", m.created), DiffID: "sha256:" + hex.EncodeToString(sum[:]),
		Size: int64(len(dt)), Created: time.Unix(1700000000+int64(m.created), 0)}, parent: parent, tar: dt}
	m.layers[l.ID] = l
	for _, n := range names {
		m.names[n] = l.ID
	}
	return l.Layer, nil
}

func (m *memBackend) Run(ctx context.Context, o RunOptions) (Layer, error) {
	m.runs = append(m.runs, o)
	cmd := o.Args[len(o.Args)-1]
	if strings.Contains(cmd, "false") {
		fmt.Fprintln(o.Stdout, "about to fail")
		return Layer{}, errdefs.Exit(1, fmt.Errorf("exit status 1"))
	}
	fmt.Fprintf(o.Stdout, "ran %s\n", cmd)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := strings.Join(o.Env, "\n")
	_ = tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("run%d", len(m.runs)), Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
	_, _ = tw.Write([]byte(body))
	_ = tw.Close()
	return m.ApplyLayer(ctx, o.Parent, o.Names, &buf)
}

// MountLayer materialises the chain into a directory.
func (m *memBackend) MountLayer(_ context.Context, id string) (string, func() error, error) {
	var chain []*memLayer
	for cur := id; cur != ""; cur = m.layers[cur].parent {
		chain = append([]*memLayer{m.layers[cur]}, chain...)
	}
	dir, err := os.MkdirTemp(m.tmp, "mnt")
	if err != nil {
		return "", nil, err
	}
	for _, l := range chain {
		if err := untarTest(l.tar, dir); err != nil {
			return "", nil, err
		}
	}
	return dir, func() error { return os.RemoveAll(dir) }, nil
}

func untarTest(dt []byte, dir string) error {
	tr := tar.NewReader(bytes.NewReader(dt))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			_ = os.MkdirAll(p, 0o755)
		case tar.TypeReg:
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			b, _ := io.ReadAll(tr)
			_ = os.Remove(p)
			if err := os.WriteFile(p, b, os.FileMode(h.Mode)); err != nil {
				return err
			}
		case tar.TypeSymlink:
			_ = os.Remove(p)
			_ = os.Symlink(h.Linkname, p)
		case tar.TypeLink:
			_ = os.Link(filepath.Join(dir, h.Linkname), p)
		}
	}
}

func (m *memBackend) CreateImage(_ context.Context, config []byte, top string, names []string) (string, error) {
	sum := sha256.Sum256(config)
	id := "sha256:" + hex.EncodeToString(sum[:])
	bi := &BaseImage{ID: id, Config: config, TopLayer: top}
	m.images[id] = bi
	for _, n := range names {
		bi.Name = n
		m.images[n] = bi
	}
	return id, nil
}

// addBase stores a busybox-like base image with one layer.
func (m *memBackend) addBase(t *testing.T, name string) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
		"etc/group":  "root:x:0:\napp:x:1000:\nstaff:x:50:\n",
		"bin/sh":     "#!fake",
	}
	for _, d := range []string{"bin/", "etc/", "var/", "run/"} {
		_ = tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755})
	}
	_ = tw.WriteHeader(&tar.Header{Name: "var/run", Typeflag: tar.TypeSymlink, Linkname: "/run"})
	for _, n := range []string{"bin/sh", "etc/group", "etc/passwd"} {
		_ = tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(files[n]))})
		_, _ = tw.Write([]byte(files[n]))
	}
	_ = tw.Close()
	l, err := m.ApplyLayer(context.Background(), "", nil, &buf)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%q]},"history":[{"created":"2024-01-01T00:00:00Z","created_by":"ADD rootfs.tar / # buildkit"},{"created":"2024-01-01T00:00:00Z","created_by":"CMD [\"sh\"]","empty_layer":true}]}`, l.DiffID)
	m.images[name] = &BaseImage{ID: "sha256:base", Name: "docker.io/library/" + name + ":latest", Config: []byte(cfg), TopLayer: l.ID}
}

// tarEntries lists "name type mode uid:gid" of a layer.
func (m *memBackend) tarEntries(t *testing.T, id string) map[string]*tar.Header {
	out := map[string]*tar.Header{}
	tr := tar.NewReader(bytes.NewReader(m.layers[id].tar))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = h
	}
}
