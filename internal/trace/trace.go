// Package trace prints where a command spends its time when NOOK_TRACE=1:
// one line per mark on stderr with the milliseconds since the process
// started (stamped by the nsenter constructor before the Go runtime ran).
package trace

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

var (
	enabled = os.Getenv("NOOK_TRACE") == "1"
	start   = processStart()
)

// Mark prints what just finished and when.
func Mark(what string) {
	if !enabled {
		return
	}
	fmt.Fprintf(os.Stderr, "trace %-7d %-30s %7.2f ms\n", os.Getpid(), what, float64(time.Since(start).Microseconds())/1000)
}

func processStart() time.Time {
	if ns, err := strconv.ParseInt(os.Getenv("_NOOK_T0"), 10, 64); err == nil {
		return time.Unix(0, ns)
	}
	return time.Now()
}
