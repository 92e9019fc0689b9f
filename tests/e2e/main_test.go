package e2e

import (
	"fmt"
	"os"
	"testing"
)

// TestMain refuses to run as root: these tests exist to prove the rootless
// path. As root, `make test-e2e` runs them as the nooktest user.
func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role, os.Args[1:]))
	}
	if err := configure(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\nFAIL\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "e2e: nook=%s fixtures=%s strict=%v uid=%d\n", nookBin, fixturesDir, strict, os.Getuid())
	os.Exit(m.Run())
}
