package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/internal/atomicfile"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/procstat"
	"github.com/nook-dev/nook/sandbox"
	"github.com/nook-dev/nook/spec"
)

// File descriptors inherited by nook _monitor.
const (
	ConfigFD = 3
	ReportFD = 4
)

// Report is what the monitor tells the CLI when the first start failed.
type Report struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	// Hint is the error's "what to do" (errdefs.Hint), if any.
	Hint string `json:"hint,omitempty"`
}

type monitor struct {
	cfg   Config
	state spec.State
	log   *logWriter
	net   Closer
	proc  *sandbox.Process
	mu    sync.Mutex
	// health probes the container while it runs (health.go).
	health *Prober
	// waitOutput blocks until the process's output is fully logged.
	waitOutput func()
	// att serves `nook attach` (stdio.go).
	att *attachServer
}

// Main is the entry point of `nook _monitor`. It never returns.
func Main() {
	report := os.NewFile(ReportFD, "report")
	cfgFile := os.NewFile(ConfigFD, "config")
	if report == nil || cfgFile == nil {
		fmt.Fprintln(os.Stderr, "nook _monitor is internal: it is started by nook run -d")
		os.Exit(255)
	}
	unix.CloseOnExec(ReportFD)
	var m monitor
	if err := json.NewDecoder(cfgFile).Decode(&m.cfg); err != nil {
		json.NewEncoder(report).Encode(Report{Code: 125, Message: "read monitor config: " + err.Error()})
		os.Exit(1)
	}
	cfgFile.Close()
	m.att = serveAttach(m.cfg.Dir)
	if err := m.start(); err != nil {
		r := Report{Code: 125, Message: err.Error(), Hint: errdefs.Hint(err)}
		var ie *sandbox.InitError
		if errors.As(err, &ie) {
			r.Code = ie.Code
		}
		m.state.Status, m.state.ExitCode, m.state.Error = "exited", r.Code, err.Error()
		m.state.FinishedAt = time.Now().UTC()
		m.writeState()
		// The CLI, still waiting for this report, unmounts and removes what
		// it created; running the cleanup command here would wait for the
		// container lock the CLI holds.
		m.att.close()
		json.NewEncoder(report).Encode(r)
		report.Close()
		os.Exit(1)
	}
	report.Close()
	m.forwardTerm()
	m.loop()
	m.att.close()
	m.cleanup()
	os.Exit(0)
}

func (m *monitor) writeState() {
	m.mu.Lock()
	defer m.mu.Unlock()
	atomicfile.WriteJSON(m.cfg.path(StateFile), m.state)
}

// start launches the container process once (also used for restarts).
func (m *monitor) start() error {
	if m.log == nil {
		lw, _, err := openLog(m.cfg.path(LogFile))
		if err != nil {
			return fmt.Errorf("open container log: %w", err)
		}
		m.log = lw
		m.state.MonitorPid = os.Getpid()
		m.state.MonitorStart = processStart(os.Getpid())
	}
	stdio, closeChild, wait, err := m.stdio()
	if err != nil {
		return err
	}
	proc, err := sandbox.Launch(&m.cfg.Spec, stdio, m.cfg.Env, m.attachNetwork)
	closeChild()
	if err != nil {
		m.detachNetwork()
		return err
	}
	m.proc = proc
	ServeBypass(m.net, proc)
	m.state.Status, m.state.Pid, m.state.StartedAt = "running", proc.Pid, time.Now().UTC()
	m.state.Error = ""
	m.startHealth()
	m.writeState()
	m.waitOutput = wait
	return nil
}

// forwardTerm passes SIGTERM sent to the monitor on to the container.
func (m *monitor) forwardTerm() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM)
	go func() {
		for s := range ch {
			m.mu.Lock()
			if m.proc != nil {
				m.proc.Cmd.Process.Signal(s)
			}
			m.mu.Unlock()
		}
	}()
}

// cleanup runs the cleanup command (unmount, --rm) with a bounded time.
func (m *monitor) cleanup() {
	if len(m.cfg.Cleanup) == 0 {
		return
	}
	cmd := osexec.Command(m.cfg.Cleanup[0], m.cfg.Cleanup[1:]...)
	cmd.Env = m.cfg.Env
	cmd.Run()
}

func processStart(pid int) string {
	s, _ := procstat.StartTime(pid)
	return s
}
