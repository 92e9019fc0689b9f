package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands,
		&cli.Command{Name: "pause", Usage: "pause all processes within one or more containers (needs cgroup v2 delegation)",
			ArgsUsage: "CONTAINER [CONTAINER...]",
			Action:    withSession(eachPaused(func(s *session, r *container.Record) error { return s.ctrs.Pause(r) }))},
		&cli.Command{Name: "unpause", Usage: "unpause all processes within one or more containers",
			ArgsUsage: "CONTAINER [CONTAINER...]",
			Action:    withSession(eachPaused(func(s *session, r *container.Record) error { return s.ctrs.Unpause(r) }))},
	)
}

// eachPaused runs fn on every argument as Docker's pause/unpause do
// (print each one done, report each failure, exit 1), except that a
// refusal because the host cannot pause exits 125.
func eachPaused(fn func(*session, *container.Record) error) func(*cli.Context, *session) error {
	return func(c *cli.Context, s *session) error {
		if c.NArg() < 1 {
			return &usageErr{msg: fmt.Sprintf("\"%s\" requires at least 1 argument.\nSee '%s --help'.", c.Command.HelpName, c.Command.HelpName), exit: 1}
		}
		code := 0
		for _, ref := range c.Args().Slice() {
			r, err := s.ctrs.Lookup(ref)
			if err == nil {
				err = fn(s, r)
			}
			if err == nil {
				fmt.Fprintln(c.App.Writer, ref)
				continue
			}
			printError(os.Stderr, err)
			var ee *errdefs.ExitError
			if errors.As(err, &ee) && ee.Code > code {
				code = ee.Code
			} else if code == 0 {
				code = 1
			}
		}
		if code != 0 {
			return cli.Exit("", code)
		}
		return nil
	}
}
