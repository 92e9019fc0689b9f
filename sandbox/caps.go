package sandbox

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/spec"
)

// capNumbers maps capability names to numbers (linux/capability.h).
var capNumbers = map[string]int{
	"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2, "CAP_FOWNER": 3,
	"CAP_FSETID": 4, "CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8,
	"CAP_LINUX_IMMUTABLE": 9, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11,
	"CAP_NET_ADMIN": 12, "CAP_NET_RAW": 13, "CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15,
	"CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17, "CAP_SYS_CHROOT": 18, "CAP_SYS_PTRACE": 19,
	"CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21, "CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23,
	"CAP_SYS_RESOURCE": 24, "CAP_SYS_TIME": 25, "CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27,
	"CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29, "CAP_AUDIT_CONTROL": 30, "CAP_SETFCAP": 31,
	"CAP_MAC_OVERRIDE": 32, "CAP_MAC_ADMIN": 33, "CAP_SYSLOG": 34, "CAP_WAKE_ALARM": 35,
	"CAP_BLOCK_SUSPEND": 36, "CAP_AUDIT_READ": 37, "CAP_PERFMON": 38, "CAP_BPF": 39,
	"CAP_CHECKPOINT_RESTORE": 40,
}

// CapabilityNames returns all known capability names (for --privileged
// and --cap-add ALL).
func CapabilityNames() []string {
	out := make([]string, 0, len(capNumbers))
	for n := range capNumbers {
		out = append(out, n)
	}
	return out
}

// ValidCapability normalizes NET_ADMIN / cap_net_admin to CAP_NET_ADMIN.
func ValidCapability(name string) (string, error) {
	n := strings.ToUpper(name)
	if !strings.HasPrefix(n, "CAP_") {
		n = "CAP_" + n
	}
	if _, ok := capNumbers[n]; !ok && n != "CAP_ALL" {
		return "", fmt.Errorf("unknown capability: %q", name)
	}
	return n, nil
}

func lastCap() int {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return 40
	}
	var n int
	fmt.Sscanf(string(b), "%d", &n)
	return n
}

// dropPrivileges: bounding set, no_new_privs, groups/gid/uid, then the
// remaining capability sets. Non-root users lose all capabilities at
// setuid, as with Docker.
func dropPrivileges(p *spec.Process, u User, privileged bool) error {
	keep := map[int]bool{}
	names := p.Capabilities
	if privileged {
		names = CapabilityNames()
	}
	for _, n := range names {
		if c, ok := capNumbers[n]; ok {
			keep[c] = true
		}
	}
	last := lastCap()
	for c := 0; c <= last; c++ {
		if !keep[c] {
			if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
				return fmt.Errorf("drop capability %d from the bounding set: %w", c, err)
			}
		}
	}
	if p.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", err)
		}
	}
	if err := switchUser(u); err != nil {
		return err
	}
	if u.UID != 0 {
		return nil
	}
	var data [2]unix.CapUserData
	for c := range keep {
		if c > last {
			continue
		}
		data[c/32].Effective |= 1 << uint(c%32)
		data[c/32].Permitted |= 1 << uint(c%32)
		data[c/32].Inheritable |= 1 << uint(c%32)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}

// switchUser changes the credentials of this thread only, as runc does:
// the caller is locked to it and execs next, and the runtime's all-threads
// setresuid/setresgid signal every thread and wait for each, which costs
// milliseconds on a busy host (unix.Setgroups is per-thread already).
func switchUser(u User) error {
	if err := unix.Setgroups(u.Groups); err != nil && len(u.Groups) > 0 {
		return fmt.Errorf("setgroups %v: %w", u.Groups, err)
	}
	if err := threadSyscall(unix.SYS_SETRESGID, u.GID); err != nil {
		return &InitError{Code: 125, Message: fmt.Sprintf("setgid %d: %v (is the gid mapped? see nook doctor)", u.GID, err)}
	}
	if err := threadSyscall(unix.SYS_SETRESUID, u.UID); err != nil {
		return &InitError{Code: 125, Message: fmt.Sprintf("setuid %d: %v (is the uid mapped? see nook doctor)", u.UID, err)}
	}
	return nil
}

// threadSyscall is setresuid/setresgid(id, id, id) for this thread.
func threadSyscall(nr uintptr, id int) error {
	if _, _, e := unix.RawSyscall(nr, uintptr(id), uintptr(id), uintptr(id)); e != 0 {
		return e
	}
	return nil
}
