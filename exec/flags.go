package exec

import (
	"strings"

	"github.com/nook-dev/nook/internal/envfile"
	"github.com/nook-dev/nook/spec"
)

// Flag is one option of `nook exec`. The CLI declares its flags from
// Flags, and nook-runtime's fast front-end parses with them, so the two
// always accept the same options.
type Flag struct {
	Name, Alias, Usage string
	// Value: the flag takes a value; Multi: it may repeat (a list).
	Value, Multi bool
}

// Flags are Docker's `exec` options that nook implements.
var Flags = []Flag{
	{Name: "detach", Alias: "d", Usage: "detached mode: run command in the background"},
	{Name: "interactive", Alias: "i", Usage: "keep STDIN open"},
	{Name: "tty", Alias: "t", Usage: "allocate a pseudo-TTY"},
	{Name: "env", Alias: "e", Value: true, Multi: true, Usage: "set environment variables"},
	{Name: "env-file", Value: true, Multi: true, Usage: "read in a file of environment variables"},
	{Name: "workdir", Alias: "w", Value: true, Usage: "working directory inside the container"},
	{Name: "user", Alias: "u", Value: true, Usage: "username or UID (format: <name|uid>[:<group|gid>])"},
	{Name: "privileged", Usage: "give extended privileges to the command"},
}

// CLI is a parsed `nook exec` command line.
type CLI struct {
	// Set holds the flags given, by Name: "true" for a boolean, the values
	// in order for a list, the last value for the others.
	Set       map[string][]string
	Container string
	Args      []string
}

// Bool reports whether the boolean flag name was given.
func (c CLI) Bool(name string) bool { return len(c.Set[name]) > 0 }

func lookupFlag(name string) (Flag, bool) {
	for _, f := range Flags {
		if f.Name == name || (f.Alias != "" && f.Alias == name) {
			return f, true
		}
	}
	return Flag{}, false
}

// ParseCLI parses the arguments after "exec" as the CLI does (Go's flag
// syntax with -it style short options; the first positional is the
// container, the rest the command). ok is false for anything it is not
// sure to read exactly as the CLI would (--help, unknown flags, a value
// given to a boolean, a flag given both by name and alias, fewer than two
// positionals): leave those to the CLI.
func ParseCLI(args []string) (c CLI, ok bool) {
	c.Set = map[string][]string{}
	// The CLI refuses a flag given both by name and by alias (-e, --env).
	form := map[string]string{}
	twoForms := func(f Flag, used string) bool {
		prev, seen := form[f.Name]
		form[f.Name] = used
		return seen && prev != used
	}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f, known := lookupFlag(name)
		switch {
		case !known && !hasValue && a[1] != '-' && shortBools(name):
			for _, r := range name {
				f, _ := lookupFlag(string(r))
				if twoForms(f, string(r)) {
					return c, false
				}
				c.Set[f.Name] = []string{"true"}
			}
		case !known || twoForms(f, name):
			return c, false
		case !f.Value && hasValue:
			return c, false
		case !f.Value:
			c.Set[f.Name] = []string{"true"}
		case !hasValue && i+1 >= len(args):
			return c, false
		default:
			if !hasValue {
				i++
				value = args[i]
			}
			if !f.Multi {
				c.Set[f.Name] = nil // the last one wins
			}
			c.Set[f.Name] = append(c.Set[f.Name], value)
		}
	}
	if len(args)-i < 2 {
		return c, false
	}
	c.Container, c.Args = args[i], args[i+1:]
	return c, true
}

// shortBools reports whether s is several one-letter boolean flags (-it).
func shortBools(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		f, ok := lookupFlag(string(r))
		if !ok || f.Value || f.Alias != string(r) {
			return false
		}
	}
	return true
}

// Process returns base (the container's process) changed by the command
// line: its command, -e/--env-file added to its environment, -t, -u, -w,
// and --privileged, which grants allCaps.
func (c CLI) Process(base spec.Process, allCaps []string) (spec.Process, error) {
	env, err := envfile.Merge(c.Set["env"], c.Set["env-file"])
	if err != nil {
		return base, err
	}
	p := base
	p.Args = c.Args
	p.Env = append(append([]string(nil), base.Env...), env...)
	p.Terminal = c.Bool("tty")
	if v := c.Set["user"]; len(v) > 0 {
		p.User = v[0]
	}
	if v := c.Set["workdir"]; len(v) > 0 {
		p.Cwd = v[0]
	}
	if c.Bool("privileged") {
		p.Capabilities = allCaps
	}
	return p, nil
}
