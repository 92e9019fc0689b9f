package container

import (
	"reflect"
	"testing"
	"time"

	"github.com/nook-dev/nook/image"
)

func TestMergeHealthcheck_FlagsOverImage(t *testing.T) {
	img := &image.HealthConfig{Test: []string{"CMD", "img"}, Interval: time.Minute, Timeout: 2 * time.Second, Retries: 5}
	tests := []struct {
		name      string
		img, user *image.HealthConfig
		want      *image.HealthConfig
	}{
		{"no flags keep the image's", img, nil, img},
		{"no image takes the flags", nil, &image.HealthConfig{Test: []string{"CMD-SHELL", "x"}},
			&image.HealthConfig{Test: []string{"CMD-SHELL", "x"}}},
		{"a flag replaces only its field", img, &image.HealthConfig{Interval: time.Second},
			&image.HealthConfig{Test: []string{"CMD", "img"}, Interval: time.Second, Timeout: 2 * time.Second, Retries: 5}},
		{"--no-healthcheck keeps the durations, as Docker's merge does", img, &image.HealthConfig{Test: []string{"NONE"}},
			&image.HealthConfig{Test: []string{"NONE"}, Interval: time.Minute, Timeout: 2 * time.Second, Retries: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeHealthcheck(tt.img, tt.user); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestProbeConfig_TestFormsAndDefaults(t *testing.T) {
	rec := func(hc *image.HealthConfig, shell ...string) *Record {
		return &Record{Config: image.ContainerConfig{Healthcheck: hc, Shell: shell}}
	}
	for _, r := range []*Record{rec(nil), rec(&image.HealthConfig{}), rec(&image.HealthConfig{Test: []string{"NONE"}}),
		rec(&image.HealthConfig{Test: []string{"CMD"}})} {
		if got := ProbeConfig(r); got != nil {
			t.Fatalf("%+v: got %+v, want no probe", r.Config.Healthcheck, got)
		}
	}
	p := ProbeConfig(rec(&image.HealthConfig{Test: []string{"CMD-SHELL", "test -e /ok"}}))
	if !reflect.DeepEqual(p.Test, []string{"CMD", "/bin/sh", "-c", "test -e /ok"}) {
		t.Fatalf("CMD-SHELL test = %q", p.Test)
	}
	if p.Interval != 30*time.Second || p.Timeout != 30*time.Second || p.Retries != 3 || p.StartPeriod != 0 || p.StartInterval != 5*time.Second {
		t.Fatalf("defaults = %+v", p)
	}
	p = ProbeConfig(rec(&image.HealthConfig{Test: []string{"CMD-SHELL", "x"}, Interval: time.Second, Retries: 1}, "/bin/bash", "-ec"))
	if !reflect.DeepEqual(p.Test, []string{"CMD", "/bin/bash", "-ec", "x"}) || p.Interval != time.Second || p.Retries != 1 {
		t.Fatalf("SHELL test = %+v", p)
	}
	p = ProbeConfig(rec(&image.HealthConfig{Test: []string{"CMD", "curl", "-f", "localhost"}}))
	if !reflect.DeepEqual(p.Test, []string{"CMD", "curl", "-f", "localhost"}) {
		t.Fatalf("CMD test = %q", p.Test)
	}
}

func TestHealthStatus_NoneWithoutHealthcheck(t *testing.T) {
	if got := HealthStatus(State{}); got != "none" {
		t.Fatalf("got %q", got)
	}
	if got := HealthStatus(State{Health: &Health{Status: "healthy"}}); got != "healthy" {
		t.Fatalf("got %q", got)
	}
}
