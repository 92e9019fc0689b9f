package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"text/template"
)

// TemplateError is a --format template that failed to parse or execute.
// Its text is Docker's: "template parsing error: <cause>" (Docker uses
// these words for execution errors too). docker inspect exits 64 on a
// template that does not parse; other commands exit 1.
type TemplateError struct {
	Err error
}

func (e *TemplateError) Error() string { return "template parsing error: " + e.Err.Error() }
func (e *TemplateError) Unwrap() error { return e.Err }

// funcs are docker/cli's template functions (templates.basicFunctions).
var funcs = template.FuncMap{
	"json":     formatJSON,
	"split":    strings.Split,
	"join":     joinElements,
	"title":    strings.Title, //nolint:staticcheck // Docker uses it; ASCII only
	"lower":    strings.ToLower,
	"upper":    strings.ToUpper,
	"pad":      padWithSpace,
	"truncate": truncateWithLength,
}

// headerFuncs replace funcs when a table's header row is rendered, so the
// header text comes out unchanged; pad is kept to preserve alignment.
var headerFuncs = template.FuncMap{
	"json":     func(v string) string { return v },
	"split":    func(v string, _ string) string { return v },
	"join":     func(v string, _ string) string { return v },
	"title":    func(v string) string { return v },
	"lower":    func(v string) string { return v },
	"upper":    func(v string) string { return v },
	"truncate": func(v string, _ int) string { return v },
}

// NewTemplate parses text (already stripped of any "table" prefix) with
// Docker's template functions: json, split, join, title, lower, upper,
// pad and truncate, plus the text/template builtins. A parse error is a
// *TemplateError.
func NewTemplate(text string) (*template.Template, error) {
	tmpl, err := template.New("").Funcs(funcs).Parse(text)
	if err != nil {
		return nil, &TemplateError{Err: err}
	}
	return tmpl, nil
}

// padWithSpace adds spaces on both sides of a non-empty source.
func padWithSpace(source string, prefix, suffix int) string {
	if source == "" {
		return source
	}
	return strings.Repeat(" ", prefix) + source + strings.Repeat(" ", suffix)
}

// truncateWithLength keeps the first length bytes (not runes) of source.
func truncateWithLength(source string, length int) string {
	if len(source) < length {
		return source
	}
	return source[:length]
}

// formatJSON encodes v without HTML escaping and without the encoder's
// trailing newline. Like Docker it panics on an encoding error, which
// text/template turns into an execution error.
func formatJSON(v any) string {
	buf := &bytes.Buffer{}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSpace(buf.String())
}

// formatRowJSON is the json function of table rows. Docker's row contexts
// marshal as a map of their fields, so keys come out sorted; a plain row
// struct is re-encoded through a map to match.
func formatRowJSON(v any) string {
	if _, ok := v.(json.Marshaler); ok || !isStruct(v) {
		return formatJSON(v)
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(formatJSON(v)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	return formatJSON(m)
}

func isStruct(v any) bool {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	return rv.Kind() == reflect.Struct
}

// joinElements joins a []string with strings.Join, other slices and
// arrays with fmt.Sprint per element, and map values sorted.
func joinElements(elems any, sep string) (string, error) {
	if elems == nil {
		return "", nil
	}
	if ss, ok := elems.([]string); ok {
		return strings.Join(ss, sep), nil
	}
	switch rv := reflect.ValueOf(elems); rv.Kind() { //nolint:exhaustive // as docker/cli
	case reflect.Array, reflect.Slice:
		var b strings.Builder
		for i := range rv.Len() {
			if i > 0 {
				b.WriteString(sep)
			}
			_, _ = fmt.Fprint(&b, rv.Index(i).Interface())
		}
		return b.String(), nil
	case reflect.Map:
		out := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			out = append(out, fmt.Sprint(rv.MapIndex(k).Interface()))
		}
		slices.Sort(out)
		return strings.Join(out, sep), nil
	default:
		return "", fmt.Errorf("expected slice, got %T", elems)
	}
}
