// Package procstat reads what nook needs from /proc/PID/stat. It is its
// own package so that the monitor, a pure-Go binary, gets it without
// userns (which links the cgo namespace-joining constructor).
package procstat

import (
	"fmt"
	"os"
	"strings"
)

// StartTime returns pid's start time in clock ticks since boot (field 22
// of /proc/PID/stat): with the pid it names one process across pid reuse.
func StartTime(pid int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", err
	}
	s := string(b)
	// The command name (field 2) may hold spaces and parentheses.
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", fmt.Errorf("parse /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return "", fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return f[19], nil
}
