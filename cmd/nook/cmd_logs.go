package main

import (
	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "logs", Usage: "fetch the logs of a container", ArgsUsage: "CONTAINER",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "follow log output"},
			&cli.StringFlag{Name: "tail", Aliases: []string{"n"}, Value: "all", Usage: "number of lines to show from the end of the logs"},
			&cli.BoolFlag{Name: "timestamps", Aliases: []string{"t"}, Usage: "show timestamps"},
			&cli.StringFlag{Name: "since", Usage: "show logs since timestamp or relative (e.g. 42m)"},
			&cli.StringFlag{Name: "until", Usage: "show logs before a timestamp or relative"},
			&cli.BoolFlag{Name: "details", Usage: "show extra details provided to logs"},
		},
		Action: withSession(func(c *cli.Context, s *session) error {
			if c.NArg() != 1 {
				return &usageErr{msg: "\"nook logs\" requires exactly 1 argument.\nSee 'nook logs --help'.", exit: 1}
			}
			r, err := s.ctrs.Lookup(c.Args().First())
			if err != nil {
				return err
			}
			return s.ctrs.Logs(r, container.LogsOptions{
				Follow: c.Bool("follow"), Tail: c.String("tail"), Timestamps: c.Bool("timestamps"), Details: c.Bool("details"),
				Since: c.String("since"), Until: c.String("until"), Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
			})
		}),
	})
}
