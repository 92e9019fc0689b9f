package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/creack/pty"
	"golang.org/x/term"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/sandbox"
)

// runWithTerminal gives the container a pty whose master is copied to and
// from the user's terminal in raw mode, with window size changes.
func runWithTerminal(s *session, rec *container.Record, interactive bool, sigs <-chan os.Signal) (int, error) {
	ptmx, pts, err := pty.Open()
	if err != nil {
		return 125, err
	}
	defer ptmx.Close()
	pty.InheritSize(os.Stdin, ptmx)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	go func() {
		for range winch {
			pty.InheritSize(os.Stdin, ptmx)
		}
	}()
	if old, err := term.MakeRaw(int(os.Stdin.Fd())); err == nil {
		defer term.Restore(int(os.Stdin.Fd()), old)
	}
	if interactive {
		go io.Copy(ptmx, os.Stdin)
	}
	out := make(chan struct{})
	go func() {
		io.Copy(os.Stdout, ptmx)
		close(out)
	}()
	stdio := sandbox.Stdio{Stdin: pts, Stdout: pts, Stderr: pts, Terminal: true}
	code, err := s.ctrs.RunForeground(rec, stdio, sigs)
	pts.Close()
	<-out
	return code, err
}
