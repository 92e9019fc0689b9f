package container

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"

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
// name. Symlinks are resolved inside the container root (or the volume or
// bind mount holding srcPath), never outside. It returns the bytes of
// file content copied.
func (m *Manager) CopyFrom(r *Record, srcPath, hostDst string, o CopyOptions) (int64, error) {
	var n int64
	err := m.withSource(r, srcPath, o, func(src, name string) (err error) {
		n, err = copyPath(src, name, hostDst, contentsOnly(srcPath) || name == "/", o)
		return err
	})
	return n, err
}

// CopyFromTar writes srcPath (inside r) to w as a tar stream whose
// entries are named from srcPath's base name (docker cp CTR:PATH -).
func (m *Manager) CopyFromTar(r *Record, srcPath string, w io.Writer, o CopyOptions) error {
	return m.withSource(r, srcPath, o, func(src, name string) error {
		base := filepath.Base(src)
		rc, err := archive.TarWithOptions(filepath.Dir(src), &archive.TarOptions{
			IncludeFiles: []string{base}, RebaseNames: map[string]string{base: name}})
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.Copy(w, rc)
		return err
	})
}

// withSource mounts r and calls fn with the host path of srcPath and the
// name a copy of it gets (srcPath's base name).
func (m *Manager) withSource(r *Record, srcPath string, o CopyOptions, fn func(src, name string) error) error {
	// /etc/hostname, hosts and resolv.conf are bind-mounted from the
	// container's directory; the layer only holds empty targets.
	if f, ok := etcMountSource[path.Clean("/"+srcPath)]; ok {
		if p := filepath.Join(m.Dir(r.ID), f); fileExists(p) {
			return fn(p, path.Base(path.Clean("/"+srcPath)))
		}
	}
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return fmt.Errorf("mount %s: %w", r.ID[:12], err)
	}
	defer m.Store.Unmount(r.ID, false)
	base, rel, _ := mountFor(r, root, srcPath)
	src, err := resolveSource(base, rel, o.FollowLink)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(src); err != nil {
		return errdefs.NotFound("Could not find the file %s in container %s", srcPath, r.Name)
	}
	return fn(src, path.Base(path.Clean("/"+srcPath)))
}

// etcMountSource maps the /etc files nook bind-mounts to their names in
// the container's directory.
var etcMountSource = map[string]string{"/etc/hostname": hostnameF, "/etc/hosts": hostsFile, "/etc/resolv.conf": resolvFile}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// mountFor finds where container path p lives on the host: in the deepest
// volume or bind mount whose destination holds p (returned with p's path
// inside it and whether it is read-only), else in the container root.
// tmpfs mounts exist only inside the container and are not looked at.
func mountFor(r *Record, root, p string) (base, rel string, readOnly bool) {
	clean := path.Clean("/" + p)
	base, rel = root, clean
	depth := -1
	for _, mt := range r.Spec.Mounts {
		d := path.Clean(mt.Destination)
		if mt.Type == "tmpfs" || len(d) <= depth || (clean != d && !strings.HasPrefix(clean, d+"/")) {
			continue
		}
		base, rel, readOnly, depth = mt.Source, "/"+strings.TrimPrefix(clean, d), mt.ReadOnly(), len(d)
	}
	return base, path.Clean(rel), readOnly
}

// CopyTo copies hostSrc into r at dstPath (resolved inside the root, or
// the volume or bind mount holding dstPath) and returns the bytes of file
// content copied.
func (m *Manager) CopyTo(r *Record, hostSrc, dstPath string, o CopyOptions) (int64, error) {
	src := hostSrc
	var err error
	if o.FollowLink {
		if src, err = filepath.EvalSymlinks(hostSrc); err != nil {
			return 0, errdefs.NotFound("could not find the file %s: %w", hostSrc, err)
		}
	}
	if _, err := os.Lstat(src); err != nil {
		return 0, errdefs.NotFound("could not find the file %s: %w", hostSrc, err)
	}
	var n int64
	err = m.withDestination(r, dstPath, func(dst string) error {
		n, err = copyPath(src, filepath.Base(hostSrc), dst, contentsOnly(hostSrc), o)
		if errors.Is(err, errdefs.ErrNotFound) {
			// copyPath names the host path under the storage
			// directory; say which container directory is missing.
			dir := path.Clean("/" + dstPath)
			if !strings.HasSuffix(dstPath, "/") {
				dir = path.Dir(dir)
			}
			return errdefs.NotFound("Could not find the file %s in container %s", dir, r.Name)
		}
		return err
	})
	return n, err
}

// withDestination mounts r and calls fn with the host path of dstPath.
func (m *Manager) withDestination(r *Record, dstPath string, fn func(dst string) error) error {
	root, err := m.Store.Mount(r.ID, "")
	if err != nil {
		return fmt.Errorf("mount %s: %w", r.ID[:12], err)
	}
	defer m.Store.Unmount(r.ID, false)
	base, rel, ro := mountFor(r, root, dstPath)
	if ro || (base == root && r.HostConfig.ReadonlyRootfs) {
		return errdefs.Invalid("cannot copy to %s: it is on a read-only mount or root filesystem", dstPath)
	}
	dst, err := securejoin.SecureJoin(base, rel)
	if err != nil {
		return err
	}
	if strings.HasSuffix(dstPath, "/") {
		dst += "/" // keeps docker cp's "must be a directory" meaning
	}
	return fn(dst)
}

// CopyToTar extracts the tar stream in into the directory dstPath of r
// (docker cp - CTR:PATH). The extraction runs chrooted into that
// directory, so no entry or symlink can lead it outside.
func (m *Manager) CopyToTar(r *Record, in io.Reader, dstPath string, o CopyOptions) error {
	return m.withDestination(r, dstPath, func(dst string) error {
		if fi, err := os.Stat(dst); err != nil || !fi.IsDir() {
			return errdefs.Invalid("destination \"%s:%s\" must be a directory", r.Name, dstPath)
		}
		return chrootarchive.Untar(in, dst, &archive.TarOptions{NoLchown: !o.Archive})
	})
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
// existing directory as name (or its content with contentsOnly), over an
// existing file, or as the new name dst.
func copyPath(src, name, dst string, contentsOnly bool, o CopyOptions) (int64, error) {
	fi, err := os.Lstat(src)
	if err != nil {
		return 0, err
	}
	opts := fscopy.Options{KeepOwner: o.Archive, Replace: true}
	di, err := os.Stat(dst)
	switch {
	case err == nil && di.IsDir() && fi.IsDir() && contentsOnly:
		return copyContents(src, dst, opts)
	case err == nil && di.IsDir():
		return fscopy.Copy(src, filepath.Join(dst, name), opts)
	case err == nil && fi.IsDir():
		return 0, errdefs.Invalid("cannot copy a directory to a file: %s is not a directory", dst)
	case err == nil:
		return fscopy.Copy(src, dst, opts)
	case !errors.Is(err, os.ErrNotExist):
		return 0, err
	case strings.HasSuffix(dst, "/") && !fi.IsDir():
		return 0, errdefs.NotFound("destination directory %s does not exist", dst)
	}
	if _, err := os.Stat(filepath.Dir(filepath.Clean(dst))); err != nil {
		return 0, errdefs.NotFound("destination directory %s does not exist", filepath.Dir(dst))
	}
	return fscopy.Copy(src, filepath.Clean(dst), opts)
}

func copyContents(src, dst string, o fscopy.Options) (int64, error) {
	ents, err := os.ReadDir(src)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, e := range ents {
		n, err := fscopy.Copy(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), o)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
