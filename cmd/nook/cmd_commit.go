package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands,
		&cli.Command{Name: "commit", Usage: "create a new image from a container's changes", ArgsUsage: "CONTAINER [REPOSITORY[:TAG]]",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "author", Aliases: []string{"a"}, Usage: "author"},
				&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "commit message"},
				&cli.StringSliceFlag{Name: "change", Aliases: []string{"c"}, Usage: "apply Dockerfile instruction to the created image"},
				&cli.BoolFlag{Name: "pause", Aliases: []string{"p"}, Value: true, Usage: "pause container during commit (where the container has a cgroup v2; elsewhere it is committed running)"},
			},
			Action: withSession(func(c *cli.Context, s *session) error {
				if c.NArg() < 1 {
					return &usageErr{msg: "\"nook commit\" requires at least 1 argument.\nSee 'nook commit --help'.", exit: 1}
				}
				r, err := s.ctrs.Lookup(c.Args().First())
				if err != nil {
					return err
				}
				id, err := s.ctrs.Commit(r, container.CommitOptions{Reference: c.Args().Get(1), Author: c.String("author"),
					Message: c.String("message"), Changes: c.StringSlice("change"), Pause: c.Bool("pause")})
				if err != nil {
					return err
				}
				fmt.Fprintln(c.App.Writer, "sha256:"+id)
				return nil
			})},
		&cli.Command{Name: "diff", Usage: "inspect changes to files or directories on a container's filesystem", ArgsUsage: "CONTAINER",
			Action: withSession(func(c *cli.Context, s *session) error {
				if err := argCount(c, 1, true); err != nil {
					return err
				}
				r, err := s.ctrs.Lookup(c.Args().First())
				if err != nil {
					return err
				}
				changes, err := s.ctrs.Diff(r)
				if err != nil {
					return err
				}
				for _, ch := range changes {
					fmt.Fprintf(c.App.Writer, "%s %s\n", ch.Kind, ch.Path)
				}
				return nil
			})},
		&cli.Command{Name: "export", Usage: "export a container's filesystem as a tar archive", ArgsUsage: "CONTAINER",
			Flags: []cli.Flag{&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to a file, instead of STDOUT"}},
			Action: withSession(func(c *cli.Context, s *session) error {
				if err := argCount(c, 1, true); err != nil {
					return err
				}
				r, err := s.ctrs.Lookup(c.Args().First())
				if err != nil {
					return err
				}
				w, closeFn, err := outputFile(c.String("output"))
				if err != nil {
					return err
				}
				defer closeFn()
				return s.ctrs.Export(r, w)
			})},
	)
}

// outputFile opens -o or stdout, refusing a terminal as Docker does.
func outputFile(path string) (io.Writer, func(), error) {
	if path == "" {
		if term.IsTerminal(int(os.Stdout.Fd())) {
			return nil, nil, errdefs.Invalid("cowardly refusing to save to a terminal. Use the -o flag or redirect")
		}
		return os.Stdout, func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
