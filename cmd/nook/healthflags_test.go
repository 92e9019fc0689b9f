package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/image"
)

// parseHealth runs healthFlags on run's flags parsed from args.
func parseHealth(t *testing.T, args ...string) (*image.HealthConfig, error) {
	t.Helper()
	var hc *image.HealthConfig
	var herr error
	app := &cli.App{Name: "nook", HideHelp: true, Flags: createFlags(), Action: func(c *cli.Context) error {
		hc, herr = healthFlags(c)
		return nil
	}}
	if err := app.Run(append([]string{"nook"}, args...)); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return hc, herr
}

func TestHealthFlags_DockerSemantics(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    *image.HealthConfig
		wantErr string
	}{
		{"no flags: the image's healthcheck stays", nil, nil, ""},
		{"--health-cmd is CMD-SHELL", []string{"--health-cmd", "curl -f x || exit 1", "--health-interval", "2s", "--health-retries", "4"},
			&image.HealthConfig{Test: []string{"CMD-SHELL", "curl -f x || exit 1"}, Interval: 2 * time.Second, Retries: 4}, ""},
		{"a duration alone keeps the image's test", []string{"--health-timeout", "500ms"},
			&image.HealthConfig{Timeout: 500 * time.Millisecond}, ""},
		{"--no-healthcheck is NONE", []string{"--no-healthcheck"}, &image.HealthConfig{Test: []string{"NONE"}}, ""},
		{"--no-healthcheck with --health-* conflicts", []string{"--no-healthcheck", "--health-retries", "1"}, nil, "conflicts with --health-* options"},
		{"negative durations are refused", []string{"--health-start-period", "-1s"}, nil, "--health-start-period cannot be negative"},
		{"negative retries are refused", []string{"--health-retries", "-1"}, nil, "--health-retries cannot be negative"},
		{"under a millisecond is refused", []string{"--health-interval", "10us"}, nil, "Interval in Healthcheck cannot be less than 1ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseHealth(t, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
