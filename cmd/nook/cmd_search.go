package main

import (
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/image"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "search", Usage: "search a registry for images", ArgsUsage: "[REGISTRY/]TERM",
		Flags: append(registryFlags(),
			&cli.IntFlag{Name: "limit", Value: 25, Usage: "max number of search results"},
			&cli.StringFlag{Name: "format", Usage: "format output using a Go template"},
			&cli.BoolFlag{Name: "no-trunc", Usage: "don't truncate output"}),
		Action: withSession(searchAction),
	})
}

// searchRow is one row of `nook search`, with Docker's template fields.
type searchRow struct {
	Name, Description, StarCount, IsOfficial, IsAutomated string
}

var searchHeaders = map[string]string{
	"Name": "NAME", "Description": "DESCRIPTION", "StarCount": "STARS", "IsOfficial": "OFFICIAL", "IsAutomated": "AUTOMATED",
}

func searchAction(c *cli.Context, s *session) error {
	if c.NArg() != 1 {
		return &usageErr{msg: "\"nook search\" requires exactly 1 argument.\nSee 'nook search --help'.", exit: 1}
	}
	ctx, cancel := interruptible()
	defer cancel()
	found, err := s.store.Search(ctx, image.SearchOptions{Term: c.Args().First(), Limit: c.Int("limit"),
		RegistryOptions: registryOptions(c)})
	if err != nil {
		return interrupted(ctx, err)
	}
	ok := func(b bool) string {
		if b {
			return "[OK]"
		}
		return ""
	}
	rows := make([]searchRow, 0, len(found))
	for _, f := range found {
		d := strings.ReplaceAll(f.Description, "\n", " ")
		if !c.Bool("no-trunc") && len(d) > 45 {
			d = d[:42] + "..."
		}
		rows = append(rows, searchRow{Name: f.Name, Description: d, StarCount: strconv.Itoa(f.Stars),
			IsOfficial: ok(f.Official), IsAutomated: ok(f.Automated)})
	}
	format := c.String("format")
	if format == "" {
		format = "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}"
	}
	return renderTable(c.App.Writer, format, searchHeaders, rows)
}
