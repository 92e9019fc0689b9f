package e2e

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func writeContext(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// savedImage is the part of an image's config JSON the build tests check,
// read from `nook save` (the raw config, history included).
type savedImage struct {
	Config struct {
		Env          []string
		Cmd          []string
		WorkingDir   string
		ExposedPorts map[string]struct{}
		Labels       map[string]string
		User         string
	} `json:"config"`
	RootFS struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []struct {
		Created    *time.Time `json:"created"`
		CreatedBy  string     `json:"created_by"`
		Comment    string     `json:"comment"`
		EmptyLayer bool       `json:"empty_layer"`
	} `json:"history"`
}

// imageConfig saves ref as a docker-archive and returns its config.
func imageConfig(t *testing.T, c *Cmd, ref string) savedImage {
	t.Helper()
	_, _, img := savedArchive(t, c.Run("save", ref).Ok().Stdout(), ref, func(name string) bool {
		return strings.HasSuffix(name, ".json")
	})
	return img
}

type savedManifest struct {
	Config string
	Layers []string
}

// savedArchive reads the docker-archive `nook save ref` printed: the files
// keep selects (all when nil), its one manifest entry and the config.
func savedArchive(t *testing.T, data, ref string, keep func(name string) bool) (map[string][]byte, savedManifest, savedImage) {
	t.Helper()
	files := map[string][]byte{}
	tr := tar.NewReader(strings.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("read `nook save %s`: %v", ref, err)
		}
		if keep == nil || keep(h.Name) || h.Name == "manifest.json" {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatalf("read %s of `nook save %s`: %v", h.Name, ref, err)
			}
			files[h.Name] = b
		}
	}
	var manifest []savedManifest
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json of `nook save %s`: %v\n%s", ref, err, files["manifest.json"])
	}
	var img savedImage
	if err := json.Unmarshal(files[manifest[0].Config], &img); err != nil {
		t.Fatalf("config %s: %v", manifest[0].Config, err)
	}
	return files, manifest[0], img
}

var stepLine = regexp.MustCompile(`(?m)^ => (CACHED )?\[[^\]]*\d+/\d+\] (.*?)\s+\d+\.\ds$`)

// buildSteps runs a tty-progress build and returns the numbered steps as
// "CACHED WORKDIR /app" or "ADD . /app", in order (FROM left out).
func buildSteps(t *testing.T, c *Cmd, args ...string) ([]string, *Result) {
	t.Helper()
	r := c.Run(append([]string{"build", "--progress", "tty"}, args...)...).Ok()
	var steps []string
	for _, m := range stepLine.FindAllStringSubmatch(r.Stderr(), -1) {
		if !strings.HasPrefix(m[2], "FROM ") {
			steps = append(steps, m[1]+m[2])
		}
	}
	return steps, r
}

// The seed's Dockerfile shape on a busybox base: base layers + 3, history
// entries for every instruction with empty_layer for the metadata ones,
// Docker's config, and the files owned by root whatever their host owner.
func TestBuild_SeedShape(t *testing.T) {
	img := busyboxImage(t)
	base := imageConfig(t, newCmd(t), img)
	dir := writeContext(t, map[string]string{
		"Dockerfile":    "FROM " + img + "\nWORKDIR /app\nADD . /app\nRUN echo built > /app/built\nEXPOSE 80\nENV NAME=MyWorld\nCMD [\"cat\", \"/app/built\"]\n",
		"app.txt":       "v1\n",
		"run.sh":        "#!/bin/sh\necho run\n",
		"sub/data.txt":  "data\n",
		".dockerignore": "secret\n",
		"secret":        "no\n",
	})
	os.Chmod(filepath.Join(dir, "run.sh"), 0o750)
	tag := imageName(t)
	nook(t, "build", "--progress", "plain", "-t", tag, dir).Ok()

	cfg := imageConfig(t, newCmd(t), tag)
	if got, want := len(cfg.RootFS.DiffIDs), len(base.RootFS.DiffIDs)+3; got != want {
		t.Fatalf("layers: got %d, want base %d + 3", got, len(base.RootFS.DiffIDs))
	}
	if !slices.Equal(cfg.RootFS.DiffIDs[:len(base.RootFS.DiffIDs)], base.RootFS.DiffIDs) {
		t.Fatalf("base layers changed: %v vs %v", cfg.RootFS.DiffIDs, base.RootFS.DiffIDs)
	}
	want := []struct {
		by    string
		empty bool
	}{
		{"WORKDIR /app", false}, {"ADD . /app # buildkit", false},
		{"RUN /bin/sh -c echo built > /app/built # buildkit", false},
		{"EXPOSE [80/tcp]", true}, {"ENV NAME=MyWorld", true}, {`CMD ["cat" "/app/built"]`, true},
	}
	hist := cfg.History[len(base.History):]
	if len(hist) != len(want) {
		t.Fatalf("history: %d new entries, want %d: %+v", len(hist), len(want), hist)
	}
	nonEmpty := 0
	for i, h := range cfg.History {
		if !h.EmptyLayer {
			nonEmpty++
		}
		if h.Created == nil {
			t.Errorf("history %d (%s) has no created time", i, h.CreatedBy)
		}
	}
	if nonEmpty != len(cfg.RootFS.DiffIDs) {
		t.Errorf("%d history entries with a layer, %d layers", nonEmpty, len(cfg.RootFS.DiffIDs))
	}
	for i, w := range want {
		if h := hist[i]; h.CreatedBy != w.by || h.EmptyLayer != w.empty || h.Comment != "buildkit.dockerfile.v0" {
			t.Errorf("history entry %d: got %q empty=%v comment=%q, want %q empty=%v", i, h.CreatedBy, h.EmptyLayer, h.Comment, w.by, w.empty)
		}
	}
	if cfg.Config.WorkingDir != "/app" || !slices.Equal(cfg.Config.Cmd, []string{"cat", "/app/built"}) ||
		len(cfg.Config.ExposedPorts) != 1 || !slices.Contains(cfg.Config.Env, "NAME=MyWorld") ||
		!slices.ContainsFunc(cfg.Config.Env, func(e string) bool { return strings.HasPrefix(e, "PATH=") }) {
		t.Errorf("config: %+v", cfg.Config)
	}

	nook(t, "run", "--rm", tag).Ok().StdoutIs("built")
	nook(t, "run", "--rm", tag, "cat", "/app/app.txt", "/app/sub/data.txt").Ok().StdoutIs("v1\ndata")
	nook(t, "run", "--rm", tag, "ls", "/app/secret").Fails()
	// Context files belong to the host user; in the image they are root's,
	// with their modes kept.
	nook(t, "run", "--rm", tag, "stat", "-c", "%n %u:%g %a", "/app", "/app/app.txt", "/app/run.sh", "/app/sub", "/app/sub/data.txt").Ok().
		StdoutIs("/app 0:0 755\n/app/app.txt 0:0 644\n/app/run.sh 0:0 750\n/app/sub 0:0 755\n/app/sub/data.txt 0:0 644")
	nook(t, "inspect", "-f", "{{len .RootFS.Layers}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}}", tag).Ok().
		StdoutIs(itoa(len(base.RootFS.DiffIDs)+3) + ` /app {"80/tcp":{}}`)
	hl := strings.Split(nook(t, "history", "--format", "{{.CreatedBy}}|{{.Size}}", tag).Ok().Line(), "\n")
	if len(hl) != len(cfg.History) || !strings.HasPrefix(hl[0], `CMD ["cat" "/app/built"]|0B`) {
		t.Fatalf("nook history (newest first):\n%s", strings.Join(hl, "\n"))
	}
}

// The cache: an unchanged context (even with touched mtimes) is all CACHED
// and gives the same image; changing one ADDed file re-runs that step and
// the later ones only; --no-cache runs everything and becomes the cache.
func TestBuild_Cache(t *testing.T) {
	img := busyboxImage(t)
	// A WORKDIR of its own, so that no earlier build in the shared store
	// has cached the first step.
	wd := "/" + uniqueName(t, "w")
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + img + "\nWORKDIR " + wd + "\nCOPY stable.txt " + wd + "/\nADD app.txt " + wd + "/\n" +
			"RUN cat app.txt stable.txt > out\nENV V=1\nCMD [\"cat\", \"out\"]\n",
		"stable.txt": "stable\n",
		"app.txt":    "v1\n",
	})
	tag := imageName(t)
	id := func() string { return nook(t, "inspect", "-f", "{{.Id}}", tag).Ok().Line() }
	all := []string{"WORKDIR " + wd, "COPY stable.txt " + wd + "/", "ADD app.txt " + wd + "/", "RUN cat app.txt stable.txt > out"}
	cached := func(steps ...string) []string {
		var out []string
		for _, s := range steps {
			out = append(out, "CACHED "+s)
		}
		return out
	}
	expect := func(what string, want []string, args ...string) {
		t.Helper()
		got, r := buildSteps(t, newCmd(t), append(args, "-t", tag, dir)...)
		if !slices.Equal(got, want) {
			r.Fatalf("%s: steps\n  %q\nwant\n  %q", what, got, want)
		}
	}
	expect("first build", all)
	id1 := id()
	expect("unchanged context", cached(all...))
	if id() != id1 {
		t.Fatalf("a fully cached rebuild gave a new image ID")
	}
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "app.txt"), later, later)
	expect("app.txt touched (mtime only)", cached(all...))
	if id() != id1 {
		t.Fatalf("touching a file gave a new image ID")
	}
	os.WriteFile(filepath.Join(dir, "app.txt"), []byte("v2\n"), 0o644)
	expect("app.txt changed", append(cached(all[:2]...), all[2:]...))
	nook(t, "run", "--rm", tag).Ok().StdoutIs("v2\nstable")
	id2 := id()
	if id2 == id1 {
		t.Fatalf("a changed file kept the image ID")
	}
	expect("--no-cache", all, "--no-cache")
	id3 := id()
	if id3 == id2 {
		t.Fatalf("--no-cache kept the image ID (layers were not rebuilt)")
	}
	expect("after --no-cache", cached(all...))
	if id() != id3 {
		t.Fatalf("the rebuild after --no-cache does not reuse its layers")
	}
}

// Docker's build flags: -f -, context -, -q, --iidfile, --label, --target,
// --network none, and flag errors exit 125.
func TestBuild_Flags(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"file.txt":      "ctx\n",
		"Dockerfile.ms": "FROM " + img + " AS a\nRUN echo A > /x\nFROM " + img + " AS b\nRUN echo B > /x\n",
	})
	tag := imageName(t)
	df := "FROM " + img + "\nCOPY file.txt /f\nRUN ! ip link show tap0 2>/dev/null\n"
	iid := filepath.Join(dir, "iid")
	id := newCmd(t).WithStdin(strings.NewReader(df)).
		Run("build", "-q", "-f", "-", "--iidfile", iid, "--label", "k=v", "--network", "none", "-t", tag, dir).Ok().Line()
	if b, _ := os.ReadFile(iid); string(b) != id {
		t.Fatalf("iidfile holds %q, -q printed %q", b, id)
	}
	nook(t, "inspect", "-f", "{{.Id}} {{.Config.Labels.k}}", tag).Ok().StdoutIs(id + " v")
	nook(t, "run", "--rm", tag, "cat", "/f").Ok().StdoutIs("ctx")

	target := imageName(t)
	nook(t, "build", "-q", "--target", "a", "-f", filepath.Join(dir, "Dockerfile.ms"), "-t", target, dir).Ok()
	nook(t, "run", "--rm", target, "cat", "/x").Ok().StdoutIs("A")

	// A Dockerfile alone on stdin: empty context.
	stdin := imageName(t)
	newCmd(t).WithStdin(strings.NewReader("FROM "+img+"\nRUN true\nCMD [\"echo\", \"stdin\"]\n")).
		Run("build", "-q", "-t", stdin, "-").Ok()
	nook(t, "run", "--rm", stdin).Ok().StdoutIs("stdin")

	nook(t, "build").Exit(1).StderrContains(`"nook build" requires exactly 1 argument.`) // docker/cli: argument count exits 1
	nook(t, "build", "--bogus", dir).Exit(125)
}
