package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "healthcheck", Usage: "manage health checks on containers",
		Subcommands: []*cli.Command{
			{Name: "run", Usage: "run the health check of a container now", ArgsUsage: "CONTAINER",
				Action: withSession(healthcheckRunAction)},
		},
	})
}

// healthcheckRunAction is Podman's `healthcheck run`: exit 0 when the
// probe succeeds; else print "unhealthy" and exit 1. Errors exit 125.
func healthcheckRunAction(c *cli.Context, s *session) error {
	if c.NArg() != 1 {
		return &usageErr{msg: "\"nook healthcheck run\" requires exactly 1 argument.\nSee 'nook healthcheck run --help'.", exit: 1}
	}
	r, err := s.ctrs.Lookup(c.Args().First())
	if err != nil {
		return exit125(err)
	}
	res, err := s.ctrs.RunHealthcheck(r)
	if err != nil {
		return exit125(err)
	}
	if res.ExitCode != 0 {
		fmt.Fprintln(c.App.Writer, container.HealthUnhealthy)
		return errdefs.Exit(1, nil)
	}
	return nil
}

// healthFlags turns --health-* and --no-healthcheck into a HealthConfig
// (nil when none is given), validated as the Docker CLI and daemon do.
func healthFlags(c *cli.Context) (*image.HealthConfig, error) {
	hc := &image.HealthConfig{Interval: c.Duration("health-interval"), Timeout: c.Duration("health-timeout"),
		StartPeriod: c.Duration("health-start-period"), StartInterval: c.Duration("health-start-interval"),
		Retries: c.Int("health-retries")}
	if cmd := c.String("health-cmd"); cmd != "" {
		hc.Test = []string{"CMD-SHELL", cmd}
	}
	have := len(hc.Test) > 0 || hc.Interval != 0 || hc.Timeout != 0 || hc.StartPeriod != 0 || hc.StartInterval != 0 || hc.Retries != 0
	if c.Bool("no-healthcheck") {
		if have {
			return nil, errdefs.Invalid("--no-healthcheck conflicts with --health-* options")
		}
		return &image.HealthConfig{Test: []string{"NONE"}}, nil
	}
	if !have {
		return nil, nil
	}
	if hc.Retries < 0 {
		return nil, errdefs.Invalid("--health-retries cannot be negative")
	}
	for _, d := range []struct {
		flag, field string
		v           time.Duration
	}{{"interval", "Interval", hc.Interval}, {"timeout", "Timeout", hc.Timeout},
		{"start-period", "StartPeriod", hc.StartPeriod}, {"start-interval", "StartInterval", hc.StartInterval}} {
		if d.v < 0 {
			return nil, errdefs.Invalid("--health-%s cannot be negative", d.flag)
		}
		if d.v != 0 && d.v < time.Millisecond {
			return nil, errdefs.Invalid("%s in Healthcheck cannot be less than 1ms", d.field)
		}
	}
	return hc, nil
}

// validHealthFilter accepts the values of ps -f health=.
func validHealthFilter(v string) bool {
	switch v {
	case container.HealthStarting, container.HealthHealthy, container.HealthUnhealthy, container.HealthNone:
		return true
	}
	return false
}
