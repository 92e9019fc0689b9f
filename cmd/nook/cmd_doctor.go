package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/fuseoverlay"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/userns"
)

// envNoJoin tells nook's C constructor not to join the keeper's namespace.
const envNoJoin = "_NOOK_NOJOIN"

func init() {
	commands = append(commands, &cli.Command{
		Name:   "doctor",
		Usage:  "check the rootless prerequisites and print the fix for each problem",
		Action: doctorAction,
	})
	roles["_doctor-overlay"] = doctorOverlayRole
}

func doctorAction(c *cli.Context) error {
	// Every check reads host facts that look the same from inside the
	// keeper's namespace (which the constructor may have joined before
	// main); ids are compared with os.Getuid(), valid in both.
	id := userns.Current()
	if id.Rootful {
		fmt.Fprintln(c.App.Writer, "nook doctor checks an unprivileged user's set-up; run it as that user (e.g. sudo -u USER nook doctor)")
		return errdefs.Exit(1, nil)
	}
	env, err := doctorEnv(id)
	if err != nil {
		return err
	}
	checks := userns.Doctor(env)
	printChecks(c.App.Writer, checks)
	if userns.Failed(checks) {
		return errdefs.Exit(1, nil)
	}
	return nil
}

func doctorEnv(id userns.Identity) (userns.DoctorEnv, error) {
	name := userns.UserName(id.HostUID)
	home, _ := os.UserHomeDir()
	data := dataDir()
	return userns.DoctorEnv{
		User: name, Home: home, UID: id.HostUID, GID: id.HostGID,
		StorageDir: data, RuntimeDir: id.RuntimeDir,
		SubUIDFile: "/etc/subuid", SubGIDFile: "/etc/subgid",
		OverlayProbe: func() error { return probeOverlayInUserns(data) },
		CgroupCheck:  func() userns.Check { return cgroupDoctorCheck(cgroups.Detect(), id.HostUID) },
	}, nil
}

// probeOverlayInUserns runs `nook _doctor-overlay DIR` in a new user and
// mount namespace that maps only the caller's id (no newuidmap needed).
func probeOverlayInUserns(data string) error {
	parent := data
	if err := os.MkdirAll(parent, 0o700); err != nil {
		parent = os.TempDir()
	}
	dir, err := os.MkdirTemp(parent, "doctor-")
	if err != nil {
		return fmt.Errorf("create probe dir: %w", err)
	}
	defer os.RemoveAll(dir)
	var out bytes.Buffer
	cmd := osexec.Command("/proc/self/exe", "_doctor-overlay", dir)
	cmd.Env = append(os.Environ(), envNoJoin+"=1")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(out.String()); msg != "" {
			return errors.New(msg)
		}
		return fmt.Errorf("create user namespace: %w", err)
	}
	return nil
}

// doctorOverlayRole is `nook _doctor-overlay DIR`: inside a fresh user
// namespace, it runs the storage driver probe in DIR.
func doctorOverlayRole() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "nook _doctor-overlay is internal: it is run by nook doctor")
		os.Exit(255)
	}
	c, err := fuseoverlay.Choose(filepath.Join(os.Args[2], "probe"), "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if c.Name != fuseoverlay.Overlay {
		fmt.Fprintln(os.Stderr, c.Reason)
		os.Exit(1)
	}
	os.Exit(0)
}

// printRootlessInfo is nook info's part of the doctor: every check, the
// overlay one taken from the store's driver choice instead of a probe
// (info's Storage Driver line shows it), and, like Docker's info, a
// WARNING on stderr for each problem with its fix.
func printRootlessInfo(w, ew io.Writer, id userns.Identity, data, driver, reason string) {
	env, err := doctorEnv(id)
	if err != nil {
		return
	}
	env.StorageDir = data
	env.OverlayProbe = func() error {
		if driver != fuseoverlay.Overlay {
			return errors.New(reason)
		}
		return nil
	}
	checks := userns.Doctor(env)
	fmt.Fprintln(w, " Rootless:")
	for _, c := range checks {
		fmt.Fprintf(w, "  %s: %s\n", c.Name, c.Detail)
	}
	for _, c := range checks {
		if c.Status != userns.StatusOK {
			fmt.Fprintf(ew, "WARNING: %s: %s\n  fix: %s\n", c.Name, c.Detail, c.Fix)
		}
	}
}

func printChecks(w io.Writer, checks []userns.Check) {
	var fails, warns int
	for _, c := range checks {
		fmt.Fprintf(w, "[%s] %-36s %s\n", c.Status, c.Name, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(w, "       fix: %s\n", c.Fix)
		}
		switch c.Status {
		case userns.StatusFail:
			fails++
		case userns.StatusWarn:
			warns++
		}
	}
	switch {
	case fails > 0:
		fmt.Fprintf(w, "\n%d problem(s), %d warning(s): run the fix commands above, then `nook doctor` again.\n", fails, warns)
	default:
		fmt.Fprintf(w, "\nAll required checks passed (%d warning(s)).\n", warns)
	}
}
