package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "top", Usage: "display the running processes of a container", ArgsUsage: "CONTAINER [ps OPTIONS]",
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			if c.Args().First() == "--help" {
				return cli.ShowCommandHelp(c.Lineage()[1], "top")
			}
			if c.NArg() < 1 {
				return cli.Exit("\"nook top\" requires at least 1 argument.\nSee 'nook top --help'.", 1)
			}
			return withSession(topAction)(c)
		},
	})
}

func topAction(c *cli.Context, s *session) error {
	r, err := s.ctrs.Lookup(c.Args().First())
	if err != nil {
		return err
	}
	// Docker passes the ps options as one string split on spaces.
	var psArgs []string
	for _, a := range c.Args().Tail() {
		psArgs = append(psArgs, strings.Fields(a)...)
	}
	res, err := s.ctrs.Top(r, psArgs)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(c.App.Writer, 20, 1, 3, ' ', 0)
	fmt.Fprintln(w, strings.Join(res.Titles, "\t"))
	for _, p := range res.Processes {
		fmt.Fprintln(w, strings.Join(p, "\t"))
	}
	return w.Flush()
}
