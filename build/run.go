package build

import (
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/nook-dev/nook/internal/errdefs"
)

// RunError is a RUN step that exited non-zero. It wraps the backend's
// *errdefs.ExitError, so errors.As finds the exit code.
type RunError struct {
	Args []string
	Code int
	Err  error
}

func (e *RunError) Error() string {
	return fmt.Sprintf("process %q did not complete successfully: exit code: %d", strings.Join(e.Args, " "), e.Code)
}
func (e *RunError) Unwrap() error { return e.Err }

// runArgs builds argv, handling heredocs as BuildKit's dispatchRun does.
func runArgs(s *stageState, c *instructions.RunCommand) ([]string, string, error) {
	args := c.CmdLine
	name := c.String()
	if len(c.Files) > 0 {
		if len(args) != 1 || !c.PrependShell {
			return nil, "", fmt.Errorf("parsing produced an invalid run command: %v", args)
		}
		if hd := parser.MustParseHeredoc(args[0]); hd != nil {
			data := c.Files[0].Data
			if c.Files[0].Chomp {
				data = parser.ChompHeredocContent(data)
			}
			if strings.HasPrefix(data, "#!") {
				return nil, "", errors.New("RUN with a #! heredoc script is not supported by nook")
			}
			args = []string{data}
			name += fmt.Sprintf(" (%s)", summarizeHeredoc(c.Files[0].Data))
		} else {
			var sb strings.Builder
			sb.WriteString(args[0])
			for _, f := range c.Files {
				sb.WriteString("\n" + f.Data + f.Name)
			}
			args = []string{sb.String()}
		}
	}
	return withShell(s.img, args, c.PrependShell), name, nil
}

func summarizeHeredoc(doc string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(doc), "\r\n", "\n"), "\n")
	if len(lines) > 1 {
		return lines[0] + "..."
	}
	return lines[0]
}

// runCommandString is BuildKit's history text for RUN: "|N K=V ... argv".
func runCommandString(args []string, buildArgs []instructions.KeyValuePairOptional, env shell.EnvGetter) string {
	var kv []string
	idx := map[string]int{}
	for _, a := range buildArgs {
		v, ok := env.Get(a.Key)
		if !ok {
			v = a.ValueString()
		}
		if i, ok := idx[a.Key]; ok {
			kv[i] = a.Key + "=" + v
		} else {
			idx[a.Key] = len(kv)
			kv = append(kv, a.Key+"="+v)
		}
	}
	if len(kv) > 0 {
		kv = append([]string{fmt.Sprintf("|%d", len(kv))}, kv...)
	}
	return strings.Join(append(kv, args...), " ")
}

// run executes RUN through Backend.Run and commits its layer.
func (b *builder) run(s *stageState, c *instructions.RunCommand, onbuild bool) error {
	args, name, err := runArgs(s, c)
	if err != nil {
		return err
	}
	lex := *b.lex
	lex.RawQuotes, lex.RawEscapes, lex.SkipUnsetEnv = true, true, true
	v := b.prog.start(s.stepName(uppercaseCmd(processCmdEnv(&lex, name, s.env)), onbuild))
	network := string(instructions.GetNetwork(c))
	if network == "" || network == "default" {
		network = b.network()
	}
	env := s.env.slice()
	wd := s.img.Config.WorkingDir
	if wd == "" {
		wd = "/"
	}
	key := cacheKey("run", s.layer, strings.Join(args, "\x00"), strings.Join(env, "\x00"), s.img.Config.User, wd, network)
	createdBy := "RUN " + runCommandString(args, s.args, s.env) + " # buildkit"
	layer, ok, err := b.lookupCache(key)
	if err == nil && !ok {
		out := v.logWriter()
		layer, err = b.be.Run(b.ctx, RunOptions{Parent: s.layer, Names: []string{key}, Args: args,
			Env: append(env, b.proxyEnv(s)...), User: s.img.Config.User, WorkDir: wd, Network: network,
			Stdout: out, Stderr: out})
		var ee *errdefs.ExitError
		if errors.As(err, &ee) {
			err = &RunError{Args: args, Code: ee.Code, Err: err}
		}
	}
	if err != nil {
		v.fail(err)
		return err
	}
	v.finish(ok)
	s.addHistory(createdBy, &layer)
	return nil
}

func (b *builder) network() string {
	if b.opts.Network == "" {
		return "default"
	}
	return b.opts.Network
}

// proxyEnv passes predefined proxy build args the stage did not declare.
func (b *builder) proxyEnv(s *stageState) []string {
	var out []string
	for k, v := range b.buildArgs {
		if _, declared := s.env.Get(k); proxyArgs[k] && !declared {
			out = append(out, k+"="+v)
		}
	}
	return out
}

func uppercaseCmd(str string) string {
	p := strings.SplitN(str, " ", 2)
	p[0] = strings.ToUpper(p[0])
	return strings.Join(p, " ")
}

func processCmdEnv(lex *shell.Lex, cmd string, env shell.EnvGetter) string {
	w, _, err := lex.ProcessWord(cmd, env)
	if err != nil {
		return cmd
	}
	return w
}
