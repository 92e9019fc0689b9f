package format

import (
	"bytes"
	"io"
	"strings"
	"text/template"
)

// Special --format values.
const (
	TableFormatKey = "table" // prefix that turns on headers and alignment
	JSONFormatKey  = "json"  // exactly "json": one {{json .}} line per row
	JSONFormat     = "{{json .}}"
	QuietFormat    = "{{.ID}}" // what -q prints
)

// Docker's default --format strings.
const (
	PsFormat     = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
	PsSizeSuffix = `\t{{.Size}}` // appended to PsFormat for ps -s
	ImagesFormat = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
	// ImagesDigestsFormat is the images default with --digests.
	ImagesDigestsFormat = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
	VolumesFormat       = "table {{.Driver}}\t{{.Name}}"
	VolumesQuietFormat  = "{{.Name}}"
)

// Header maps a row's template field name to its column header text
// (docker/cli's SubHeaderContext). The header row of a table is the same
// template executed against this map.
type Header map[string]string

// Label is the header for {{.Label "com.example.some-key"}}: the part
// after the last dot, with '-' and '_' turned into spaces ("some key").
func (Header) Label(name string) string {
	n := strings.Split(name, ".")
	return strings.NewReplacer("-", " ", "_", " ").Replace(n[len(n)-1])
}

// ContainerHeader is the header map of docker ps.
var ContainerHeader = Header{
	"ID": "CONTAINER ID", "Names": "NAMES", "Image": "IMAGE", "Command": "COMMAND",
	"CreatedAt": "CREATED AT", "RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE",
	"Status": "STATUS", "Size": "SIZE", "Labels": "LABELS", "Mounts": "MOUNTS",
	"LocalVolumes": "LOCAL VOLUMES", "Networks": "NETWORKS", "Platform": "PLATFORM",
	"HealthStatus": "HEALTH STATUS",
}

// ImageHeader is the header map of docker images.
var ImageHeader = Header{
	"ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST",
	"CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE",
	"Containers": "CONTAINERS", "SharedSize": "SHARED SIZE", "UniqueSize": "UNIQUE SIZE",
}

// VolumeHeader is the header map of docker volume ls.
var VolumeHeader = Header{
	"ID": "ID", "Name": "VOLUME NAME", "Group": "GROUP", "Driver": "DRIVER", "Scope": "SCOPE",
	"Availability": "AVAILABILITY", "Mountpoint": "MOUNTPOINT", "Labels": "LABELS",
	"Links": "LINKS", "Size": "SIZE", "Status": "STATUS",
}

// SelectFormat resolves a list command's --format the way docker/cli
// does: "" and "table" mean the default table format, quiet (-q) always
// wins over any format (Docker warns that it ignores a custom one), and
// anything else is used as given.
func SelectFormat(user string, quiet bool, defaultFormat, quietFormat string) string {
	switch {
	case quiet:
		return quietFormat
	case user == "" || user == TableFormatKey:
		return defaultFormat
	default:
		return user
	}
}

// IsTable reports whether format starts with "table" (Docker's test).
func IsTable(format string) bool { return strings.HasPrefix(format, TableFormatKey) }

// templateText turns a --format value into template text: "json" becomes
// {{json .}}, the "table" prefix and surrounding spaces are removed, and
// the two-character sequences \t and \n become a tab and a newline.
func templateText(format string) string {
	switch format {
	case TableFormatKey:
		return ""
	case JSONFormatKey:
		return JSONFormat
	}
	out := strings.TrimPrefix(format, TableFormatKey)
	out = strings.Trim(out, " ")
	return strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(out)
}

// WriteTable renders rows with a --format value as docker ps, images and
// volume ls do. Each row is one execution of the template followed by a
// newline. With a "table" format a header row (the template executed
// against header, with json/split/join/title/lower/upper/truncate
// returning the header text) comes first and all lines are aligned in
// columns; otherwise the lines are written as they are. "json" prints one
// JSON object per row with sorted keys. Rows may be structs, pointers or
// maps; a row type can add methods such as Label(key string) string.
// Nothing is written when the template fails (*TemplateError).
func WriteTable[T any](w io.Writer, format string, header Header, rows []T) error {
	tmpl, err := template.New("").Funcs(funcs).Funcs(template.FuncMap{"json": formatRowJSON}).
		Parse(templateText(format))
	if err != nil {
		return &TemplateError{Err: err}
	}
	var body bytes.Buffer
	for _, row := range rows {
		if err := tmpl.Execute(&body, row); err != nil {
			return &TemplateError{Err: err}
		}
		body.WriteByte('\n')
	}
	if !IsTable(format) {
		_, err := body.WriteTo(w)
		return err
	}
	var all bytes.Buffer
	// Docker ignores header errors and keeps what was written.
	_ = tmpl.Funcs(headerFuncs).Execute(&all, header)
	all.WriteByte('\n')
	all.Write(body.Bytes())
	return writeAligned(w, all.Bytes(), tableMinWidth, tablePadding)
}
