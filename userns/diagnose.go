package userns

import (
	"errors"
	"fmt"
	"os"
	"strconv"
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

// keeperMapCheck: the running keeper's namespace keeps the id map it was
// created with. A user who got a subordinate range after nook first ran
// (the usual order when fixing /etc/subuid) still has the single-id map
// until that keeper is replaced.
func keeperMapCheck(env DoctorEnv) Check {
	c := Check{Name: "user namespace (keeper)"}
	rec, err := ReadKeeper(env.RuntimeDir)
	if err != nil || !rec.Alive() {
		c.Detail = "none running: the next nook command creates it"
		return c
	}
	mapped, err := mappedIDs(fmt.Sprintf("/proc/%d/uid_map", rec.PID))
	if err != nil {
		c.Status, c.Detail = StatusWarn, err.Error()
		return c
	}
	ranges, _ := ReadSubIDs(env.SubUIDFile, env.User, env.UID)
	want := Size(ranges)
	c.Detail = fmt.Sprintf("pid %d maps %d ids", rec.PID, mapped)
	if len(ranges) > 0 && mapped < want {
		c.Status = StatusFail
		c.Detail = fmt.Sprintf("pid %d maps %d ids, but %s now grants %d: it was created before that range", rec.PID, mapped, env.SubUIDFile, want)
		c.Fix = fmt.Sprintf("nook stop $(nook ps -q); kill %d   (the next nook command creates a namespace with the full range)", rec.PID)
	}
	return c
}

// mappedIDs sums the lengths of the ranges in a uid_map file.
func mappedIDs(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 {
			k, err := strconv.Atoi(f[2])
			if err != nil {
				return 0, fmt.Errorf("%s: %q", path, line)
			}
			n += k
		}
	}
	return n, nil
}

// IDHint explains an error from writing files whose owner the user
// namespace does not map (containers/storage says "potentially insufficient
// UIDs or GIDs" and suggests a podman command): the exact usermod when the
// user has no range, else a pointer to nook doctor. "" for other errors.
func IDHint(err error) string {
	if err == nil || !strings.Contains(err.Error(), "insufficient UIDs or GIDs") {
		return ""
	}
	id := Current()
	name := UserName(id.HostUID)
	if r, _ := ReadSubIDs("/etc/subuid", name, id.HostUID); len(r) == 0 {
		return fmt.Sprintf("the image has files of other users, but you have no subordinate ids, so only your own uid is mapped: %s, then stop nook's namespace: kill $(cut -d' ' -f1 %s/%s)",
			SubIDFix(name, FreeSubIDStart("/etc/subuid", "/etc/subgid")), id.RuntimeDir, KeeperFile)
	}
	return "nook's user namespace maps fewer ids than the image uses: run `nook doctor`, it prints the fix"
}
