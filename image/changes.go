package image

import (
	"encoding/json"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// ApplyChanges applies `-c` instructions (CMD, ENTRYPOINT, ENV, EXPOSE,
// LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL) as docker commit/import do.
func ApplyChanges(c *ContainerConfig, changes []string) error {
	for _, ch := range changes {
		ch = strings.TrimSpace(ch)
		instr, arg, _ := strings.Cut(ch, " ")
		arg = strings.TrimSpace(arg)
		switch strings.ToUpper(instr) {
		case "CMD":
			c.Cmd = commandForm(arg)
		case "ENTRYPOINT":
			c.Entrypoint = commandForm(arg)
		case "ENV":
			for _, kv := range splitKV(arg) {
				c.Env = setEnv(c.Env, kv)
			}
		case "EXPOSE":
			if c.ExposedPorts == nil {
				c.ExposedPorts = map[string]struct{}{}
			}
			for _, p := range strings.Fields(arg) {
				if !strings.Contains(p, "/") {
					p += "/tcp"
				}
				c.ExposedPorts[p] = struct{}{}
			}
		case "LABEL":
			if c.Labels == nil {
				c.Labels = map[string]string{}
			}
			for _, kv := range splitKV(arg) {
				k, v, _ := strings.Cut(kv, "=")
				c.Labels[k] = v
			}
		case "USER":
			c.User = arg
		case "WORKDIR":
			c.WorkingDir = arg
		case "STOPSIGNAL":
			c.StopSignal = arg
		case "VOLUME":
			if c.Volumes == nil {
				c.Volumes = map[string]struct{}{}
			}
			for _, v := range commandForm(arg) {
				c.Volumes[v] = struct{}{}
			}
		default:
			return errdefs.Invalid("%s is not a valid change command", instr)
		}
	}
	return nil
}

// commandForm parses a JSON array or falls back to the shell form.
func commandForm(arg string) []string {
	var list []string
	if strings.HasPrefix(arg, "[") && json.Unmarshal([]byte(arg), &list) == nil {
		return list
	}
	return []string{"/bin/sh", "-c", arg}
}

func splitKV(arg string) []string {
	if !strings.Contains(arg, "=") {
		k, v, _ := strings.Cut(arg, " ")
		return []string{k + "=" + strings.TrimSpace(v)}
	}
	var out []string
	for _, f := range strings.Fields(arg) {
		out = append(out, strings.Trim(f, `"`))
	}
	return out
}

// setEnv sets K=V in env, replacing an existing K.
func setEnv(env []string, kv string) []string {
	k, _, _ := strings.Cut(kv, "=")
	for i, e := range env {
		if strings.HasPrefix(e, k+"=") {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}
