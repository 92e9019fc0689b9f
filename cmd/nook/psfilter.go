package main

import (
	"regexp"
	"strconv"
	"strings"
	"time"

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
		case "id", "name", "label", "ancestor", "network", "volume", "before", "since":
		case "status": // moby's wording; a typo must not list nothing silently
			switch v {
			case "created", "restarting", "running", "removing", "paused", "exited", "dead":
			default:
				return nil, errdefs.Invalid("Unrecognised filter value for status: %s", v)
			}
		case "exited":
			if _, err := strconv.Atoi(v); err != nil {
				return nil, errdefs.Invalid("invalid filter 'exited=%s': %v", v, err)
			}
		case "publish", "expose":
			if _, _, _, ok := parsePortFilter(v); !ok {
				return nil, errdefs.Invalid("invalid filter '%s=%s': want PORT[-PORT][/PROTO]", k, v)
			}
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
		if strings.HasPrefix(k, "@") { // resolveRefs' notes, not filters
			continue
		}
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
	case "volume":
		for _, m := range r.rec.Spec.Mounts {
			if m.Type != "tmpfs" && (m.Name == v || m.Destination == v || m.Source == v) {
				return true
			}
		}
	case "publish", "expose":
		return portsMatch(k, v, r)
	case "before":
		return r.created.Before(f.refTime(v))
	case "since":
		return r.created.After(f.refTime(v))
	}
	return false
}

// resolveRefs checks the containers named by before= and since= and
// notes their creation times (Docker: "No such container: x" otherwise).
func (f psFilters) resolveRefs(lookup func(string) (*container.Record, error)) error {
	for _, k := range []string{"before", "since"} {
		for _, v := range f[k] {
			r, err := lookup(v)
			if err != nil {
				return err
			}
			f["@"+v] = []string{r.Created.Format(time.RFC3339Nano)}
		}
	}
	return nil
}

func (f psFilters) refTime(ref string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, strings.Join(f["@"+ref], ""))
	return t
}

// parsePortFilter reads PORT[-PORT][/PROTO] (protocol tcp by default), for
// ps filters and --expose.
func parsePortFilter(v string) (lo, hi int, proto string, ok bool) {
	ports, proto, _ := strings.Cut(v, "/")
	if proto == "" {
		proto = "tcp"
	}
	a, b, isRange := strings.Cut(ports, "-")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := lo, error(nil)
	if isRange {
		hi, err2 = strconv.Atoi(b)
	}
	return lo, hi, proto, err1 == nil && err2 == nil && lo > 0 && hi >= lo && hi < 65536
}

// portsMatch is Docker's publish= (a published container port) and
// expose= (an exposed one; published ports are exposed too) filter.
func portsMatch(k, v string, r psRow) bool {
	lo, hi, proto, _ := parsePortFilter(v)
	in := func(port int, pr string) bool {
		if pr == "" {
			pr = "tcp"
		}
		return port >= lo && port <= hi && pr == proto
	}
	for _, p := range r.rec.Network.Ports {
		if in(p.ContainerPort, p.Proto) {
			return true
		}
	}
	if k == "expose" {
		for e := range r.rec.Config.ExposedPorts {
			port, pr, _ := strings.Cut(e, "/")
			if n, err := strconv.Atoi(port); err == nil && in(n, pr) {
				return true
			}
		}
	}
	return false
}
