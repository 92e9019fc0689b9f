package build

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"golang.org/x/sys/unix"
)

// expand substitutes variables in cmd as BuildKit's dispatch does.
func (b *builder) expand(s *stageState, cmd instructions.Command) error {
	if _, isArg := cmd.(*instructions.ArgCommand); !isArg {
		if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
			err := ex.Expand(func(word string) (string, error) {
				w, _, err := b.lex.ProcessWord(word, s.env)
				return w, err
			})
			if err != nil {
				return err
			}
		}
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
		return ex.ExpandRaw(func(word string) (string, error) {
			lex := shell.NewLex('\\')
			lex.SkipProcessQuotes = true
			w, _, err := lex.ProcessWord(word, s.env)
			return w, err
		})
	}
	return nil
}

// dispatch executes one instruction of stage s.
func (b *builder) dispatch(s *stageState, c stageCmd) error {
	if err := b.expand(s, c.Command); err != nil {
		return err
	}
	switch cmd := c.Command.(type) {
	case *instructions.RunCommand:
		return b.run(s, cmd, c.onbuild)
	case *instructions.WorkdirCommand:
		return b.workdir(s, cmd, c.onbuild)
	case *instructions.AddCommand:
		return b.copyStep(s, addSpec(cmd), c.onbuild)
	case *instructions.CopyCommand:
		return b.copyStep(s, copySpec(cmd), c.onbuild)
	case *instructions.ArgCommand:
		return b.arg(s, cmd)
	case *instructions.OnbuildCommand:
		s.img.Config.OnBuild = append(s.img.Config.OnBuild, cmd.Expression)
		return nil
	default:
		return dispatchMeta(s, cmd)
	}
}

// dispatchMeta handles the instructions that only change the config.
func dispatchMeta(s *stageState, cmd instructions.Command) error {
	cfg := &s.img.Config
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		msg := "ENV"
		for _, e := range c.Env {
			msg += " " + e.String()
			s.env.set(e.Key, e.Value)
			cfg.Env = addEnv(cfg.Env, e.Key, e.Value)
		}
		s.addHistory(msg, nil)
	case *instructions.LabelCommand:
		msg := "LABEL"
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for _, l := range c.Labels {
			cfg.Labels[l.Key] = l.Value
			msg += " " + l.String()
		}
		s.addHistory(msg, nil)
	case *instructions.MaintainerCommand:
		s.img.Author = c.Maintainer
		s.addHistory("MAINTAINER "+c.Maintainer, nil)
	case *instructions.CmdCommand:
		args := withShell(s.img, c.CmdLine, c.PrependShell)
		cfg.Cmd, cfg.ArgsEscaped, s.cmdSet = args, true, true //nolint:staticcheck // Docker still writes ArgsEscaped
		s.addHistory(fmt.Sprintf("CMD %q", args), nil)
	case *instructions.EntrypointCommand:
		args := withShell(s.img, c.CmdLine, c.PrependShell)
		cfg.Entrypoint = args
		if !s.cmdSet {
			cfg.Cmd = nil
		}
		s.addHistory(fmt.Sprintf("ENTRYPOINT %q", args), nil)
	case *instructions.HealthCheckCommand:
		hc := *c.Health
		cfg.Healthcheck = &dockerspec.HealthcheckConfig{Test: hc.Test, Interval: hc.Interval,
			Timeout: hc.Timeout, StartPeriod: hc.StartPeriod, StartInterval: hc.StartInterval, Retries: hc.Retries}
		s.addHistory(fmt.Sprintf("HEALTHCHECK %+v", *cfg.Healthcheck), nil)
	default:
		return dispatchMeta2(s, cmd)
	}
	return nil
}

func dispatchMeta2(s *stageState, cmd instructions.Command) error {
	cfg := &s.img.Config
	switch c := cmd.(type) {
	case *instructions.ExposeCommand:
		var ports []string
		for _, p := range c.Ports {
			ps, err := parsePort(p)
			if err != nil {
				return err
			}
			ports = append(ports, ps...)
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range ports {
			cfg.ExposedPorts[p] = struct{}{}
		}
		s.addHistory(fmt.Sprintf("EXPOSE %v", ports), nil)
	case *instructions.UserCommand:
		cfg.User = c.User
		s.addHistory("USER "+c.User, nil)
	case *instructions.VolumeCommand:
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range c.Volumes {
			if v == "" {
				return errors.New("VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
		s.addHistory(fmt.Sprintf("VOLUME %v", c.Volumes), nil)
	case *instructions.StopSignalCommand:
		if err := checkSignal(c.Signal); err != nil {
			return err
		}
		cfg.StopSignal = c.Signal
		s.addHistory("STOPSIGNAL "+c.Signal, nil)
	case *instructions.ShellCommand:
		cfg.Shell = c.Shell
		s.addHistory(fmt.Sprintf("SHELL %v", c.Shell), nil)
	default:
		return fmt.Errorf("%s is not supported by nook", strings.ToUpper(cmd.Name()))
	}
	return nil
}

// arg declares build args in the stage (BuildKit dispatchArg).
func (b *builder) arg(s *stageState, c *instructions.ArgCommand) error {
	var parts []string
	for _, a := range c.Args {
		v, hasValue := b.buildArgs[a.Key]
		switch {
		case hasValue:
			a.Value = &v
		case a.Value != nil:
			w, _, err := b.lex.ProcessWord(*a.Value, s.env)
			if err != nil {
				return err
			}
			a.Value = &w
		default:
			if gv, ok := b.global.Get(a.Key); ok {
				a.Value = &gv
			}
		}
		if a.Value != nil {
			s.env.set(a.Key, *a.Value)
		}
		b.usedArgs[a.Key] = true
		s.args = append(s.args, a)
		part := a.Key
		if a.Value != nil {
			part += "=" + *a.Value
		}
		parts = append(parts, part)
	}
	s.addHistory("ARG "+strings.Join(parts, " "), nil)
	return nil
}

// withShell prefixes a shell-form command line with SHELL or /bin/sh -c.
func withShell(img dockerspec.DockerOCIImage, args []string, prepend bool) []string {
	if !prepend {
		return args
	}
	sh := []string{"/bin/sh", "-c"}
	if len(img.Config.Shell) > 0 {
		sh = append([]string(nil), img.Config.Shell...)
	}
	return append(sh, strings.Join(args, " "))
}

func addEnv(env []string, k, v string) []string {
	for i, kv := range env {
		if key, _, _ := strings.Cut(kv, "="); key == k {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}

// parsePort turns an EXPOSE word into "port/proto" entries.
func parsePort(raw string) ([]string, error) {
	p := raw
	if i := strings.LastIndex(p, ":"); i >= 0 {
		p = p[i+1:]
	}
	port, proto, _ := strings.Cut(p, "/")
	proto = strings.ToLower(proto)
	switch proto {
	case "":
		proto = "tcp"
	case "tcp", "udp", "sctp":
	default:
		return nil, fmt.Errorf("invalid port: %q: invalid proto: %s", raw, proto)
	}
	lo, hi, isRange := strings.Cut(port, "-")
	start, err := strconv.ParseUint(lo, 10, 16)
	end := start
	if err == nil && isRange {
		end, err = strconv.ParseUint(hi, 10, 16)
	}
	if err != nil || end < start {
		return nil, fmt.Errorf("invalid containerPort: %s", port)
	}
	var out []string
	for i := start; i <= end; i++ {
		out = append(out, fmt.Sprintf("%d/%s", i, proto))
	}
	return out, nil
}

func checkSignal(sig string) error {
	if n, err := strconv.Atoi(sig); err == nil {
		if n <= 0 || n > 64 {
			return fmt.Errorf("invalid signal: %s", sig)
		}
		return nil
	}
	name := strings.ToUpper(sig)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if unix.SignalNum(name) == 0 && !strings.HasPrefix(name, "SIGRTM") {
		return fmt.Errorf("invalid signal: %s", sig)
	}
	return nil
}
