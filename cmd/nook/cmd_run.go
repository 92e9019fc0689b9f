package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/sandbox"
)

func init() {
	commands = append(commands, &cli.Command{
		Name:      "run",
		Usage:     "create and run a new container from an image",
		ArgsUsage: "IMAGE [COMMAND] [ARG...]",
		Flags:     append(createFlags(), pullFlag, platformFlag, &cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "run container in background and print container ID"}),
		Action: func(c *cli.Context) error {
			return exit125(runAction(c))
		},
	})
}

func runAction(c *cli.Context) error {
	o, err := createOptions(c)
	if err != nil {
		return err
	}
	if o.Tty && o.Interactive && !c.Bool("detach") && !term.IsTerminal(int(os.Stdin.Fd())) {
		return errdefs.Exit(1, fmt.Errorf("the input device is not a TTY"))
	}
	s, err := openSession(c)
	if err != nil {
		return err
	}
	defer s.close()
	rec, err := createContainer(c, s, o)
	if err != nil {
		return err
	}
	if c.Bool("detach") {
		if err := startDetached(s, rec); err != nil {
			s.discardFailed(rec, err)
			return err
		}
		fmt.Fprintln(c.App.Writer, rec.ID)
		return nil
	}
	code, err := runAttached(s, rec, o)
	if err != nil {
		s.discardFailed(rec, err)
		return err
	}
	if code != 0 {
		return errdefs.Exit(code, nil)
	}
	return nil
}

// runAttached runs rec in the foreground with the terminal or stdio.
func runAttached(s *session, rec *container.Record, o container.CreateOptions) (int, error) {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	if o.Tty {
		return runWithTerminal(s, rec, o.Interactive, sigs)
	}
	stdio := sandbox.Stdio{Stdout: os.Stdout, Stderr: os.Stderr}
	if o.Interactive {
		stdio.Stdin = os.Stdin
	}
	return s.ctrs.RunForeground(rec, stdio, sigs)
}

// discardFailed removes a container whose start failed in nook itself
// (a used port, a missing helper): nothing half-created stays behind.
// Like Docker, one whose command could not be found (126/127) is kept.
func (s *session) discardFailed(rec *container.Record, err error) {
	var ee *errdefs.ExitError
	if errors.As(err, &ee) && ee.Code != 125 {
		return
	}
	if r, lerr := s.ctrs.Load(rec.ID); lerr == nil {
		s.ctrs.Remove(r, true, true)
	}
}
