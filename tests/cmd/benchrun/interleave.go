package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

type command struct {
	label string
	argv  []string
}

// parseGroups splits ":: LABEL CMD ARGS... :: LABEL CMD ARGS..." into commands.
func parseGroups(args []string) ([]command, error) {
	var cmds []command
	for i := 0; i < len(args); {
		if args[i] != "::" {
			return nil, fmt.Errorf("expected \"::\" before %q", args[i])
		}
		j := i + 1
		for j < len(args) && args[j] != "::" {
			j++
		}
		g := args[i+1 : j]
		if len(g) < 2 {
			return nil, fmt.Errorf("group %d: want \":: LABEL CMD [ARG...]\"", len(cmds)+1)
		}
		cmds = append(cmds, command{label: g[0], argv: g[1:]})
		i = j
	}
	return cmds, nil
}

// ratioSpec is (T[num] - T[sub]) / T[den]; sub is -1 when absent.
type ratioSpec struct {
	text          string
	num, sub, den int
}

// parseRatio parses "I/K" or "I-J/K" with 1-based command numbers <= ncmds.
func parseRatio(s string, ncmds int) (ratioSpec, error) {
	top, den, ok := strings.Cut(s, "/")
	if !ok {
		return ratioSpec{}, fmt.Errorf("-ratio %q: want I/K or I-J/K", s)
	}
	num, sub, hasSub := strings.Cut(top, "-")
	r := ratioSpec{text: s, sub: -1}
	idx := func(v string) (int, error) {
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 || i > ncmds {
			return 0, fmt.Errorf("-ratio %q: %q is not a command number 1..%d", s, v, ncmds)
		}
		return i - 1, nil
	}
	var err error
	if r.num, err = idx(num); err != nil {
		return r, err
	}
	if r.den, err = idx(den); err != nil {
		return r, err
	}
	if hasSub {
		if r.sub, err = idx(sub); err != nil {
			return r, err
		}
	}
	return r, nil
}

// eval returns the median over rounds of the per-round ratio, and the ratio
// of the commands' minimums.
func (r ratioSpec) eval(times [][]time.Duration) (med, min float64) {
	f := func(num, sub, den time.Duration) float64 { return float64(num-sub) / float64(den) }
	at := func(c, i int) time.Duration {
		if c < 0 {
			return 0
		}
		return times[c][i]
	}
	per := make([]float64, len(times[r.num]))
	for i := range per {
		per[i] = f(at(r.num, i), at(r.sub, i), at(r.den, i))
	}
	sort.Float64s(per)
	minOf := func(c int) time.Duration {
		if c < 0 {
			return 0
		}
		return sorted(times[c])[0]
	}
	return per[len(per)/2], f(minOf(r.num), minOf(r.sub), minOf(r.den))
}

func sorted(ts []time.Duration) []time.Duration {
	s := append([]time.Duration(nil), ts...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s
}

// median of a sorted slice: the upper middle element, as benchrun always printed.
func median(s []time.Duration) time.Duration { return s[len(s)/2] }
