package format

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "Less than a second"},
		{-5 * time.Second, "Less than a second"},
		{999 * time.Millisecond, "Less than a second"},
		{time.Second, "1 second"},
		{1999 * time.Millisecond, "1 second"},
		{2 * time.Second, "2 seconds"},
		{59 * time.Second, "59 seconds"},
		{60 * time.Second, "About a minute"},
		{119 * time.Second, "About a minute"},
		{120 * time.Second, "2 minutes"},
		{59*time.Minute + 59*time.Second, "59 minutes"},
		{60 * time.Minute, "About an hour"},
		{89 * time.Minute, "About an hour"},
		{90 * time.Minute, "2 hours"},
		{47*time.Hour + 29*time.Minute, "47 hours"},
		{47*time.Hour + 30*time.Minute, "2 days"},
		{13*day + 23*time.Hour, "13 days"},
		{14 * day, "2 weeks"},
		{20 * day, "2 weeks"},
		{21 * day, "3 weeks"},
		{59 * day, "8 weeks"},
		{60 * day, "2 months"},
		{729 * day, "24 months"},
		{730 * day, "2 years"},
		{3*365*day + 100*day, "3 years"},
	}
	for _, tc := range tests {
		if got := HumanDuration(tc.d); got != tc.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestSinceAndCreatedAt(t *testing.T) {
	created := time.Date(2025, 1, 10, 12, 0, 0, 900_000_000, time.UTC)
	now := created.Add(2*time.Minute + 100*time.Millisecond)
	// created is truncated to 12:00:00, so 2m1s have passed.
	if got := Since(created, now); got != "2 minutes ago" {
		t.Errorf("Since = %q", got)
	}
	if got := Since(created, created.Add(500*time.Millisecond)); got != "1 second ago" {
		t.Errorf("Since(truncated to whole seconds) = %q, want 1 second ago", got)
	}
	if got := Since(now, now); got != "Less than a second ago" {
		t.Errorf("Since(now) = %q", got)
	}
	t.Setenv("TZ", "UTC")
	want := time.Unix(created.Unix(), 0).String()
	if got := CreatedAt(created); got != want {
		t.Errorf("CreatedAt = %q, want %q", got, want)
	}
}

func TestHumanSize(t *testing.T) {
	tests := []struct {
		size int64
		want string
	}{
		{0, "0B"},
		{2, "2B"},
		{999, "999B"},
		{1000, "1kB"},
		{1024, "1.02kB"},
		{999_999, "1e+03kB"},
		{5_590_000, "5.59MB"},
		{7_800_000, "7.8MB"},
		{158_000_000, "158MB"},
		{158_432_111, "158MB"},
		{1_220_000_000, "1.22GB"},
		{3_000_000_000_000, "3TB"},
	}
	for _, tc := range tests {
		if got := HumanSize(tc.size); got != tc.want {
			t.Errorf("HumanSize(%d) = %q, want %q", tc.size, got, tc.want)
		}
	}
	if got := HumanSizeWithPrecision(2_746_000, 4); got != "2.746MB" {
		t.Errorf("HumanSizeWithPrecision(4) = %q", got)
	}
}

func TestBytesSize(t *testing.T) {
	tests := []struct {
		size int64
		want string
	}{
		{0, "0B"},
		{1023, "1023B"},
		{1024, "1KiB"},
		{512 << 20, "512MiB"},
		{16_642_998_272, "15.5GiB"},
		{1 << 40, "1TiB"},
	}
	for _, tc := range tests {
		if got := BytesSize(tc.size); got != tc.want {
			t.Errorf("BytesSize(%d) = %q, want %q", tc.size, got, tc.want)
		}
	}
}
