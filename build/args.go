package build

import (
	"runtime"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// envList is an ordered list of variables; setting an existing key replaces
// it in place (llb.EnvList semantics). It implements shell.EnvGetter.
type envList struct {
	keys []string
	vals map[string]string
}

func newEnvList(kvs []string) *envList {
	e := &envList{vals: map[string]string{}}
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		e.set(k, v)
	}
	return e
}

func (e *envList) Get(k string) (string, bool) { v, ok := e.vals[k]; return v, ok }
func (e *envList) Keys() []string              { return e.keys }

func (e *envList) set(k, v string) {
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

func (e *envList) clone() *envList {
	c := &envList{keys: append([]string(nil), e.keys...), vals: make(map[string]string, len(e.vals))}
	for k, v := range e.vals {
		c.vals[k] = v
	}
	return c
}

// slice returns K=V strings in order.
func (e *envList) slice() []string {
	out := make([]string, 0, len(e.keys))
	for _, k := range e.keys {
		out = append(out, k+"="+e.vals[k])
	}
	return out
}

var _ shell.EnvGetter = (*envList)(nil)

// proxyArgs are predefined build args usable without ARG; they reach RUN
// but stay out of history and cache keys unless declared.
var proxyArgs = map[string]bool{
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"FTP_PROXY": true, "ftp_proxy": true, "NO_PROXY": true, "no_proxy": true,
	"ALL_PROXY": true, "all_proxy": true,
}

// resolveBuildArgs turns --build-arg values into a map; a bare name takes
// the value from environ and is dropped when environ lacks it (Docker).
func resolveBuildArgs(args map[string]*string, environ []string) map[string]string {
	env := newEnvList(environ)
	out := make(map[string]string, len(args))
	for k, v := range args {
		if v != nil {
			out[k] = *v
		} else if ev, ok := env.Get(k); ok {
			out[k] = ev
		}
	}
	return out
}

// platformArgs are BuildKit's automatic platform args (global scope).
func platformArgs(osName, arch, target string, overrides map[string]string) *envList {
	variant := ""
	if arch == "arm" {
		variant = "v7"
	}
	plat := osName + "/" + arch
	if variant != "" {
		plat += "/" + variant
	}
	if target == "" {
		target = "default"
	}
	e := newEnvList(nil)
	for _, kv := range [][2]string{
		{"BUILDPLATFORM", plat}, {"BUILDOS", osName}, {"BUILDOSVERSION", ""},
		{"BUILDARCH", arch}, {"BUILDVARIANT", variant},
		{"TARGETPLATFORM", plat}, {"TARGETOS", osName}, {"TARGETOSVERSION", ""},
		{"TARGETARCH", arch}, {"TARGETVARIANT", variant}, {"TARGETSTAGE", target},
	} {
		v := kv[1]
		if ov, ok := overrides[kv[0]]; ok {
			v = ov
		}
		e.set(kv[0], v)
	}
	return e
}

func defaultArch(arch string) string {
	if arch != "" {
		return arch
	}
	return runtime.GOARCH
}

// metaArgs evaluates the ARGs before the first FROM (buildMetaArgs in
// BuildKit): a --build-arg overrides the default, defaults expand against
// the args before them.
func metaArgs(global *envList, lex *shell.Lex, cmds []instructions.ArgCommand, buildArgs map[string]string) (*envList, error) {
	for _, cmd := range cmds {
		for _, kp := range cmd.Args {
			if v, ok := buildArgs[kp.Key]; ok {
				global.set(kp.Key, v)
				continue
			}
			if kp.Value == nil {
				continue
			}
			v, _, err := lex.ProcessWord(*kp.Value, global)
			if err != nil {
				return nil, err
			}
			global.set(kp.Key, v)
		}
	}
	return global, nil
}
