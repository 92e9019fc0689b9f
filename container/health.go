package container

import (
	"time"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/spec"
)

// Docker's healthcheck defaults (moby daemon/health.go).
const (
	DefaultHealthInterval      = 30 * time.Second
	DefaultHealthTimeout       = 30 * time.Second
	DefaultHealthStartInterval = 5 * time.Second
	DefaultHealthRetries       = 3
)

// Health statuses (Docker's strings); "none" is only a ps filter value.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
	HealthNone      = "none"
)

// mergeHealthcheck applies the --health-* flags (user) over the image's
// HEALTHCHECK as the Docker daemon does: an empty test or a zero value in
// the flags keeps the image's.
func mergeHealthcheck(img, user *image.HealthConfig) *image.HealthConfig {
	if user == nil {
		return img
	}
	out := *user
	if img == nil {
		return &out
	}
	if len(out.Test) == 0 {
		out.Test = img.Test
	}
	if out.Interval == 0 {
		out.Interval = img.Interval
	}
	if out.Timeout == 0 {
		out.Timeout = img.Timeout
	}
	if out.StartPeriod == 0 {
		out.StartPeriod = img.StartPeriod
	}
	if out.StartInterval == 0 {
		out.StartInterval = img.StartInterval
	}
	if out.Retries == 0 {
		out.Retries = img.Retries
	}
	return &out
}

// ProbeConfig is what the monitor probes for r, or nil when r has no
// healthcheck (none set, an empty test, or NONE). A CMD-SHELL test runs
// in the image's SHELL, /bin/sh -c by default; defaults are Docker's.
func ProbeConfig(r *Record) *spec.Healthcheck {
	hc := r.Config.Healthcheck
	if hc == nil || len(hc.Test) == 0 {
		return nil
	}
	var argv []string
	switch hc.Test[0] {
	case "CMD":
		argv = hc.Test[1:]
	case "CMD-SHELL":
		shell := r.Config.Shell
		if len(shell) == 0 {
			shell = []string{"/bin/sh", "-c"}
		}
		argv = append(append([]string(nil), shell...), hc.Test[1:]...)
	default: // NONE, or a test Docker would not run either
		return nil
	}
	if len(argv) == 0 {
		return nil
	}
	return &spec.Healthcheck{
		Test:          append([]string{"CMD"}, argv...),
		Interval:      orDefault(hc.Interval, DefaultHealthInterval),
		Timeout:       orDefault(hc.Timeout, DefaultHealthTimeout),
		StartPeriod:   hc.StartPeriod,
		StartInterval: orDefault(hc.StartInterval, DefaultHealthStartInterval),
		Retries:       int(orDefault(time.Duration(hc.Retries), DefaultHealthRetries)),
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// HealthStatus is the ps filter's view of st: "none" without a
// healthcheck.
func HealthStatus(st State) string {
	if st.Health == nil {
		return HealthNone
	}
	return st.Health.Status
}
