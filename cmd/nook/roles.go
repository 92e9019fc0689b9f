package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/monitor"
)

func init() {
	roles["_monitor"] = monitor.Main
	roles["_cleanup"] = cleanupRole
}

// cleanupRole is `nook _cleanup ID`, run by a monitor once its container
// stopped for good.
func cleanupRole() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "nook _cleanup is internal: it is run by the container monitor")
		os.Exit(255)
	}
	set := flag.NewFlagSet("cleanup", flag.ContinueOnError)
	set.String("storage-driver", "", "")
	ctx := cli.NewContext(newApp(), set, nil)
	s, err := openSession(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nook _cleanup:", err)
		os.Exit(1)
	}
	defer s.close()
	if err := s.ctrs.Cleanup(os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "nook _cleanup:", err)
		os.Exit(1)
	}
}
