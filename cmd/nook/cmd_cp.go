package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands,
		&cli.Command{Name: "cp", Usage: "copy files/folders between a container and the local filesystem",
			ArgsUsage: "CONTAINER:SRC_PATH DEST_PATH|- | SRC_PATH|- CONTAINER:DEST_PATH",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "archive", Aliases: []string{"a"}, Usage: "archive mode (copy all uid/gid information)"},
				&cli.BoolFlag{Name: "follow-link", Aliases: []string{"L"}, Usage: "always follow symbol link in SRC_PATH"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "suppress progress output during copy (automatic when stdout is not a terminal)"},
			},
			Action: withSession(cpAction)},
	)
}

func cpAction(c *cli.Context, s *session) error {
	if c.NArg() != 2 {
		return &usageErr{msg: "\"nook cp\" requires exactly 2 arguments.\nSee 'nook cp --help'.", exit: 1}
	}
	src, dst := c.Args().Get(0), c.Args().Get(1)
	if src == "" || dst == "" {
		return errdefs.Invalid("source and destination can not be empty")
	}
	sc, sp, srcIn := splitCpArg(src)
	dc, dp, dstIn := splitCpArg(dst)
	o := container.CopyOptions{Archive: c.Bool("archive"), FollowLink: c.Bool("follow-link")}
	// Docker prints a summary on stderr unless -q or stdout is no terminal.
	quiet := c.Bool("quiet") || !c.IsSet("quiet") && !term.IsTerminal(int(os.Stdout.Fd()))
	var n int64
	var where string
	switch {
	case srcIn && dstIn:
		return errdefs.Invalid("copying between containers is not supported")
	case srcIn:
		r, err := s.ctrs.Lookup(sc)
		if err != nil {
			return err
		}
		if dst == "-" {
			return s.ctrs.CopyFromTar(r, sp, c.App.Writer, o)
		}
		if n, err = s.ctrs.CopyFrom(r, sp, dst, o); err != nil {
			return err
		}
		where, _ = filepath.Abs(dst)
	case dstIn:
		r, err := s.ctrs.Lookup(dc)
		if err != nil {
			return err
		}
		if src == "-" {
			return s.ctrs.CopyToTar(r, os.Stdin, dp, o)
		}
		if n, err = s.ctrs.CopyTo(r, src, dp, o); err != nil {
			return err
		}
		where = dc + ":" + dp
	default:
		return errdefs.Invalid("must specify at least one container source")
	}
	if !quiet {
		fmt.Fprintf(c.App.ErrWriter, "Successfully copied %s to %s\n", humanSize(n), where)
	}
	return nil
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
