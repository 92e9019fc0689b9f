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

// platformFlag is run's and create's --platform: the image must be for it
// (a missing or other-platform image is pulled for it).
var platformFlag = &cli.StringFlag{Name: "platform", Usage: "set platform if server is multi-platform capable (OS/ARCH[/VARIANT])", Category: "Image"}

// createContainer pulls the image as --pull and --platform say, then
// creates the container.
func createContainer(c *cli.Context, s *session, o container.CreateOptions) (*container.Record, error) {
	if err := ensureImage(c, s, o.Image, c.String("pull"), c.String("platform")); err != nil {
		return nil, err
	}
	rec, err := s.ctrs.Create(o)
	if err == nil {
		for _, w := range rec.Warnings {
			fmt.Fprintf(c.App.ErrWriter, "WARNING: %s\n", w)
		}
	}
	return rec, err
}

// ensureImage pulls ref when the policy asks for it, or when the stored
// image is for another platform than --platform. Like Docker, the
// implicit pull reports on stderr, so that stdout stays the container's.
func ensureImage(c *cli.Context, s *session, ref, policy, platform string) error {
	_, lookupErr := s.store.Lookup(ref)
	var mismatch error
	if lookupErr == nil {
		mismatch = s.store.PlatformMismatch(ref, platform)
		if errors.Is(mismatch, errdefs.ErrInvalidArgument) {
			return mismatch
		}
	}
	switch policy {
	case "always":
	case "missing", "":
		if lookupErr == nil && mismatch == nil {
			return nil
		}
		if lookupErr != nil && !errors.Is(lookupErr, errdefs.ErrNotFound) {
			return nil // an error create reports better
		}
		if lookupErr != nil {
			if name, err := image.NormalizeRemote(ref); err == nil {
				fmt.Fprintf(c.App.ErrWriter, "Unable to find image '%s' locally\n", image.Familiar(name))
			}
		}
	case "never":
		return mismatch
	default:
		return errdefs.Invalid("invalid pull policy %q: use always, missing or never", policy)
	}
	ctx, cancel := interruptible()
	defer cancel()
	var progress io.Writer = c.App.ErrWriter
	_, err := s.store.PullImage(ctx, image.PullOptions{Ref: ref, Progress: progress, Platform: platform})
	if err != nil && mismatch != nil {
		return fmt.Errorf("%w (pulling it for that platform failed: %v)", mismatch, err)
	}
	return err
}
