package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands,
		&cli.Command{Name: "create", Usage: "create a new container", ArgsUsage: "IMAGE [COMMAND] [ARG...]",
			Flags: append(createFlags(), pullFlag, platformFlag), Action: func(c *cli.Context) error { return exit125(createAction(c)) }},
		&cli.Command{Name: "start", Usage: "start one or more stopped containers", ArgsUsage: "CONTAINER [CONTAINER...]",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "attach", Aliases: []string{"a"}, Usage: "attach STDOUT/STDERR and forward signals"},
				&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "attach container's STDIN"},
			},
			Action: withSession(startAction)},
		&cli.Command{Name: "stop", Usage: "stop one or more running containers", ArgsUsage: "CONTAINER [CONTAINER...]",
			Flags:  stopFlags(),
			Action: withSession(eachContainer(stopOne))},
		&cli.Command{Name: "restart", Usage: "restart one or more containers", ArgsUsage: "CONTAINER [CONTAINER...]",
			Flags: stopFlags(),
			Action: withSession(eachContainer(func(c *cli.Context, s *session, r *container.Record) error {
				if err := stopOne(c, s, r); err != nil {
					return err
				}
				return s.ctrs.StartDetached(r)
			}))},
		&cli.Command{Name: "kill", Usage: "kill one or more running containers", ArgsUsage: "CONTAINER [CONTAINER...]",
			Flags: []cli.Flag{&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Value: "KILL", Usage: "signal to send to the container"}},
			Action: withSession(eachContainer(func(c *cli.Context, s *session, r *container.Record) error {
				return s.ctrs.Kill(r, c.String("signal"))
			}))},
		&cli.Command{Name: "rm", Usage: "remove one or more containers", ArgsUsage: "CONTAINER [CONTAINER...]",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "force the removal of a running container"},
				&cli.BoolFlag{Name: "volumes", Aliases: []string{"v"}, Usage: "remove anonymous volumes associated with the container"},
			},
			Action: withSession(eachArg(func(c *cli.Context, s *session, r *container.Record) error {
				return s.removeContainer(r, c.Bool("force"), c.Bool("volumes"))
			}, echoAndForgiveMissing("force")))},
		&cli.Command{Name: "wait", Usage: "block until one or more containers stop, then print their exit codes",
			ArgsUsage: "CONTAINER [CONTAINER...]",
			Action: withSession(eachContainerQuiet(func(c *cli.Context, s *session, r *container.Record) error {
				fmt.Fprintln(c.App.Writer, s.ctrs.Wait(r))
				return nil
			}))},
	)
}

// removeContainer removes r (and, with volumes, its anonymous volumes).
func (s *session) removeContainer(r *container.Record, force, volumes bool) error {
	return s.ctrs.Remove(r, force, volumes)
}

func createAction(c *cli.Context) error {
	o, err := createOptions(c)
	if err != nil {
		return err
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
	fmt.Fprintln(c.App.Writer, rec.ID)
	return nil
}

func stopOne(c *cli.Context, s *session, r *container.Record) error {
	t := c.Int("time")
	if t < 0 {
		t = 10
		if r.HostConfig.StopTimeout != nil {
			t = *r.HostConfig.StopTimeout
		}
	}
	return s.ctrs.StopWithSignal(r, t, c.String("signal"))
}

// stopFlags are docker stop's and restart's: -t/--time (--timeout) and
// -s/--signal (Docker 23+), which overrides the container's stop signal.
func stopFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "time", Aliases: []string{"t", "timeout"}, Value: -1, Usage: "seconds to wait before killing the container"},
		&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Usage: "signal to send to the container (default: its stop signal, else SIGTERM)"},
	}
}

func startAction(c *cli.Context, s *session) error {
	if c.Bool("attach") {
		if c.NArg() != 1 {
			return &usageErr{msg: "you cannot start and attach multiple containers at once"}
		}
		r, err := s.ctrs.Lookup(c.Args().First())
		if err != nil {
			return err
		}
		code, err := runAttached(s, r, container.CreateOptions{Tty: r.Tty, Interactive: c.Bool("interactive")})
		if err != nil {
			return err
		}
		if code != 0 {
			return errdefs.Exit(code, nil)
		}
		return nil
	}
	return eachContainer(func(c *cli.Context, s *session, r *container.Record) error {
		return s.ctrs.StartDetached(r)
	})(c, s)
}

// eachContainer runs fn for every argument, printing each as Docker does,
// reporting errors per argument and exiting 1 at the end if any failed.
func eachContainer(fn func(*cli.Context, *session, *container.Record) error) func(*cli.Context, *session) error {
	return eachArg(fn, eachOptions{echo: true})
}

func eachContainerQuiet(fn func(*cli.Context, *session, *container.Record) error) func(*cli.Context, *session) error {
	return eachArg(fn, eachOptions{})
}

// eachOptions: echo prints each argument done, as Docker does; with
// forgiveMissing (a bool flag's name) set, a container that does not
// exist is reported but does not fail the command (docker rm -f, since
// Docker 20.10, like rm -f).
type eachOptions struct {
	echo           bool
	forgiveMissing string
}

func echoAndForgiveMissing(flag string) eachOptions {
	return eachOptions{echo: true, forgiveMissing: flag}
}

func eachArg(fn func(*cli.Context, *session, *container.Record) error, o eachOptions) func(*cli.Context, *session) error {
	return func(c *cli.Context, s *session) error {
		if c.NArg() < 1 {
			return &usageErr{msg: fmt.Sprintf("\"%s\" requires at least 1 argument.\nSee '%s --help'.", c.Command.HelpName, c.Command.HelpName), exit: 1}
		}
		failed := false
		for _, ref := range c.Args().Slice() {
			r, err := s.ctrs.Lookup(ref)
			if err == nil {
				err = fn(c, s, r)
			}
			if err != nil {
				printError(os.Stderr, err)
				if o.forgiveMissing == "" || !c.Bool(o.forgiveMissing) || !errors.Is(err, errdefs.ErrNotFound) {
					failed = true
				}
				continue
			}
			if o.echo {
				fmt.Fprintln(c.App.Writer, ref)
			}
		}
		if failed {
			return cli.Exit("", 1)
		}
		return nil
	}
}
