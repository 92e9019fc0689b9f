package userns

import (
	"bufio"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Status is the outcome of one doctor check.
type Status int

// Check outcomes: a failed required check makes nook doctor exit 1; a
// warning names something that works only partly (e.g. no resource limits).
const (
	StatusOK Status = iota
	StatusWarn
	StatusFail
)

func (s Status) String() string {
	return [...]string{" OK ", "WARN", "FAIL"}[s]
}

// Check is one rootless prerequisite as nook doctor reports it: Fix is the
// exact command (or edit) that repairs a warning or failure.
type Check struct {
	Name   string
	Status Status
	Detail string
	Fix    string
}

// DoctorEnv is what the checks need to know about the caller. OverlayProbe
// mounts an overlay inside a fresh user namespace (it needs a process of
// its own, so the command layer supplies it); nil skips that check.
type DoctorEnv struct {
	User, Home   string
	UID, GID     int
	StorageDir   string
	RuntimeDir   string
	SubUIDFile   string
	SubGIDFile   string
	OverlayProbe func() error
	// CgroupCheck, when set, replaces the built-in cgroup check (the CLI
	// passes one from the cgroups package, which knows hybrid hosts).
	CgroupCheck func() Check
}

// Doctor runs every rootless prerequisite check, in the order a user
// should fix them.
func Doctor(env DoctorEnv) []Check {
	var out []Check
	out = append(out, idmapTool("newuidmap"), idmapTool("newgidmap"))
	free := FreeSubIDStart(env.SubUIDFile, env.SubGIDFile)
	out = append(out, subIDCheck(env.SubUIDFile, "subuid", env.User, env.UID, free))
	out = append(out, subIDCheck(env.SubGIDFile, "subgid", env.User, env.UID, free))
	out = append(out, keeperMapCheck(env))
	for _, p := range Probes() {
		c := Check{Name: p.Name, Detail: "enabled"}
		if !p.OK {
			c.Status, c.Detail, c.Fix = StatusFail, p.Problem, p.Fix
		}
		out = append(out, c)
	}
	out = append(out, storageChecks(env)...)
	out = append(out, networkChecks()...)
	cg := cgroupCheck
	if env.CgroupCheck != nil {
		cg = func(int) Check { return env.CgroupCheck() }
	}
	out = append(out, cg(env.UID), runtimeDirCheck(env))
	if c, ok := lingerCheck(env.User); ok {
		out = append(out, c)
	}
	return append(out, diskCheck(env.StorageDir))
}

// Failed reports whether any check failed (warnings do not count).
func Failed(checks []Check) bool {
	for _, c := range checks {
		if c.Status == StatusFail {
			return true
		}
	}
	return false
}

func idmapTool(name string) Check {
	c := Check{Name: name}
	p, err := osexec.LookPath(name)
	if err != nil {
		c.Status, c.Detail = StatusFail, name+" not found in $PATH"
		c.Fix = "sudo apt-get install uidmap"
		// Installed but outside $PATH (e.g. a PATH without /usr/bin):
		// nook looks it up in $PATH, so the fix is the PATH.
		for _, dir := range []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"} {
			if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.Mode().IsRegular() {
				c.Detail = fmt.Sprintf("%s not found in $PATH (%s), but %s exists", name, os.Getenv("PATH"), filepath.Join(dir, name))
				c.Fix = fmt.Sprintf("export PATH=\"$PATH:%s\"   (add it to ~/.profile to keep it)", dir)
				break
			}
		}
		return c
	}
	st, err := os.Stat(p)
	if err != nil {
		c.Status, c.Detail, c.Fix = StatusFail, err.Error(), "sudo apt-get install --reinstall uidmap"
		return c
	}
	if st.Mode()&os.ModeSetuid != 0 {
		c.Detail = p + " (setuid)"
		return c
	}
	if sz, err := unix.Getxattr(p, "security.capability", nil); err == nil && sz > 0 {
		c.Detail = p + " (file capabilities)"
		return c
	}
	c.Status, c.Detail = StatusFail, p+" is neither setuid nor has file capabilities"
	c.Fix = "sudo setcap cap_setuid+ep " + p + "   (or: sudo chmod u+s " + p + ")"
	if name == "newgidmap" {
		c.Fix = "sudo setcap cap_setgid+ep " + p + "   (or: sudo chmod u+s " + p + ")"
	}
	return c
}

// subIDLine is one entry of /etc/subuid or /etc/subgid.
type subIDLine struct {
	owner        string
	start, count int
}

func readSubIDLines(path string) []subIDLine {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []subIDLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(fl) != 3 || strings.HasPrefix(fl[0], "#") {
			continue
		}
		s, err1 := strconv.Atoi(fl[1])
		n, err2 := strconv.Atoi(fl[2])
		if err1 == nil && err2 == nil && n > 0 {
			out = append(out, subIDLine{fl[0], s, n})
		}
	}
	return out
}

// FreeSubIDStart is the first id above every range in the given files
// (at least 100000, useradd's default): a range of 65536 from there
// overlaps no other user's in either file, so one usermod fixes both.
func FreeSubIDStart(files ...string) int {
	next := 100000
	for _, f := range files {
		for _, l := range readSubIDLines(f) {
			next = max(next, l.start+l.count)
		}
	}
	return next
}

// SubIDFix is the command that gives user a fresh range of 65536
// subordinate uids and gids starting at start.
func SubIDFix(user string, start int) string {
	return fmt.Sprintf("sudo usermod --add-subuids %d-%d --add-subgids %d-%d %s", start, start+65535, start, start+65535, user)
}

// subIDCheck checks user's ranges in path (/etc/subuid or /etc/subgid;
// entries name the user or its uid, in both files). next is the start of
// a free range for the fix.
func subIDCheck(path, kind, user string, id, next int) Check {
	c := Check{Name: "/etc/" + kind}
	lines := readSubIDLines(path)
	mine, others := []subIDLine{}, []subIDLine{}
	for _, l := range lines {
		if l.owner == user || l.owner == strconv.Itoa(id) {
			mine = append(mine, l)
		} else {
			others = append(others, l)
		}
	}
	flag := "--add-subuids"
	if kind == "subgid" {
		flag = "--add-subgids"
	}
	total := 0
	for _, m := range mine {
		total += m.count
	}
	if total < 65536 {
		c.Status = StatusFail
		c.Detail = fmt.Sprintf("%s has %d subordinate ids in %s (need 65536 for most images)", user, total, path)
		c.Fix = fmt.Sprintf("sudo usermod %s %d-%d %s", flag, next, next+65535, user)
		if total == 0 {
			// Both files usually lack the line: one command for both,
			// then a new namespace (the running one maps only your uid).
			c.Fix = SubIDFix(user, next)
		}
		return c
	}
	for _, m := range mine {
		for _, o := range others {
			if m.start < o.start+o.count && o.start < m.start+m.count {
				c.Status = StatusFail
				c.Detail = fmt.Sprintf("range %d-%d of %s overlaps %s's %d-%d in %s: containers of both users can touch each other's files",
					m.start, m.start+m.count-1, user, o.owner, o.start, o.start+o.count-1, path)
				c.Fix = fmt.Sprintf("sudo usermod %s %d-%d %s %s %d-%d %s", strings.Replace(flag, "add", "del", 1),
					m.start, m.start+m.count-1, user, flag, next, next+65535, user)
				return c
			}
		}
	}
	c.Detail = fmt.Sprintf("%d ids for %s", total, user)
	return c
}

func storageChecks(env DoctorEnv) []Check {
	overlay := Check{Name: "overlay in user namespace", Detail: "native overlayfs mounts"}
	overlayOK := true
	if env.OverlayProbe != nil {
		if err := env.OverlayProbe(); err != nil {
			overlayOK = false
			overlay.Status, overlay.Detail = StatusWarn, "native overlayfs failed ("+err.Error()+"): fuse-overlayfs is needed"
			overlay.Fix = "use a kernel >= 5.11, or install fuse-overlayfs (below)"
		}
	}
	// fuse-overlayfs is only required when native overlay does not work.
	bad := StatusWarn
	if !overlayOK {
		bad = StatusFail
	}
	fuse := Check{Name: "fuse-overlayfs", Detail: "installed, /dev/fuse usable"}
	if _, err := osexec.LookPath("fuse-overlayfs"); err != nil {
		fuse.Status, fuse.Detail, fuse.Fix = bad, "fuse-overlayfs not found in $PATH", "sudo apt-get install fuse-overlayfs"
	} else if err := unix.Access("/dev/fuse", unix.R_OK|unix.W_OK); err != nil {
		fuse.Status, fuse.Detail, fuse.Fix = bad, "/dev/fuse: "+err.Error(), "sudo chmod 0666 /dev/fuse"
	}
	if overlayOK && fuse.Status != StatusOK {
		fuse.Detail += " (optional: native overlay works)"
	}
	return []Check{overlay, fuse}
}

func networkChecks() []Check {
	slirp := Check{Name: "slirp4netns", Detail: "installed"}
	if p, err := osexec.LookPath("slirp4netns"); err != nil {
		slirp.Status, slirp.Detail, slirp.Fix = StatusFail, "slirp4netns not found in $PATH (needed for networking and -p)", "sudo apt-get install slirp4netns"
	} else {
		slirp.Detail = p
	}
	tun := Check{Name: "/dev/net/tun", Detail: "usable"}
	if fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0); err != nil {
		tun.Status, tun.Detail = StatusFail, "open /dev/net/tun: "+err.Error()
		tun.Fix = "sudo chmod 0666 /dev/net/tun"
		if err == unix.ENOENT {
			tun.Fix = "sudo sh -c 'mkdir -p /dev/net && mknod /dev/net/tun c 10 200 && chmod 0666 /dev/net/tun'"
		}
	} else {
		unix.Close(fd)
	}
	port := Check{Name: "net.ipv4.ip_unprivileged_port_start"}
	if v := sysctl("/proc/sys/net/ipv4/ip_unprivileged_port_start"); v != "" {
		n, _ := strconv.Atoi(v)
		port.Detail = "host ports >= " + v + " can be published"
		if n > 80 {
			port.Status = StatusWarn
			port.Detail = "is " + v + ": publishing host ports below it (e.g. -p 80:80) fails"
			port.Fix = "sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80"
		}
	}
	return []Check{slirp, tun, port}
}

func cgroupCheck(uid int) Check {
	c := Check{Name: "cgroup v2 delegation"}
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
		c.Status = StatusWarn
		c.Detail = "cgroup v1 (or hybrid): resource limits (--memory, --cpus, --pids-limit) are unavailable; everything else works"
		c.Fix = "boot with systemd.unified_cgroup_hierarchy=1 (add it to GRUB_CMDLINE_LINUX, then sudo update-grub && reboot)"
		return c
	}
	b, _ := os.ReadFile("/proc/self/cgroup")
	rel := strings.TrimPrefix(strings.TrimSpace(string(b)), "0::")
	dir := filepath.Join("/sys/fs/cgroup", rel)
	if unix.Access(filepath.Join(dir, "cgroup.procs"), unix.W_OK) != nil {
		c.Status = StatusWarn
		c.Detail = "cgroup v2, but " + dir + " is not delegated to you: resource limits are unavailable"
		c.Fix = fmt.Sprintf("log in through systemd-logind (ssh/console), or: sudo systemctl edit user@%d.service (add Delegate=yes)", uid)
		return c
	}
	ctl, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	c.Detail = "cgroup v2, delegated controllers: " + strings.TrimSpace(string(ctl))
	return c
}

func runtimeDirCheck(env DoctorEnv) Check {
	c := Check{Name: "XDG_RUNTIME_DIR"}
	fix := fmt.Sprintf("sudo install -d -m 0700 -o %d -g %d /run/user/%d && export XDG_RUNTIME_DIR=/run/user/%d",
		env.UID, env.GID, env.UID, env.UID)
	d := os.Getenv("XDG_RUNTIME_DIR")
	if d == "" {
		c.Status, c.Detail, c.Fix = StatusFail, "not set (nook keeps its keeper record and sockets there)", fix
		return c
	}
	var st unix.Stat_t
	if err := unix.Stat(d, &st); err != nil {
		c.Status, c.Detail, c.Fix = StatusFail, d+": "+err.Error(), fix
		return c
	}
	if int(st.Uid) != os.Getuid() || st.Mode&0o077 != 0 {
		c.Status, c.Detail = StatusFail, fmt.Sprintf("%s has mode %o and is not owned by %s: it must be yours and 0700", d, st.Mode&0o7777, env.User)
		c.Fix = fmt.Sprintf("sudo chown %d %s && chmod 0700 %s", env.UID, d, d)
		return c
	}
	c.Detail = d
	return c
}

// lingerCheck warns when systemd would kill a logged-out user's containers.
func lingerCheck(user string) (Check, bool) {
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		return Check{}, false
	}
	c := Check{Name: "systemd linger", Detail: "enabled"}
	if _, err := os.Stat("/var/lib/systemd/linger/" + user); err != nil {
		c.Status = StatusWarn
		c.Detail = "disabled: systemd stops your containers when you log out"
		c.Fix = "sudo loginctl enable-linger " + user
	}
	return c, true
}

func diskCheck(dir string) Check {
	c := Check{Name: "storage space"}
	for dir != "/" {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		c.Status, c.Detail = StatusWarn, "statfs "+dir+": "+err.Error()
		return c
	}
	free := st.Bavail * uint64(st.Bsize) >> 20
	c.Detail = fmt.Sprintf("%s: %d MiB and %d inodes free", dir, free, st.Ffree)
	switch {
	case free < 512 || (st.Files > 0 && st.Ffree < 10000):
		c.Status, c.Fix = StatusFail, "free space on "+dir+" (nook rmi, nook volume rm) or set XDG_DATA_HOME to a bigger file system"
	case free < 2048:
		c.Status, c.Fix = StatusWarn, "images need room: free space on "+dir+" or set XDG_DATA_HOME elsewhere"
	}
	return c
}
