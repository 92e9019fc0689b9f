package sandbox

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// MountError carries everything needed to debug a failed mount from the
// message alone (runc's mountError).
type MountError struct {
	Op     string
	Source string
	Target string
	FSType string
	Flags  uintptr
	Data   string
	Err    error
}

func (e *MountError) Error() string {
	s := fmt.Sprintf("%s %s on %q", e.Op, e.Source, e.Target)
	if e.FSType != "" {
		s += " (" + e.FSType + ")"
	}
	if e.Data != "" {
		s += " with " + e.Data
	}
	return s + ": " + e.Err.Error()
}

func (e *MountError) Unwrap() error { return e.Err }

func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return &MountError{Op: "mount", Source: source, Target: target, FSType: fstype, Flags: flags, Data: data, Err: err}
	}
	return nil
}

// bindRO bind-mounts source on target and makes it read-only, keeping the
// flags the kernel locked on the original mount (a remount in a user
// namespace may not clear nosuid/nodev/noexec).
func bindRO(source, target string, recursive bool) error {
	flags := uintptr(unix.MS_BIND)
	if recursive {
		flags |= unix.MS_REC
	}
	if err := mount(source, target, "", flags, ""); err != nil {
		return err
	}
	return remountRO(target)
}

func remountRO(target string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(target, &st); err != nil {
		return &MountError{Op: "statfs", Target: target, Err: err}
	}
	locked := uintptr(st.Flags) & (unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NOATIME | unix.MS_RELATIME | unix.MS_NODIRATIME)
	return mount("", target, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|locked, "")
}

// ensureTarget creates target as a directory, or as an empty file when
// source is not a directory.
func ensureTarget(source, target string) error {
	fi, err := os.Stat(source)
	if err == nil && !fi.IsDir() {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if _, err := os.Lstat(target); err != nil {
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return err
			}
			f.Close()
		}
		return nil
	}
	return os.MkdirAll(target, 0o755)
}
