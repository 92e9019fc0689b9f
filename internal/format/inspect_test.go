package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type inspState struct {
	Status string
	Pid    int
}

type inspConfig struct {
	Env    []string
	Labels map[string]string
}

type inspContainer struct {
	ID     string `json:"Id"`
	Name   string
	State  inspState
	Config inspConfig
}

var inspObj = inspContainer{
	ID: "4b8e", Name: "/web",
	State:  inspState{Status: "running", Pid: 42},
	Config: inspConfig{Env: []string{"A=<b>&c"}, Labels: map[string]string{"com.example.x": "1"}},
}

func inspect(t *testing.T, format string, objs ...any) (string, error) {
	t.Helper()
	var b bytes.Buffer
	err := RenderInspect(&b, format, objs)
	return b.String(), err
}

func TestRenderInspect_DefaultIsIndentedArray(t *testing.T) {
	got, err := inspect(t, "", inspObj)
	if err != nil {
		t.Fatal(err)
	}
	want := `[
    {
        "Id": "4b8e",
        "Name": "/web",
        "State": {
            "Status": "running",
            "Pid": 42
        },
        "Config": {
            "Env": [
                "A=<b>&c"
            ],
            "Labels": {
                "com.example.x": "1"
            }
        }
    }
]
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderInspect_JSONModes(t *testing.T) {
	tests := []struct {
		name, format string
		objs         []any
		want         string
	}{
		{name: "nothing found", format: "", want: "[]\n"},
		{name: "two objects", format: "", objs: []any{map[string]int{"a": 1}, json.RawMessage(`{"b":2}`)},
			want: "[\n    {\n        \"a\": 1\n    },\n    {\n        \"b\": 2\n    }\n]\n"},
		{name: "compact json", format: "json", objs: []any{inspObj.State, []byte(`{"b": 2}`)},
			want: `[{"Status":"running","Pid":42},{"b":2}]` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := inspect(t, tc.format, tc.objs...)
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestRenderInspect_Templates(t *testing.T) {
	asMap := map[string]any{}
	raw, _ := json.Marshal(inspObj)
	_ = json.Unmarshal(raw, &asMap)
	tests := []struct {
		name, format, want string
		obj                any
	}{
		{name: "typed field path", format: "{{.State.Status}}", obj: inspObj, want: "running\n"},
		{name: "Go field name", format: "{{.ID}}", obj: inspObj, want: "4b8e\n"},
		{name: "JSON key falls back to the raw object", format: "{{.Id}} {{.State.Pid}}", obj: inspObj, want: "4b8e 42\n"},
		{name: "json without HTML escaping", format: "{{json .Config.Env}}", obj: inspObj, want: `["A=<b>&c"]` + "\n"},
		{name: "index a label", format: `{{index .Config.Labels "com.example.x"}}`, obj: inspObj, want: "1\n"},
		{name: "missing key of a typed map", format: "{{.Config.Labels.nope}}", obj: inspObj, want: "<no value>\n"},
		{name: "missing key of a decoded map", format: "{{.Nope}}", obj: asMap, want: "<no value>\n"},
		{name: "range", format: "{{range .Config.Env}}[{{.}}]{{end}}", obj: inspObj, want: "[A=<b>&c]\n"},
		{name: "numbers keep their form", format: "{{.State.Pid}}", obj: json.RawMessage(`{"State":{"Pid":12345678901}}`), want: "12345678901\n"},
		{name: "nested index into raw JSON",
			format: `{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}`,
			obj:    json.RawMessage(`{"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"4000"}]}}}`),
			want:   "4000\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := inspect(t, tc.format, tc.obj)
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestRenderInspect_Errors(t *testing.T) {
	_, err := inspect(t, "{{.State", inspObj)
	var te *TemplateError
	if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "template parsing error: ") {
		t.Errorf("parse error = %v", err)
	}
	got, err := inspect(t, "{{.Nope}}", inspObj, inspObj.State)
	if err == nil || !strings.Contains(err.Error(), `template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"`) {
		t.Errorf("missing top-level key error = %v", err)
	}
	if got != "\n" {
		t.Errorf("output with no rendered line = %q, want a single newline", got)
	}
	got, err = inspect(t, "{{.Name}}", inspObj, inspObj.State)
	if err == nil || got != "/web\n" {
		t.Errorf("partial success: got %q, %v; want the found object's line and an error", got, err)
	}
}
