package monitor

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestNetworkLog_LazyTimestampedCapped(t *testing.T) {
	dir := t.TempDir()
	l := newNetworkLog(dir)
	path := filepath.Join(dir, NetworkLogFile)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the log exists before anything was written: %v", err)
	}
	l.Write([]byte("listen: "))
	l.Write([]byte("address in use\nsecond\n"))
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	stamp := `^\d{4}-\d\d-\d\dT[0-9:.]+Z `
	if len(lines) != 2 || !regexp.MustCompile(stamp+`listen: address in use$`).MatchString(lines[0]) ||
		!regexp.MustCompile(stamp+`second$`).MatchString(lines[1]) {
		t.Fatalf("log = %q: want one timestamp per line, none mid-line", b)
	}
	line := []byte(strings.Repeat("x", 1023) + "\n")
	for range 2 * maxNetworkLog / len(line) {
		if n, err := l.Write(line); n != len(line) || err != nil {
			t.Fatalf("Write = %d, %v: a full log must still accept writes", n, err)
		}
	}
	l.Close()
	st, _ := os.Stat(path)
	if st.Size() > maxNetworkLog+100 {
		t.Fatalf("log grew to %d bytes, cap %d", st.Size(), maxNetworkLog)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "[network.log full]\n") {
		t.Fatalf("a full log must say so at its end")
	}
	if newNetworkLog("") != nil {
		t.Fatal(`newNetworkLog("") must be nil (discard)`)
	}
}
