// Package nettest is the conformance suite every slirp.NetworkDriver must
// pass (slirp4netns and pasta), in the style of rootlesskit's
// pkg/port/testsuite: the test binary re-executes itself into the roles it
// needs.
//
//	go test process (host user)
//	  └─ same binary, CLONE_NEWUSER, single-uid map     role "monitor":
//	     uid 0 in a new user namespace, host network     runs the tests,
//	     namespace, like nook's monitor                  attaches, publishes
//	       └─ same binary, CLONE_NEWNET                  role "container":
//	          HTTP on :80, UDP echo on :53, TCP sink     the workload
//	          on :5001, lo up
//
// All traffic stays on 127.0.0.0/8 and inside namespaces the test creates.
// Run it as an unprivileged user to prove the rootless path.
package nettest
