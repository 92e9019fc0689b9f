package main

import (
	"github.com/urfave/cli/v2"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "image", Usage: "manage images",
		Subcommands: []*cli.Command{
			{Name: "inspect", Usage: "display detailed information on one or more images", ArgsUsage: "IMAGE [IMAGE...]",
				Flags:  []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template"}},
				Action: withSession(func(c *cli.Context, s *session) error { return typedInspect(c, s, "image") })},
			{Name: "ls", Aliases: []string{"list"}, Usage: "list images", Flags: imagesFlags(), Action: withSession(imagesAction)},
			{Name: "rm", Usage: "remove one or more images", Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}}}, Action: withSession(rmiAction)},
		},
	}, &cli.Command{
		Name: "container", Usage: "manage containers",
		Subcommands: []*cli.Command{
			{Name: "inspect", Usage: "display detailed information on one or more containers", ArgsUsage: "CONTAINER [CONTAINER...]",
				Flags: []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template"},
					&cli.BoolFlag{Name: "size", Aliases: []string{"s"}, Usage: "display total file sizes"}},
				Action: withSession(func(c *cli.Context, s *session) error { return typedInspect(c, s, "container") })},
		},
	})
}

func (s *session) inspectImage(ref string) (any, error) {
	img, err := s.store.Lookup(ref)
	if err != nil {
		return nil, err
	}
	return s.store.Inspect(img)
}

func typedInspect(c *cli.Context, s *session, typ string) error {
	if err := argCount(c, 1, false); err != nil {
		return err
	}
	var objs []any
	var failed error
	for _, ref := range c.Args().Slice() {
		o, err := s.inspectObject(ref, typ, c.Bool("size"))
		if err != nil {
			printError(c.App.ErrWriter, err)
			failed = cli.Exit("", 1)
			continue
		}
		objs = append(objs, o)
	}
	if err := renderInspect(c.App.Writer, c.String("format"), objs); err != nil {
		return err
	}
	return failed
}
