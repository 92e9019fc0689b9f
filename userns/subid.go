package userns

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Range is one subordinate id range from /etc/subuid or /etc/subgid.
type Range struct {
	Start, Count int
}

// ParseSubIDs returns the ranges of user (by name or numeric id) in an
// /etc/subuid-format stream.
func ParseSubIDs(r io.Reader, name string, id int) ([]Range, error) {
	var out []Range
	idStr := strconv.Itoa(id)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != 3 || (f[0] != name && f[0] != idStr) {
			continue
		}
		start, err1 := strconv.Atoi(f[1])
		count, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || start < 0 || count <= 0 {
			continue
		}
		out = append(out, Range{Start: start, Count: count})
	}
	return out, sc.Err()
}

// ReadSubIDs reads path (/etc/subuid or /etc/subgid) for the user.
func ReadSubIDs(path, name string, id int) ([]Range, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	return ParseSubIDs(f, name, id)
}

// MapArgs builds newuidmap/newgidmap arguments: container id 0 is the
// caller's own id, and the ranges follow contiguously from container id 1.
func MapArgs(pid, hostID int, ranges []Range) []string {
	args := []string{strconv.Itoa(pid), "0", strconv.Itoa(hostID), "1"}
	next := 1
	for _, r := range ranges {
		args = append(args, strconv.Itoa(next), strconv.Itoa(r.Start), strconv.Itoa(r.Count))
		next += r.Count
	}
	return args
}

// Size returns the number of ids mapped by ranges plus the caller's own.
func Size(ranges []Range) int {
	n := 1
	for _, r := range ranges {
		n += r.Count
	}
	return n
}
