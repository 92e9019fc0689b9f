package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/userns"
)

// printCgroupInfo is Docker's Cgroup lines plus what rootless limits and
// pause depend on: the cgroup2 mount, delegation and its controllers.
func printCgroupInfo(w io.Writer, h cgroups.Host) {
	fmt.Fprintf(w, " Cgroup Driver: cgroupfs\n Cgroup Version: %d\n", h.Version)
	switch {
	case h.Mount == "":
		fmt.Fprintf(w, "  cgroup2: not mounted (pause and --memory/--cpus/--pids-limit are unavailable)\n")
		return
	case h.Version == 1:
		fmt.Fprintf(w, "  cgroup2: %s (hybrid; on cgroup v1: %s)\n", h.Mount, strings.Join(h.V1, " "))
	default:
		fmt.Fprintf(w, "  cgroup2: %s\n", h.Mount)
	}
	if h.Base == "" {
		fmt.Fprintf(w, "  Delegated: no: %s (pause and resource limits are unavailable)\n", h.NotDelegated)
		return
	}
	ctrls := strings.Join(h.Controllers, " ")
	if ctrls == "" {
		ctrls = "none (pause works; --memory/--cpus/--pids-limit do not)"
	}
	fmt.Fprintf(w, "  Delegated: yes: %s\n  Controllers: %s\n", h.Base, ctrls)
}

// cgroupDoctorCheck is doctor's "cgroup v2 delegation" line: a warning
// (everything else works) naming what pause and limits lack.
func cgroupDoctorCheck(h cgroups.Host, uid int) userns.Check {
	c := userns.Check{Name: "cgroup v2 delegation"}
	switch {
	case h.Mount == "":
		c.Status, c.Detail = userns.StatusWarn, "cgroup v1 only: pause and resource limits (--memory, --cpus, --pids-limit) are unavailable; everything else works"
		c.Fix = "boot with systemd.unified_cgroup_hierarchy=1 (add it to GRUB_CMDLINE_LINUX, then sudo update-grub && reboot)"
	case h.Base == "":
		c.Status, c.Detail = userns.StatusWarn, "cgroup v2 at "+h.Mount+", but "+h.NotDelegated+": pause and resource limits are unavailable"
		c.Fix = fmt.Sprintf("log in through systemd-logind (ssh/console) and run nook from a delegated scope (systemd-run --user --scope -p Delegate=yes), or: sudo systemctl edit user@%d.service (add Delegate=yes)", uid)
	case len(h.Controllers) == 0:
		c.Status, c.Detail = userns.StatusWarn, "delegated: "+h.Base+" (pause works), but no controllers: resource limits are unavailable"
		if h.Version == 1 {
			c.Detail += " (hybrid host: the controllers are on cgroup v1)"
		}
		c.Fix = "boot with systemd.unified_cgroup_hierarchy=1 so that controllers are on cgroup v2"
	default:
		c.Detail = "delegated: " + h.Base + ", controllers: " + strings.Join(h.Controllers, " ")
	}
	return c
}
