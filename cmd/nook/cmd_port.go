package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/internal/format"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "port", Usage: "list port mappings or a specific mapping for the container",
		ArgsUsage: "CONTAINER [PRIVATE_PORT[/PROTO]]",
		Action: withSession(func(c *cli.Context, s *session) error {
			if c.NArg() < 1 {
				return &usageErr{msg: "\"nook port\" requires at least 1 argument.\nSee 'nook port --help'.", exit: 1}
			}
			r, err := s.ctrs.Lookup(c.Args().First())
			if err != nil {
				return err
			}
			ports := displayPorts(s.ctrs.CurrentState(r).Ports, nil)
			if c.NArg() == 1 {
				for _, l := range format.PortLines(ports) {
					fmt.Fprintln(c.App.Writer, l)
				}
				return nil
			}
			lines, err := format.PortLinesFor(ports, c.Args().Get(1))
			if err != nil {
				return err
			}
			if len(lines) == 0 {
				return fmt.Errorf("No public port '%s' published for %s", c.Args().Get(1), r.Name)
			}
			for _, l := range lines {
				fmt.Fprintln(c.App.Writer, l)
			}
			return nil
		}),
	})
}
