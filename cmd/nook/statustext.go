package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nook-dev/nook/container"
)

func itoa(i int) string { return strconv.Itoa(i) }

// statusText is Docker's STATUS column.
func statusText(st container.State) string {
	switch st.Status {
	case container.StatusRunning:
		s := "Up " + humanDuration(time.Since(st.StartedAt))
		if st.Health != nil {
			if st.Health.Status == "starting" {
				s += " (health: starting)"
			} else {
				s += " (" + st.Health.Status + ")"
			}
		}
		return s
	case container.StatusRestarting:
		return fmt.Sprintf("Restarting (%d) %s ago", st.ExitCode, humanDuration(time.Since(st.FinishedAt)))
	case container.StatusExited:
		return fmt.Sprintf("Exited (%d) %s ago", st.ExitCode, humanDuration(time.Since(st.FinishedAt)))
	case container.StatusDead:
		return "Dead"
	}
	return "Created"
}

// commandText is Docker's COMMAND column: cut to 20 cells then quoted.
func commandText(args []string, trunc bool) string {
	cmd := strings.Join(args, " ")
	if r := []rune(cmd); trunc && len(r) > 20 {
		cmd = string(r[:19]) + "…"
	}
	return strconv.Quote(cmd)
}

// portsText is the PORTS column (simple form until internal/format).
func portsText(ports []container.PortBinding) string {
	var out []string
	for _, p := range ports {
		ip := p.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		proto := p.Proto
		if proto == "" {
			proto = "tcp"
		}
		out = append(out, fmt.Sprintf("%s:%d->%d/%s", ip, p.HostPort, p.ContainerPort, proto))
	}
	return strings.Join(out, ", ")
}
