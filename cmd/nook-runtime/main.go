// Command nook-runtime is the small binary nook starts for the processes
// that live inside or beside a container: the container's init (_init), an
// exec'd process (_exec) and the per-container monitor (_monitor). It links
// only the runtime packages, so it starts in about a millisecond and a
// monitor's resident memory stays small; the nook CLI, with storage,
// registries and the Dockerfile frontend, is several times larger.
package main

import (
	"fmt"
	"os"

	"github.com/nook-dev/nook/internal/helperexe"
	"github.com/nook-dev/nook/monitor"
	"github.com/nook-dev/nook/nsenter" // joins namespaces before Go starts
	"github.com/nook-dev/nook/sandbox"
)

func main() {
	if nook := os.Getenv(nsenter.EnvFastExec); nook != "" {
		fastExec(nook) // `nook exec`, handed over by nook
	}
	if len(os.Args) > 1 {
		role := os.Args[1]
		if role == "_init" || role == "_exec" || role == "_monitor" {
			if err := helperexe.CheckProtocol(); err != nil {
				fmt.Fprintln(os.Stderr, "nook-runtime:", err)
				os.Exit(125)
			}
		}
		switch role {
		case "_init":
			sandbox.Main()
			return
		case "_exec":
			sandbox.ExecMain()
			return
		case "_monitor":
			monitor.Main()
			return
		}
	}
	fmt.Fprintln(os.Stderr, "nook-runtime is started by nook for containers' processes; it is not a command to run by hand (try `nook --help`)")
	os.Exit(125)
}
