package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/userns"
)

func TestCgroupInfoAndDoctor(t *testing.T) {
	for _, c := range []struct {
		name   string
		h      cgroups.Host
		info   string
		status userns.Status
		detail string
	}{
		{"v1 only", cgroups.Host{Version: 1}, "cgroup2: not mounted", userns.StatusWarn, "cgroup v1 only"},
		{"hybrid, not delegated", cgroups.Host{Version: 1, Mount: "/u", V1: []string{"memory"}, NotDelegated: "your cgroup /u belongs to another user"},
			"  Delegated: no: your cgroup /u belongs to another user", userns.StatusWarn, "pause and resource limits are unavailable"},
		{"hybrid, delegated, no controllers", cgroups.Host{Version: 1, Mount: "/u", Base: "/u/me"},
			"  Controllers: none (pause works", userns.StatusWarn, "(hybrid host: the controllers are on cgroup v1)"},
		{"v2 with controllers", cgroups.Host{Version: 2, Mount: "/c", Base: "/c/me", Controllers: []string{"cpu", "memory"}},
			" Cgroup Version: 2\n  cgroup2: /c\n  Delegated: yes: /c/me\n  Controllers: cpu memory\n", userns.StatusOK, "controllers: cpu memory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			printCgroupInfo(&b, c.h)
			if !strings.Contains(b.String(), c.info) {
				t.Errorf("info:\n%s\nlacks %q", b.String(), c.info)
			}
			if d := cgroupDoctorCheck(c.h, 1000); d.Status != c.status || !strings.Contains(d.Detail, c.detail) {
				t.Errorf("doctor: %v %q, want %v and %q", d.Status, d.Detail, c.status, c.detail)
			}
		})
	}
}
