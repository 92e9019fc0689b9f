package main

import (
	"errors"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/monitor"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "attach", Usage: "attach local standard input, output, and error streams to a running container",
		ArgsUsage: "CONTAINER",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-stdin", Usage: "do not attach STDIN"},
			&cli.BoolFlag{Name: "sig-proxy", Value: true, Usage: "proxy all received signals to the process"},
			&cli.StringFlag{Name: "detach-keys", Usage: "override the key sequence for detaching a container"},
		},
		Action: func(c *cli.Context) error {
			if err := exactArgs(c, 1); err != nil {
				return err
			}
			return withSession(attachAction)(c)
		},
	})
}

func attachAction(c *cli.Context, s *session) error {
	spec := c.String("detach-keys")
	if spec == "" {
		spec = "ctrl-p,ctrl-q"
	}
	keys, err := parseDetachKeys(spec)
	if err != nil {
		return err
	}
	r, err := s.ctrs.Lookup(c.Args().First())
	if err != nil {
		return err
	}
	if err := s.ctrs.CanAttach(r); err != nil {
		return err
	}
	stdinFd := int(os.Stdin.Fd())
	withStdin := !c.Bool("no-stdin")
	if r.Tty && withStdin && !term.IsTerminal(stdinFd) {
		return errdefs.Exit(1, errors.New("the input device is not a TTY"))
	}
	o := monitor.AttachOptions{Stdout: c.App.Writer, Stderr: c.App.ErrWriter}
	if withStdin && r.OpenStdin {
		o.Stdin, o.DetachKeys = os.Stdin, keys
	}
	if r.Tty && term.IsTerminal(stdinFd) {
		if old, err := term.MakeRaw(stdinFd); err == nil {
			defer term.Restore(stdinFd, old)
		}
		o.Resize = terminalSizes(stdinFd)
	}
	if c.Bool("sig-proxy") && !r.Tty {
		defer proxySignals(s, r)()
	}
	code, err := s.ctrs.Attach(r, o)
	if errors.Is(err, monitor.ErrDetached) {
		return cli.Exit(err.Error(), 1)
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return errdefs.Exit(code, nil)
	}
	return nil
}

// terminalSizes sends the terminal's size now and on every SIGWINCH.
func terminalSizes(fd int) <-chan [2]uint16 {
	ch := make(chan [2]uint16, 1)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for {
			if w, h, err := term.GetSize(fd); err == nil {
				select {
				case ch <- [2]uint16{uint16(h), uint16(w)}:
				default:
				}
			}
			<-winch
		}
	}()
	return ch
}

// proxySignals forwards the signals a user sends to nook attach to the
// container's process, as docker attach --sig-proxy does.
func proxySignals(s *session, r *container.Record) func() {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	go func() {
		for sig := range sigs {
			s.ctrs.Kill(r, strconv.Itoa(int(sig.(syscall.Signal))))
		}
	}()
	return func() { signal.Stop(sigs) }
}

// parseDetachKeys reads Docker's key sequence: comma-separated single
// characters or ctrl-<key> (a-z, @, [, \, ], ^, _).
func parseDetachKeys(spec string) ([]byte, error) {
	var keys []byte
	for _, k := range strings.Split(spec, ",") {
		switch {
		case len(k) == 1:
			keys = append(keys, k[0])
		case len(k) == 6 && strings.HasPrefix(strings.ToLower(k), "ctrl-"):
			ch := strings.ToLower(k)[5]
			switch {
			case ch >= 'a' && ch <= 'z':
				keys = append(keys, ch-'a'+1)
			case ch == '@':
				keys = append(keys, 0)
			case strings.IndexByte("[\\]^_", ch) >= 0:
				keys = append(keys, 27+byte(strings.IndexByte("[\\]^_", ch)))
			default:
				return nil, errdefs.Invalid("Invalid detach keys (%s) provided: unknown character %q", spec, ch)
			}
		default:
			return nil, errdefs.Invalid("Invalid detach keys (%s) provided: unknown key %q", spec, k)
		}
	}
	return keys, nil
}
