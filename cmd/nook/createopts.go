package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/envfile"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/sandbox"
	"github.com/nook-dev/nook/slirp"
	"github.com/nook-dev/nook/spec"
	"github.com/nook-dev/nook/volume"
)

// createOptions turns run/create flags into container.CreateOptions.
func createOptions(c *cli.Context) (container.CreateOptions, error) {
	if c.NArg() < 1 {
		return container.CreateOptions{}, &usageErr{msg: fmt.Sprintf("\"%s\" requires at least 1 argument.\nSee '%s --help'.", c.Command.HelpName, c.Command.HelpName), exit: 1}
	}
	o := container.CreateOptions{
		Image: c.Args().First(), Cmd: c.Args().Tail(),
		Workdir: c.String("workdir"), User: c.String("user"), Name: c.String("name"),
		Hostname: c.String("hostname"), Tty: c.Bool("tty"), Interactive: c.Bool("interactive"),
		StopSignal: c.String("stop-signal"),
	}
	if o.Workdir != "" && !strings.HasPrefix(o.Workdir, "/") {
		return o, errdefs.Invalid("the working directory '%s' is invalid, it needs to be an absolute path", o.Workdir)
	}
	if c.IsSet("entrypoint") {
		ep := c.String("entrypoint")
		o.Entrypoint = &ep
	}
	var err error
	if o.Env, err = envfile.Merge(c.StringSlice("env"), c.StringSlice("env-file")); err != nil {
		return o, err
	}
	o.Labels = map[string]string{}
	for _, l := range c.StringSlice("label") {
		k, v, _ := strings.Cut(l, "=")
		o.Labels[k] = v
	}
	if o.Mounts, err = mountFlags(c); err != nil {
		return o, err
	}
	o.VolumesFrom = c.StringSlice("volumes-from")
	if o.Expose, err = exposeFlags(c.StringSlice("expose")); err != nil {
		return o, err
	}
	if o.Healthcheck, err = healthFlags(c); err != nil {
		return o, err
	}
	if o.HostConfig, err = hostConfig(c); err != nil {
		return o, err
	}
	o.HostConfig.PortBindings, err = publishFlags(c.StringSlice("publish"))
	return o, err
}

// mountFlags parses -v, --mount and --tmpfs.
func mountFlags(c *cli.Context) ([]spec.Mount, error) {
	var out []spec.Mount
	parsers := []struct {
		flag  string
		parse func(string) (spec.Mount, error)
	}{{"volume", volume.ParseVolumeFlag}, {"mount", volume.ParseMountFlag}, {"tmpfs", volume.ParseTmpfsFlag}}
	for _, p := range parsers {
		for _, v := range c.StringSlice(p.flag) {
			m, err := p.parse(v)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// publishFlags parses every -p.
func publishFlags(specs []string) ([]container.PortBinding, error) {
	var out []container.PortBinding
	for _, p := range specs {
		maps, err := slirp.ParsePublish(p)
		if err != nil {
			return nil, err
		}
		for _, m := range maps {
			out = append(out, container.PortBinding{HostIP: m.HostIP, HostPort: int(m.HostPort), ContainerPort: int(m.ContainerPort), Proto: m.Protocol})
		}
	}
	return out, nil
}

func hostConfig(c *cli.Context) (container.HostConfig, error) {
	h := container.HostConfig{
		AutoRemove: c.Bool("rm"), NetworkMode: c.String("network"), Privileged: c.Bool("privileged"),
		ReadonlyRootfs: c.Bool("read-only"), Dns: c.StringSlice("dns"), DnsSearch: c.StringSlice("dns-search"),
		ExtraHosts: c.StringSlice("add-host"), PublishAll: c.Bool("publish-all"),
	}
	if c.Int("stop-timeout") >= 0 {
		t := c.Int("stop-timeout")
		h.StopTimeout = &t
	}
	for _, cp := range c.StringSlice("cap-add") {
		n, err := sandbox.ValidCapability(cp)
		if err != nil {
			return h, errdefs.Invalid("%w", err)
		}
		h.CapAdd = append(h.CapAdd, n)
	}
	for _, cp := range c.StringSlice("cap-drop") {
		n, err := sandbox.ValidCapability(cp)
		if err != nil {
			return h, errdefs.Invalid("%w", err)
		}
		h.CapDrop = append(h.CapDrop, n)
	}
	rp, err := restartPolicy(c.String("restart"))
	if err != nil {
		return h, err
	}
	if rp.Name != "no" && h.AutoRemove {
		return h, errdefs.Invalid("Conflicting options: --restart and --rm")
	}
	h.RestartPolicy = rp
	return h, limitFlags(c, &h)
}

func restartPolicy(s string) (container.RestartPolicy, error) {
	name, max, hasMax := strings.Cut(s, ":")
	rp := container.RestartPolicy{Name: name}
	switch name {
	case "", "no":
		rp.Name = "no"
	case "always", "unless-stopped":
	case "on-failure":
		if hasMax {
			n, err := strconv.Atoi(max)
			if err != nil || n < 0 {
				return rp, errdefs.Invalid("invalid restart policy: maximum retry count must be a positive integer")
			}
			rp.MaximumRetryCount = n
		}
	default:
		return rp, errdefs.Invalid("invalid restart policy: unknown policy %q; use no, always, on-failure or unless-stopped", name)
	}
	return rp, nil
}

// exposeFlags turns --expose values (80, 80/udp, 8000-8010/tcp) into
// ExposedPorts keys, one per port, as docker/cli does.
func exposeFlags(vals []string) ([]string, error) {
	var out []string
	for _, v := range vals {
		lo, hi, proto, ok := parsePortFilter(v) // the same PORT[-PORT][/PROTO]
		if !ok || (proto != "tcp" && proto != "udp" && proto != "sctp") {
			return nil, errdefs.Invalid("invalid range format for --expose: %s", v)
		}
		for p := lo; p <= hi; p++ {
			out = append(out, strconv.Itoa(p)+"/"+proto)
		}
	}
	return out, nil
}
