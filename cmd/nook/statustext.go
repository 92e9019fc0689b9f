package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/format"
)

func itoa(i int) string { return strconv.Itoa(i) }

// statusText is Docker's STATUS column.
func statusText(st container.State) string {
	fs := format.State{Running: st.Status == container.StatusRunning || st.Status == container.StatusRestarting, Paused: st.Paused,
		Restarting: st.Status == container.StatusRestarting, Dead: st.Status == container.StatusDead,
		ExitCode: st.ExitCode, StartedAt: st.StartedAt, FinishedAt: st.FinishedAt}
	if st.Health != nil {
		fs.Health = st.Health.Status
	}
	return format.Status(fs, time.Now())
}

// stateName is Docker's State: "paused" for a paused running container.
func stateName(st container.State) string {
	if st.Paused {
		return container.StatusPaused
	}
	return st.Status
}

// commandText is Docker's COMMAND column: cut to 20 cells then quoted.
func commandText(args []string, trunc bool) string {
	if len(args) == 0 {
		return format.Command("", nil, trunc)
	}
	return format.Command(args[0], args[1:], trunc)
}

// displayPorts converts bindings to the formatter's ports (0.0.0.0 when
// no host IP was given, as Docker shows them) plus exposed-only ports.
func displayPorts(ports []container.PortBinding, exposed map[string]struct{}) []format.Port {
	var out []format.Port
	seen := map[string]bool{}
	for _, p := range ports {
		ip := p.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		proto := p.Proto
		if proto == "" {
			proto = "tcp"
		}
		seen[itoa(p.ContainerPort)+"/"+proto] = true
		out = append(out, format.Port{HostIP: ip, HostPort: uint16(p.HostPort), ContainerPort: uint16(p.ContainerPort), Proto: proto})
	}
	for e := range exposed {
		if seen[e] {
			continue
		}
		port, proto, _ := strings.Cut(e, "/")
		if n, err := strconv.Atoi(port); err == nil {
			out = append(out, format.Port{ContainerPort: uint16(n), Proto: proto})
		}
	}
	return out
}
