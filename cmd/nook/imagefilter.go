package main

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

// imageFilter is `nook images --filter KEY=VALUE` with Docker's keys:
// dangling=true|false, reference=PATTERN (a glob over the familiar name,
// with or without the tag), before=IMAGE and since=IMAGE. An unknown key
// is an error: a silently ignored filter would list (and, piped into rmi,
// delete) every image.
type imageFilter struct {
	dangling             *bool
	references, labels   []string
	before, since, until time.Time
	// labelsOf returns an image's config labels (label= only).
	labelsOf func(id string) map[string]string
}

// parseImageFilters reads the --filter values; created resolves an image
// reference to its creation time for before/since.
func parseImageFilters(specs []string, created func(ref string) (time.Time, error)) (*imageFilter, error) {
	f := &imageFilter{}
	for _, spec := range specs {
		key, value, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, errdefs.Invalid("bad format of filter (expected name=value): %s", spec)
		}
		switch key {
		case "dangling":
			b, err := parseBoolFilter(value)
			if err != nil {
				return nil, err
			}
			f.dangling = &b
		case "reference":
			if _, err := path.Match(value, ""); err != nil {
				return nil, errdefs.Invalid("invalid reference filter %q: %v", value, err)
			}
			f.references = append(f.references, value)
		case "before", "since":
			t, err := created(value)
			if err != nil {
				return nil, err
			}
			if key == "before" {
				f.before = t
			} else {
				f.since = t
			}
		case "label":
			f.labels = append(f.labels, value)
		case "until":
			t, err := container.ParseTime(value)
			if err != nil {
				return nil, err
			}
			f.until = t
		default:
			return nil, errdefs.Invalid("invalid filter '%s' (nook images supports dangling, label, reference, before, since, until)", key)
		}
	}
	return f, nil
}

func parseBoolFilter(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, errdefs.Invalid("invalid filter 'dangling=%s': use true or false", v)
}

// keep reports whether a row passes every filter.
func (f *imageFilter) keep(r imageRow) bool {
	if f.dangling != nil && *f.dangling != (r.Repository == "<none>") {
		return false
	}
	if !f.before.IsZero() && !r.created.Before(f.before) {
		return false
	}
	if !f.since.IsZero() && !r.created.After(f.since) {
		return false
	}
	if !f.until.IsZero() && !r.created.Before(f.until) {
		return false
	}
	if len(f.labels) > 0 && !f.matchLabels(r) {
		return false
	}
	if len(f.references) == 0 {
		return true
	}
	if r.Repository == "<none>" {
		return false
	}
	for _, pat := range f.references {
		if matchReference(pat, r.Repository, r.Tag) {
			return true
		}
	}
	return false
}

// matchReference matches Docker's way: the pattern against the name with
// its tag when the pattern has one, else against the repository alone.
func matchReference(pat, repo, tag string) bool {
	name := repo
	if i := strings.LastIndexByte(pat, ':'); i > strings.LastIndexByte(pat, '/') {
		name = fmt.Sprintf("%s:%s", repo, tag)
	}
	ok, _ := path.Match(pat, name)
	return ok
}

// matchLabels is label=KEY or label=KEY=VALUE; several must all match
// (Docker ANDs label filters).
func (f *imageFilter) matchLabels(r imageRow) bool {
	var have map[string]string
	if f.labelsOf != nil {
		have = f.labelsOf(r.fullID)
	}
	for _, l := range f.labels {
		k, v, hasV := strings.Cut(l, "=")
		got, ok := have[k]
		if !ok || (hasV && got != v) {
			return false
		}
	}
	return true
}
