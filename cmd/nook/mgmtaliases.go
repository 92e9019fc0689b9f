package main

import "github.com/urfave/cli/v2"

// managementAliases are Docker's management commands that run a top-level
// command: `nook container ls` is `nook ps`, `nook image pull` is `nook
// pull`. Each pair is {subcommand, top-level command}.
var managementAliases = map[string][][2]string{
	"container": {
		{"ls", "ps"}, {"list", "ps"}, {"attach", "attach"}, {"commit", "commit"}, {"cp", "cp"},
		{"create", "create"}, {"diff", "diff"}, {"exec", "exec"}, {"export", "export"},
		{"kill", "kill"}, {"logs", "logs"}, {"pause", "pause"}, {"port", "port"}, {"rename", "rename"},
		{"restart", "restart"}, {"rm", "rm"}, {"run", "run"}, {"start", "start"},
		{"stop", "stop"}, {"top", "top"}, {"unpause", "unpause"}, {"wait", "wait"},
	},
	"image": {
		{"history", "history"}, {"import", "import"}, {"load", "load"}, {"pull", "pull"},
		{"push", "push"}, {"save", "save"}, {"tag", "tag"},
	},
	"system": {{"info", "info"}},
}

// addManagementAliases adds the aliases the groups do not define
// themselves, as copies of the top-level commands (same flags and action).
func addManagementAliases(cmds []*cli.Command) {
	byName := map[string]*cli.Command{}
	for _, c := range cmds {
		byName[c.Name] = c
	}
	for group, pairs := range managementAliases {
		g := byName[group]
		if g == nil {
			continue
		}
		for _, p := range pairs {
			top := byName[p[1]]
			if top == nil || hasSubcommand(g, p[0]) {
				continue
			}
			alias := *top
			alias.Name, alias.Aliases = p[0], nil
			g.Subcommands = append(g.Subcommands, &alias)
		}
	}
}

func hasSubcommand(g *cli.Command, name string) bool {
	for _, s := range g.Subcommands {
		if s.HasName(name) {
			return true
		}
	}
	return false
}
