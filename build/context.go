package build

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// loadIgnore reads <Dockerfile>.dockerignore next to the Dockerfile, or
// .dockerignore at the context root, and compiles Docker's rules.
func loadIgnore(contextDir, dockerfilePath string) (*patternmatcher.PatternMatcher, int, error) {
	var candidates []string
	if dockerfilePath != "" {
		candidates = append(candidates, dockerfilePath+".dockerignore")
	}
	candidates = append(candidates, filepath.Join(contextDir, ".dockerignore"))
	for _, c := range candidates {
		dt, err := os.ReadFile(c)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read %s: %w", c, err)
		}
		pm, err := compileIgnore(dt)
		return pm, len(dt), err
	}
	return nil, 0, nil
}

// compileIgnore parses .dockerignore content (comments, trimming,
// filepath.Clean, "!" exceptions) into a matcher; nil when it is empty.
func compileIgnore(dt []byte) (*patternmatcher.PatternMatcher, error) {
	patterns, err := ignorefile.ReadAll(bytes.NewReader(dt))
	if err != nil {
		return nil, fmt.Errorf("parse .dockerignore: %w", err)
	}
	if len(patterns) == 0 {
		return nil, nil
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, fmt.Errorf("parse .dockerignore: %w", err)
	}
	return pm, nil
}

// extractContext unpacks a context tar (`nook build -`) into dir with the
// same sanitising as ADD. If r is no tar, its content is returned as the
// Dockerfile and the context stays empty (Docker's `- < Dockerfile`).
func extractContext(r io.Reader, dir string) ([]byte, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	tr, closer, ok, err := openArchive(br)
	if err != nil {
		return nil, err
	}
	if !ok {
		dt, err := io.ReadAll(br)
		return dt, err
	}
	defer closer()
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read context: %w", err)
		}
		if err := extractContextEntry(tr, h, dir); err != nil {
			return nil, err
		}
	}
}

func extractContextEntry(tr *tar.Reader, h *tar.Header, dir string) error {
	rel, err := archivePath(h.Name)
	if err != nil || rel == "" {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	name := filepath.FromSlash(rel)
	if d := filepath.Dir(name); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("context entry %q: %w", h.Name, err)
		}
	}
	mode := os.FileMode(h.Mode & 0o777)
	switch h.Typeflag {
	case tar.TypeDir:
		if err := root.MkdirAll(name, mode|0o700); err != nil {
			return fmt.Errorf("context entry %q: %w", h.Name, err)
		}
	case tar.TypeReg, tar.TypeRegA:
		f, err := root.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
		if err != nil {
			return fmt.Errorf("context entry %q: %w", h.Name, err)
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		_ = root.Chmod(name, mode)
		_ = root.Chtimes(name, h.ModTime, h.ModTime)
	case tar.TypeSymlink:
		// The link is stored as is; every later read resolves it inside
		// the context.
		if err := root.Symlink(h.Linkname, name); err != nil {
			return fmt.Errorf("context entry %q: %w", h.Name, err)
		}
	case tar.TypeLink:
		lrel, err := archivePath(h.Linkname)
		if err != nil {
			return err
		}
		if err := root.Link(filepath.FromSlash(lrel), name); err != nil {
			return fmt.Errorf("context entry %q: %w", h.Name, err)
		}
	}
	return nil
}

// dockerfileName is how messages name the Dockerfile.
func dockerfileName(p string) string {
	if p == "" || p == "-" {
		return "Dockerfile"
	}
	return filepath.Base(strings.TrimSuffix(p, "/"))
}
