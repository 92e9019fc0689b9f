package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "inspect", Usage: "return low-level information on nook objects", ArgsUsage: "NAME|ID [NAME|ID...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template"},
			&cli.StringFlag{Name: "type", Usage: "return JSON for specified type (container, image, volume)"},
			&cli.BoolFlag{Name: "size", Aliases: []string{"s"}, Usage: "display total file sizes"},
		},
		Action: withSession(inspectAction),
	})
}

func inspectAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 {
		return &usageErr{msg: "\"nook inspect\" requires at least 1 argument.\nSee 'nook inspect --help'.", exit: 1}
	}
	typ := c.String("type")
	switch typ {
	case "", "container", "image", "volume":
	default:
		return fmt.Errorf("%q is not a valid value for --type", typ)
	}
	var objs []any
	failed := false
	for _, ref := range c.Args().Slice() {
		obj, err := s.inspectObject(ref, typ, c.Bool("size"))
		if err != nil {
			// With --type Docker reports that type's own error
			// ("No such container: x"); untyped, "No such object".
			if typ != "" {
				printError(os.Stderr, err)
			} else {
				fmt.Fprintf(os.Stderr, "Error: No such object: %s\n", ref)
			}
			failed = true
			continue
		}
		objs = append(objs, obj)
	}
	if err := renderInspect(c.App.Writer, c.String("format"), objs); err != nil {
		return err
	}
	if failed {
		return cli.Exit("", 1)
	}
	return nil
}

// inspectObject finds ref as a container, then an image (Docker's order).
func (s *session) inspectObject(ref, typ string, size bool) (any, error) {
	if typ == "" || typ == "container" {
		if r, err := s.ctrs.Lookup(ref); err == nil {
			j := s.ctrs.Inspect(r)
			if size {
				return j, s.addSizes(&j, r)
			}
			return j, nil
		} else if typ == "container" {
			return nil, err
		}
	}
	if typ == "" || typ == "image" {
		if j, err := s.inspectImage(ref); err == nil {
			return j, nil
		} else if typ == "image" {
			return nil, err
		}
	}
	if inspectVolume != nil && (typ == "" || typ == "volume") {
		return inspectVolume(s, ref)
	}
	return nil, errdefs.NotFound("No such object: %s", ref)
}

// inspectVolume is set by the volume commands.
var inspectVolume func(s *session, name string) (any, error)

// addSizes fills inspect -s's SizeRw (the writable layer) and SizeRootFs
// (that plus the image), as ps -s computes them.
func (s *session) addSizes(j *container.InspectJSON, r *container.Record) error {
	if err := s.openStore(); err != nil {
		return err
	}
	rw := s.ctrs.SizeRw(r)
	rootfs := rw
	if imgs, err := s.store.List(); err == nil {
		for _, img := range imgs {
			if img.ID == r.ImageID {
				rootfs += img.Size
			}
		}
	}
	j.SizeRw, j.SizeRootFs = &rw, &rootfs
	return nil
}
