package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands,
		&cli.Command{Name: "cp", Usage: "copy files/folders between a container and the local filesystem",
			ArgsUsage: "CONTAINER:SRC_PATH DEST_PATH | SRC_PATH CONTAINER:DEST_PATH",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "archive", Aliases: []string{"a"}, Usage: "archive mode (copy all uid/gid information)"},
				&cli.BoolFlag{Name: "follow-link", Aliases: []string{"L"}, Usage: "always follow symbol link in SRC_PATH"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "suppress progress output during copy"},
			},
			Action: withSession(cpAction)},
	)
}

func cpAction(c *cli.Context, s *session) error {
	if c.NArg() != 2 {
		return &usageErr{msg: "\"nook cp\" requires exactly 2 arguments.\nSee 'nook cp --help'."}
	}
	src, dst := c.Args().Get(0), c.Args().Get(1)
	sc, sp, srcIn := splitCpArg(src)
	dc, dp, dstIn := splitCpArg(dst)
	o := container.CopyOptions{Archive: c.Bool("archive"), FollowLink: c.Bool("follow-link")}
	switch {
	case srcIn && !dstIn:
		r, err := s.ctrs.Lookup(sc)
		if err != nil {
			return err
		}
		return s.ctrs.CopyFrom(r, sp, dst, o)
	case dstIn && !srcIn:
		r, err := s.ctrs.Lookup(dc)
		if err != nil {
			return err
		}
		return s.ctrs.CopyTo(r, src, dp, o)
	}
	return errdefs.Invalid("copying between containers is not supported; one of the paths must be local")
}

// splitCpArg splits CONTAINER:PATH as docker cp does: an absolute path,
// or one starting with "." (./file:name), is local even with a colon.
func splitCpArg(arg string) (ctr, p string, inContainer bool) {
	if strings.HasPrefix(arg, "/") {
		return "", arg, false
	}
	ctr, p, ok := strings.Cut(arg, ":")
	if !ok || strings.HasPrefix(ctr, ".") {
		return "", arg, false
	}
	return ctr, p, true
}
