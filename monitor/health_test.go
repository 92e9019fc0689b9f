package monitor

import (
	"strings"
	"testing"
	"time"

	"github.com/nook-dev/nook/spec"
)

func TestRecordHealth_StatusTransitions(t *testing.T) {
	started := time.Now()
	hc := &spec.Healthcheck{Retries: 3, StartPeriod: 10 * time.Second}
	at := func(d time.Duration, code int) spec.HealthLog {
		return spec.HealthLog{Start: started.Add(d), End: started.Add(d), ExitCode: code}
	}
	tests := []struct {
		name       string
		status     string
		results    []spec.HealthLog
		wantStatus string
		wantStreak int
	}{
		{"failures inside the start period are not counted", HealthStarting,
			[]spec.HealthLog{at(time.Second, 1), at(2*time.Second, 1), at(3*time.Second, 1)}, HealthStarting, 0},
		{"failures after the start period count up to unhealthy", HealthStarting,
			[]spec.HealthLog{at(11*time.Second, 1), at(12*time.Second, 1), at(13*time.Second, 1)}, HealthUnhealthy, 3},
		{"fewer failures than retries keep the status", HealthHealthy,
			[]spec.HealthLog{at(time.Second, 1), at(2*time.Second, 2)}, HealthHealthy, 2},
		{"a timeout (-1) counts as a failure", HealthHealthy,
			[]spec.HealthLog{at(time.Second, -1), at(2*time.Second, -1), at(3*time.Second, -1)}, HealthUnhealthy, 3},
		{"a success resets the streak", HealthUnhealthy,
			[]spec.HealthLog{at(11*time.Second, 1), at(12*time.Second, 0)}, HealthHealthy, 0},
		{"failures in the start period count once healthy", HealthHealthy,
			[]spec.HealthLog{at(time.Second, 1), at(2*time.Second, 1), at(3*time.Second, 1)}, HealthUnhealthy, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &spec.Health{Status: tt.status}
			for _, r := range tt.results {
				recordHealth(h, hc, started, r)
			}
			if h.Status != tt.wantStatus || h.FailingStreak != tt.wantStreak {
				t.Fatalf("got %s/%d, want %s/%d", h.Status, h.FailingStreak, tt.wantStatus, tt.wantStreak)
			}
			if len(h.Log) != len(tt.results) {
				t.Fatalf("log has %d entries, want %d", len(h.Log), len(tt.results))
			}
		})
	}
}

func TestRecordHealth_KeepsLastFiveLogEntries(t *testing.T) {
	h := &spec.Health{Status: HealthStarting}
	hc := &spec.Healthcheck{Retries: 3}
	for i := 0; i < 8; i++ {
		recordHealth(h, hc, time.Time{}, spec.HealthLog{ExitCode: i})
	}
	if len(h.Log) != maxHealthLog || h.Log[0].ExitCode != 3 || h.Log[4].ExitCode != 7 {
		t.Fatalf("log = %+v, want exit codes 3..7", h.Log)
	}
}

func TestLimitedBuffer_CutsAt4096(t *testing.T) {
	var b limitedBuffer
	b.Write([]byte(strings.Repeat("a", 4000)))
	n, err := b.Write([]byte(strings.Repeat("b", 200)))
	if n != 200 || err != nil {
		t.Fatalf("Write = %d, %v; a writer must report all bytes taken", n, err)
	}
	b.Write([]byte("c"))
	s := b.String()
	if len(s) != maxHealthOutput+3 || !strings.HasSuffix(s, "b...") {
		t.Fatalf("got %d bytes ending %q", len(s), s[len(s)-5:])
	}
	var small limitedBuffer
	small.Write([]byte("ok\n"))
	if small.String() != "ok\n" {
		t.Fatalf("small output changed: %q", small.String())
	}
}

// A holder without a healthcheck gets no prober: no goroutine, no signal
// handler, and Start/Stop on the nil prober do nothing.
func TestNewProber_NilWithoutHealthcheck(t *testing.T) {
	var saved bool
	p := NewProber(nil, spec.Container{}, nil, nil, func() { saved = true })
	if p != nil {
		t.Fatalf("NewProber(nil) = %+v, want nil", p)
	}
	h := &spec.Health{Status: HealthHealthy}
	p.Start(h, 1, time.Now())
	p.Stop()
	if saved || h.Status != HealthHealthy {
		t.Fatalf("nil prober touched the state: saved %v, status %q", saved, h.Status)
	}
}
