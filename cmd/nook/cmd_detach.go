package main

import (
	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

// startDetached hands rec to a monitor process (see monitor package).
func startDetached(s *session, rec *container.Record) error {
	return errdefs.WithKind(errdefs.Invalid("run -d is not implemented yet"), errdefs.ErrNotImplemented)
}
