package main

import (
	"math"
	"os"
	osexec "os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseGroups(t *testing.T) {
	cmds, err := parseGroups([]string{"::", "a b", "sh", "-c", "x", "::", "c", "true"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 2 || cmds[0].label != "a b" || strings.Join(cmds[0].argv, " ") != "sh -c x" ||
		cmds[1].label != "c" || len(cmds[1].argv) != 1 {
		t.Fatalf("got %+v", cmds)
	}
	for _, bad := range [][]string{{"::", "label-only"}, {"x", "::", "l", "c"}, {"::", "l", "c", "::"}} {
		if _, err := parseGroups(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseRatio(t *testing.T) {
	r, err := parseRatio("3-2/1", 3)
	if err != nil || r.num != 2 || r.sub != 1 || r.den != 0 {
		t.Fatalf("3-2/1: %+v %v", r, err)
	}
	r, err = parseRatio("2/1", 2)
	if err != nil || r.num != 1 || r.sub != -1 || r.den != 0 {
		t.Fatalf("2/1: %+v %v", r, err)
	}
	for _, bad := range []string{"2", "3/1", "0/1", "a/1", "2-x/1"} {
		if _, err := parseRatio(bad, 2); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// The per-round ratio follows the machine's swings; the ratio of separate
// medians would not: base doubles in rounds 3-5, and so does the command.
func TestRatioEvalPerRound(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	times := [][]time.Duration{
		ms(100, 100, 200, 200, 200), // base
		ms(10, 10, 10, 10, 10),      // fixed cost
		ms(130, 130, 250, 250, 250), // 1.2x base + fixed cost
	}
	med, min := ratioSpec{num: 2, sub: 1, den: 0}.eval(times)
	if math.Abs(med-1.2) > 1e-9 || math.Abs(min-1.2) > 1e-9 {
		t.Fatalf("3-2/1: median %v min %v, want 1.2 1.2", med, min)
	}
	med, _ = ratioSpec{num: 2, sub: -1, den: 0}.eval(times)
	if math.Abs(med-1.25) > 1e-9 {
		t.Fatalf("3/1: median %v, want 1.25", med)
	}
}

// The binary end to end: interleaved, rotated order, -before runs each time, output lines.
func TestInterleavedRun(t *testing.T) {
	dir := t.TempDir()
	bin := dir + "/benchrun"
	if out, err := osexec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	log := dir + "/log"
	out, err := osexec.Command(bin, "-n", "2", "-before", "echo pre >>"+log, "-ratio", "2/1", "--",
		"::", "first", "sh", "-c", "echo a >>"+log, "::", "second", "sh", "-c", "echo b >>"+log).Output()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(log)
	want := "pre\na\npre\nb\npre\nb\npre\na\npre\na\npre\nb\n" // warm-up round + 2, rotated
	if string(got) != want {
		t.Fatalf("order:\n%s\nwant:\n%s", got, want)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "first ") || !strings.Contains(lines[0], "(n=2)") ||
		!strings.HasPrefix(lines[1], "second ") || !strings.HasPrefix(lines[2], "ratio 2/1 median ") {
		t.Fatalf("output:\n%s", out)
	}
	if err := osexec.Command(bin, "-ratio", "3/1", "--", "::", "a", "true").Run(); err == nil {
		t.Fatal("bad -ratio accepted")
	}
}
