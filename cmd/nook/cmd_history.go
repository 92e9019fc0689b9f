package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/internal/format"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "history", Usage: "show the history of an image", ArgsUsage: "IMAGE",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-trunc", Usage: "don't truncate output"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only show image IDs"},
			&cli.BoolFlag{Name: "human", Aliases: []string{"H"}, Value: true, Usage: "print sizes and dates in human readable format"},
			&cli.StringFlag{Name: "format", Usage: "format output using a Go template"},
		},
		Action: withSession(historyAction),
	})
}

// historyRow has Docker's history template fields.
type historyRow struct {
	ID, CreatedSince, CreatedAt, CreatedBy, Size, Comment string
}

var historyHeader = format.Header{"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT",
	"CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT"}

func historyAction(c *cli.Context, s *session) error {
	if c.NArg() != 1 {
		return &usageErr{msg: "\"nook history\" requires exactly 1 argument.\nSee 'nook history --help'.", exit: 1}
	}
	img, err := s.store.Lookup(c.Args().First())
	if err != nil {
		return err
	}
	cfg, err := s.store.Config(img)
	if err != nil {
		return err
	}
	// Layer sizes, bottom first, matched to the non-empty history entries.
	var sizes []int64
	for l, err := s.store.Layer(img.TopLayer); err == nil && l != nil; l, err = s.store.Layer(l.Parent) {
		sizes = append([]int64{l.UncompressedSize}, sizes...)
		if l.Parent == "" {
			break
		}
	}
	var rows []historyRow
	li := 0
	for i, h := range cfg.History {
		size := int64(0)
		if !h.EmptyLayer && li < len(sizes) {
			size = sizes[li]
			li++
		}
		row := historyRow{ID: "<missing>", CreatedBy: strings.ReplaceAll(h.CreatedBy, "\t", " "), Comment: h.Comment}
		if h.Created != nil {
			row.CreatedSince = format.HumanDuration(time.Since(*h.Created)) + " ago"
			row.CreatedAt = h.Created.Format(time.RFC3339)
		}
		// As docker/cli's historyContext: -H=false prints RFC 3339
		// dates and byte counts; --no-trunc full IDs and commands.
		row.Size = format.HumanSize(size)
		if !c.Bool("human") {
			row.CreatedSince, row.Size = row.CreatedAt, strconv.FormatInt(size, 10)
		}
		if i == len(cfg.History)-1 {
			row.ID = "sha256:" + img.ID
		}
		if !c.Bool("no-trunc") {
			row.ID = format.TruncateID(row.ID)
			row.CreatedBy = format.Ellipsis(row.CreatedBy, 45)
		}
		rows = append([]historyRow{row}, rows...)
	}
	f := format.SelectFormat(c.String("format"), c.Bool("quiet"),
		"table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", "{{.ID}}")
	return format.WriteTable(c.App.Writer, f, historyHeader, rows)
}
