package main

import (
	"regexp"
	"strings"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

// psFilters are -f KEY=VALUE: the same key repeated is OR, keys are AND.
type psFilters map[string][]string

func parsePsFilters(args []string) (psFilters, error) {
	f := psFilters{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return nil, errdefs.Invalid("bad format of filter (expected name=value)")
		}
		switch k {
		case "id", "name", "status", "label", "exited", "ancestor", "network":
		case "health":
			if !validHealthFilter(v) {
				return nil, errdefs.Invalid("Unrecognised filter value for health: %s", v)
			}
		default:
			return nil, errdefs.Invalid("invalid filter '%s'", k)
		}
		f[k] = append(f[k], v)
	}
	return f, nil
}

func (f psFilters) has(k string) bool { return len(f[k]) > 0 }

func (f psFilters) match(r psRow) bool {
	for k, vals := range f {
		ok := false
		for _, v := range vals {
			if f.matchOne(k, v, r) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (f psFilters) matchOne(k, v string, r psRow) bool {
	switch k {
	case "id":
		return strings.HasPrefix(r.rec.ID, v)
	case "name":
		re, err := regexp.Compile(v)
		return err == nil && (re.MatchString(r.rec.Name) || re.MatchString("/"+r.rec.Name))
	case "status":
		return r.State == v
	case "exited":
		return r.State == "exited" && itoa(r.st.ExitCode) == v
	case "label":
		lk, lv, hasV := strings.Cut(v, "=")
		have, ok := r.rec.Config.Labels[lk]
		return ok && (!hasV || have == lv)
	case "ancestor":
		return r.rec.Image == v || strings.HasPrefix(r.rec.ImageID, strings.TrimPrefix(v, "sha256:")) || r.Image == v
	case "network":
		return r.rec.Network.Mode == v
	case "health":
		return container.HealthStatus(r.st) == v
	}
	return false
}
