package fuseoverlay

import (
	"encoding/json"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Driver names as the user gives them.
const (
	Overlay       = "overlay"
	FuseOverlayfs = "fuse-overlayfs"
	VFS           = "vfs"
)

// Choice is the storage driver nook uses and why.
type Choice struct {
	// Name is Overlay, FuseOverlayfs or VFS.
	Name string `json:"name"`
	// Reason says why, for nook info.
	Reason string `json:"reason"`
	// MountProgram is the fuse-overlayfs path for FuseOverlayfs.
	MountProgram string `json:"mountProgram,omitempty"`
}

// GraphDriver is the containers/storage driver name for the choice.
func (c Choice) GraphDriver() string {
	if c.Name == VFS {
		return "vfs"
	}
	return "overlay"
}

// StorageOptions are the containers/storage graph driver options.
func (c Choice) StorageOptions() []string {
	switch c.Name {
	case Overlay:
		return []string{"overlay.mountopt=nodev"}
	case FuseOverlayfs:
		return []string{"overlay.mount_program=" + c.MountProgram}
	}
	return nil
}

// cacheFile remembers the probe result next to the store.
const cacheFile = "storage-driver.json"

// Choose returns the driver for the store under dataDir. forced is the
// --storage-driver value ("" to probe). The probe mounts, so the caller
// must already be inside the rootless user and mount namespace.
func Choose(dataDir, forced string) (Choice, error) {
	if forced != "" {
		return forcedChoice(forced)
	}
	cache := filepath.Join(dataDir, cacheFile)
	if b, err := os.ReadFile(cache); err == nil {
		var c Choice
		if json.Unmarshal(b, &c) == nil && c.Name != "" {
			return c, nil
		}
	}
	c := probe(dataDir)
	if b, err := json.Marshal(c); err == nil {
		os.MkdirAll(dataDir, 0o700)
		os.WriteFile(cache, b, 0o600)
	}
	return c, nil
}

func forcedChoice(name string) (Choice, error) {
	switch name {
	case Overlay, "overlay2":
		return Choice{Name: Overlay, Reason: "forced by --storage-driver"}, nil
	case FuseOverlayfs:
		p, err := osexec.LookPath("fuse-overlayfs")
		if err != nil {
			return Choice{}, errdefs.WithHint(fmt.Errorf("fuse-overlayfs not found: %w", err),
				"install the fuse-overlayfs package: apt-get install fuse-overlayfs")
		}
		return Choice{Name: FuseOverlayfs, MountProgram: p, Reason: "forced by --storage-driver"}, nil
	case VFS:
		return Choice{Name: VFS, Reason: "forced by --storage-driver"}, nil
	}
	return Choice{}, errdefs.Invalid("unknown storage driver %q: use overlay, fuse-overlayfs or vfs", name)
}

func probe(dataDir string) Choice {
	err := probeNativeOverlay(dataDir)
	if err == nil {
		return Choice{Name: Overlay, Reason: "native overlayfs works inside the user namespace"}
	}
	why := "native overlayfs failed in the user namespace (" + err.Error() + ")"
	if p, ferr := osexec.LookPath("fuse-overlayfs"); ferr == nil {
		if ferr = unix.Access("/dev/fuse", unix.R_OK|unix.W_OK); ferr == nil {
			return Choice{Name: FuseOverlayfs, MountProgram: p, Reason: why + "; fuse-overlayfs is available"}
		}
		why += "; /dev/fuse is not usable (chmod 0666 /dev/fuse)"
	} else {
		why += "; fuse-overlayfs is not installed (apt-get install fuse-overlayfs)"
	}
	return Choice{Name: VFS, Reason: why + "; vfs copies every layer"}
}

// probeNativeOverlay mounts a two-lower overlay in a scratch dir.
func probeNativeOverlay(dataDir string) error {
	dir := filepath.Join(dataDir, "overlay-probe")
	os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	var paths []string
	for _, d := range []string{"l1", "l2", "upper", "work", "merged"} {
		p := filepath.Join(dir, d)
		if err := os.MkdirAll(p, 0o700); err != nil {
			return err
		}
		paths = append(paths, p)
	}
	opts := fmt.Sprintf("lowerdir=%s:%s,upperdir=%s,workdir=%s", paths[0], paths[1], paths[2], paths[3])
	if err := unix.Mount("overlay", paths[4], "overlay", unix.MS_NODEV, opts); err != nil {
		return fmt.Errorf("mount overlay: %w", err)
	}
	defer unix.Unmount(paths[4], unix.MNT_DETACH)
	if err := os.WriteFile(filepath.Join(paths[4], "f"), []byte("x"), 0o600); err != nil {
		return fmt.Errorf("write through overlay: %w", err)
	}
	return nil
}

// KernelRelease returns uname -r.
func KernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return strings.TrimRight(string(u.Release[:]), "\x00")
}
