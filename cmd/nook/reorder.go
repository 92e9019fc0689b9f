package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// stopAtFirstArg lists commands whose first positional starts the
// container command: flags after it belong to that command.
var stopAtFirstArg = map[string]bool{"run": true, "create": true, "exec": true, "unshare": true, "enter": true, "top": true}

// reorderArgs moves flags in front of positionals so that `nook build . -t x`
// and `nook rm web -f` work as with Docker (urfave/cli stops at the first
// positional).
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	i := 1
	// global flags
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		out = append(out, args[i])
		if takesValue(app.Flags, args[i]) && !strings.Contains(args[i], "=") && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
		i++
	}
	if i >= len(args) {
		return out
	}
	cmd := app.Command(args[i])
	path := []string{args[i]}
	out = append(out, args[i])
	i++
	for cmd != nil && len(cmd.Subcommands) > 0 && i < len(args) {
		sub := cmd.Command(args[i])
		if sub == nil {
			break
		}
		cmd = sub
		path = append(path, args[i])
		out = append(out, args[i])
		i++
	}
	if cmd == nil {
		return append(out, args[i:]...)
	}
	var flags, pos []string
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if stopAtFirstArg[path[len(path)-1]] {
				pos = append(pos, args[i:]...)
				break
			}
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if takesValue(cmd.Flags, a) && !strings.Contains(a, "=") && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	out = append(out, flags...)
	if len(pos) > 0 && pos[0] != "--" && (strings.HasPrefix(pos[0], "-")) {
		out = append(out, "--")
	}
	return append(out, pos...)
}

// takesValue reports whether flag arg (e.g. "-t", "--name", "-it") needs
// the next argument as its value.
func takesValue(flags []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if !strings.HasPrefix(arg, "--") && len(name) > 1 {
		// combined short flags: only the last one may take a value
		name = name[len(name)-1:]
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			switch f.(type) {
			case *cli.BoolFlag:
				return false
			}
			return true
		}
	}
	return false
}
