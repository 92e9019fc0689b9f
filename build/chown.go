package build

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/sys/user"
)

// resolveChown turns --chown=user[:group] into numbers. Names resolve
// through the /etc/passwd and /etc/group of the layer below (lower),
// found inside that rootfs only. A user without a group uses its primary
// group for names and the same number for numeric IDs.
func resolveChown(lw *layerWriter, lower, spec string) (*owner, error) {
	usr, grp, hasGroup := strings.Cut(spec, ":")
	o := &owner{}
	uid, err := strconv.Atoi(usr)
	switch {
	case err == nil:
		o.uid, o.gid = uid, uid
	default:
		u, err := lookupUser(lw, lower, usr)
		if err != nil {
			return nil, err
		}
		o.uid, o.gid = u.Uid, u.Gid
	}
	if !hasGroup {
		return o, nil
	}
	if gid, err := strconv.Atoi(grp); err == nil {
		o.gid = gid
		return o, nil
	}
	g, err := lookupGroup(lw, lower, grp)
	if err != nil {
		return nil, err
	}
	o.gid = g.Gid
	return o, nil
}

func openInRoot(lw *layerWriter, lower, p string) (*os.File, error) {
	if lower == "" {
		return nil, os.ErrNotExist
	}
	rp, err := lw.resolve(p)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(lower)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Open(filepath.FromSlash(strings.TrimPrefix(rp, "/")))
}

func lookupUser(lw *layerWriter, lower, name string) (user.User, error) {
	f, err := openInRoot(lw, lower, "/etc/passwd")
	if err != nil {
		return user.User{}, fmt.Errorf("unable to find user %s: no /etc/passwd in the image: %w", name, err)
	}
	defer f.Close()
	users, err := user.ParsePasswdFilter(f, func(u user.User) bool { return u.Name == name })
	if err != nil || len(users) == 0 {
		return user.User{}, fmt.Errorf("unable to find user %s: no matching entries in passwd file", name)
	}
	return users[0], nil
}

func lookupGroup(lw *layerWriter, lower, name string) (user.Group, error) {
	f, err := openInRoot(lw, lower, "/etc/group")
	if err != nil {
		return user.Group{}, fmt.Errorf("unable to find group %s: no /etc/group in the image: %w", name, err)
	}
	defer f.Close()
	groups, err := user.ParseGroupFilter(f, func(g user.Group) bool { return g.Name == name })
	if err != nil || len(groups) == 0 {
		return user.Group{}, fmt.Errorf("unable to find group %s: no matching entries in group file", name)
	}
	return groups[0], nil
}
