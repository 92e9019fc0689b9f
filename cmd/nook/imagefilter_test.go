package main

import (
	"errors"
	"testing"
	"time"

	"github.com/nook-dev/nook/internal/errdefs"
)

func TestImageFilters(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := []imageRow{
		{Repository: "busybox", Tag: "latest", created: t0},
		{Repository: "registry.local/team/app", Tag: "v1", created: t0.Add(time.Hour)},
		{Repository: "<none>", Tag: "<none>", created: t0.Add(2 * time.Hour)},
	}
	created := func(ref string) (time.Time, error) { return t0.Add(time.Hour), nil }
	cases := []struct {
		filters []string
		want    []int
	}{
		{nil, []int{0, 1, 2}},
		{[]string{"reference=busy*"}, []int{0}},
		{[]string{"reference=busybox:lat*"}, []int{0}},
		{[]string{"reference=busybox:v1"}, nil},
		{[]string{"reference=registry.local/*/app"}, []int{1}},
		{[]string{"reference=nomatch"}, nil},
		{[]string{"reference=busybox", "reference=*/team/*"}, []int{0, 1}},
		{[]string{"dangling=true"}, []int{2}},
		{[]string{"dangling=false"}, []int{0, 1}},
		{[]string{"before=x"}, []int{0}},
		{[]string{"since=x"}, []int{2}},
	}
	for _, c := range cases {
		f, err := parseImageFilters(c.filters, created)
		if err != nil {
			t.Fatalf("%v: %v", c.filters, err)
		}
		var got []int
		for i, r := range rows {
			if f.keep(r) {
				got = append(got, i)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%v kept %v, want %v", c.filters, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%v kept %v, want %v", c.filters, got, c.want)
				break
			}
		}
	}
	for _, bad := range []string{"bogus=a", "reference", "dangling=maybe", "until=soon"} {
		if _, err := parseImageFilters([]string{bad}, created); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("filter %q: got %v, want an invalid-argument error", bad, err)
		}
	}
}

func TestFilterRowsRegistryPort(t *testing.T) {
	rows := []imageRow{{Repository: "127.0.0.1:5000/app", Tag: "1"}, {Repository: "127.0.0.1:5000/app", Tag: "2"}, {Repository: "app", Tag: "1"}}
	for ref, want := range map[string]int{"127.0.0.1:5000/app": 2, "127.0.0.1:5000/app:1": 1, "app": 1, "app:2": 0, "127.0.0.1": 0} {
		if got := len(filterRows(rows, ref)); got != want {
			t.Errorf("filterRows(%q) kept %d rows, want %d", ref, got, want)
		}
	}
}
