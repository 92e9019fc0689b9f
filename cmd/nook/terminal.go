package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/creack/pty"
	"golang.org/x/term"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/monitor"
	"github.com/nook-dev/nook/sandbox"
)

// runWithTerminal runs rec with a pty allocated inside the container; its
// master is copied to and from the user's terminal in raw mode, with
// window size changes.
func runWithTerminal(s *session, rec *container.Record, interactive bool, sigs <-chan os.Signal) (int, error) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	if old, err := term.MakeRaw(int(os.Stdin.Fd())); err == nil {
		defer term.Restore(int(os.Stdin.Fd()), old)
	}
	out := make(chan struct{})
	// The session goes to the container's log too, as Docker logs a tty.
	logw, outLog := io.Discard, (*monitor.OutputLog)(nil)
	if l, err := s.ctrs.OpenOutputLog(rec); err == nil {
		logw, outLog = l.Writer("stdout"), l
	}
	var console *os.File
	stdio := sandbox.Stdio{Terminal: true, OnConsole: func(master *os.File) {
		console = master
		pty.InheritSize(os.Stdin, master)
		go func() {
			for range winch {
				pty.InheritSize(os.Stdin, master)
			}
		}()
		if interactive {
			go io.Copy(master, os.Stdin)
		}
		go func() {
			io.Copy(io.MultiWriter(os.Stdout, logw), master)
			close(out)
		}()
	}}
	code, err := s.ctrs.RunForeground(rec, stdio, sigs)
	if console != nil {
		<-out
		console.Close()
	}
	if outLog != nil {
		outLog.Wait(0)
	}
	return code, err
}
