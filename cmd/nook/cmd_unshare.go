package main

import (
	"errors"
	"os"
	osexec "os/exec"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands, &cli.Command{
		Name:      "unshare",
		Usage:     "run a command in nook's rootless user namespace (default: $SHELL)",
		ArgsUsage: "[COMMAND [ARG...]]",
		Action:    unshareAction,
	})
}

func unshareAction(c *cli.Context) error {
	id, err := enterNamespace()
	if err != nil {
		return err
	}
	args := c.Args().Slice()
	if len(args) == 0 {
		sh := os.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		args = []string{sh}
	}
	path, err := osexec.LookPath(args[0])
	if err != nil {
		return errdefs.Exit(127, err)
	}
	cmd := osexec.Command(path, args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = id.ChildEnv(append(os.Environ(), "NOOK_UNSHARE=1", "CONTAINERS_GRAPHROOT="+dataDir()+"/storage"))
	err = cmd.Run()
	var ee *osexec.ExitError
	if errors.As(err, &ee) {
		return errdefs.Exit(ee.ExitCode(), nil)
	}
	return err
}
