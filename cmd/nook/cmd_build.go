package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nook-dev/nook/build"
	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
)

func buildCommand(name string) *cli.Command {
	return &cli.Command{
		Name: name, Usage: "build an image from a Dockerfile", ArgsUsage: "PATH | -",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "tag", Aliases: []string{"t"}, Usage: "name and optionally a tag (format: name:tag)"},
			&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Usage: "name of the Dockerfile (default: PATH/Dockerfile)"},
			&cli.StringSliceFlag{Name: "build-arg", Usage: "set build-time variables"},
			&cli.StringFlag{Name: "target", Usage: "set the target build stage to build"},
			&cli.BoolFlag{Name: "no-cache", Usage: "do not use cache when building the image"},
			&cli.BoolFlag{Name: "pull", Usage: "always attempt to pull a newer version of the image"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "suppress the build output and print image ID on success"},
			&cli.StringFlag{Name: "progress", Value: "auto", Usage: "type of progress output (auto, plain, tty, quiet)", EnvVars: []string{"BUILDKIT_PROGRESS"}},
			&cli.StringSliceFlag{Name: "label", Usage: "set metadata for an image"},
			&cli.StringFlag{Name: "network", Value: "default", Usage: "networking mode for the RUN instructions (default, none, host)"},
			&cli.StringFlag{Name: "iidfile", Usage: "write the image ID to the file"},
		},
		Action: withSession(buildAction),
	}
}

func init() {
	commands = append(commands, buildCommand("build"), &cli.Command{
		Name: "builder", Usage: "manage builds",
		Subcommands: []*cli.Command{{Name: "build", Usage: "build an image from a Dockerfile", Flags: buildCommand("build").Flags, Action: withSession(buildAction)}},
	})
}

func buildOptions(c *cli.Context, s *session) (build.Options, error) {
	if c.NArg() != 1 {
		return build.Options{}, &usageErr{msg: "\"nook build\" requires exactly 1 argument.\nSee 'nook build --help'.", exit: 1}
	}
	o := build.Options{
		Target: c.String("target"), NoCache: c.Bool("no-cache"), Pull: c.Bool("pull"), Quiet: c.Bool("quiet"),
		Progress: c.String("progress"), Network: c.String("network"), IIDFile: c.String("iidfile"),
		Environ: os.Environ(), Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
		IsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		TmpDir:     filepath.Join(s.dataDir, "tmp"), StateDir: filepath.Join(s.dataDir, "build"),
		BuildArgs: map[string]*string{}, Labels: map[string]string{},
	}
	if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil {
		o.TerminalWidth = w
	}
	os.MkdirAll(o.TmpDir, 0o700)
	if ctx := c.Args().First(); ctx == "-" {
		o.ContextTar = os.Stdin
	} else {
		o.ContextDir = ctx
	}
	if f := c.String("file"); f == "-" {
		o.DockerfileReader = os.Stdin
	} else {
		o.Dockerfile = f
	}
	for _, t := range c.StringSlice("tag") {
		n, err := image.Normalize(t)
		if err != nil {
			return o, err
		}
		o.Tags = append(o.Tags, n)
	}
	for _, a := range c.StringSlice("build-arg") {
		k, v, ok := strings.Cut(a, "=")
		if ok {
			o.BuildArgs[k] = &v
		} else {
			o.BuildArgs[k] = nil
		}
	}
	for _, l := range c.StringSlice("label") {
		k, v, _ := strings.Cut(l, "=")
		o.Labels[k] = v
	}
	return o, nil
}

func buildAction(c *cli.Context, s *session) error {
	o, err := buildOptions(c, s)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	_, err = build.Build(ctx, build.NewStoreBackend(s.ctrs), o)
	if err != nil {
		var se *build.SolveError
		if errors.As(err, &se) && se.Printed {
			return errdefs.Exit(1, nil)
		}
		if errors.Is(err, errdefs.ErrInvalidArgument) {
			return errdefs.Exit(1, err)
		}
		return errdefs.Exit(1, err)
	}
	return nil // with -q, Build itself printed the ID
}
