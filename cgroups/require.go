package cgroups

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// delegateHow is what a user can do to get a delegated cgroup.
const delegateHow = "systemd: Delegate=yes in user@.service, or run nook under `systemd-run --user --scope -p Delegate=yes`"

// Require returns nil when feature (a flag such as "--memory" or a command
// such as "pause") can work here with the given controllers, else an error
// of kind ErrUnavailable whose one sentence says what is missing and why.
func (h Host) Require(feature string, controllers ...string) error {
	fail := func(format string, a ...any) error {
		return errdefs.WithKind(fmt.Errorf(format, a...), errdefs.ErrUnavailable)
	}
	if h.Mount == "" {
		return fail("%s needs cgroup v2, but this host has only cgroup v1, where rootless containers cannot have cgroups of their own (boot with systemd.unified_cgroup_hierarchy=1)", feature)
	}
	for _, c := range controllers {
		if slices.Contains(h.V1, c) && !h.HasController(c) {
			return fail("%s needs the cgroup v2 %s controller delegated to you; this host has it on cgroup v1 (hybrid), where rootless containers cannot set limits", feature, c)
		}
	}
	if h.Base == "" {
		return fail("%s needs a cgroup v2 subtree delegated to your user, but %s (%s)", feature, h.NotDelegated, delegateHow)
	}
	for _, c := range controllers {
		if !h.HasController(c) {
			return fail("%s needs the cgroup v2 %s controller delegated to you, but your cgroup %s does not offer it (it offers: %s; systemd: Delegate=%s)",
				feature, c, h.Base, orNone(h.Controllers), c)
		}
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}
