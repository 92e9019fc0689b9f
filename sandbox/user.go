package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// User is a resolved --user value.
type User struct {
	UID, GID int
	Groups   []int
	Home     string
}

// resolveUser resolves "name", "uid", "name:group", "uid:gid" against the
// container's /etc/passwd and /etc/group (already the root filesystem).
func resolveUser(spec string) (User, error) {
	return ResolveUser(spec, "/etc/passwd", "/etc/group")
}

// ResolveUser is resolveUser with explicit file paths (for tests and for
// exec, which reads them through the container root).
func ResolveUser(spec, passwd, group string) (User, error) {
	u := User{Home: "/"}
	name, grp, hasGroup := strings.Cut(spec, ":")
	if name == "" {
		name = "0"
	}
	if id, err := strconv.Atoi(name); err == nil {
		u.UID = id
		if e, ok := findEntry(passwd, "", id); ok {
			u.GID, u.Home = e.gid, e.home
		}
	} else {
		e, ok := findEntry(passwd, name, -1)
		if !ok {
			return u, &InitError{Code: 125, Message: fmt.Sprintf("unable to find user %s: no matching entries in passwd file", name)}
		}
		u.UID, u.GID, u.Home = e.id, e.gid, e.home
	}
	if hasGroup {
		if id, err := strconv.Atoi(grp); err == nil {
			u.GID = id
		} else {
			e, ok := findEntry(group, grp, -1)
			if !ok {
				return u, &InitError{Code: 125, Message: fmt.Sprintf("unable to find group %s: no matching entries in group file", grp)}
			}
			u.GID = e.id
		}
		return u, nil
	}
	u.Groups = supplementaryGroups(group, name, u.UID)
	return u, nil
}

type entry struct {
	id, gid int
	home    string
	members []string
}

// findEntry finds a passwd or group line by name, or by id when id >= 0.
func findEntry(path, name string, id int) (entry, bool) {
	f, err := os.Open(path)
	if err != nil {
		return entry{}, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), ":")
		if len(p) < 3 {
			continue
		}
		n, err := strconv.Atoi(p[2])
		if err != nil || (name != "" && p[0] != name) || (name == "" && n != id) {
			continue
		}
		e := entry{id: n}
		if len(p) >= 7 { // passwd
			e.gid, _ = strconv.Atoi(p[3])
			e.home = p[5]
		} else if len(p) >= 4 && p[3] != "" { // group
			e.members = strings.Split(p[3], ",")
		}
		return e, true
	}
	return entry{}, false
}

func supplementaryGroups(path, name string, uid int) []int {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), ":")
		if len(p) < 4 || p[3] == "" {
			continue
		}
		for _, m := range strings.Split(p[3], ",") {
			if m == name {
				if g, err := strconv.Atoi(p[2]); err == nil {
					out = append(out, g)
				}
			}
		}
	}
	return out
}
