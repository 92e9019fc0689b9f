package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/storage"
	"go.podman.io/storage/pkg/reexec"

	"github.com/nook-dev/nook/fuseoverlay"
	"github.com/nook-dev/nook/internal/errdefs"
)

// Options say where the store lives.
type Options struct {
	// DataDir is $XDG_DATA_HOME/nook; the store is DataDir/storage.
	DataDir string
	// RunDir is the runtime dir ($XDG_RUNTIME_DIR/nook).
	RunDir string
	// Driver forces a storage driver ("" = probe once and remember).
	Driver string
}

// Store is the image and layer store.
type Store struct {
	storage.Store
	// Driver is the chosen storage driver and why.
	Driver  fuseoverlay.Choice
	DataDir string
}

// Open opens (creating if needed) the store. It must run inside the rootless
// user namespace: opening it outside makes containers/storage record a
// setting that pins it to fuse-overlayfs.
func Open(opts Options) (*Store, error) {
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir %q: %w", opts.DataDir, err)
	}
	choice, err := fuseoverlay.Choose(opts.DataDir, opts.Driver)
	if err != nil {
		return nil, err
	}
	so := storage.StoreOptions{
		RunRoot:            filepath.Join(opts.RunDir, "storage"),
		GraphRoot:          filepath.Join(opts.DataDir, "storage"),
		GraphDriverName:    choice.GraphDriver(),
		GraphDriverOptions: choice.StorageOptions(),
	}
	s, err := storage.GetStore(so)
	if err != nil {
		return nil, errdefs.WithHint(fmt.Errorf("open storage (%s driver) in %q: %w", choice.Name, so.GraphRoot, err),
			"try another driver with --storage-driver vfs, or run `nook info`")
	}
	return &Store{Store: s, Driver: choice, DataDir: opts.DataDir}, nil
}

// Close releases the store. It does not call storage's Shutdown: when no
// layer is mounted, Shutdown's driver cleanup deletes every staging
// directory it can lock, racing with another nook process that has just
// created one and not yet locked it (a concurrent build or commit then
// fails, or loses the staged diff), and it forces every other process to
// reload the layer store. Locks are released when the process exits;
// leaked staging directories are removed by PruneStaging.
func (s *Store) Close() {}

// PruneStaging removes staging directories a crashed build or commit left
// behind (storage's Shutdown cleanup), when no layer is mounted; for the
// prune commands, which a user runs knowingly.
func (s *Store) PruneStaging() {
	_, _ = s.Shutdown(false)
}

// Lookup resolves a user's reference (name, name:tag, full or short ID) to
// a stored image.
func (s *Store) Lookup(ref string) (*storage.Image, error) {
	ref = strings.TrimPrefix(ref, "sha256:")
	for _, name := range Candidates(ref) {
		if img, err := s.Image(name); err == nil {
			return img, nil
		}
	}
	if !isHexPrefix(ref) {
		for _, name := range shortNameCandidates(ref) {
			if img, err := s.Image(name); err == nil {
				return img, nil
			}
		}
	}
	if isHexPrefix(ref) {
		img, err := s.Image(ref)
		if err == nil {
			return img, nil
		}
		if errors.Is(err, storage.ErrImageUnknown) || errors.Is(err, storage.ErrLayerUnknown) {
			return nil, errdefs.NotFound("No such image: %s", ref)
		}
		return nil, errdefs.Conflict("%s: %w", ref, err)
	}
	return nil, errdefs.NotFound("No such image: %s", ref)
}

func isHexPrefix(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ReexecInit runs containers/storage's re-exec helpers (the chrooted
// untar used when applying layers) and reports whether this process was
// one; main must call it first.
func ReexecInit() bool {
	return reexec.Init()
}
