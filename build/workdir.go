package build

import (
	"archive/tar"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// normalizeWorkdir resolves a WORKDIR against the current one.
func normalizeWorkdir(current, p string) string {
	if !path.IsAbs(p) {
		p = path.Join("/", current, p)
	}
	return path.Clean(p)
}

// workdir sets the working directory and, unless it is "/", records a
// layer that creates it (mode 0755, owned by USER) where missing.
func (b *builder) workdir(s *stageState, c *instructions.WorkdirCommand, onbuild bool) error {
	wd := normalizeWorkdir(s.img.Config.WorkingDir, c.Path)
	s.img.Config.WorkingDir = wd
	if wd == "/" {
		s.addHistory("WORKDIR /", nil)
		return nil
	}
	v := b.prog.start(s.stepName(uppercaseCmd(processCmdEnv(b.lex, c.String(), s.env)), onbuild))
	user := s.img.Config.User
	key := cacheKey("workdir", s.layer, wd, user)
	layer, ok, err := b.lookupCache(key)
	if err == nil && !ok {
		layer, err = b.applyLayer(s.layer, key, func(sink entrySink, lower string) error {
			return writeWorkdir(sink, lower, wd, user)
		})
	}
	if err != nil {
		v.fail(err)
		return err
	}
	v.finish(ok)
	s.addHistory("WORKDIR "+wd, &layer)
	return nil
}

func writeWorkdir(sink entrySink, lower, wd, user string) error {
	lw := newLayerWriterTo(sink, lower)
	uid, gid := 0, 0
	if user != "" {
		// USER may name a user:group; numeric IDs are taken as they are.
		o, err := resolveChown(lw, lower, user)
		if err != nil {
			u, _, _ := strings.Cut(user, ":")
			n, convErr := strconv.Atoi(u)
			if convErr != nil {
				return err
			}
			o = &owner{uid: n}
		}
		uid, gid = o.uid, o.gid
	}
	now := time.Now().UTC()
	lw.parentMeta = func() tar.Header {
		return tar.Header{Typeflag: tar.TypeDir, Mode: 0o755, Uid: uid, Gid: gid, ModTime: now}
	}
	rp, err := lw.resolve(wd)
	if err != nil {
		return err
	}
	if err := lw.mkdirAll(rp); err != nil {
		return err
	}
	return lw.Close()
}
