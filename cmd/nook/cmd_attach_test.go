package main

import (
	"bytes"
	"testing"
)

func TestParseDetachKeys(t *testing.T) {
	for spec, want := range map[string][]byte{
		"ctrl-p,ctrl-q": {0x10, 0x11},
		"ctrl-@,a":      {0, 'a'},
		"ctrl-[":        {27},
		"ctrl-_":        {31},
	} {
		got, err := parseDetachKeys(spec)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("parseDetachKeys(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"ctrl-1", "ab", "", "ctrl-p,"} {
		if _, err := parseDetachKeys(bad); err == nil {
			t.Errorf("parseDetachKeys(%q) succeeded", bad)
		}
	}
}
