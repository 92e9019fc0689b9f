package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type buildResult struct {
	id     string
	err    error
	stderr string
	img    dockerspec.DockerOCIImage
}

func runBuild(t *testing.T, be *memBackend, opts Options) buildResult {
	t.Helper()
	var stderr bytes.Buffer
	opts.Stderr = &stderr
	if opts.Progress == "" {
		opts.Progress = ProgressPlain
	}
	opts.TmpDir = t.TempDir()
	id, err := Build(context.Background(), be, opts)
	r := buildResult{id: id, err: err, stderr: stderr.String()}
	if err == nil {
		if e := json.Unmarshal(be.images[id].Config, &r.img); e != nil {
			t.Fatal(e)
		}
	}
	return r
}

const seedDockerfile = `FROM busybox
WORKDIR /app
ADD . /app
RUN pip install -r requirements.txt
EXPOSE 80
ENV NAME=World
CMD ["python", "app.py"]
`

func TestBuild_SeedShape(t *testing.T) {
	be := newMemBackend(t)
	be.addBase(t, "busybox")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": seedDockerfile, "app.py": "print(1)\n", "requirements.txt": "flask\n"})
	r := runBuild(t, be, Options{ContextDir: dir, Tags: []string{"helloworld"}})
	if r.err != nil {
		t.Fatalf("build: %v\n%s", r.err, r.stderr)
	}
	if got := len(r.img.RootFS.DiffIDs); got != 4 {
		t.Fatalf("layers = %d, want 4 (base + 3)", got)
	}
	var createdBy []string
	layers := 0
	for _, h := range r.img.History {
		createdBy = append(createdBy, h.CreatedBy)
		if !h.EmptyLayer {
			layers++
		}
		if h.Created == nil {
			t.Errorf("history %q has no created time", h.CreatedBy)
		}
	}
	if layers != 4 {
		t.Errorf("non-empty history entries = %d, want 4", layers)
	}
	want := []string{"ADD rootfs.tar / # buildkit", `CMD ["sh"]`, "WORKDIR /app", "ADD . /app # buildkit",
		"RUN /bin/sh -c pip install -r requirements.txt # buildkit", "EXPOSE [80/tcp]", "ENV NAME=World", `CMD ["python" "app.py"]`}
	if strings.Join(createdBy, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(createdBy, "\n"), strings.Join(want, "\n"))
	}
	c := r.img.Config
	if c.WorkingDir != "/app" || c.Cmd[0] != "python" || c.Env[len(c.Env)-1] != "NAME=World" {
		t.Errorf("config = %+v", c)
	}
	if _, ok := c.ExposedPorts["80/tcp"]; !ok {
		t.Errorf("ExposedPorts = %v", c.ExposedPorts)
	}
	if be.images["localhost/helloworld:latest"] == nil {
		t.Errorf("tag not applied")
	}
	addLayer := be.layers[be.names[lastNames(be)[1]]]
	_ = addLayer
	run := be.runs[0]
	if run.WorkDir != "/app" || run.Args[0] != "/bin/sh" {
		t.Errorf("run options = %+v", run)
	}
	for _, s := range []string{"#1 [internal] load build definition from Dockerfile", "[1/4] FROM docker.io/library/busybox:latest",
		"[2/4] WORKDIR /app", "[3/4] ADD . /app", "[4/4] RUN pip install -r requirements.txt", "ran pip install", "naming to localhost/helloworld:latest"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("progress lacks %q:\n%s", s, r.stderr)
		}
	}

	// A full rebuild is all CACHED and gives the same image ID.
	r2 := runBuild(t, be, Options{ContextDir: dir, Tags: []string{"helloworld"}})
	if r2.err != nil || r2.id != r.id {
		t.Fatalf("rebuild id %s err %v, want %s\n%s", r2.id, r2.err, r.id, r2.stderr)
	}
	if n := strings.Count(r2.stderr, "CACHED"); n != 3 || len(be.runs) != 1 {
		t.Errorf("rebuild: %d CACHED, %d runs\n%s", n, len(be.runs), r2.stderr)
	}

	// Changing a file re-runs ADD and RUN only.
	writeFiles(t, dir, map[string]string{"app.py": "print(2)\n"})
	r3 := runBuild(t, be, Options{ContextDir: dir})
	if r3.err != nil || r3.id == r.id || strings.Count(r3.stderr, "CACHED") != 1 || len(be.runs) != 2 {
		t.Errorf("after change: err %v, %d CACHED, %d runs\n%s", r3.err, strings.Count(r3.stderr, "CACHED"), len(be.runs), r3.stderr)
	}
	// --no-cache runs everything.
	r4 := runBuild(t, be, Options{ContextDir: dir, NoCache: true})
	if r4.err != nil || strings.Contains(r4.stderr, "CACHED") || len(be.runs) != 3 {
		t.Errorf("no-cache: %v\n%s", r4.err, r4.stderr)
	}
}

func lastNames(be *memBackend) []string {
	var out []string
	for n := range be.names {
		out = append(out, n)
	}
	return append(out, "", "")
}

func TestBuild_AddLayerContent(t *testing.T) {
	be := newMemBackend(t)
	be.addBase(t, "busybox")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile":  "FROM busybox\nCOPY --chown=app:staff --chmod=640 src/ /var/run/x/\nCOPY a.txt /single\n",
		"src/one.txt": "1", "src/sub/two.txt": "2", "a.txt": "a",
		".dockerignore": "src/sub\n",
	})
	r := runBuild(t, be, Options{ContextDir: dir})
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	first := be.tarEntries(t, "layer2")
	h := first["run/x/one.txt"]
	if h == nil {
		t.Fatalf("entries %v: want run/x/one.txt (through the /var/run symlink)", keys(first))
	}
	if h.Uid != 1000 || h.Gid != 50 || h.Mode != 0o640 {
		t.Errorf("one.txt = uid %d gid %d mode %o", h.Uid, h.Gid, h.Mode)
	}
	if _, ok := first["run/x/sub/two.txt"]; ok {
		t.Errorf("ignored file copied")
	}
	if _, ok := first["var/"]; ok {
		t.Errorf("existing directory var rewritten")
	}
	second := be.tarEntries(t, "layer3")
	if h := second["single"]; h == nil || h.Uid != 0 || h.Size != 1 {
		t.Errorf("single: %+v (entries %v)", h, keys(second))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBuild_FailingRun(t *testing.T) {
	be := newMemBackend(t)
	be.addBase(t, "busybox")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nENV A=1\nRUN false\n"})
	r := runBuild(t, be, Options{ContextDir: dir, Tags: []string{"x"}})
	var re *RunError
	if !errors.As(r.err, &re) || re.Code != 1 {
		t.Fatalf("err = %v, want RunError code 1", r.err)
	}
	if be.images["localhost/x:latest"] != nil {
		t.Errorf("failed build was tagged")
	}
	for _, s := range []string{" > [2/2] RUN false:", "about to fail", "Dockerfile:3", " >>> RUN false",
		`ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1`} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("output lacks %q:\n%s", s, r.stderr)
		}
	}
}

func TestBuild_MultiStageArgs(t *testing.T) {
	be := newMemBackend(t)
	be.addBase(t, "busybox")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": `ARG BASE=busybox
ARG VERSION=1
FROM ${BASE} AS builder
ARG VERSION
ENV OUT=/out/v${VERSION}
RUN build $OUT
WORKDIR $OUT
COPY x.txt .
FROM scratch
ARG NOTSET
COPY --from=builder /out /dist
LABEL v=${VERSION}x
ENTRYPOINT ["/dist/run"]
`, "x.txt": "x"})
	r := runBuild(t, be, Options{ContextDir: dir, BuildArgs: map[string]*string{"VERSION": ptr("7")}})
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	if got := be.runs[0].Env; !contains(got, "OUT=/out/v7") || !contains(got, "VERSION=7") {
		t.Errorf("run env = %v", got)
	}
	if r.img.Config.Labels["v"] != "x" {
		t.Errorf("global ARG leaked into stage: labels %v", r.img.Config.Labels)
	}
	if len(r.img.RootFS.DiffIDs) != 1 || r.img.Config.Cmd != nil {
		t.Errorf("final image: %d layers, cmd %v", len(r.img.RootFS.DiffIDs), r.img.Config.Cmd)
	}
	last := be.tarEntries(t, "layer"+itoa(be.created))
	if _, ok := last["dist/v7/x.txt"]; !ok {
		t.Errorf("COPY --from entries: %v", keys(last))
	}
	if !strings.Contains(r.stderr, "[builder 2/4] RUN build /out/v7") || !strings.Contains(r.stderr, "[stage-1 1/1] COPY --from=builder /out /dist") {
		t.Errorf("progress:\n%s", r.stderr)
	}
	hist := r.img.History
	if hist[0].CreatedBy != "ARG NOTSET" || !hist[0].EmptyLayer {
		t.Errorf("history[0] = %+v", hist[0])
	}
}

func ptr(s string) *string { return &s }
func itoa(i int) string    { return strconv.Itoa(i) }
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestBuild_Errors(t *testing.T) {
	be := newMemBackend(t)
	be.addBase(t, "busybox")
	for _, tc := range []struct{ name, dockerfile, want string }{
		{"unknown instruction", "FROM busybox\nFOO bar\n", "Dockerfile:2: dockerfile parse error on line 2: unknown instruction: FOO"},
		{"unsupported flag", "FROM busybox\nRUN --mount=type=cache,target=/x true\n", "Dockerfile:2: RUN --mount is not supported"},
		{"missing source", "FROM busybox\nCOPY nope /\n", `Dockerfile:2: "nope": not found`},
		{"escaping source", "FROM busybox\nCOPY ../outside /\n", `not found`},
		{"escaping symlink", "FROM busybox\nCOPY link /\n", `not found`},
		{"missing image", "FROM nothere\n", "nothere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"Dockerfile": tc.dockerfile})
			_ = os.Symlink("/etc/passwd", filepath.Join(dir, "link"))
			r := runBuild(t, be, Options{ContextDir: dir})
			var de *DockerfileError
			if r.err == nil || !strings.Contains(errors.Unwrap(r.err).Error(), tc.want) || !errors.As(r.err, &de) {
				t.Fatalf("err = %v, want %q", r.err, tc.want)
			}
		})
	}
}
