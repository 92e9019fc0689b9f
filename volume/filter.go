package volume

import (
	"regexp"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Filter selects volumes for `volume ls -f` and `volume prune --filter`.
// Values of one key are ORed, keys are ANDed, as in Docker.
type Filter struct {
	// Dangling is nil (no filter), or true/false for unused/used volumes.
	Dangling *bool
	// Names are regular expressions matched anywhere in the name.
	Names []string
	// Drivers are driver names (regular expressions, as Docker).
	Drivers []string
	// Labels are "key" or "key=value" that must be present.
	Labels []string
	// NotLabels are "key" or "key=value" that must be absent (label!=).
	NotLabels []string
	// All is prune's all=true (also named volumes).
	All bool
}

// ParseFilters parses -f/--filter values. allowed lists the keys the
// command accepts (e.g. "dangling", "name", "driver", "label").
func ParseFilters(args []string, allowed ...string) (Filter, error) {
	var f Filter
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, arg := range args {
		key, val, has := strings.Cut(arg, "=")
		neg := strings.HasSuffix(key, "!")
		key = strings.TrimSpace(strings.TrimSuffix(key, "!"))
		if !has || !ok[key] || (neg && key != "label") {
			return f, errdefs.Invalid("invalid filter '%s'", arg)
		}
		switch key {
		case "dangling", "all":
			b, err := parseBool(val)
			if err != nil {
				return f, errdefs.Invalid("invalid filter '%s'", arg)
			}
			if key == "all" {
				f.All = b
			} else {
				f.Dangling = &b
			}
		case "name":
			f.Names = append(f.Names, val)
		case "driver":
			f.Drivers = append(f.Drivers, val)
		case "label":
			if neg {
				f.NotLabels = append(f.NotLabels, val)
			} else {
				f.Labels = append(f.Labels, val)
			}
		}
	}
	return f, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, errdefs.Invalid("invalid boolean %q", s)
}

// Match reports whether v passes the filter; used says whether any
// container uses v.
func (f Filter) Match(v Volume, used bool) bool {
	if f.Dangling != nil && *f.Dangling == used {
		return false
	}
	if len(f.Names) > 0 && !matchAny(f.Names, v.Name) {
		return false
	}
	if len(f.Drivers) > 0 && !matchAny(f.Drivers, v.Driver) {
		return false
	}
	for _, l := range f.Labels {
		if !hasLabel(v.Labels, l) {
			return false
		}
	}
	for _, l := range f.NotLabels {
		if hasLabel(v.Labels, l) {
			return false
		}
	}
	return true
}

// matchAny is Docker's filters.Args.Match: exact, else an unanchored regexp.
func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if p == s {
			return true
		}
		if ok, err := regexp.MatchString(p, s); err == nil && ok {
			return true
		}
	}
	return false
}

func hasLabel(labels map[string]string, want string) bool {
	k, v, withValue := strings.Cut(want, "=")
	got, ok := labels[k]
	return ok && (!withValue || got == v)
}
