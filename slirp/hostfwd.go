package slirp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"time"
)

// PublishHostfwd publishes ports through slirp4netns's own forwarder (its
// API socket's add_hostfwd): the slow fallback for when Publish cannot be
// used. The server in the container sees connections from 10.0.2.2. The
// forwards live as long as slirp4netns. Host ports of 0 are replaced by
// free ports in the returned mappings.
func PublishHostfwd(ctx context.Context, apiSocket string, ports []PortMapping) ([]PortMapping, error) {
	var out []PortMapping
	for _, m := range ports {
		if m.HostPort == 0 {
			p, err := freePort(m)
			if err != nil {
				return nil, err
			}
			m.HostPort = p
		} else if err := probeBind(m); err != nil {
			return nil, err
		}
		if err := addHostfwd(ctx, apiSocket, m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// probeBind binds and releases the host port so a conflict is reported with
// a useful message (slirp4netns only says "slirp_add_hostfwd failed").
func probeBind(m PortMapping) error {
	addr := joinHostPort(m.HostIP, m.HostPort)
	if m.Protocol == "udp" {
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			return bindError(m, err)
		}
		return c.Close()
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return bindError(m, err)
	}
	return l.Close()
}

type apiRequest struct {
	Execute   string         `json:"execute"`
	Arguments map[string]any `json:"arguments,omitempty"`
}

type apiReply struct {
	Return map[string]any `json:"return"`
	Error  *struct {
		Desc string `json:"desc"`
	} `json:"error"`
}

func addHostfwd(ctx context.Context, apiSocket string, m PortMapping) error {
	hostAddr := m.HostIP
	if hostAddr == "" {
		hostAddr = "0.0.0.0"
	}
	req := apiRequest{Execute: "add_hostfwd", Arguments: map[string]any{
		"proto": m.Protocol, "host_addr": hostAddr, "host_port": m.HostPort,
		"guest_addr": ContainerIP, "guest_port": m.ContainerPort,
	}}
	var rep apiReply
	if err := callAPI(ctx, apiSocket, req, &rep); err != nil {
		return fmt.Errorf("publish %s through slirp4netns: %w", m, err)
	}
	if rep.Error != nil {
		return fmt.Errorf("publish %s through slirp4netns: %s", m, rep.Error.Desc)
	}
	return nil
}

// callAPI sends one request on a fresh connection, as slirp4netns expects,
// and reads the reply until slirp4netns closes the connection.
func callAPI(ctx context.Context, apiSocket string, req apiRequest, rep *apiReply) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", apiSocket)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return err
	}
	if uc, ok := c.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, rep); err != nil {
		return fmt.Errorf("bad reply %q: %w", b, err)
	}
	return nil
}
