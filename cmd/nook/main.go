// Command nook is a rootless, Docker-compatible container runtime.
package main

import (
	"os"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/sandbox"
)

// version is nook's semantic version and gitCommit the commit it was
// built from (both set by the Makefile).
var version, gitCommit = "dev", "unknown"

func main() {
	trace.Mark("main")
	// Hidden roles run before the CLI parses anything (runc's init.go):
	// they are processes of their own with their own protocol.
	if image.ReexecInit() {
		return
	}
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "_init":
			sandbox.Main()
		default:
			if role, ok := roles[os.Args[1]]; ok {
				role()
				return
			}
		}
	}
	os.Exit(runCLI(os.Args))
}

// roles maps hidden argv[1] values to process entry points; filled by the
// files that own them.
var roles = map[string]func(){}
