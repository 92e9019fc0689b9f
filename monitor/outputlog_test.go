package monitor

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Lines become entries; a stream without newlines is cut every 16 KiB
// (memory stays bounded) and its tail is logged at the end.
func TestLineLog_SplitsAndBounds(t *testing.T) {
	dir := t.TempDir()
	lw, f, err := openLog(filepath.Join(dir, LogFile))
	if err != nil {
		t.Fatal(err)
	}
	l := &lineLog{lw: lw, stream: "stdout"}
	l.Write([]byte("a\nb"))
	l.Write([]byte("c\n"))
	l.Write([]byte(strings.Repeat("x", 40*1024)))
	if len(l.partial) >= maxLogLine {
		t.Fatalf("%d bytes held without a newline, cap %d", len(l.partial), maxLogLine)
	}
	l.flush()
	f.Close()
	rf, _ := os.Open(filepath.Join(dir, LogFile))
	defer rf.Close()
	var got []string
	sc := bufio.NewScanner(rf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e LogEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Stream != "stdout" {
			t.Fatalf("entry %q: %v", sc.Text(), err)
		}
		got = append(got, e.Log)
	}
	want := []string{"a\n", "bc\n", strings.Repeat("x", 16384), strings.Repeat("x", 16384), strings.Repeat("x", 8192)}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %d bytes %.10q, want %d bytes", i, len(got[i]), got[i], len(want[i]))
		}
	}
}
