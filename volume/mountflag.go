package volume

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/spec"
)

// mountSpec collects the fields of one --mount value.
type mountSpec struct {
	typ, source, target string
	readonly, nocopy    bool
	propagation         string
	labels              []string
	tmpfs               []string
}

// ParseMountFlag parses one --mount value:
// type=bind|volume|tmpfs (default volume), source|src, target|destination|dst,
// readonly|ro[=bool], bind-propagation, volume-nocopy, volume-label=k=v,
// volume-driver=local, volume-opt (ignored), tmpfs-size, tmpfs-mode.
// A bind source must exist (Docker's error text otherwise).
func ParseMountFlag(s string) (spec.Mount, error) {
	r := csv.NewReader(strings.NewReader(s))
	fields, err := r.Read()
	if err != nil {
		return spec.Mount{}, errdefs.Invalid("invalid mount specification '%s': %v", s, err)
	}
	ms := mountSpec{typ: TypeVolume}
	for _, f := range fields {
		if err := ms.set(f); err != nil {
			return spec.Mount{}, err
		}
	}
	return ms.mount()
}

func (ms *mountSpec) set(field string) error {
	key, val, hasValue := strings.Cut(field, "=")
	key = strings.ToLower(strings.TrimSpace(key))
	if !hasValue && key != "readonly" && key != "ro" && key != "volume-nocopy" && key != "bind-nonrecursive" {
		return errdefs.Invalid("invalid field '%s' must be a key=value pair", field)
	}
	var err error
	switch key {
	case "type":
		ms.typ = strings.ToLower(val)
	case "source", "src":
		ms.source = val
	case "target", "destination", "dst":
		ms.target = val
	case "readonly", "ro":
		ms.readonly, err = optBool(field, val, hasValue)
	case "volume-nocopy":
		ms.nocopy, err = optBool(field, val, hasValue)
	case "bind-propagation":
		if !propagationModes[val] {
			return errdefs.Invalid("invalid value for %s: %s", key, val)
		}
		ms.propagation = val
	case "volume-label":
		ms.labels = append(ms.labels, val)
	case "volume-driver":
		if val != DefaultDriver {
			return errdefs.Invalid("volume driver %q is not supported: nook has only \"local\"", val)
		}
	case "tmpfs-size":
		n, perr := ramInBytes(val)
		if perr != nil {
			return errdefs.Invalid("invalid value for %s: %s", key, val)
		}
		ms.tmpfs = append(ms.tmpfs, fmt.Sprintf("size=%d", n))
	case "tmpfs-mode":
		n, perr := strconv.ParseUint(val, 8, 32)
		if perr != nil {
			return errdefs.Invalid("invalid value for %s: %s", key, val)
		}
		ms.tmpfs = append(ms.tmpfs, fmt.Sprintf("mode=%o", n))
	case "volume-opt", "consistency", "bind-nonrecursive", "bind-recursive":
		// accepted and ignored (no driver options, no remote file systems)
	default:
		return errdefs.Invalid("unexpected key '%s' in '%s'", key, field)
	}
	return err
}

func optBool(field, val string, hasValue bool) (bool, error) {
	if !hasValue {
		return true, nil
	}
	b, err := parseBool(val)
	if err != nil {
		return false, errdefs.Invalid("invalid value for '%s'", field)
	}
	return b, nil
}

// mount validates the collected fields and builds the spec.Mount.
func (ms *mountSpec) mount() (spec.Mount, error) {
	cfgErr := func(format string, a ...any) error {
		return errdefs.Invalid("invalid mount config for type %q: %s", ms.typ, fmt.Sprintf(format, a...))
	}
	if ms.target == "" {
		return spec.Mount{}, errdefs.Invalid("target is required")
	}
	if err := checkTarget(ms.typ, ms.target); err != nil {
		return spec.Mount{}, err
	}
	m := spec.Mount{Type: ms.typ, Destination: path.Clean(ms.target)}
	if ms.readonly {
		m.Options = append(m.Options, "ro")
	}
	switch ms.typ {
	case TypeBind:
		return ms.bindMount(m, cfgErr)
	case TypeVolume:
		if ms.source != "" {
			if err := ValidateName(ms.source); err != nil {
				return m, fmt.Errorf("create %s: %w", ms.source, err)
			}
		}
		if ms.propagation != "" || len(ms.tmpfs) > 0 {
			return m, cfgErr("bind and tmpfs options are not allowed with a volume")
		}
		m.Name = ms.source
		if ms.nocopy {
			m.Options = append(m.Options, optNoCopy)
		}
		for _, l := range ms.labels {
			m.Options = append(m.Options, optLabelPrefix+l)
		}
	case TypeTmpfs:
		if ms.source != "" {
			return m, cfgErr("field Source must not be specified")
		}
		if ms.propagation != "" || ms.nocopy || len(ms.labels) > 0 {
			return m, cfgErr("bind and volume options are not allowed with tmpfs")
		}
		opts, err := tmpfsOptions(append(m.Options, ms.tmpfs...))
		if err != nil {
			return m, err
		}
		m.Source, m.Options = "tmpfs", opts
	default:
		return m, errdefs.Invalid("invalid mount type %q: use bind, volume or tmpfs", ms.typ)
	}
	return m, nil
}

// bindMount checks the fields of a bind mount; the source must exist.
func (ms *mountSpec) bindMount(m spec.Mount, cfgErr func(string, ...any) error) (spec.Mount, error) {
	if ms.source == "" {
		return m, cfgErr("field Source must not be empty")
	}
	if !path.IsAbs(ms.source) {
		return m, cfgErr("invalid mount path: '%s' mount path must be absolute", ms.source)
	}
	if _, err := os.Stat(ms.source); errors.Is(err, os.ErrNotExist) {
		return m, cfgErr("bind source path does not exist: %s", ms.source)
	}
	if ms.nocopy || len(ms.labels) > 0 || len(ms.tmpfs) > 0 {
		return m, cfgErr("volume and tmpfs options are not allowed with a bind mount")
	}
	m.Source = path.Clean(ms.source)
	if ms.propagation != "" {
		m.Options = append(m.Options, ms.propagation)
	}
	return m, nil
}

// ramInBytes parses "64m", "1g", "512k", "100" (bytes) with binary units,
// as docker/go-units RAMInBytes.
func ramInBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "ib"), "b")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("kmgtp", t[n-1]); i >= 0 {
			mult = int64(1) << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		return 0, errdefs.Invalid("invalid size: '%s'", s)
	}
	return int64(f * float64(mult)), nil
}
