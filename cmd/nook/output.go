package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/internal/format"
)

func humanDuration(d time.Duration) string { return format.HumanDuration(d) }

func humanSize(n int64) string { return format.HumanSize(n) }

// renderTable renders rows with Docker's table/template rules.
func renderTable[T any](w io.Writer, f string, headers map[string]string, rows []T) error {
	return format.WriteTable(w, f, format.Header(headers), rows)
}

// renderInspect prints inspect output (JSON array or a template per object).
func renderInspect(w io.Writer, f string, objs []any) error {
	return format.RenderInspect(w, f, objs)
}

// warnQuietFormat is docker/cli's warning when -q overrides --format.
func warnQuietFormat(c *cli.Context) {
	if c.Bool("quiet") && c.String("format") != "" {
		fmt.Fprintln(c.App.ErrWriter, "WARNING: Ignoring custom format, because both --format and --quiet are set.")
	}
}
