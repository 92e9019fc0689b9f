// Command nook-monitor is the per-container monitor (`_monitor`) in a
// binary of its own. A monitor lives as long as its container and nearly
// all of its binary's pages end up resident, so this one links only what
// the monitor runs: pure Go (no cgo namespace-joining constructor, no
// glibc), no container init or exec code, and rootlesskit's port driver
// without net/http (third_party/rootlesskit). It starts the container's
// init and health probes through nook-runtime next to it, and nook falls
// back to `nook-runtime _monitor` when it is not installed.
// internal/archtest keeps its dependency set small.
package main

import (
	"fmt"
	"os"

	"github.com/nook-dev/nook/internal/helperexe"
	"github.com/nook-dev/nook/monitor"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "_monitor" {
		if err := helperexe.CheckProtocol(); err != nil {
			fmt.Fprintln(os.Stderr, "nook-monitor:", err)
			os.Exit(125)
		}
		monitor.Main()
		return
	}
	fmt.Fprintln(os.Stderr, "nook-monitor is started by nook for detached containers; it is not a command to run by hand (try `nook --help`)")
	os.Exit(125)
}
