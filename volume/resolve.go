package volume

import (
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/spec"
)

// Used is one volume a container mounts; the container record keeps these
// for `rm -v` (anonymous ones) and for the "volume is in use" check.
type Used struct {
	// Name is the volume's name (64 hex for anonymous volumes).
	Name string `json:"name"`
	// Anonymous is true for volumes nook named (-v /ctr, image VOLUME).
	Anonymous bool `json:"anonymous,omitempty"`
	// Destination is the path inside the container.
	Destination string `json:"destination"`
}

// Resolve turns a container's parsed mounts into what the sandbox mounts:
//   - volume mounts become binds of the volume's _data (Type stays
//     "volume", Name is set); named volumes are created on first use, a
//     mount without a name gets a new anonymous volume;
//   - every image VOLUME path not covered by a mount gets an anonymous
//     volume;
//   - an empty volume mounted over a directory of the image starts with a
//     copy of that directory (unless nocopy), as with Docker; rootfs is the
//     mounted container root ("" skips the copy);
//   - a bind whose host path is missing gets that directory created (the -v
//     form; --mount already refused a missing source).
//
// The mounts come back ordered so that parents are mounted before the
// paths below them. On error, the anonymous volumes created are removed.
func (s *Store) Resolve(mounts []spec.Mount, imageVolumes map[string]struct{}, rootfs string) ([]spec.Mount, []Used, error) {
	seen := map[string]bool{}
	for _, m := range mounts {
		d := path.Clean(m.Destination)
		if seen[d] {
			return nil, nil, errdefs.Invalid("Duplicate mount point: %s", d)
		}
		seen[d] = true
	}
	all := append([]spec.Mount(nil), mounts...)
	for _, p := range sortedKeys(imageVolumes) {
		if d := path.Clean(p); !seen[d] && path.IsAbs(d) {
			all = append(all, spec.Mount{Type: TypeVolume, Destination: d})
			seen[d] = true
		}
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	var out []spec.Mount
	var used []Used
	for _, m := range all {
		r, u, err := s.resolveOne(m, rootfs)
		if u != nil {
			used = append(used, *u)
		}
		if err != nil {
			s.dropAnonymous(used)
			return nil, nil, err
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return depth(out[i].Destination) < depth(out[j].Destination) })
	return out, used, nil
}

// resolveOne handles one mount under the store lock. u is non-nil once a
// volume exists for the mount (even if the copy-up then failed).
func (s *Store) resolveOne(m spec.Mount, rootfs string) (spec.Mount, *Used, error) {
	m.Destination = path.Clean(m.Destination)
	switch m.Type {
	case TypeTmpfs:
		return m, nil, nil
	case TypeBind:
		if _, err := os.Lstat(m.Source); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(m.Source, 0o755); err != nil {
				return m, nil, fmt.Errorf("create bind source %s: %w", m.Source, err)
			}
		}
		return m, nil, nil
	case TypeVolume:
	default:
		return m, nil, errdefs.Invalid("mount %s: unknown mount type %q", m.Destination, m.Type)
	}
	opts := CreateOptions{Name: m.Name, Anonymous: m.Name == ""}
	nocopy := false
	var keep []string
	for _, o := range m.Options {
		switch {
		case o == optNoCopy:
			nocopy = true
		case strings.HasPrefix(o, optLabelPrefix):
			k, v, _ := strings.Cut(strings.TrimPrefix(o, optLabelPrefix), "=")
			if opts.Labels == nil {
				opts.Labels = map[string]string{}
			}
			opts.Labels[k] = v
		default:
			keep = append(keep, o)
		}
	}
	v, _, err := s.createLocked(opts)
	if err != nil {
		return m, nil, err
	}
	u := &Used{Name: v.Name, Anonymous: v.Anonymous(), Destination: m.Destination}
	m.Name, m.Source, m.Options = v.Name, v.Mountpoint, keep
	if rootfs != "" && !nocopy {
		if err := copyUp(rootfs, m.Destination, v.Mountpoint); err != nil {
			return m, u, fmt.Errorf("copy %s of the image into volume %s: %w", m.Destination, v.Name, err)
		}
	}
	return m, u, nil
}

// dropAnonymous removes the anonymous volumes of a failed Resolve.
func (s *Store) dropAnonymous(used []Used) {
	for _, u := range used {
		if u.Anonymous {
			s.removeLocked(u.Name, nil)
		}
	}
}

// RemoveAnonymous removes the anonymous volumes among used that no other
// container uses (`rm -v`, `run --rm`). Named volumes are kept. Errors
// are collected; removal goes on.
func (s *Store) RemoveAnonymous(used []Used, inUse InUseFunc) error {
	var errs []error
	for _, u := range used {
		if !u.Anonymous {
			continue
		}
		if err := s.Remove(u.Name, true, inUse); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func depth(p string) int {
	if p == "/" {
		return 0
	}
	return strings.Count(path.Clean(p), "/")
}

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
