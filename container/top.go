package container

import (
	"bytes"
	"fmt"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// TopResult is `ps` output restricted to one container's processes.
type TopResult struct {
	Titles    []string
	Processes [][]string
}

// Top runs ps on the host with psArgs (Docker's default: -ef) and keeps
// the rows of r's processes: those in the pid namespace of its init, with
// pids as the host sees them.
func (m *Manager) Top(r *Record, psArgs []string) (*TopResult, error) {
	st := m.CurrentState(r)
	if st.Status != StatusRunning || st.Pid <= 0 {
		return nil, errdefs.Conflict("container %s is not running", r.ID)
	}
	pids, err := containerPids(st.Pid)
	if err != nil {
		return nil, err
	}
	if len(psArgs) == 0 {
		psArgs = []string{"-ef"}
	}
	q := make([]string, len(pids))
	for i, p := range pids {
		q[i] = strconv.Itoa(p)
	}
	// -q narrows ps to those pids; some options (f) refuse it: then all.
	out, err := osexec.Command("ps", append(append([]string(nil), psArgs...), "-q", strings.Join(q, ","))...).Output()
	if err != nil {
		out, err = osexec.Command("ps", psArgs...).Output()
	}
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*osexec.ExitError); ok && len(ee.Stderr) > 0 {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		return nil, errdefs.Invalid("Error running ps %s: %s", strings.Join(psArgs, " "), msg)
	}
	return parsePS(out, pids)
}

// containerPids lists the host pids sharing init's pid namespace.
func containerPids(initPid int) ([]int, error) {
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", initPid))
	if err != nil {
		return nil, fmt.Errorf("read pid namespace of %d: %w", initPid, err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && l == ns {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// parsePS keeps ps rows whose PID column is in pids; the last column
// (the command) keeps its spaces.
func parsePS(out []byte, pids []int) (*TopResult, error) {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	titles := strings.Fields(lines[0])
	col := -1
	for i, t := range titles {
		if t == "PID" {
			col = i
		}
	}
	if col < 0 {
		return nil, errdefs.Invalid("Couldn't find PID field in ps output")
	}
	want := map[int]bool{}
	for _, p := range pids {
		want[p] = true
	}
	res := &TopResult{Titles: titles}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) <= col {
			continue
		}
		if p, err := strconv.Atoi(f[col]); err != nil || !want[p] {
			continue
		}
		if len(f) > len(titles) {
			// the command's own spaces: rejoin from the original line
			f = append(f[:len(titles)-1], joinRest(l, len(titles)-1))
		}
		res.Processes = append(res.Processes, f)
	}
	return res, nil
}

// joinRest returns line from its n-th whitespace-separated field on.
func joinRest(line string, n int) string {
	s := []byte(line)
	for i := 0; i < n; i++ {
		s = bytes.TrimLeft(s, " \t")
		if j := bytes.IndexAny(s, " \t"); j >= 0 {
			s = s[j:]
		}
	}
	return string(bytes.TrimLeft(s, " \t"))
}
