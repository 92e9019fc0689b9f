package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands,
		&cli.Command{
			Name: "pull", Usage: "download an image from a registry", ArgsUsage: "NAME[:TAG|@DIGEST]",
			Flags: append(registryFlags(),
				&cli.StringFlag{Name: "platform", Usage: "set platform if server is multi-platform capable (os/arch[/variant])"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "suppress verbose output"},
				&cli.BoolFlag{Name: "all-tags", Aliases: []string{"a"}, Usage: "download all tagged images (not supported)", Hidden: true},
			),
			Action: withSession(pullAction),
		},
		&cli.Command{
			Name: "push", Usage: "upload an image to a registry", ArgsUsage: "NAME[:TAG] [DESTINATION]",
			Flags: append(registryFlags(),
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "suppress verbose output"}),
			Action: withSession(pushAction),
		},
		&cli.Command{
			Name: "login", Usage: "log in to a registry", ArgsUsage: "[SERVER]",
			Flags: append(registryFlags(),
				&cli.StringFlag{Name: "username", Aliases: []string{"u"}, Usage: "username"},
				&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Usage: "password"},
				&cli.BoolFlag{Name: "password-stdin", Usage: "take the password from stdin"}),
			Action: withSession(loginAction),
		},
		&cli.Command{
			Name: "logout", Usage: "log out from a registry", ArgsUsage: "[SERVER]",
			Flags:  []cli.Flag{&cli.StringFlag{Name: "authfile", Usage: "path of the credentials file"}},
			Action: withSession(logoutAction),
		},
		&cli.Command{
			Name: "save", Usage: "save one or more images to a tar archive (streamed to STDOUT by default)",
			ArgsUsage: "IMAGE [IMAGE...]",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to a file, instead of STDOUT"},
				&cli.StringFlag{Name: "format", Value: image.FormatDockerArchive, Usage: "docker-archive, oci-archive or oci-dir"},
			},
			Action: withSession(saveAction),
		},
		&cli.Command{
			Name: "load", Usage: "load an image from a tar archive or STDIN",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "read from tar archive file, instead of STDIN"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "suppress the load output"},
			},
			Action: withSession(loadAction),
		},
	)
}

// registryFlags are the connection flags of pull, push and login.
func registryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "tls-verify", Value: true, Usage: "require HTTPS and verify certificates (unset: not verified for localhost registries)"},
		&cli.StringFlag{Name: "cert-dir", Usage: "directory with the registry's ca.crt (and client cert/key)"},
		&cli.StringFlag{Name: "authfile", Usage: "path of the credentials file", EnvVars: []string{"REGISTRY_AUTH_FILE"}},
	}
}

func registryOptions(c *cli.Context) image.RegistryOptions {
	ro := image.RegistryOptions{CertDir: c.String("cert-dir"), AuthFile: c.String("authfile")}
	if c.IsSet("tls-verify") {
		v := c.Bool("tls-verify")
		ro.TLSVerify = &v
	}
	return ro
}

// interruptible returns a context cancelled by Ctrl-C or SIGTERM, so an
// interrupted pull or push stops cleanly without leaving an image.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// interrupted gives an operation stopped by Ctrl-C or SIGTERM the status
// a shell gives a process killed by SIGINT (130), as docker pull has.
func interrupted(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return errdefs.Exit(130, err)
	}
	return err
}

func pullAction(c *cli.Context, s *session) error {
	if c.NArg() != 1 {
		return &usageErr{msg: "\"nook pull\" requires exactly 1 argument.\nSee 'nook pull --help'.", exit: 1}
	}
	ctx, cancel := interruptible()
	defer cancel()
	res, err := s.store.PullImage(ctx, image.PullOptions{
		Ref: c.Args().First(), RegistryOptions: registryOptions(c), Platform: c.String("platform"),
		Quiet: c.Bool("quiet"), Progress: c.App.Writer,
	})
	if err != nil {
		return interrupted(ctx, err)
	}
	fmt.Fprintln(c.App.Writer, res.Name)
	return nil
}

func pushAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 || c.NArg() > 2 {
		return &usageErr{msg: "\"nook push\" requires 1 or 2 arguments.\nSee 'nook push --help'.", exit: 1}
	}
	ctx, cancel := interruptible()
	defer cancel()
	_, err := s.store.Push(ctx, image.PushOptions{
		Src: c.Args().Get(0), Dest: c.Args().Get(1), RegistryOptions: registryOptions(c),
		Quiet: c.Bool("quiet"), Progress: c.App.Writer,
	})
	return interrupted(ctx, err)
}

func loginAction(c *cli.Context, s *session) error {
	if c.NArg() > 1 {
		return &usageErr{msg: "\"nook login\" requires at most 1 argument.\nSee 'nook login --help'.", exit: 1}
	}
	opts := image.LoginOptions{Server: c.Args().First(), Username: c.String("username"),
		Password: c.String("password"), RegistryOptions: registryOptions(c)}
	if err := readCredentials(c, &opts); err != nil {
		return err
	}
	ctx, cancel := interruptible()
	defer cancel()
	if err := s.store.Login(ctx, opts); err != nil {
		return err
	}
	fmt.Fprintln(c.App.Writer, "Login Succeeded")
	return nil
}

// readCredentials completes opts from --password-stdin or prompts, as
// docker login does.
func readCredentials(c *cli.Context, opts *image.LoginOptions) error {
	in := bufio.NewReader(os.Stdin)
	switch {
	case c.Bool("password-stdin"):
		if opts.Password != "" {
			return &usageErr{msg: "--password and --password-stdin are mutually exclusive\nSee 'nook login --help'."}
		}
		if opts.Username == "" {
			return &usageErr{msg: "Must provide --username with --password-stdin\nSee 'nook login --help'."}
		}
		b, err := io.ReadAll(in)
		if err != nil {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		opts.Password = strings.TrimRight(string(b), "\r\n")
		return nil
	case opts.Password != "":
		fmt.Fprintln(c.App.ErrWriter, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
	}
	if opts.Username == "" {
		fmt.Fprint(c.App.Writer, "Username: ")
		line, _ := in.ReadString('\n')
		opts.Username = strings.TrimSpace(line)
	}
	if opts.Password == "" {
		fmt.Fprint(c.App.Writer, "Password: ")
		if term.IsTerminal(int(os.Stdin.Fd())) {
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(c.App.Writer)
			if err != nil {
				return fmt.Errorf("read password: %w", err)
			}
			opts.Password = string(b)
		} else {
			line, _ := in.ReadString('\n')
			opts.Password = strings.TrimRight(line, "\r\n")
		}
	}
	return nil
}

func logoutAction(c *cli.Context, s *session) error {
	server := c.Args().First()
	key := image.RegistryKey(server)
	shown := key
	if key == "docker.io" {
		shown = image.DockerHub
	}
	if err := s.store.Logout(server, image.RegistryOptions{AuthFile: c.String("authfile")}); err != nil {
		return err
	}
	fmt.Fprintln(c.App.Writer, "Removing login credentials for "+shown)
	return nil
}

func saveAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 {
		return &usageErr{msg: "\"nook save\" requires at least 1 argument.\nSee 'nook save --help'.", exit: 1}
	}
	out := c.String("output")
	if out == "" && c.String("format") != image.FormatOCIDir && term.IsTerminal(int(os.Stdout.Fd())) {
		return fmt.Errorf("cowardly refusing to save to a terminal. Use the -o flag or redirect")
	}
	ctx, cancel := interruptible()
	defer cancel()
	return s.store.Save(ctx, image.SaveOptions{Refs: c.Args().Slice(), Format: c.String("format"),
		Path: out, Output: os.Stdout})
}

func loadAction(c *cli.Context, s *session) error {
	in := c.String("input")
	if in == "" && term.IsTerminal(int(os.Stdin.Fd())) {
		return fmt.Errorf("requested load from stdin, but stdin is empty")
	}
	ctx, cancel := interruptible()
	defer cancel()
	imgs, err := s.store.Load(ctx, image.LoadOptions{Input: in, Reader: os.Stdin})
	for _, li := range imgs {
		if len(li.Names) == 0 {
			fmt.Fprintln(c.App.Writer, "Loaded image ID: sha256:"+li.ID)
		}
		for _, n := range li.Names {
			fmt.Fprintln(c.App.Writer, "Loaded image: "+image.Familiar(n))
		}
	}
	return err
}
