package userns

import (
	"errors"
	"os"
	"strings"
	"syscall"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Diagnose attaches the likely fix to an error from creating the user
// namespace (rootlesskit's warnOnChildStartFailure idea); nook doctor uses
// the same probes.
func Diagnose(err error) error {
	for _, p := range Probes() {
		if !p.OK && p.Fix != "" {
			return errdefs.WithHint(err, p.Problem+": "+p.Fix)
		}
	}
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOSPC) {
		return errdefs.WithHint(err, "unprivileged user namespaces seem disabled; run `nook doctor`")
	}
	return err
}

// Probe is one rootless prerequisite check.
type Probe struct {
	Name    string
	OK      bool
	Problem string
	Fix     string
}

func sysctl(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Probes checks the kernel settings that decide whether an unprivileged
// user may create user namespaces.
func Probes() []Probe {
	var out []Probe
	if v := sysctl("/proc/sys/kernel/unprivileged_userns_clone"); v != "" {
		out = append(out, Probe{Name: "kernel.unprivileged_userns_clone", OK: v == "1",
			Problem: "kernel.unprivileged_userns_clone is " + v,
			Fix:     "sudo sysctl -w kernel.unprivileged_userns_clone=1"})
	}
	if v := sysctl("/proc/sys/user/max_user_namespaces"); v != "" {
		out = append(out, Probe{Name: "user.max_user_namespaces", OK: v != "0",
			Problem: "user.max_user_namespaces is " + v,
			Fix:     "sudo sysctl -w user.max_user_namespaces=28633"})
	}
	if v := sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); v != "" {
		out = append(out, Probe{Name: "kernel.apparmor_restrict_unprivileged_userns", OK: v == "0",
			Problem: "AppArmor restricts unprivileged user namespaces",
			Fix:     "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or add an AppArmor profile allowing userns for nook)"})
	}
	return out
}
