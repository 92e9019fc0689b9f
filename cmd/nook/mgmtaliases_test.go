package main

import (
	"reflect"
	"testing"
)

func TestManagementAliases(t *testing.T) {
	app := newApp()
	for _, p := range [][2]string{{"container", "ls"}, {"container", "run"}, {"container", "top"}, {"image", "pull"}, {"image", "ls"}, {"system", "info"}} {
		g := app.Command(p[0])
		if g == nil || g.Command(p[1]) == nil {
			t.Errorf("nook %s %s is missing", p[0], p[1])
		}
	}
	// The container command's own flags stay after the image, as for `nook run`.
	got := reorderArgs(app, []string{"nook", "container", "run", "--rm", "img", "ls", "-l"})
	want := []string{"nook", "container", "run", "--rm", "img", "ls", "-l"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reorderArgs = %q, want %q", got, want)
	}
}
