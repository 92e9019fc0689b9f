package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"
)

// TEMPORARY until internal/format lands.
func humanDuration(d time.Duration) string {
	s := int(d.Seconds())
	switch {
	case s < 1:
		return "Less than a second"
	case s == 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	}
	return fmt.Sprintf("%d minutes", s/60)
}

func humanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.3g%s", f, units[i])
}

func renderTable(w io.Writer, format string, headers map[string]string, rows any) error {
	table := strings.HasPrefix(format, "table")
	format = strings.TrimSpace(strings.TrimPrefix(format, "table"))
	format = strings.ReplaceAll(strings.ReplaceAll(format, `\t`, "\t"), `\n`, "\n")
	t, err := template.New("").Parse(format + "\n")
	if err != nil {
		return fmt.Errorf("template parsing error: %w", err)
	}
	tw := tabwriter.NewWriter(w, 10, 1, 3, ' ', 0)
	if table {
		t.Execute(tw, headers)
	}
	for _, r := range toSlice(rows) {
		if err := t.Execute(tw, r); err != nil {
			return err
		}
	}
	return tw.Flush()
}

func toSlice(rows any) []any {
	v := reflect.ValueOf(rows)
	out := make([]any, 0, v.Len())
	for i := 0; i < v.Len(); i++ {
		out = append(out, v.Index(i).Interface())
	}
	return out
}
