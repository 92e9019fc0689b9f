package monitor

import (
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"
)

// LogEntry is one line of Docker's json-file log driver.
type LogEntry struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

// logWriter serializes lines from several streams into one file.
type logWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func openLog(path string) (*logWriter, *os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	return &logWriter{enc: enc}, f, nil
}

// copyStream reads r into the log, line by line, until EOF.
func (l *logWriter) copyStream(r io.Reader, stream string, done *sync.WaitGroup) {
	defer done.Done()
	lines := &lineLog{lw: l, stream: stream}
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		lines.Write(buf[:n])
		if err != nil {
			lines.flush()
			return
		}
	}
}
