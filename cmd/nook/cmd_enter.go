package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/exec"
	"github.com/nook-dev/nook/spec"
)

func init() {
	var flags []cli.Flag
	for _, ns := range exec.AllNamespaces {
		flags = append(flags, &cli.BoolFlag{Name: ns, Usage: "join the container's " + ns + " namespace"})
	}
	commands = append(commands, &cli.Command{
		Name:      "enter",
		Usage:     "run a host command in some (default: all) namespaces of a running container",
		ArgsUsage: "CONTAINER [COMMAND [ARG...]]",
		Flags:     flags,
		Action:    withRecords(enterAction),
	})
}

func enterAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 {
		return &usageErr{msg: "\"nook enter\" requires at least 1 argument.\nSee 'nook enter --help'.", exit: 1}
	}
	_, pid, err := lookupRunning(s, c.Args().First())
	if err != nil {
		return err
	}
	var nss []string
	for _, ns := range exec.AllNamespaces {
		if c.Bool(ns) {
			nss = append(nss, ns)
		}
	}
	if len(nss) == 0 {
		nss = exec.AllNamespaces
	}
	args := c.Args().Tail()
	if len(args) == 0 {
		sh := os.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		args = []string{sh}
	}
	cwd, _ := os.Getwd()
	p := spec.Process{Args: args, Env: os.Environ(), Cwd: cwd}
	o := exec.Options{Pid: pid, Namespaces: nss, Process: p, Host: true, Env: s.ctrs.InitEnv()}
	return runExec(c, o, true)
}
