package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "rename", Usage: "rename a container", ArgsUsage: "CONTAINER NEW_NAME",
		Action: func(c *cli.Context) error {
			if err := exactArgs(c, 2); err != nil {
				return err
			}
			return withSession(renameAction)(c)
		},
	})
}

func renameAction(c *cli.Context, s *session) error {
	r, err := s.ctrs.Lookup(c.Args().Get(0))
	if err != nil {
		return err
	}
	return s.ctrs.Rename(r, c.Args().Get(1))
}

// exactArgs is Docker's argument count check: a message and exit 1.
func exactArgs(c *cli.Context, n int) error {
	if c.NArg() == n {
		return nil
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return cli.Exit(fmt.Sprintf("\"%s\" requires exactly %d argument%s.\nSee '%s --help'.", c.Command.HelpName, n, plural, c.Command.HelpName), 1)
}
