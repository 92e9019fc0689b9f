package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/template"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/internal/errdefs"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "inspect", Usage: "return low-level information on nook objects", ArgsUsage: "NAME|ID [NAME|ID...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template"},
			&cli.StringFlag{Name: "type", Usage: "return JSON for specified type (container, image, volume)"},
			&cli.BoolFlag{Name: "size", Aliases: []string{"s"}, Usage: "display total file sizes"},
		},
		Action: withSession(inspectAction),
	})
}

func inspectAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 {
		return &usageErr{msg: "\"nook inspect\" requires at least 1 argument.\nSee 'nook inspect --help'."}
	}
	var objs []any
	failed := false
	for _, ref := range c.Args().Slice() {
		obj, err := s.inspectObject(ref, c.String("type"))
		if err != nil {
			fmt.Fprintf(os.Stderr, "Error: No such object: %s\n", ref)
			failed = true
			continue
		}
		objs = append(objs, obj)
	}
	if err := renderInspect(c.App.Writer, c.String("format"), objs); err != nil {
		return err
	}
	if failed {
		return cli.Exit("", 1)
	}
	return nil
}

// inspectObject finds ref as a container, then an image (Docker's order).
func (s *session) inspectObject(ref, typ string) (any, error) {
	if typ == "" || typ == "container" {
		if r, err := s.ctrs.Lookup(ref); err == nil {
			return s.ctrs.Inspect(r), nil
		} else if typ == "container" {
			return nil, err
		}
	}
	if typ == "" || typ == "image" {
		if j, err := s.inspectImage(ref); err == nil {
			return j, nil
		} else if typ == "image" {
			return nil, err
		}
	}
	if inspectVolume != nil && (typ == "" || typ == "volume") {
		return inspectVolume(s, ref)
	}
	return nil, errdefs.NotFound("No such object: %s", ref)
}

// inspectVolume is set by the volume commands.
var inspectVolume func(s *session, name string) (any, error)

// renderInspect prints a JSON array (4-space indent) or one rendered
// template per object, evaluated on the JSON form so key names work.
func renderInspect(w io.Writer, format string, objs []any) error {
	if format == "" {
		if objs == nil {
			objs = []any{}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "    ")
		return enc.Encode(objs)
	}
	t, err := template.New("").Funcs(templateFuncs).Parse(format)
	if err != nil {
		return fmt.Errorf("template parsing error: %w", err)
	}
	for _, o := range objs {
		b, _ := json.Marshal(o)
		var m any
		json.Unmarshal(b, &m)
		var sb strings.Builder
		if err := t.Execute(&sb, m); err != nil {
			return errors.New("template: " + err.Error())
		}
		fmt.Fprintln(w, sb.String())
	}
	return nil
}

var templateFuncs = template.FuncMap{
	"json": func(v any) string {
		var sb strings.Builder
		enc := json.NewEncoder(&sb)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		return strings.TrimSuffix(sb.String(), "\n")
	},
	"join": strings.Join, "split": strings.Split, "lower": strings.ToLower, "upper": strings.ToUpper,
}
