package volume

import (
	"fmt"
	"path"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/spec"
)

// Mount types (spec.Mount.Type).
const (
	TypeBind   = "bind"
	TypeVolume = "volume"
	TypeTmpfs  = "tmpfs"
)

// Options nook adds to a spec.Mount between parsing and Resolve; Resolve
// removes them.
const (
	optNoCopy      = "nocopy"        // do not copy image content into a new volume
	optLabelPrefix = "volume-label=" // label for a volume created on first use
)

var propagationModes = map[string]bool{
	"shared": true, "rshared": true, "slave": true, "rslave": true, "private": true, "rprivate": true,
}

// ParseVolumeFlag parses one -v/--volume value: "/ctr" (anonymous volume),
// "name:/ctr[:opts]" (named volume, created on first use) or
// "/host:/ctr[:opts]" (bind; Resolve creates a missing host directory).
// opts is a comma-separated list of ro|rw, z|Z, a propagation mode and
// nocopy (volumes only).
func ParseVolumeFlag(s string) (spec.Mount, error) {
	invalid := func() error { return errdefs.Invalid("invalid volume specification: '%s'", s) }
	arr := strings.SplitN(s, ":", 4)
	var m spec.Mount
	mode := ""
	switch len(arr) {
	case 1:
		m.Destination = arr[0]
	case 2:
		if validMode(arr[1]) == nil && !strings.HasPrefix(arr[1], "/") {
			return m, invalid() // "/ctr:ro": a mode without a source
		}
		m.Source, m.Destination = arr[0], arr[1]
	case 3:
		m.Source, m.Destination, mode = arr[0], arr[1], arr[2]
	default:
		return m, invalid()
	}
	if arr[0] == "" || m.Destination == "" {
		return m, invalid()
	}
	if err := validMode(mode); err != nil {
		return m, err
	}
	m.Type = TypeVolume
	if path.IsAbs(m.Source) {
		m.Type = TypeBind
		m.Source = path.Clean(m.Source)
	} else if m.Source != "" {
		if err := ValidateName(m.Source); err != nil {
			return m, fmt.Errorf("create %s: %w", m.Source, err)
		}
		m.Name, m.Source = m.Source, ""
	}
	if err := checkTarget(m.Type, m.Destination); err != nil {
		return m, fmt.Errorf("invalid volume specification: '%s': %w", s, err)
	}
	m.Destination = path.Clean(m.Destination)
	for _, o := range splitList(mode) {
		if o == optNoCopy && m.Type == TypeBind {
			return m, errdefs.Invalid("invalid mode: %s", mode)
		}
		m.Options = append(m.Options, o)
	}
	return m, nil
}

// validMode checks a -v mode list as Docker's linux parser does.
func validMode(mode string) error {
	counts := map[string]int{}
	for _, o := range splitList(mode) {
		switch {
		case o == "ro" || o == "rw":
			counts["rw"]++
		case o == "z" || o == "Z":
			counts["label"]++
		case propagationModes[o]:
			counts["propagation"]++
		case o == optNoCopy:
			counts["copy"]++
		case o == "consistent" || o == "cached" || o == "delegated":
		default:
			return errdefs.Invalid("invalid mode: %s", mode)
		}
	}
	for _, n := range counts {
		if n > 1 {
			return errdefs.Invalid("invalid mode: %s", mode)
		}
	}
	return nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// checkTarget applies Docker's rules for a mount destination.
func checkTarget(typ, target string) error {
	if !path.IsAbs(target) {
		return errdefs.Invalid("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", typ, target)
	}
	if path.Clean(target) == "/" {
		return errdefs.Invalid("invalid specification: destination can't be '/'")
	}
	return nil
}

// ParseTmpfsFlag parses one --tmpfs value: "/run[:opts]", opts being
// comma-separated mount flags (ro, rw, exec, noexec, suid, nosuid, dev,
// nodev) and tmpfs options (size=64m, mode=1777, nr_inodes=, uid=, gid=).
// As with Docker, noexec, nosuid and nodev are on unless exec, suid or dev
// is given; the result lists only ro|rw, the no* flags in force and the
// tmpfs options.
func ParseTmpfsFlag(s string) (spec.Mount, error) {
	dst, opts, _ := strings.Cut(s, ":")
	if err := checkTarget(TypeTmpfs, dst); err != nil {
		return spec.Mount{}, fmt.Errorf("invalid tmpfs specification: '%s': %w", s, err)
	}
	o, err := tmpfsOptions(splitList(opts))
	if err != nil {
		return spec.Mount{}, fmt.Errorf("invalid tmpfs specification: '%s': %w", s, err)
	}
	return spec.Mount{Type: TypeTmpfs, Source: "tmpfs", Destination: path.Clean(dst), Options: o}, nil
}

var tmpfsDataKeys = map[string]bool{"size": true, "mode": true, "nr_inodes": true, "nr_blocks": true,
	"uid": true, "gid": true, "huge": true, "mpol": true}

// tmpfsOptions merges the user's options with Docker's defaults.
func tmpfsOptions(opts []string) ([]string, error) {
	rw := "rw"
	no := map[string]bool{"noexec": true, "nosuid": true, "nodev": true}
	var data []string
	for _, o := range opts {
		key, _, hasValue := strings.Cut(o, "=")
		switch {
		case o == "ro" || o == "rw":
			rw = o
		case o == "exec" || o == "suid" || o == "dev":
			no["no"+o] = false
		case no[o] || o == "noexec" || o == "nosuid" || o == "nodev":
			no[o] = true
		case hasValue && tmpfsDataKeys[key]:
			data = append(data, o)
		default:
			return nil, errdefs.Invalid("unsupported tmpfs option %q", o)
		}
	}
	out := []string{rw}
	for _, k := range []string{"noexec", "nosuid", "nodev"} {
		if no[k] {
			out = append(out, k)
		}
	}
	return append(out, data...), nil
}
