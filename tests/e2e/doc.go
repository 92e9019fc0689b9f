// Package e2e runs the real nook binary as an unprivileged user, as a
// person would: `make test-e2e` (as root it sets up the nooktest user with
// tests/setup.sh and drops to it).
//
// Environment: NOOK_BIN (the binary, default ../../bin/nook), NOOK_FIXTURES
// (directory with busybox.tar, default $HOME/fixtures), NOOK_TEST_STRICT=1
// (an unmet requirement fails instead of skipping), XDG_RUNTIME_DIR (required).
//
// harness.go runs nook with explicit expectations and timeouts, env.go owns
// stores and fixtures, requires.go the requirements. Test files are named
// after the CLI command they exercise.
package e2e
