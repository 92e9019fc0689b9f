package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "update", Usage: "update configuration of one or more containers", ArgsUsage: "CONTAINER [CONTAINER...]",
		Flags: append(resourceFlags(),
			&cli.StringFlag{Name: "restart", Usage: "restart policy to apply when a container exits: no, on-failure[:N], always, unless-stopped", Category: "Lifecycle"}),
		Action: withSession(updateAction),
	})
}

// updateAction is `docker update`: the new limits and restart policy go
// into each container's record and, for a running one, into its cgroup
// and monitor. Each container done is echoed, as Docker does.
func updateAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 {
		return &usageErr{msg: "\"nook update\" requires at least 1 argument.\nSee 'nook update --help'.", exit: 1}
	}
	if c.NumFlags() == 0 {
		return errdefs.Invalid("you must provide one or more flags when using this command")
	}
	var restart *container.RestartPolicy
	if c.IsSet("restart") {
		rp, err := restartPolicy(c.String("restart"))
		if err != nil {
			return exit125(err)
		}
		restart = &rp
	}
	limitsSet := c.IsSet("memory") || c.IsSet("memory-swap") || c.IsSet("cpus") || c.IsSet("pids-limit")
	failed := false
	for _, ref := range c.Args().Slice() {
		err := updateOne(c, s, ref, restart, limitsSet)
		if err != nil {
			printError(os.Stderr, err)
			failed = true
			continue
		}
		fmt.Fprintln(c.App.Writer, ref)
	}
	if failed {
		return cli.Exit("", 1)
	}
	return nil
}

func updateOne(c *cli.Context, s *session, ref string, restart *container.RestartPolicy, limitsSet bool) error {
	r, err := s.ctrs.Lookup(ref)
	if err != nil {
		return err
	}
	u := container.Update{Restart: restart}
	if limitsSet {
		// The flags change what they name; the other limits stay.
		h := r.HostConfig
		if c.IsSet("memory") && !c.IsSet("memory-swap") {
			h.MemorySwap = 0 // limitFlags recomputes Docker's default: 2 x memory
		}
		if c.IsSet("pids-limit") {
			h.PidsLimit = nil // 0 or -1 lift it; limitFlags sets a positive one
		}
		if err := limitFlags(c, &h); err != nil {
			return err
		}
		u.Limits = &h
	}
	return s.ctrs.Update(r, u)
}
