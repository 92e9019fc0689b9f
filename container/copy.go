package container

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/fscopy"
)

// CopyOptions are `nook cp` flags.
type CopyOptions struct {
	// FollowLink copies what a symlink SRC_PATH points to instead of the
	// link itself (-L).
	FollowLink bool
	// Archive keeps the owners of the copied files (-a); otherwise the
	// copies belong to the user at the destination, as with docker cp.
	Archive bool
}

// CopyFrom copies srcPath (inside r) to hostDst like docker cp: a file
// into an existing directory keeps its name; otherwise dst is the new
// name. Symlinks are resolved inside the container root, never outside.
func (m *Manager) CopyFrom(r *Record, srcPath, hostDst string, o CopyOptions) error {
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return fmt.Errorf("mount %s: %w", r.ID[:12], err)
	}
	defer m.Store.Unmount(r.ID, false)
	src, err := resolveSource(root, srcPath, o.FollowLink)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(src); err != nil {
		return errdefs.NotFound("Could not find the file %s in container %s", srcPath, r.Name)
	}
	return copyPath(src, hostDst, contentsOnly(srcPath), o)
}

// CopyTo copies hostSrc into r at dstPath (resolved inside the root).
func (m *Manager) CopyTo(r *Record, hostSrc, dstPath string, o CopyOptions) error {
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return fmt.Errorf("mount %s: %w", r.ID[:12], err)
	}
	defer m.Store.Unmount(r.ID, false)
	src := hostSrc
	if o.FollowLink {
		if src, err = filepath.EvalSymlinks(hostSrc); err != nil {
			return errdefs.NotFound("could not find the file %s: %w", hostSrc, err)
		}
	}
	if _, err := os.Lstat(src); err != nil {
		return errdefs.NotFound("could not find the file %s: %w", hostSrc, err)
	}
	dst, err := securejoin.SecureJoin(root, dstPath)
	if err != nil {
		return err
	}
	if strings.HasSuffix(dstPath, "/") {
		dst += "/" // keeps docker cp's "must be a directory" meaning
	}
	return copyPath(src, dst, contentsOnly(hostSrc), o)
}

// resolveSource finds p inside root. The last element is a symlink to
// copy as it is unless follow; every other symlink resolves as if root
// were "/".
func resolveSource(root, p string, follow bool) (string, error) {
	clean := path.Clean("/" + p)
	if follow || clean == "/" {
		return securejoin.SecureJoin(root, clean)
	}
	dir, err := securejoin.SecureJoin(root, path.Dir(clean))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, path.Base(clean)), nil
}

// contentsOnly is docker cp's SRC_PATH/. form: copy what is in the
// directory, not the directory itself.
func contentsOnly(p string) bool {
	return strings.HasSuffix(p, "/.") || p == "."
}

// copyPath copies src to dst with docker cp's naming rules: into an
// existing directory under src's name (or its content with
// contentsOnly), over an existing file, or as the new name dst.
func copyPath(src, dst string, contentsOnly bool, o CopyOptions) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	opts := fscopy.Options{KeepOwner: o.Archive, Replace: true}
	di, err := os.Stat(dst)
	switch {
	case err == nil && di.IsDir() && fi.IsDir() && contentsOnly:
		return copyContents(src, dst, opts)
	case err == nil && di.IsDir():
		return fscopy.Copy(src, filepath.Join(dst, filepath.Base(src)), opts)
	case err == nil && fi.IsDir():
		return errdefs.Invalid("cannot copy a directory to a file: %s is not a directory", dst)
	case err == nil:
		return fscopy.Copy(src, dst, opts)
	case !errors.Is(err, os.ErrNotExist):
		return err
	case strings.HasSuffix(dst, "/") && !fi.IsDir():
		return errdefs.NotFound("destination directory %s does not exist", dst)
	}
	if _, err := os.Stat(filepath.Dir(filepath.Clean(dst))); err != nil {
		return errdefs.NotFound("destination directory %s does not exist", filepath.Dir(dst))
	}
	return fscopy.Copy(src, filepath.Clean(dst), opts)
}

func copyContents(src, dst string, o fscopy.Options) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := fscopy.Copy(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), o); err != nil {
			return err
		}
	}
	return nil
}
