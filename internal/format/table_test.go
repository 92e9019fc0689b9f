package format

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

type psRow struct {
	ID, Image, Command, RunningFor, Status, Ports, Names string
	labels                                               map[string]string
}

func (r psRow) Label(k string) string { return r.labels[k] }

var psRows = []psRow{
	{
		ID: "4b8e2f9c1d3a", Image: "nginx:1.27", Command: `"/docker-entrypoint.…"`,
		RunningFor: "2 minutes ago", Status: "Up 2 minutes",
		Ports: "0.0.0.0:4000->80/tcp, [::]:4000->80/tcp", Names: "web",
		labels: map[string]string{"com.example.my-key": "v1"},
	},
	{
		ID: "9c0a7d31e5f2", Image: "alpine", Command: `"sh -c sleep 1; exit…"`,
		RunningFor: "10 minutes ago", Status: "Exited (0) 10 minutes ago", Names: "bold_turing",
	},
}

func render[T any](t *testing.T, format string, header Header, rows []T) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTable(&b, format, header, rows); err != nil {
		t.Fatalf("WriteTable(%q): %v", format, err)
	}
	return b.String()
}

func TestWriteTable_PsDefault(t *testing.T) {
	want := "" +
		"CONTAINER ID   IMAGE        COMMAND                  CREATED          STATUS                      PORTS                                     NAMES\n" +
		"4b8e2f9c1d3a   nginx:1.27   \"/docker-entrypoint.…\"   2 minutes ago    Up 2 minutes                0.0.0.0:4000->80/tcp, [::]:4000->80/tcp   web\n" +
		"9c0a7d31e5f2   alpine       \"sh -c sleep 1; exit…\"   10 minutes ago   Exited (0) 10 minutes ago                                             bold_turing\n"
	if got := render(t, PsFormat, ContainerHeader, psRows); got != want {
		t.Errorf("ps table:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name, format, want string
		rows               []psRow
	}{
		{name: "no rows still prints the header", format: PsFormat, rows: nil,
			want: "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"},
		{name: "minimum width is 10 and the last column is not padded",
			format: `table {{.ID}}\t{{.Names}}`, rows: psRows[:1],
			want: "CONTAINER ID   NAMES\n4b8e2f9c1d3a   web\n"},
		{name: "short header padded to 10", format: `table {{.Names}}\t{{.ID}}`, rows: psRows,
			want: "NAMES         CONTAINER ID\nweb           4b8e2f9c1d3a\nbold_turing   9c0a7d31e5f2\n"},
		{name: "without table prefix tabs stay raw and there is no header",
			format: `{{.ID}}\t{{.Names}}`, rows: psRows,
			want: "4b8e2f9c1d3a\tweb\n9c0a7d31e5f2\tbold_turing\n"},
		{name: "literal newline", format: `{{.ID}}\n{{.Names}}`, rows: psRows[:1],
			want: "4b8e2f9c1d3a\nweb\n"},
		{name: "quiet format", format: QuietFormat, rows: psRows,
			want: "4b8e2f9c1d3a\n9c0a7d31e5f2\n"},
		{name: "spaces around the template are trimmed", format: "table   {{.Names}}  ", rows: psRows[:1],
			want: "NAMES\nweb\n"},
		{name: "header funcs return the header text",
			format: `table {{json .Names}}\t{{upper .Image}}\t{{lower .ID}}\t{{truncate .Status 2}}\t{{title .Ports}}`,
			rows:   psRows[:1],
			want: "NAMES     IMAGE        CONTAINER ID   STATUS    PORTS\n" +
				"\"web\"     NGINX:1.27   4b8e2f9c1d3a   Up        0.0.0.0:4000->80/Tcp, [::]:4000->80/Tcp\n"},
		{name: "pad pads the header too", format: `table {{pad .Names 2 1}}|{{.ID}}`, rows: psRows[:1],
			want: "  NAMES |CONTAINER ID\n  web |4b8e2f9c1d3a\n"},
		{name: "pad leaves empty values alone", format: `{{pad .Ports 1 1}}|`, rows: psRows[1:],
			want: "|\n"},
		{name: "label header is the last dotted part without dashes",
			format: `table {{.ID}}\t{{.Label "com.example.my-key"}}`, rows: psRows,
			want: "CONTAINER ID   my key\n4b8e2f9c1d3a   v1\n9c0a7d31e5f2   \n"},
		{name: "truncate counts bytes", format: `{{truncate .Command 4}}`, rows: psRows[:1],
			want: "\"/do\n"},
		{name: "unknown header key prints no value", format: `table {{.Names}}\t{{.Nope}}`, rows: nil,
			want: "NAMES     <no value>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, tc.format, ContainerHeader, tc.rows); got != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

func TestWriteTable_JSONLines(t *testing.T) {
	type row struct {
		Size  string
		ID    string
		Image string
	}
	rows := []row{{ID: "abc", Image: "<no image>", Size: "0B"}, {ID: "def", Image: "a&b"}}
	want := `{"ID":"abc","Image":"<no image>","Size":"0B"}` + "\n" + `{"ID":"def","Image":"a&b","Size":""}` + "\n"
	if got := render(t, "json", ContainerHeader, rows); got != want {
		t.Errorf("json lines:\n%s\nwant:\n%s", got, want)
	}
	if got := render(t, `{{json .ID}}`, ContainerHeader, rows[:1]); got != "\"abc\"\n" {
		t.Errorf("json of a field = %q", got)
	}
}

func TestWriteTable_FuncsOnSlicesAndMaps(t *testing.T) {
	type row struct {
		List   []string
		Nums   []int
		Labels map[string]string
		Words  string
	}
	rows := []row{{List: []string{"a", "b"}, Nums: []int{1, 2}, Labels: map[string]string{"x": "2", "y": "1"}, Words: "a,b"}}
	format := `{{join .List ":"}} {{join .Nums "+"}} {{join .Labels ","}} {{index (split .Words ",") 1}} {{json .List}}`
	if got := render(t, format, Header{}, rows); got != `a:b 1+2 1,2 b ["a","b"]`+"\n" {
		t.Errorf("got %q", got)
	}
}

func TestWriteTable_Errors(t *testing.T) {
	var b bytes.Buffer
	err := WriteTable(&b, "{{.ID", ContainerHeader, psRows)
	var te *TemplateError
	if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "template parsing error: template: :1: unclosed action") {
		t.Errorf("parse error = %v", err)
	}
	err = WriteTable(&b, "table {{.Nope}}", ContainerHeader, psRows)
	if !errors.As(err, &te) || !strings.Contains(err.Error(), `template parsing error: template: :1:2: executing "" at <.Nope>: can't evaluate field Nope`) {
		t.Errorf("exec error = %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("output written on error: %q", b.String())
	}
}

func TestSelectFormat(t *testing.T) {
	tests := []struct {
		user  string
		quiet bool
		want  string
	}{
		{"", false, PsFormat},
		{"table", false, PsFormat},
		{"", true, QuietFormat},
		{"{{.Names}}", true, QuietFormat},
		{"json", false, "json"},
		{"table {{.Names}}", false, "table {{.Names}}"},
	}
	for _, tc := range tests {
		if got := SelectFormat(tc.user, tc.quiet, PsFormat, QuietFormat); got != tc.want {
			t.Errorf("SelectFormat(%q, %v) = %q, want %q", tc.user, tc.quiet, got, tc.want)
		}
	}
}

func TestImagesDefault(t *testing.T) {
	type img struct{ Repository, Tag, ID, CreatedSince, Size string }
	rows := []img{
		{"myapp", "latest", "7c1d2e3f4a5b", "3 minutes ago", "158MB"},
		{"alpine", "3.20", "91ef0af61f39", "2 weeks ago", "7.8MB"},
		{"<none>", "<none>", "0d2c4e6f8a1b", "", "1.22GB"},
	}
	want := "" +
		"REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\n" +
		"myapp        latest    7c1d2e3f4a5b   3 minutes ago   158MB\n" +
		"alpine       3.20      91ef0af61f39   2 weeks ago     7.8MB\n" +
		"<none>       <none>    0d2c4e6f8a1b   N/A             1.22GB\n"
	if got := render(t, ImagesFormat, ImageHeader, rows); got != want {
		t.Errorf("images:\n%s\nwant:\n%s", got, want)
	}
}

func TestVolumesDefault(t *testing.T) {
	type vol struct{ Driver, Name string }
	want := "DRIVER    VOLUME NAME\nlocal     pgdata\n"
	if got := render(t, VolumesFormat, VolumeHeader, []vol{{"local", "pgdata"}}); got != want {
		t.Errorf("volume ls:\n%q\nwant %q", got, want)
	}
}

func TestWriteAligned_WideCharacters(t *testing.T) {
	var b bytes.Buffer
	if err := writeAligned(&b, []byte("日本語\tx\nab\ty\n"), 1, 1); err != nil {
		t.Fatal(err)
	}
	if want := "日本語 x\nab     y\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// TestWriteAligned_MatchesTextTabwriter compares the aligner with
// text/tabwriter on random ASCII tables, where both must agree.
func TestWriteAligned_MatchesTextTabwriter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		var text strings.Builder
		for range r.IntN(6) {
			for c := range r.IntN(5) {
				if c > 0 {
					text.WriteByte('\t')
				}
				text.WriteString(strings.Repeat("x", r.IntN(15)))
			}
			if r.IntN(8) > 0 {
				text.WriteByte('\n')
			}
		}
		var want, got bytes.Buffer
		tw := tabwriter.NewWriter(&want, 10, 1, 3, ' ', 0)
		_, _ = tw.Write([]byte(text.String()))
		_ = tw.Flush()
		if err := writeAligned(&got, []byte(text.String()), 10, 3); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("case %d %q:\ngot  %q\nwant %q", i, text.String(), got.String(), want.String())
		}
	}
}
