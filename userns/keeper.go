package userns

import (
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/procstat"
)

// State files in the runtime dir. keeper is stable: the C constructor reads
// "PID USERNS-INODE STARTTIME".
const (
	KeeperFile     = "keeper"
	keeperLockFile = "keeper.lock"
	warnedFile     = "single-id-warned"
)

// KeeperRecord identifies a live keeper.
type KeeperRecord struct {
	PID       int
	UsernsIno uint64
	StartTime string
}

// ReadKeeper reads the keeper record in runtimeDir.
func ReadKeeper(runtimeDir string) (KeeperRecord, error) {
	b, err := os.ReadFile(filepath.Join(runtimeDir, KeeperFile))
	if err != nil {
		return KeeperRecord{}, err
	}
	var r KeeperRecord
	if _, err := fmt.Sscanf(string(b), "%d %d %s", &r.PID, &r.UsernsIno, &r.StartTime); err != nil {
		return KeeperRecord{}, fmt.Errorf("parse keeper record: %w", err)
	}
	return r, nil
}

// Alive checks liveness by opening the namespace file and comparing its
// inode: /proc/PID existing proves nothing (zombies, pid reuse).
// A killed keeper can stay a zombie for seconds on hosts whose init reaps
// late; its namespace files can no longer be opened, which is exactly what
// the C join needs, so open them rather than stat.
func (r KeeperRecord) Alive() bool {
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/user", r.PID), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Ino != r.UsernsIno {
		return false
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", r.PID)); err == nil {
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && len(b) > i+2 && (b[i+2] == 'Z' || b[i+2] == 'X') {
			return false
		}
	}
	mfd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/mnt", r.PID), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	unix.Close(mfd)
	return true
}

// EnsureRuntimeDir creates dir 0700 and checks that it is ours.
func EnsureRuntimeDir(dir string, uid int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create runtime dir %q: %w", dir, err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return fmt.Errorf("stat runtime dir %q: %w", dir, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR || int(st.Uid) != uid {
		return fmt.Errorf("runtime dir %q is not a directory owned by uid %d", dir, uid)
	}
	return nil
}

// EnterKeeper makes sure a keeper exists for the caller, then re-executes
// the current command so that the C constructor joins it. It returns only
// on error. Call it on the host (not inside the namespace).
func EnterKeeper() error {
	id := Current()
	if id.InUserns || id.Rootful {
		return nil
	}
	// The C constructor of the re-executed process joins the keeper or,
	// when it cannot (the keeper died again in between), falls through to
	// here: retry a bounded number of times, never loop.
	if reexecAttempt >= maxReexec {
		return errors.New("joining the rootless user namespace failed after creating it; run `nook doctor`")
	}
	if err := EnsureKeeper(id); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find nook executable: %w", err)
	}
	env := append(os.Environ(), envReexec+"="+strconv.Itoa(reexecAttempt+1))
	return syscall.Exec(exe, os.Args, env)
}

// maxReexec bounds EnterKeeper's re-executions.
const maxReexec = 3

// EnsureKeeper creates the keeper unless a live one is recorded.
func EnsureKeeper(id Identity) error {
	if err := EnsureRuntimeDir(id.RuntimeDir, id.HostUID); err != nil {
		return err
	}
	lock, err := os.OpenFile(filepath.Join(id.RuntimeDir, keeperLockFile), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("open keeper lock: %w", err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("lock keeper: %w", err)
	}
	if r, err := ReadKeeper(id.RuntimeDir); err == nil && r.Alive() {
		return nil
	}
	return startKeeper(id)
}

func startKeeper(id Identity) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find nook executable: %w", err)
	}
	rd, wr, err := os.Pipe()
	if err != nil {
		return err
	}
	defer rd.Close()
	defer wr.Close()
	cmd := osexec.Command(exe)
	cmd.Args = []string{"nook-keeper"}
	cmd.Env = append(os.Environ(), "_NOOK_KEEPER=1")
	cmd.ExtraFiles = []*os.File{rd}
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		Setsid:     true,
	}
	if err := cmd.Start(); err != nil {
		return Diagnose(fmt.Errorf("create user namespace: %w", err))
	}
	pid := cmd.Process.Pid
	if err := writeMaps(pid, id); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	wr.Close() // releases the keeper into pause()
	rec, err := recordFor(pid)
	if err != nil {
		cmd.Process.Kill()
		return err
	}
	if err := writeKeeperRecord(id.RuntimeDir, rec); err != nil {
		cmd.Process.Kill()
		return err
	}
	return cmd.Process.Release()
}

func recordFor(pid int) (KeeperRecord, error) {
	var st unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/user", pid), &st); err != nil {
		return KeeperRecord{}, fmt.Errorf("stat keeper namespace: %w", err)
	}
	start, err := ProcessStartTime(pid)
	if err != nil {
		return KeeperRecord{}, err
	}
	return KeeperRecord{PID: pid, UsernsIno: st.Ino, StartTime: start}, nil
}

func writeKeeperRecord(dir string, r KeeperRecord) error {
	tmp := filepath.Join(dir, KeeperFile+".tmp"+strconv.Itoa(os.Getpid()))
	data := fmt.Sprintf("%d %d %s\n", r.PID, r.UsernsIno, r.StartTime)
	if err := os.WriteFile(tmp, []byte(data), 0o600); err != nil {
		return fmt.Errorf("write keeper record: %w", err)
	}
	return os.Rename(tmp, filepath.Join(dir, KeeperFile))
}

// ProcessStartTime returns field 22 of /proc/PID/stat (start time in clock
// ticks since boot), which with the pid identifies a process uniquely.
func ProcessStartTime(pid int) (string, error) { return procstat.StartTime(pid) }

// UserName is uid's login name for /etc/subuid lines written by name. nook
// is linked without glibc's NSS (osusergo), so a user known only to LDAP
// or SSSD is not in /etc/passwd: then $USER of the user's own session is
// the name (newuidmap, which uses NSS, checks the range it is given).
func UserName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return strconv.Itoa(uid)
}
