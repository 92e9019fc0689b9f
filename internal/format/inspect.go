package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/template"
)

// Inspector renders `inspect` output the way docker/cli's inspect
// package does. Create one per command, Add each object found, and Flush
// at the end (also after some objects were not found: the found ones
// still print).
//
//   - format "": a JSON array indented with 4 spaces (HTML escaping off),
//     "[]" when nothing was added.
//   - format "json": the same array, compact.
//   - any other format: a template executed per object, one line each.
//     It runs first against the object itself (so Go field and method
//     names work); if that fails it runs against the object's JSON
//     decoded into map[string]any with missingkey=error, so every JSON key
//     path works ({{.State.Status}}, {{index .Config.Labels "k"}}). A
//     missing key of a typed map prints "<no value>".
type Inspector struct {
	w    io.Writer
	tmpl *template.Template // nil for the JSON modes
	out  bytes.Buffer       // rendered template lines
	raws [][]byte           // encoded objects for the JSON modes
	json bool               // compact "json" mode
}

// NewInspector parses format; a bad template is a *TemplateError (Docker
// exits 64 for it).
func NewInspector(w io.Writer, format string) (*Inspector, error) {
	i := &Inspector{w: w}
	switch format {
	case "":
	case JSONFormatKey:
		i.json = true
	default:
		tmpl, err := NewTemplate(format)
		if err != nil {
			return nil, err
		}
		i.tmpl = tmpl
	}
	return i, nil
}

// Add renders one object. obj may be any value that encodes to a JSON
// object, or the encoded JSON itself as json.RawMessage or []byte.
func (i *Inspector) Add(obj any) error {
	raw, err := encodeRaw(obj)
	if err != nil {
		return fmt.Errorf("encode inspect data: %w", err)
	}
	if i.tmpl == nil {
		i.raws = append(i.raws, raw)
		return nil
	}
	var line bytes.Buffer
	if _, isRaw := rawBytes(obj); isRaw || i.tmpl.Execute(&line, obj) != nil {
		line.Reset()
		if err := i.executeRaw(&line, raw); err != nil {
			return err
		}
	}
	i.out.Write(line.Bytes())
	i.out.WriteByte('\n')
	return nil
}

func (i *Inspector) executeRaw(w io.Writer, raw []byte) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("unable to read inspect data: %w", err)
	}
	tmpl, err := i.tmpl.Clone()
	if err != nil {
		return &TemplateError{Err: err}
	}
	if err := tmpl.Option("missingkey=error").Execute(w, v); err != nil {
		return &TemplateError{Err: err}
	}
	return nil
}

// Flush writes the output. In template mode with no rendered line it
// writes a single newline, as Docker does.
func (i *Inspector) Flush() error {
	if i.tmpl != nil {
		if i.out.Len() == 0 {
			_, err := io.WriteString(i.w, "\n")
			return err
		}
		_, err := i.out.WriteTo(i.w)
		return err
	}
	if len(i.raws) == 0 {
		_, err := io.WriteString(i.w, "[]\n")
		return err
	}
	joined := append([]byte{'['}, bytes.Join(i.raws, []byte{','})...)
	joined = append(joined, ']')
	var out bytes.Buffer
	var err error
	if i.json {
		err = json.Compact(&out, joined)
	} else {
		err = json.Indent(&out, joined, "", "    ")
	}
	if err != nil {
		return fmt.Errorf("format inspect output: %w", err)
	}
	out.WriteByte('\n')
	_, err = out.WriteTo(i.w)
	return err
}

// RenderInspect renders objs with format (see Inspector) and writes the
// result to w. Rendering continues past failing objects; their errors are
// joined and returned after the output is written.
func RenderInspect(w io.Writer, format string, objs []any) error {
	i, err := NewInspector(w, format)
	if err != nil {
		return err
	}
	var errs []error
	for _, obj := range objs {
		if err := i.Add(obj); err != nil {
			errs = append(errs, err)
		}
	}
	if err := i.Flush(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func rawBytes(obj any) ([]byte, bool) {
	switch v := obj.(type) {
	case json.RawMessage:
		return v, true
	case []byte:
		return v, true
	}
	return nil, false
}

// encodeRaw encodes obj as the Docker daemon does (no HTML escaping).
func encodeRaw(obj any) ([]byte, error) {
	if b, ok := rawBytes(obj); ok {
		return b, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
