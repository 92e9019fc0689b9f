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
	"github.com/nook-dev/nook/records"
	"github.com/nook-dev/nook/sandbox"
)

func init() {
	roles["_exec"] = sandbox.ExecMain
	commands = append(commands, &cli.Command{
		Name: "exec", Usage: "execute a command in a running container", ArgsUsage: "CONTAINER COMMAND [ARG...]",
		Flags:  execFlags(),
		Action: withRecords(execAction),
	})
}

// execFlags declares exec.Flags, which nook-runtime's fast exec parses
// too: one table, so the two never drift apart.
func execFlags() []cli.Flag {
	var out []cli.Flag
	for _, f := range exec.Flags {
		var aliases []string
		if f.Alias != "" {
			aliases = []string{f.Alias}
		}
		switch {
		case f.Multi:
			out = append(out, &cli.StringSliceFlag{Name: f.Name, Aliases: aliases, Usage: f.Usage})
		case f.Value:
			out = append(out, &cli.StringFlag{Name: f.Name, Aliases: aliases, Usage: f.Usage})
		default:
			out = append(out, &cli.BoolFlag{Name: f.Name, Aliases: aliases, Usage: f.Usage})
		}
	}
	return out
}

// execCLI is the command line as exec.CLI, for exec.CLI.Process.
func execCLI(c *cli.Context) exec.CLI {
	a := exec.CLI{Set: map[string][]string{}, Container: c.Args().First(), Args: c.Args().Tail()}
	for _, f := range exec.Flags {
		switch {
		case !c.IsSet(f.Name):
		case f.Multi:
			a.Set[f.Name] = c.StringSlice(f.Name)
		case f.Value:
			a.Set[f.Name] = []string{c.String(f.Name)}
		case c.Bool(f.Name):
			a.Set[f.Name] = []string{"true"}
		}
	}
	return a
}

// lookupRunning resolves ref to a running container and its pid 1, or
// Docker's error (exec and enter both need it).
func lookupRunning(s *session, ref string) (*container.Record, int, error) {
	r, err := s.ctrs.Lookup(ref)
	if err != nil {
		return nil, 0, err
	}
	if pid, ok := records.RunningPid(s.ctrs.ReadState(r.ID)); ok {
		return r, pid, container.ErrIfPaused(r)
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
		return &usageErr{msg: "\"nook exec\" requires at least 2 arguments.\nSee 'nook exec --help'.", exit: 1}
	}
	r, pid, err := lookupRunning(s, c.Args().First())
	if err != nil {
		return err
	}
	trace.Mark("container found")
	p, err := execCLI(c).Process(r.Spec.Process, sandbox.CapabilityNames())
	if err != nil {
		return err
	}
	o := exec.Options{Pid: pid, Namespaces: exec.AllNamespaces, Process: p, Detach: c.Bool("detach"), Env: s.ctrs.InitEnv(), Cgroup: r.Spec.Cgroup}
	exec.CloseInheritedFds()
	return runExec(c, o, c.Bool("interactive"))
}

// runExec wires stdio (or a pty) and returns the process's exit code.
func runExec(c *cli.Context, o exec.Options, interactive bool) error {
	// As docker/cli's CheckTty: only -i with -t needs a terminal on
	// stdin; -t alone gives the process a pty and copies its output.
	if o.Process.Terminal && interactive && !o.Detach && !term.IsTerminal(int(os.Stdin.Fd())) {
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
