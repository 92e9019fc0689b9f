package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/exec"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/nsenter"
	"github.com/nook-dev/nook/records"
	"github.com/nook-dev/nook/sandbox"
	"github.com/nook-dev/nook/userns"
)

// fastExec serves `nook exec`, handed over by nook's C constructor
// (nsenter.c, case 4) so that the command does not pay nook's Go start-up
// (hundreds of packages). It serves only the common case: known flags,
// no -t, a plainly running container; it then replaces itself with the
// exec helper (or, with -d, starts it and leaves). Everything else (help,
// errors, a container to clean up after, paused, stopped) goes back to
// nook, which prints exactly what it always did. It never returns.
func fastExec(nook string) {
	os.Unsetenv(nsenter.EnvFastExec)
	trace.Mark("fast exec main")
	a, ok := exec.ParseCLI(os.Args[2:])
	if ok && !a.Bool("tty") {
		if o, ok := fastExecOptions(a); ok {
			trace.Mark("fast exec: container found")
			if !o.Detach {
				exec.Replace(o) // returns only when it could not start
			} else {
				exec.CloseInheritedFds()
				if cmd, err := exec.Start(o); err == nil {
					cmd.Process.Release()
					os.Exit(0)
				}
			}
		}
	}
	trace.Mark("fast exec: falling back to nook")
	err := syscall.Exec(nook, os.Args, append(os.Environ(), nsenter.EnvNoFast+"=1"))
	fmt.Fprintf(os.Stderr, "Error: run %s: %v\n", nook, err)
	os.Exit(125)
}

// fastExecOptions is what cmd/nook's execAction builds, from the records
// alone; ok is false when nook must decide.
func fastExecOptions(a exec.CLI) (exec.Options, bool) {
	dir := records.ContainersDir(records.DataDir())
	id, err := records.Resolve(dir, a.Container)
	if err != nil {
		return exec.Options{}, false
	}
	pid, ok := records.RunningPid(records.ReadState(dir, id))
	if !ok {
		return exec.Options{}, false
	}
	ctr, err := records.ReadSpec(dir, id)
	if err != nil || cgroups.Frozen(ctr.Cgroup) {
		return exec.Options{}, false // paused: nook refuses it in Docker's words
	}
	p, err := a.Process(ctr.Process, sandbox.CapabilityNames())
	if err != nil {
		return exec.Options{}, false
	}
	o := exec.Options{Pid: pid, Namespaces: exec.AllNamespaces, Process: p, Detach: a.Bool("detach"), Env: userns.Current().HelperEnv(), Cgroup: ctr.Cgroup}
	if a.Bool("interactive") && !o.Detach {
		o.Stdin = os.Stdin
	}
	return o, true
}
