package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/creack/pty"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/exec"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/sandbox"
)

func init() {
	roles["_exec"] = sandbox.ExecMain
	commands = append(commands, &cli.Command{
		Name: "exec", Usage: "execute a command in a running container", ArgsUsage: "CONTAINER COMMAND [ARG...]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "detached mode: run command in the background"},
			&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "keep STDIN open"},
			&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "allocate a pseudo-TTY"},
			&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set environment variables"},
			&cli.StringSliceFlag{Name: "env-file", Usage: "read in a file of environment variables"},
			&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "working directory inside the container"},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "username or UID (format: <name|uid>[:<group|gid>])"},
			&cli.BoolFlag{Name: "privileged", Usage: "give extended privileges to the command"},
		},
		Action: withRecords(execAction),
	})
}

// lookupRunning resolves ref to a running container and its pid 1, or
// Docker's error (exec and enter both need it).
func lookupRunning(s *session, ref string) (*container.Record, int, error) {
	r, err := s.ctrs.Lookup(ref)
	if err != nil {
		return nil, 0, err
	}
	if st := s.ctrs.ReadState(r.ID); st.Status == container.StatusRunning && st.Pid > 0 && container.HolderAlive(st) {
		return r, st.Pid, container.ErrIfPaused(r)
	}
	// Not plainly running: the full check may clean up after a dead
	// monitor, which needs the store.
	if err := s.openStore(); err != nil {
		return nil, 0, err
	}
	st := s.ctrs.CurrentState(r)
	if st.Status != container.StatusRunning || st.Pid <= 0 {
		return nil, 0, errdefs.Conflict("container %s is not running", r.ID)
	}
	return r, st.Pid, container.ErrIfPaused(r)
}

func execAction(c *cli.Context, s *session) error {
	if c.NArg() < 2 {
		return &usageErr{msg: "\"nook exec\" requires at least 2 arguments.\nSee 'nook exec --help'."}
	}
	r, pid, err := lookupRunning(s, c.Args().First())
	if err != nil {
		return err
	}
	trace.Mark("container found")
	env, err := environment(c.StringSlice("env"), c.StringSlice("env-file"))
	if err != nil {
		return err
	}
	p := r.Spec.Process
	p.Args = c.Args().Tail()
	p.Env = append(append([]string(nil), p.Env...), env...)
	p.Terminal = c.Bool("tty")
	if c.IsSet("user") {
		p.User = c.String("user")
	}
	if c.IsSet("workdir") {
		p.Cwd = c.String("workdir")
	}
	if c.Bool("privileged") {
		p.Capabilities = sandbox.CapabilityNames()
	}
	o := exec.Options{Pid: pid, Namespaces: exec.AllNamespaces, Process: p, Detach: c.Bool("detach"), Env: s.ctrs.InitEnv(), Cgroup: r.Spec.Cgroup}
	return runExec(c, o, c.Bool("interactive"))
}

// runExec wires stdio (or a pty) and returns the process's exit code.
func runExec(c *cli.Context, o exec.Options, interactive bool) error {
	if o.Process.Terminal && !term.IsTerminal(int(os.Stdin.Fd())) {
		return errdefs.Exit(1, fmt.Errorf("the input device is not a TTY"))
	}
	if o.Detach {
		cmd, err := exec.Start(o)
		if err != nil {
			return err
		}
		return cmd.Process.Release()
	}
	var sock *os.File
	if o.Process.Terminal {
		var err error
		if sock, o.Console, err = sandbox.ConsoleSocket(); err != nil {
			return err
		}
		defer sock.Close()
		if old, err := term.MakeRaw(int(os.Stdin.Fd())); err == nil {
			defer term.Restore(int(os.Stdin.Fd()), old)
		}
	} else {
		o.Stdout, o.Stderr = os.Stdout, os.Stderr
		if interactive {
			o.Stdin = os.Stdin
		}
	}
	cmd, err := exec.Start(o)
	if err != nil {
		return err
	}
	var ptmx *os.File
	done := make(chan struct{})
	if sock != nil {
		o.Console.Close()
		ptmx = sandbox.ReceiveConsole(sock)
	}
	if ptmx != nil {
		defer ptmx.Close()
		pty.InheritSize(os.Stdin, ptmx)
		if interactive {
			go io.Copy(ptmx, os.Stdin)
		}
		go func() { io.Copy(os.Stdout, ptmx); close(done) }()
	} else {
		close(done)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH)
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGWINCH && ptmx != nil {
				pty.InheritSize(os.Stdin, ptmx)
			}
			cmd.Process.Signal(sig)
		}
	}()
	trace.Mark("exec started")
	err = cmd.Wait()
	trace.Mark("exec exited")
	signal.Stop(sigs)
	<-done
	if code := exec.ExitCode(err, cmd); code != 0 {
		return errdefs.Exit(code, nil)
	}
	return nil
}
