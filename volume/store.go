package volume

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/atomicfile"
	"github.com/nook-dev/nook/internal/errdefs"
)

// Files and directories of the volume store (all stable: users look at
// _data, other tools may read volume.json).
const (
	dirName  = "volumes"     // under the data dir
	dataName = "_data"       // the volume's content, what containers see
	metaName = "volume.json" // metadata beside _data
	lockName = ".lock"       // flock guarding every change to the store
	tmpPre   = ".tmp-"       // volumes being created or removed
)

// AnonymousLabel marks volumes nook created without a name (Docker's label).
const AnonymousLabel = "com.docker.volume.anonymous"

// DefaultDriver is the only driver nook has.
const DefaultDriver = "local"

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// Volume is the metadata of one volume.
type Volume struct {
	Name      string            `json:"name"`
	Driver    string            `json:"driver"`
	CreatedAt time.Time         `json:"createdAt"`
	Labels    map[string]string `json:"labels"`
	Options   map[string]string `json:"options"`
	// Mountpoint is the host path of _data (not stored; filled on load).
	Mountpoint string `json:"-"`
}

// Anonymous reports whether nook generated the volume's name.
func (v Volume) Anonymous() bool {
	_, ok := v.Labels[AnonymousLabel]
	return ok
}

// Inspect is `nook volume inspect`'s JSON, in Docker's shape.
type Inspect struct {
	CreatedAt  string            `json:"CreatedAt"`
	Driver     string            `json:"Driver"`
	Labels     map[string]string `json:"Labels"`
	Mountpoint string            `json:"Mountpoint"`
	Name       string            `json:"Name"`
	Options    map[string]string `json:"Options"`
	Scope      string            `json:"Scope"`
}

// Inspect returns v in Docker's inspect shape.
func (v Volume) Inspect() Inspect {
	return Inspect{
		CreatedAt: v.CreatedAt.Local().Format(time.RFC3339), Driver: v.Driver, Labels: v.Labels,
		Mountpoint: v.Mountpoint, Name: v.Name, Options: v.Options, Scope: "local",
	}
}

// Store manages the volumes under DATADIR/volumes.
type Store struct {
	root string
}

// New returns the store of dataDir ($XDG_DATA_HOME/nook). Nothing is
// created until the first change.
func New(dataDir string) *Store {
	return &Store{root: filepath.Join(dataDir, dirName)}
}

// Root is the directory holding one directory per volume.
func (s *Store) Root() string { return s.root }

// DataPath is the host path of name's _data (whether or not it exists).
func (s *Store) DataPath(name string) string {
	return filepath.Join(s.root, name, dataName)
}

// ValidateName checks a user-given volume name with Docker's rule and text.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return errdefs.Invalid("%q includes invalid characters for a local volume name, "+
			"only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", name)
	}
	return nil
}

// NewAnonymousName returns 64 random hex digits.
func NewAnonymousName() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b)
}

// lock takes the store's exclusive flock; call the returned func to release.
func (s *Store) lock() (func(), error) {
	if err := os.MkdirAll(s.root, 0o700); err != nil {
		return nil, fmt.Errorf("create volume directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(s.root, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock volumes: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock volumes: %w", err)
	}
	return func() { f.Close() }, nil
}

// CreateOptions are the settings of a new volume.
type CreateOptions struct {
	// Name is the volume's name; "" creates an anonymous volume.
	Name string
	// Driver must be "" or "local".
	Driver string
	// Labels are user labels (--label k=v).
	Labels map[string]string
	// Options are driver options (-o); kept for inspect only.
	Options map[string]string
	// Anonymous labels the volume com.docker.volume.anonymous (volumes
	// made for a container's -v /ctr or image VOLUME, which prune removes
	// by default). `volume create` without a name is not anonymous.
	Anonymous bool
}

// Create makes a volume, or returns the existing one of that name.
func (s *Store) Create(opts CreateOptions) (Volume, error) {
	unlock, err := s.lock()
	if err != nil {
		return Volume{}, err
	}
	defer unlock()
	v, _, err := s.createLocked(opts)
	return v, err
}

// createLocked creates the volume; created is false when it existed.
func (s *Store) createLocked(opts CreateOptions) (v Volume, created bool, err error) {
	if opts.Driver != "" && opts.Driver != DefaultDriver {
		return Volume{}, false, errdefs.WithHint(errdefs.Invalid("create %s: volume driver %q is not supported", opts.Name, opts.Driver),
			"nook has only the \"local\" driver; leave out -d/--driver")
	}
	name := opts.Name
	labels := opts.Labels
	if opts.Anonymous {
		labels = copyLabels(labels)
		labels[AnonymousLabel] = ""
	}
	if name == "" {
		name = NewAnonymousName()
	} else if err := ValidateName(name); err != nil {
		return Volume{}, false, fmt.Errorf("create %s: %w", name, err)
	}
	if v, err := s.Get(name); err == nil {
		return v, false, nil
	}
	v = Volume{Name: name, Driver: DefaultDriver, CreatedAt: time.Now().UTC().Truncate(time.Second),
		Labels: labels, Options: opts.Options}
	tmp, err := os.MkdirTemp(s.root, tmpPre+"create-")
	if err != nil {
		return Volume{}, false, fmt.Errorf("create volume %s: %w", name, err)
	}
	if err := s.fill(tmp, v); err != nil {
		os.RemoveAll(tmp)
		return Volume{}, false, fmt.Errorf("create volume %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.root, name)); err != nil {
		os.RemoveAll(tmp)
		return Volume{}, false, fmt.Errorf("create volume %s: %w", name, err)
	}
	v.Mountpoint = s.DataPath(name)
	return v, true, nil
}

func (s *Store) fill(dir string, v Volume) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(dir, dataName), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteJSON(filepath.Join(dir, metaName), v)
}

func copyLabels(in map[string]string) map[string]string {
	out := make(map[string]string, len(in)+1)
	for k, v := range in {
		out[k] = v
	}
	return out
}

// Get loads one volume by its exact name.
func (s *Store) Get(name string) (Volume, error) {
	if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return Volume{}, errdefs.NotFound("get %s: no such volume", name)
	}
	var v Volume
	if err := atomicfile.ReadJSON(filepath.Join(s.root, name, metaName), &v); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Volume{}, errdefs.NotFound("get %s: no such volume", name)
		}
		return Volume{}, fmt.Errorf("read volume %s: %w", name, err)
	}
	v.Name = name
	v.Mountpoint = s.DataPath(name)
	return v, nil
}

// List returns all volumes sorted by name.
func (s *Store) List() ([]Volume, error) {
	ents, err := os.ReadDir(s.root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	var out []Volume
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		v, err := s.Get(e.Name())
		if errors.Is(err, errdefs.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// InUseFunc returns the IDs of the containers that use volume name.
type InUseFunc func(name string) []string

// Remove deletes a volume and its data. A volume in use is refused (also
// with force, as Docker does); force only makes a missing volume no error.
func (s *Store) Remove(name string, force bool, inUse InUseFunc) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	_, err = s.removeLocked(name, inUse)
	if force && errors.Is(err, errdefs.ErrNotFound) {
		return nil
	}
	return err
}

// removeLocked removes name and returns the bytes its data used.
func (s *Store) removeLocked(name string, inUse InUseFunc) (int64, error) {
	if _, err := s.Get(name); err != nil {
		return 0, errdefs.NotFound("get %s: no such volume", name)
	}
	if inUse != nil {
		if ids := inUse(name); len(ids) > 0 {
			return 0, errdefs.Conflict("remove %s: volume is in use - [%s]", name, strings.Join(ids, ", "))
		}
	}
	size := dirSize(s.DataPath(name))
	tmp := filepath.Join(s.root, tmpPre+"rm-"+name)
	os.RemoveAll(tmp) // left over from an interrupted remove
	if err := os.Rename(filepath.Join(s.root, name), tmp); err != nil {
		return 0, fmt.Errorf("remove %s: %w", name, err)
	}
	if err := removeAll(tmp); err != nil {
		return size, fmt.Errorf("remove %s: %w", name, err)
	}
	return size, nil
}

// removeAll is os.RemoveAll that first makes read-only directories
// writable (content copied from images may have mode 0555).
func removeAll(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// dirSize sums the sizes of the regular files under dir, hard links once.
func dirSize(dir string) int64 {
	var total int64
	seen := map[uint64]bool{}
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			if seen[st.Ino] {
				return nil
			}
			seen[st.Ino] = true
		}
		total += fi.Size()
		return nil
	})
	return total
}

// Size returns the bytes used by the volume's data.
func (s *Store) Size(name string) int64 { return dirSize(s.DataPath(name)) }
