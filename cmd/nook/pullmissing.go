package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
)

// pullFlag is run's and create's --pull, as in Docker.
var pullFlag = &cli.StringFlag{Name: "pull", Value: "missing", Usage: "pull image before running: always, missing, never", Category: "Image"}

// createContainer pulls the image as --pull says, then creates the
// container.
func createContainer(c *cli.Context, s *session, o container.CreateOptions) (*container.Record, error) {
	if err := ensureImage(c, s, o.Image, c.String("pull")); err != nil {
		return nil, err
	}
	return s.ctrs.Create(o)
}

// ensureImage pulls ref when the policy asks for it. Like Docker, the
// implicit pull reports on stderr, so that stdout stays the container's.
func ensureImage(c *cli.Context, s *session, ref, policy string) error {
	switch policy {
	case "always":
	case "missing", "":
		if _, err := s.store.Lookup(ref); !errors.Is(err, errdefs.ErrNotFound) {
			return nil // present, or an error create reports better
		}
		if name, err := image.NormalizeRemote(ref); err == nil {
			fmt.Fprintf(c.App.ErrWriter, "Unable to find image '%s' locally\n", image.Familiar(name))
		}
	case "never":
		return nil
	default:
		return errdefs.Invalid("invalid pull policy %q: use always, missing or never", policy)
	}
	ctx, cancel := interruptible()
	defer cancel()
	var progress io.Writer = c.App.ErrWriter
	_, err := s.store.PullImage(ctx, image.PullOptions{Ref: ref, Progress: progress})
	return err
}
