package monitor

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// NetworkLogFile, in the container's directory, receives what the network
// helper (slirp4netns, pasta) and the port forwarder report: helper
// errors, failed connections to the container's port, bypass fallbacks.
// Without it those would be lost (the monitor has no terminal).
const NetworkLogFile = "network.log"

// maxNetworkLog caps the file: a client retrying against a port nothing
// listens on logs a line per attempt for as long as the container runs.
const maxNetworkLog = 1 << 20

// networkLog is a timestamped, capped, lazily created log file: most
// containers never write one.
type networkLog struct {
	path string

	mu      sync.Mutex
	f       *os.File
	written int64
	midLine bool
}

func newNetworkLog(dir string) *networkLog {
	if dir == "" {
		return nil
	}
	return &networkLog{path: filepath.Join(dir, NetworkLogFile)}
}

// Write never fails: a diagnostic that cannot be kept is not worth
// failing the writer (a helper's stderr, the forwarder) over.
func (l *networkLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.written >= maxNetworkLog {
		return len(p), nil
	}
	if l.f == nil {
		f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			l.written = maxNetworkLog // give up quietly
			return len(p), nil
		}
		l.f = f
	}
	stamp := time.Now().UTC().Format(time.RFC3339Nano) + " "
	var b []byte
	for rest := p; len(rest) > 0; {
		if !l.midLine {
			b = append(b, stamp...)
		}
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		b, rest = append(b, line...), rest[len(line):]
		l.midLine = line[len(line)-1] != '\n'
	}
	if room := maxNetworkLog - l.written; int64(len(b)) > room {
		b = append(b[:room], "\n[network.log full]\n"...)
	}
	n, _ := l.f.Write(b)
	l.written += int64(n)
	return len(p), nil
}

func (l *networkLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f, l.written = nil, maxNetworkLog // late writers are dropped
	return err
}
