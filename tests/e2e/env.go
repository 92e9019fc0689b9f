package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Set by TestMain from the environment.
var (
	nookBin     string // NOOK_BIN, default ../../bin/nook
	fixturesDir string // NOOK_FIXTURES, default $HOME/fixtures
	strict      bool   // NOOK_TEST_STRICT=1: unmet requirements fail
)

// configure reads the harness's environment; it returns an error that
// TestMain prints before refusing to run.
func configure() error {
	if os.Geteuid() == 0 {
		return fmt.Errorf("the e2e tests must run as an unprivileged user, not root: " +
			"a passing test must prove the rootless path (as root, `make test-e2e` drops to the nooktest user)")
	}
	strict = os.Getenv("NOOK_TEST_STRICT") == "1"
	nookBin = os.Getenv("NOOK_BIN")
	if nookBin == "" {
		nookBin = "../../bin/nook"
	}
	abs, err := filepath.Abs(nookBin)
	if err != nil {
		return err
	}
	nookBin = abs
	if _, err := os.Stat(nookBin); err != nil {
		return fmt.Errorf("nook binary: %w (build it with `make build` or set NOOK_BIN)", err)
	}
	fixturesDir = os.Getenv("NOOK_FIXTURES")
	if fixturesDir == "" {
		home, _ := os.UserHomeDir()
		fixturesDir = filepath.Join(home, "fixtures")
	}
	if os.Getenv("XDG_RUNTIME_DIR") == "" {
		return fmt.Errorf("XDG_RUNTIME_DIR is unset: the keeper record lives there (tests/setup.sh creates /run/user/UID)")
	}
	return nil
}

// Paths of the default (shared) store, from the XDG variables as nook reads them.
func dataHome() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share")
}

func runtimeDir() string { return os.Getenv("XDG_RUNTIME_DIR") }

// Store is a separate nook environment: its own XDG_DATA_HOME and
// XDG_RUNTIME_DIR, hence its own storage and its own keeper.
type Store struct {
	*Cmd
	DataHome   string
	RuntimeDir string
}

// StorageDir is where nook keeps containers/storage for this store.
func (s *Store) StorageDir() string { return filepath.Join(s.DataHome, "nook", "storage") }

// KeeperFile is the keeper record of this store's runtime dir.
func (s *Store) KeeperFile() string { return filepath.Join(s.RuntimeDir, "nook", "keeper") }

// freshStore creates an isolated nook environment under $HOME (not /tmp,
// which is slow here), with extra env such as NOOK_STORAGE_DRIVER=vfs. The
// store, its keeper and its files are removed when the test ends.
func freshStore(t testing.TB, env ...string) *Store {
	t.Helper()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(home, "e2e-stores", uniqueName(t, "s"))
	s := &Store{DataHome: filepath.Join(base, "data"), RuntimeDir: filepath.Join(base, "run")}
	for _, d := range []string{s.DataHome, s.RuntimeDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s.Cmd = newCmd(t).WithEnv(append([]string{"XDG_DATA_HOME=" + s.DataHome, "XDG_RUNTIME_DIR=" + s.RuntimeDir}, env...)...)
	t.Cleanup(func() { s.remove(base) })
	return s
}

// remove deletes the store: files owned by sub-ids can only be removed from
// inside the user namespace, then the keeper is killed and the rest removed.
func (s *Store) remove(base string) {
	s.WithTimeout(60*time.Second).Run("unshare", "rm", "-rf", filepath.Join(s.DataHome, "nook"))
	if pid := keeperPID(s.t, s.KeeperFile()); pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if err := os.RemoveAll(base); err != nil {
		s.t.Logf("remove store %s: %v", base, err)
	}
}

// keeperPID reads the first field of a keeper record; 0 if there is none.
func keeperPID(t testing.TB, path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		t.Fatalf("keeper record %s is empty", path)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatalf("keeper record %s: first field %q is not a pid", path, f[0])
	}
	return pid
}

var (
	busyboxOnce sync.Once
	busyboxErr  string
)

// busyboxImage imports the busybox fixture once per test run into the
// shared store as busybox:latest and returns that reference.
func busyboxImage(t testing.TB) string {
	t.Helper()
	busyboxOnce.Do(func() { busyboxErr = importBusybox(newCmd(t), "busybox:latest") })
	if busyboxErr != "" {
		t.Fatal(busyboxErr)
	}
	return "busybox:latest"
}

// busybox imports the busybox fixture into this store as busybox:latest.
func (s *Store) busybox(t testing.TB) string {
	t.Helper()
	if msg := importBusybox(s.Cmd, "busybox:latest"); msg != "" {
		t.Fatal(msg)
	}
	return "busybox:latest"
}

// importBusybox returns "" or a failure message.
func importBusybox(c *Cmd, ref string) string {
	tarball := busyboxTar(c.t)
	r := c.WithTimeout(2*time.Minute).Run("import", tarball, ref)
	if r.Wait(); r.Code != 0 || r.TimedOut {
		return "import busybox fixture failed:\n" + r.report()
	}
	if !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(r.Line()) {
		return "import did not print sha256:<64 hex>:\n" + r.report()
	}
	return ""
}

// busyboxTar is the path of the busybox rootfs fixture.
func busyboxTar(t testing.TB) string {
	t.Helper()
	p := filepath.Join(fixturesDir, "busybox.tar")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("busybox fixture: %v (run tests/setup.sh, or set NOOK_FIXTURES)", err)
	}
	return p
}

// subIDStart returns the first subordinate id of the current user in file
// (/etc/subuid or /etc/subgid) and the range's length.
func subIDStart(t testing.TB, file string) (start, count int) {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(p) == 3 && (p[0] == u.Username || p[0] == u.Uid) {
			start, _ = strconv.Atoi(p[1])
			count, _ = strconv.Atoi(p[2])
			return start, count
		}
	}
	t.Fatalf("no %s entry for %s", file, u.Username)
	return 0, 0
}
