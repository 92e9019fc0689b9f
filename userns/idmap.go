package userns

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// writeMaps maps the keeper's namespace: the caller's subordinate ranges
// through newuidmap/newgidmap, or, without a range, only the caller's own
// ids (a single-id namespace: chown to other ids then fails).
func writeMaps(pid int, id Identity) error {
	name := UserName(id.HostUID)
	uids, err := ReadSubIDs("/etc/subuid", name, id.HostUID)
	if err != nil {
		return err
	}
	gids, err := ReadSubIDs("/etc/subgid", name, id.HostUID)
	if err != nil {
		return err
	}
	if len(uids) == 0 || len(gids) == 0 {
		warnSingleID(id, name)
		return writeSingleMaps(pid, id)
	}
	if err := runIDMap("newuidmap", MapArgs(pid, id.HostUID, uids), name, "/etc/subuid"); err != nil {
		return err
	}
	return runIDMap("newgidmap", MapArgs(pid, id.HostGID, gids), name, "/etc/subgid")
}

func runIDMap(tool string, args []string, name, file string) error {
	path, err := osexec.LookPath(tool)
	if err != nil {
		return errdefs.WithHint(fmt.Errorf("%s not found: %w", tool, err),
			"install the uidmap package (sudo apt-get install uidmap), or add its directory to $PATH; `nook doctor` says which")
	}
	out, err := osexec.Command(path, args...).CombinedOutput()
	if err != nil {
		return errdefs.WithHint(
			fmt.Errorf("%s %s: %w: %s", tool, strings.Join(args, " "), err, strings.TrimSpace(string(out))),
			fmt.Sprintf("check that %s is setuid root (or has file capabilities) and that %s has your range; `nook doctor` prints the exact fix", path, file))
	}
	return nil
}

func writeSingleMaps(pid int, id Identity) error {
	proc := fmt.Sprintf("/proc/%d", pid)
	steps := []struct{ file, data string }{
		{"setgroups", "deny"},
		{"uid_map", fmt.Sprintf("0 %d 1", id.HostUID)},
		{"gid_map", fmt.Sprintf("0 %d 1", id.HostGID)},
	}
	for _, s := range steps {
		if err := os.WriteFile(filepath.Join(proc, s.file), []byte(s.data), 0); err != nil {
			return Diagnose(fmt.Errorf("write %s/%s: %w", proc, s.file, err))
		}
	}
	return nil
}

// warnSingleID warns once per runtime dir that only one id is mapped.
func warnSingleID(id Identity, name string) {
	marker := filepath.Join(id.RuntimeDir, warnedFile)
	if _, err := os.Stat(marker); err == nil {
		return
	}
	// The suggested range is above every other user's, never an overlap.
	fix := SubIDFix(name, FreeSubIDStart("/etc/subuid", "/etc/subgid"))
	fmt.Fprintf(os.Stderr, "WARNING: no subordinate id range for %q in /etc/subuid or /etc/subgid: "+
		"only your own uid is mapped, so images whose files belong to other users may fail.\n"+
		"  To add a range: %s\n"+
		"  then stop the old namespace: kill $(cut -d' ' -f1 %s/keeper)   (`nook doctor` checks all of it)\n", name, fix, id.RuntimeDir)
	os.WriteFile(marker, nil, 0o600)
}
