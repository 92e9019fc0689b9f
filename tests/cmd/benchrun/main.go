// Command benchrun runs a command N times and prints its median, p90 and
// minimum wall time: `benchrun -n 50 -label "nook run" -- nook run --rm IMG true`.
// Used by tests/bench.sh (`make bench`). A failing run stops the benchmark.
package main

import (
	"flag"
	"fmt"
	"os"
	osexec "os/exec"
	"sort"
	"time"
)

func main() {
	n := flag.Int("n", 30, "runs (after one warm-up run)")
	label := flag.String("label", "", "name to print")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchrun [-n N] [-label L] -- CMD [ARG...]")
		os.Exit(2)
	}
	if *label == "" {
		*label = fmt.Sprint(args)
	}
	times := make([]time.Duration, 0, *n)
	for i := -1; i < *n; i++ {
		cmd := osexec.Command(args[0], args[1:]...)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "benchrun: %s: run %d: %v\n", *label, i+1, err)
			os.Exit(1)
		}
		if i >= 0 { // the first run warms caches and is not counted
			times = append(times, time.Since(start))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("%-40s median %7.2f ms   p90 %7.2f ms   min %7.2f ms   (n=%d)\n", *label,
		ms(times[len(times)/2]), ms(times[len(times)*9/10]), ms(times[0]), len(times))
}
