package main

import (
	"reflect"
	"sync"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/exec"
)

// The exec command declares exactly exec.Flags, which nook-runtime's fast
// path parses: same names, aliases and kinds.
func TestExecFlags_MatchFastPathTable(t *testing.T) {
	var flags []cli.Flag
	for _, f := range testApp().Command("exec").Flags {
		if f.Names()[0] != "help" { // added by urfave once the app ran
			flags = append(flags, f)
		}
	}
	if len(flags) != len(exec.Flags) {
		t.Fatalf("exec has %d flags, exec.Flags %d", len(flags), len(exec.Flags))
	}
	for i, f := range exec.Flags {
		var aliases []string
		if f.Alias != "" {
			aliases = []string{f.Alias}
		}
		var kind string
		switch fl := flags[i].(type) {
		case *cli.BoolFlag:
			kind = "bool"
		case *cli.StringFlag:
			kind = "string"
		case *cli.StringSliceFlag:
			kind = "list"
		default:
			t.Fatalf("--%s: unexpected flag type %T", f.Name, fl)
		}
		want := map[[2]bool]string{{false, false}: "bool", {true, false}: "string", {true, true}: "list"}[[2]bool{f.Value, f.Multi}]
		if kind != want || flags[i].Names()[0] != f.Name || len(flags[i].Names()) != 1+len(aliases) ||
			(len(aliases) == 1 && flags[i].Names()[1] != aliases[0]) {
			t.Errorf("flag %d: CLI %v (%s), table %s %v (%s)", i, flags[i].Names(), kind, f.Name, aliases, want)
		}
	}
}

// testApp is one app for the package's tests: urfave adds --help to the
// shared commands each time an app is set up, so only one may be.
var testApp = sync.OnceValue(newApp)

// cliParse is what the real CLI makes of `nook exec args...`.
func cliParse(t *testing.T, args []string) (exec.CLI, bool) {
	t.Helper()
	app := testApp()
	var got exec.CLI
	ran := false
	app.Command("exec").Action = func(c *cli.Context) error {
		if c.NArg() >= 2 {
			got, ran = execCLI(c), true
		}
		return nil
	}
	err := app.Run(reorderArgs(app, append([]string{"nook", "exec"}, args...)))
	if err != nil {
		t.Logf("%q: %v", args, err)
	}
	return got, err == nil && ran
}

// Whenever the fast path accepts a command line, it reads it exactly as
// the CLI does; what it declines, the CLI serves.
func TestParseCLI_AgreesWithCLI(t *testing.T) {
	tests := []struct {
		args   []string
		fastOK bool
	}{
		{[]string{"c", "true"}, true},
		{[]string{"-it", "c", "sh"}, true},
		{[]string{"-i", "c", "cat"}, true},
		{[]string{"-dit", "c", "sh"}, true},
		{[]string{"-e", "A=1", "-e=C=3", "-e", "D", "c", "env"}, true},
		{[]string{"--env", "A=1", "--env=B=2", "c", "env"}, true},
		{[]string{"-e", "A=1", "--env=B=2", "c", "env"}, false},
		{[]string{"-i", "-it", "c", "sh"}, true},
		{[]string{"-i", "--interactive", "c", "sh"}, false},
		{[]string{"--env-file", "/f", "--env-file=/g", "c", "env"}, true},
		{[]string{"-u", "1:2", "-w", "/tmp", "c", "id"}, true},
		{[]string{"--user=nobody", "--workdir=/", "--user", "0", "c", "id"}, true},
		{[]string{"--privileged", "c", "sh"}, true},
		{[]string{"-privileged", "c", "sh"}, true},
		{[]string{"--", "c", "sh", "-c", "x"}, true},
		{[]string{"c", "sh", "-i", "--env", "x"}, true},
		{[]string{"-e", "-x", "c", "env"}, true},
		{[]string{"-w", "", "c", "pwd"}, true},
		{[]string{"--tty=false", "c", "sh"}, false},
		{[]string{"-iu", "0", "c", "sh"}, false},
		{[]string{"--help"}, false},
		{[]string{"-x", "c", "sh"}, false},
		{[]string{"--detach-keys", "ctrl-p", "c", "sh"}, false},
		{[]string{"c"}, false},
		{[]string{"-e"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		fast, ok := exec.ParseCLI(tt.args)
		if ok != tt.fastOK {
			t.Errorf("ParseCLI(%q) ok = %v, want %v", tt.args, ok, tt.fastOK)
		}
		if !ok {
			continue
		}
		slow, cliOK := cliParse(t, tt.args)
		if !cliOK {
			t.Errorf("%q: the fast path accepts what the CLI rejects", tt.args)
			continue
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%q: fast path reads %+v, CLI %+v", tt.args, fast, slow)
		}
	}
}
