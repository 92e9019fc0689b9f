// Command benchrun times commands and prints their median, p90 and minimum
// wall time. Used by tests/bench.sh (`make bench`); a failing run stops the
// benchmark.
//
// One command, N runs in a row:
//
//	benchrun -n 50 -label "nook run" -- nook run --rm IMG true
//
// Several commands interleaved: each round runs every command once, back to
// back (in rotated order), so a ratio between them compares runs made under the same machine
// state (on a machine whose disk speed swings minute to minute, medians from
// separate loops do not). Groups start with "::" and their label:
//
//	benchrun -n 10 -before sync -ratio 2/1 -- :: "tar|tar" sh -c '...' :: "nook commit" nook commit C
//
// -before runs (untimed, via sh -c) before every timed command. -ratio
// I/K or I-J/K (1-based command numbers) prints, after the per-command
// lines, `ratio SPEC median R.RRx min R.RRx (n=N)`: the median over rounds
// of (T_I - T_J) / T_K, and the same formula on the commands' minimums.
package main

import (
	"flag"
	"fmt"
	"os"
	osexec "os/exec"
	"strings"
	"time"
)

type ratioFlags []string

func (r *ratioFlags) String() string     { return strings.Join(*r, ",") }
func (r *ratioFlags) Set(s string) error { *r = append(*r, s); return nil }

func main() {
	n := flag.Int("n", 30, "runs or rounds (after one warm-up)")
	label := flag.String("label", "", "name to print (single command)")
	before := flag.String("before", "", "shell command run untimed before each timed command")
	var ratios ratioFlags
	flag.Var(&ratios, "ratio", "I/K or I-J/K: per-round ratio of interleaved commands (repeatable)")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchrun [-n N] [-label L] [-before SH] -- CMD [ARG...]\n"+
			"       benchrun [-n N] [-before SH] [-ratio I[-J]/K]... -- :: LABEL CMD [ARG...] :: LABEL CMD...")
		os.Exit(2)
	}
	var cmds []command
	if args[0] == "::" {
		var err error
		if cmds, err = parseGroups(args); err != nil {
			fmt.Fprintln(os.Stderr, "benchrun:", err)
			os.Exit(2)
		}
	} else {
		if *label == "" {
			*label = fmt.Sprint(args)
		}
		cmds = []command{{label: *label, argv: args}}
	}
	specs := make([]ratioSpec, 0, len(ratios))
	for _, r := range ratios {
		s, err := parseRatio(r, len(cmds))
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchrun:", err)
			os.Exit(2)
		}
		specs = append(specs, s)
	}
	times := make([][]time.Duration, len(cmds)) // times[cmd][round]
	for round := -1; round < *n; round++ {
		for k := range cmds {
			// Each round starts one command later: no command always runs
			// right after the same other one (or first after the warm-up).
			c := (k + round + 1) % len(cmds)
			cmd := cmds[c]
			d, err := runOnce(cmd.argv, *before)
			if err != nil {
				fmt.Fprintf(os.Stderr, "benchrun: %s: run %d: %v\n", cmd.label, round+1, err)
				os.Exit(1)
			}
			if round >= 0 { // the first round warms caches and is not counted
				times[c] = append(times[c], d)
			}
		}
	}
	for c, cmd := range cmds {
		s := sorted(times[c])
		fmt.Printf("%-40s median %7.2f ms   p90 %7.2f ms   min %7.2f ms   (n=%d)\n", cmd.label,
			ms(median(s)), ms(s[len(s)*9/10]), ms(s[0]), len(s))
	}
	for _, s := range specs {
		med, min := s.eval(times)
		fmt.Printf("ratio %s median %.2fx min %.2fx (n=%d)\n", s.text, med, min, *n)
	}
}

// runOnce runs the -before command (untimed), then times argv.
func runOnce(argv []string, before string) (time.Duration, error) {
	if before != "" {
		pre := osexec.Command("sh", "-c", before)
		pre.Stdout, pre.Stderr = os.Stderr, os.Stderr
		if err := pre.Run(); err != nil {
			return 0, fmt.Errorf("-before %q: %w", before, err)
		}
	}
	cmd := osexec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
