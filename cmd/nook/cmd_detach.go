package main

import (
	"github.com/nook-dev/nook/container"
)

// startDetached hands rec to a monitor process.
func startDetached(s *session, rec *container.Record) error {
	return s.ctrs.StartDetached(rec)
}
