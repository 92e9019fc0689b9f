package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// cgroupFacts is what the test process itself finds about cgroup v2 on
// this host, read independently of nook (mountinfo, /proc/self/cgroup,
// file owners), so that tests can assert the behaviour the host calls for.
type cgroupFacts struct {
	mount     string   // cgroup2 mount point, "" when none
	dir       string   // the test process's delegated cgroup dir, "" when not delegated
	why       string   // why dir is "" (for messages)
	ctrls     []string // controllers dir offers its children
	v1        []string // controllers on cgroup v1 hierarchies
	ownCgroup string   // the test process's cgroup dir
}

func readCgroupFacts() cgroupFacts {
	var f cgroupFacts
	if mi, err := os.Open("/proc/self/mountinfo"); err == nil {
		sc := bufio.NewScanner(mi)
		for sc.Scan() {
			// ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SRC SUPER
			pre, post, ok := strings.Cut(sc.Text(), " - ")
			if fields := strings.Fields(pre); ok && strings.HasPrefix(post, "cgroup2 ") && len(fields) > 4 {
				f.mount = fields[4]
			}
		}
		mi.Close()
	}
	self, _ := os.ReadFile("/proc/self/cgroup")
	own := ""
	for _, l := range strings.Split(strings.TrimSpace(string(self)), "\n") {
		p := strings.SplitN(l, ":", 3)
		if len(p) != 3 {
			continue
		}
		if p[0] == "0" {
			own = p[2]
		} else {
			for _, c := range strings.Split(p[1], ",") {
				if c != "" && !strings.HasPrefix(c, "name=") {
					f.v1 = append(f.v1, c)
				}
			}
		}
	}
	if f.mount == "" {
		f.why = "no cgroup2 mount"
		return f
	}
	f.ownCgroup = filepath.Join(f.mount, own)
	dir := f.ownCgroup
	// nook moves the processes of a cgroup whose children get controllers
	// into its "init" child; the delegated cgroup is then the parent.
	if filepath.Base(dir) == "init" && ownedWritable(filepath.Dir(dir)) {
		dir = filepath.Dir(dir)
	}
	if !ownedWritable(dir) {
		f.why = "the test process's cgroup " + dir + " is not owned by and writable for uid " + strconv.Itoa(os.Getuid())
		return f
	}
	f.dir = dir
	b, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	f.ctrls = strings.Fields(string(b))
	return f
}

func ownedWritable(dir string) bool {
	var st unix.Stat_t
	if unix.Stat(dir, &st) != nil || int(st.Uid) != os.Getuid() {
		return false
	}
	return unix.Access(filepath.Join(dir, "cgroup.procs"), unix.W_OK) == nil &&
		unix.Access(filepath.Join(dir, "cgroup.subtree_control"), unix.W_OK) == nil
}

func (f cgroupFacts) has(ctrl string) bool {
	for _, c := range f.ctrls {
		if c == ctrl {
			return true
		}
	}
	return false
}

func (f cgroupFacts) onV1(ctrl string) bool {
	for _, c := range f.v1 {
		if c == ctrl {
			return true
		}
	}
	return false
}

// cgroupDelegated: the test process runs in a cgroup v2 delegated to its
// user (tests/e2e-run.sh creates one as root, as systemd's Delegate=yes).
var cgroupDelegated = Requirement{"cgroup-delegated", func() string {
	if f := readCgroupFacts(); f.dir == "" {
		return f.why + " (tests/e2e-run.sh, run as root, starts the tests in a delegated cgroup)"
	}
	return ""
}}

// cgroupNotDelegated: the opposite, for the refusal tests (a pass of
// tests/e2e-run.sh runs them outside the delegated cgroup).
var cgroupNotDelegated = Requirement{"cgroup-not-delegated", func() string {
	if f := readCgroupFacts(); f.dir != "" {
		return "the test process's cgroup " + f.dir + " is delegated to it"
	}
	return ""
}}

// processCgroup is the cgroup v2 directory of host pid.
func processCgroup(mount string, pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "0::"); ok {
			return filepath.Join(mount, rest)
		}
	}
	return ""
}
