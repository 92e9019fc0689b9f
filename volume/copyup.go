package volume

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/fscopy"
)

// copyUp fills the empty volume directory dst with the content of dir
// ctrPath of the container root, and gives dst that directory's owner and
// mode (moby's copyExistingContents + copyOwnership). Nothing happens when
// dst is not empty or ctrPath is not a directory of the image.
func copyUp(rootfs, ctrPath, dst string) error {
	if empty, err := isEmptyDir(dst); err != nil || !empty {
		return err
	}
	src, err := resolveIn(rootfs, ctrPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	fi, err := os.Lstat(src)
	if err != nil || !fi.IsDir() {
		return nil
	}
	// Replace merges into the (empty) volume directory and gives it the
	// image directory's owner and mode.
	_, err = fscopy.Copy(src, dst, fscopy.Options{KeepOwner: true, Replace: true})
	return err
}

func isEmptyDir(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// resolveIn returns the host path of p inside root, following symlinks as
// if root were "/" (openat2 RESOLVE_IN_ROOT), so an image symlink cannot
// lead the copy out of the container.
func resolveIn(root, p string) (string, error) {
	rootFd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", &os.PathError{Op: "open", Path: root, Err: err}
	}
	defer unix.Close(rootFd)
	rel := strings.TrimLeft(filepath.Clean("/"+p), "/")
	if rel == "" {
		rel = "."
	}
	fd, err := unix.Openat2(rootFd, rel, &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return "", &os.PathError{Op: "resolve", Path: p, Err: err}
	}
	defer unix.Close(fd)
	real, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return "", err
	}
	cleanRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	if real != cleanRoot && !strings.HasPrefix(real, cleanRoot+"/") {
		return "", fmt.Errorf("resolve %s: escapes the container root", p)
	}
	return real, nil
}
