package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/nook-dev/nook/internal/errdefs"
)

func TestWriteFormatted_VersionFields(t *testing.T) {
	var out bytes.Buffer
	if err := writeFormatted(&out, "{{.Server.Version}} {{.Client.APIVersion}} {{.Server.APIVersion}}", newVersionInfo()); err != nil {
		t.Fatal(err)
	}
	if want := version + " " + apiVersion + " " + apiVersion + "\n"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
	out.Reset()
	if err := writeFormatted(&out, "json", newVersionInfo()); err != nil {
		t.Fatal(err)
	}
	var v struct{ Client, Server map[string]any }
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("json: %v: %s", err, out.String())
	}
	if v.Client["ApiVersion"] != apiVersion || v.Server["Version"] != version || v.Server["ApiVersion"] != apiVersion {
		t.Fatalf("json fields: %s", out.String())
	}
}

func TestWriteFormatted_BadTemplateExits64(t *testing.T) {
	err := writeFormatted(&bytes.Buffer{}, "{{", newVersionInfo())
	var ee *errdefs.ExitError
	if !errors.As(err, &ee) || ee.Code != 64 {
		t.Fatalf("err = %v, want exit 64", err)
	}
	if err := writeFormatted(&bytes.Buffer{}, "{{.Nope}}", newVersionInfo()); err == nil {
		t.Fatal("a missing field must fail")
	}
}

// The default version output is docker/cli's layout: values aligned by a
// tabwriter (min width 20), the Engine under Server.
func TestVersionDefaultLayout(t *testing.T) {
	var out bytes.Buffer
	if err := writeFormatted(&out, versionTemplate, newVersionInfo()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Client: nook\n", "\n API version:       " + apiVersion + "\n", "\n Context:           default\n",
		"\n\nServer: nook\n Engine:\n  Version:          " + version + "\n", "\n  API version:      " + apiVersion + " (minimum version 1.24)\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestWriteFormatted_InfoSwarmInactive(t *testing.T) {
	var out bytes.Buffer
	if err := writeFormatted(&out, "{{.Swarm.LocalNodeState}}", infoData{Swarm: swarmInfo{LocalNodeState: "inactive"}}); err != nil || out.String() != "inactive\n" {
		t.Fatalf("got %q, %v", out.String(), err)
	}
}
