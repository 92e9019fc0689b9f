package container

import (
	"bytes"
	"testing"
	"time"

	"github.com/nook-dev/nook/monitor"
)

// Docker's -t timestamps always have nine fractional digits, and
// --details puts a space (the empty attribute list) before each line.
func TestPrintLogs_TimestampsAndDetails(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC)
	entries := []monitor.LogEntry{{Stream: "stdout", Time: at, Log: "out\n"}, {Stream: "stderr", Time: at, Log: "err\n"}}
	for _, c := range []struct {
		o        LogsOptions
		out, err string
	}{
		{LogsOptions{Timestamps: true}, "2026-01-02T03:04:05.120000000Z out\n", "2026-01-02T03:04:05.120000000Z err\n"},
		{LogsOptions{Details: true}, " out\n", " err\n"},
		{LogsOptions{Timestamps: true, Details: true}, "2026-01-02T03:04:05.120000000Z  out\n", "2026-01-02T03:04:05.120000000Z  err\n"},
		{LogsOptions{}, "out\n", "err\n"},
	} {
		var out, errw bytes.Buffer
		c.o.Stdout, c.o.Stderr = &out, &errw
		(&Manager{}).printLogs(entries, c.o)
		if out.String() != c.out || errw.String() != c.err {
			t.Errorf("%+v: stdout %q stderr %q, want %q %q", c.o, out.String(), errw.String(), c.out, c.err)
		}
	}
}
