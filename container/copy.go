package container

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"

	"github.com/nook-dev/nook/internal/errdefs"
)

// CopyFrom copies srcPath (inside r) to hostDst like docker cp: a file
// into an existing directory keeps its name; otherwise dst is the new
// name. Symlinks are resolved inside the container root, never outside.
func (m *Manager) CopyFrom(r *Record, srcPath, hostDst string) error {
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return fmt.Errorf("mount %s: %w", r.ID[:12], err)
	}
	defer m.Store.Unmount(r.ID, false)
	src, err := securejoin.SecureJoin(root, srcPath)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(src); err != nil {
		return errdefs.NotFound("Could not find the file %s in container %s", srcPath, r.Name)
	}
	return copyPath(src, hostDst, strings.HasSuffix(srcPath, "/."))
}

// CopyTo copies hostSrc into r at dstPath (resolved inside the root).
func (m *Manager) CopyTo(r *Record, hostSrc, dstPath string) error {
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return fmt.Errorf("mount %s: %w", r.ID[:12], err)
	}
	defer m.Store.Unmount(r.ID, false)
	if _, err := os.Lstat(hostSrc); err != nil {
		return errdefs.NotFound("could not find the file %s: %w", hostSrc, err)
	}
	dst, err := securejoin.SecureJoin(root, dstPath)
	if err != nil {
		return err
	}
	return copyPath(hostSrc, dst, strings.HasSuffix(hostSrc, "/."))
}

// copyPath copies src to dst with docker cp's naming rules, through a tar
// stream so that modes, times, links and ownership are preserved.
func copyPath(src, dst string, contentsOnly bool) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	target := dst
	if di, err := os.Stat(dst); err == nil && di.IsDir() && !contentsOnly {
		target = filepath.Join(dst, filepath.Base(src))
	} else if err != nil && strings.HasSuffix(dst, "/") && !fi.IsDir() {
		return errdefs.NotFound("destination directory %s does not exist", dst)
	}
	if !fi.IsDir() {
		return copyFile(src, target, fi)
	}
	if err := os.MkdirAll(target, fi.Mode().Perm()); err != nil {
		return err
	}
	rc, err := archive.TarWithOptions(src, &archive.TarOptions{})
	if err != nil {
		return err
	}
	defer rc.Close()
	return archive.Untar(rc, target, &archive.TarOptions{NoLchown: false})
}

func copyFile(src, dst string, fi os.FileInfo) error {
	if fi.Mode()&os.ModeSymlink != 0 {
		link, err := os.Readlink(src)
		if err != nil {
			return err
		}
		os.Remove(dst)
		return os.Symlink(link, dst)
	}
	// Never write through a symlink that is already at the destination:
	// inside a container it could point anywhere on the host.
	if li, err := os.Lstat(dst); err == nil && li.Mode()&os.ModeSymlink != 0 {
		os.Remove(dst)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|syscall.O_NOFOLLOW, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
