package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/opencontainers/go-digest"
	"golang.org/x/sys/unix"
)

// CacheKeyPrefix starts the layer names that hold the build cache;
// `nook builder prune` removes layers named so that no image uses.
const CacheKeyPrefix = "nook-cache-"

// cacheKey derives a layer name from the parent layer and the parts that
// define the step; a changed parent invalidates every later step.
func cacheKey(kind, parent string, parts ...string) string {
	h := sha256.New()
	fmt.Fprintf(h, "nook-build-v1\x00%s\x00%s", kind, parent)
	for _, p := range parts {
		fmt.Fprintf(h, "\x00%d:%s", len(p), p)
	}
	return CacheKeyPrefix + hex.EncodeToString(h.Sum(nil))
}

// lookupCache finds a cached layer unless --no-cache.
func (b *builder) lookupCache(key string) (Layer, bool, error) {
	if b.opts.NoCache {
		return Layer{}, false, nil
	}
	l, ok, err := b.be.LookupLayer(b.ctx, key)
	if err != nil {
		return Layer{}, false, fmt.Errorf("look up build cache: %w", err)
	}
	return l, ok, nil
}

// copyKey is the cache key of an ADD/COPY: the expanded instruction, the
// destination and a checksum of the sources' content and metadata (not
// mtimes).
func (b *builder) copyKey(s *stageState, cs copyArgs, dest string, plan *copyPlan) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%q\x00%q\x00%q\x00%q\x00%v\x00%s\x00", cs.createdBy(), cs.chown, cs.chmod, cs.excludes, dest, cs.unpack, plan.fromKey)
	for i, it := range plan.items {
		fmt.Fprintf(h, "item\x00%s\x00%s\x00", it.name, it.rel)
		if plan.fromKey != "" {
			continue // the source layer ID pins the content
		}
		if i < len(plan.walked) && plan.walked[i] != nil {
			h.Write(plan.walked[i])
			continue
		}
		if err := plan.tree.walk(it, func(e *srcEntry) error { return b.keyEntry(h, plan.tree, it, e, "") }); err != nil {
			return "", err
		}
	}
	for _, d := range plan.urls {
		fmt.Fprintf(h, "url\x00%s\x00%s\x00%s\x00", d.url, d.name, d.sum)
	}
	for _, c := range cs.contents {
		fmt.Fprintf(h, "heredoc\x00%s\x00%d:%s", c.Path, len(c.Data), c.Data)
	}
	return cacheKey("copy", s.layer, hex.EncodeToString(h.Sum(nil))), nil
}

// keyEntry writes what the cache key hashes of one walked entry; sum is
// the content's when the caller has it already.
func (b *builder) keyEntry(w io.Writer, t *srcTree, it srcItem, e *srcEntry, sum string) error {
	fmt.Fprintf(w, "%s\x00%o\x00%d\x00%s\x00%d\x00", e.rel, e.st.Mode, e.st.Size, e.link, e.st.Rdev)
	if t.keepOwner {
		fmt.Fprintf(w, "%d:%d\x00", e.st.Uid, e.st.Gid)
	}
	if e.st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil
	}
	if sum == "" {
		var err error
		if sum, err = b.hashes.sum(t.hashKey(it, e), e); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, sum)
	return err
}

// hashCache remembers file content hashes by path and stat identity
// (dev, inode, size, mtime, ctime), as git's index does, so unchanged files
// are not read again; StateDir/hashes.json keeps it across builds.
type hashCache struct {
	mu      sync.Mutex
	file    string
	entries map[string]hashEntry
	dirty   bool
}

type hashEntry struct {
	Stat string `json:"s"`
	Sum  string `json:"h"`
}

// minCachedSize: smaller files are cheaper to hash than to remember.
const minCachedSize = 32 << 10

func loadHashCache(stateDir string) *hashCache {
	c := &hashCache{entries: map[string]hashEntry{}}
	if stateDir == "" {
		return c
	}
	c.file = filepath.Join(stateDir, "build-hashes.json")
	if dt, err := os.ReadFile(c.file); err == nil {
		_ = json.Unmarshal(dt, &c.entries)
	}
	return c
}

func statID(st *unix.Stat_t) string {
	return fmt.Sprintf("%d:%d:%d:%d.%d:%d.%d", st.Dev, st.Ino, st.Size, st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec)
}

// hashKey names a walked entry in the hash cache.
func (t *srcTree) hashKey(it srcItem, e *srcEntry) string {
	return filepath.Join(t.root, it.rel, e.rel)
}

func (c *hashCache) sum(key string, e *srcEntry) (string, error) {
	id := statID(&e.st)
	if e.st.Size >= minCachedSize {
		c.mu.Lock()
		ent, ok := c.entries[key]
		c.mu.Unlock()
		if ok && ent.Stat == id {
			return ent.Sum, nil
		}
	}
	f, err := e.open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := copyBuffered(h, f); err != nil {
		return "", fmt.Errorf("read %q: %w", e.rel, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if e.st.Size >= minCachedSize {
		c.store(key, e, sum)
	}
	return sum, nil
}

// store remembers sum as the content hash of e, found at key.
func (c *hashCache) store(key string, e *srcEntry, sum string) {
	c.mu.Lock()
	c.entries[key] = hashEntry{Stat: statID(&e.st), Sum: sum}
	c.dirty = true
	c.mu.Unlock()
}

// hashingReader hashes what is read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func newHashingReader(r io.Reader) *hashingReader { return &hashingReader{r: r, h: sha256.New()} }

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	return n, err
}

// save writes the cache back (best effort).
func (c *hashCache) save() {
	if c.file == "" || !c.dirty {
		return
	}
	dt, err := json.Marshal(c.entries)
	if err != nil {
		return
	}
	tmp := c.file + ".tmp"
	if os.WriteFile(tmp, dt, 0o600) == nil {
		_ = os.Rename(tmp, c.file)
	}
}

func digestOf(s string) digest.Digest {
	if !strings.Contains(s, ":") {
		s = "sha256:" + s
	}
	return digest.Digest(s)
}
