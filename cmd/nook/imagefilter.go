package main

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
)

// imageFilter is `nook images --filter KEY=VALUE` with Docker's keys:
// dangling=true|false, reference=PATTERN (a glob over the familiar name,
// with or without the tag), before=IMAGE and since=IMAGE. An unknown key
// is an error: a silently ignored filter would list (and, piped into rmi,
// delete) every image.
type imageFilter struct {
	dangling      *bool
	references    []string
	before, since time.Time
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
		default:
			return nil, errdefs.Invalid("invalid filter '%s' (nook images supports dangling, reference, before, since)", key)
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
