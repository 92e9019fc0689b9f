package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/userns"
)

// commands is filled by the files defining each command.
var commands []*cli.Command

func newApp() *cli.App {
	// -h means --hostname for run/create, as in Docker: help is --help only.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show help"}
	app := &cli.App{
		Name:                      "nook",
		Usage:                     "rootless containers with the Docker workflow",
		Version:                   version + ", build " + gitCommit, // docker --version's shape
		UseShortOptionHandling:    true,
		DisableSliceFlagSeparator: true,
		HideHelpCommand:           true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "storage-driver", Usage: "force the storage driver: overlay, fuse-overlayfs or vfs", EnvVars: []string{"NOOK_STORAGE_DRIVER"}},
			&cli.BoolFlag{Name: "debug", Usage: "debug output", EnvVars: []string{"NOOK_DEBUG"}},
		},
		Commands: commands,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return usageError(c, err)
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	addManagementAliases(app.Commands)
	app.Action = unknownCommand
	for _, cmd := range app.Commands {
		setUsageHandler(cmd)
		if len(cmd.Subcommands) > 0 && cmd.Action == nil {
			cmd.Action = unknownCommand
		}
	}
	return app
}

// unknownCommand runs for `nook` or a command group (`nook volume`)
// followed by a word that is no command: Docker's "is not a docker
// command" and exit 1, where urfave/cli would say "No help topic" and
// exit 3. Without a word it shows the help, as before.
func unknownCommand(c *cli.Context) error {
	root := c.Command == nil || c.Command.Name == "" || c.Command.Name == c.App.Name
	switch {
	case root && c.Args().First() == "help": // `nook help [CMD]`, as `docker help`
		if cmd := c.Args().Get(1); cmd != "" && c.App.Command(cmd) != nil {
			return cli.ShowCommandHelp(c, cmd)
		}
		return cli.ShowAppHelp(c)
	case !c.Args().Present() && root:
		return cli.ShowAppHelp(c)
	case !c.Args().Present():
		return cli.ShowSubcommandHelp(c)
	}
	name := c.Args().First()
	if !root {
		name = c.Command.Name + " " + name
	}
	return cli.Exit(fmt.Sprintf("nook: '%s' is not a nook command.\nSee 'nook --help'", name), 1)
}

func setUsageHandler(cmd *cli.Command) {
	cmd.UseShortOptionHandling = true
	cmd.OnUsageError = func(c *cli.Context, err error, _ bool) error { return usageError(c, err) }
	for _, sub := range cmd.Subcommands {
		setUsageHandler(sub)
	}
}

// usageErr is a usage error: exit 125 as docker/cli's flag errors, or
// exit (1) for a wrong number of arguments, as its RequiresMinArgs.
type usageErr struct {
	msg  string
	exit int
}

// argCount checks a command's number of arguments: "exactly" n when
// exact, else "at least" n, in docker/cli's words.
func argCount(c *cli.Context, n int, exact bool) error {
	if c.NArg() == n || (!exact && c.NArg() > n) {
		return nil
	}
	how, plural := "at least", "s"
	if exact {
		how = "exactly"
	}
	if n == 1 {
		plural = ""
	}
	return &usageErr{msg: fmt.Sprintf("\"%s\" requires %s %d argument%s.\nSee '%s --help'.", c.Command.HelpName, how, n, plural, c.Command.HelpName), exit: 1}
}

func (e *usageErr) Error() string { return e.msg }

func usageError(c *cli.Context, err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "flag provided but not defined: ") {
		name := strings.TrimLeft(strings.TrimPrefix(msg, "flag provided but not defined: "), "-")
		dash := "--"
		if len(name) == 1 {
			dash = "-"
		}
		msg = "unknown flag: " + dash + name
	}
	return &usageErr{msg: fmt.Sprintf("%s\nSee '%s --help'.", msg, c.Command.HelpName)}
}

// runCLI runs the app and maps errors to Docker's exit codes.
func runCLI(args []string) int {
	app := newApp()
	err := app.Run(reorderArgs(app, args))
	return report(os.Stderr, err)
}

// report prints err as Docker does and returns the exit code.
func report(w io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var ue *usageErr
	if errors.As(err, &ue) {
		fmt.Fprintln(w, ue.msg)
		if ue.exit != 0 {
			return ue.exit
		}
		return 125
	}
	var ee *errdefs.ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			printError(w, ee.Err)
		}
		return ee.Code
	}
	var ce cli.ExitCoder
	if errors.As(err, &ce) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(w, msg)
		}
		return ce.ExitCode()
	}
	printError(w, err)
	return 1
}

func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "Error: %s\n", err)
	h := errdefs.Hint(err)
	if h == "" {
		h = userns.IDHint(err)
	}
	if h != "" {
		fmt.Fprintf(w, "Hint: %s\n", h)
	}
}

// exit125 marks errors of commands where Docker exits 125 (run, create).
func exit125(err error) error {
	if err == nil {
		return nil
	}
	var ee *errdefs.ExitError
	var ue *usageErr
	if errors.As(err, &ee) || errors.As(err, &ue) {
		return err
	}
	return errdefs.Exit(125, err)
}
