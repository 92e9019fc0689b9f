package container

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/monitor"
)

// LogsOptions are `nook logs` flags.
type LogsOptions struct {
	Follow     bool
	Tail       string
	Timestamps bool
	Details    bool
	Since      string
	Until      string
	Stdout     io.Writer
	Stderr     io.Writer
}

// ParseTime reads a --since/--until/until= value: RFC 3339, Unix seconds,
// or a Go duration ago.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Unix(0, int64(f*1e9)), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	return time.Time{}, errdefs.Invalid("invalid time value %q: use RFC 3339, Unix seconds or a duration like 10m", s)
}

// Logs prints r's log with Docker's options.
func (m *Manager) Logs(r *Record, o LogsOptions) error {
	since, err := ParseTime(o.Since)
	if err != nil {
		return err
	}
	until, err := ParseTime(o.Until)
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(m.Dir(r.ID), LogFile))
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	defer f.Close()
	var entries []monitor.LogEntry
	br := bufio.NewReader(f)
	var partial []byte
	readAll := func() {
		for {
			line, err := br.ReadBytes('\n')
			if err != nil {
				// a line still being written: keep it for the next read
				partial = append(partial, line...)
				return
			}
			if len(partial) > 0 {
				line = append(partial, line...)
				partial = nil
			}
			var e monitor.LogEntry
			if json.Unmarshal(line, &e) == nil && !e.Time.Before(since) && (until.IsZero() || e.Time.Before(until)) {
				entries = append(entries, e)
			}
		}
	}
	readAll()
	if n, err := strconv.Atoi(o.Tail); err == nil && n >= 0 && len(entries) > n {
		entries = entries[len(entries)-n:]
	}
	m.printLogs(entries, o)
	for o.Follow {
		entries = entries[:0]
		st := m.CurrentState(r)
		readAll()
		m.printLogs(entries, o)
		if st.Status != StatusRunning && st.Status != StatusRestarting {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// rfc3339NanoFixed is Docker's log timestamp layout (jsonmessage
// RFC3339NanoFixed): always nine fractional digits, so columns line up.
const rfc3339NanoFixed = "2006-01-02T15:04:05.000000000Z07:00"

func (m *Manager) printLogs(entries []monitor.LogEntry, o LogsOptions) {
	for _, e := range entries {
		w := o.Stdout
		if e.Stream == "stderr" {
			w = o.Stderr
		}
		if o.Timestamps {
			io.WriteString(w, e.Time.UTC().Format(rfc3339NanoFixed)+" ")
		}
		if o.Details {
			// Docker puts the log attributes (--log-opt labels/env)
			// and a space first; nook has none, so only the space.
			io.WriteString(w, " ")
		}
		io.WriteString(w, e.Log)
	}
}
