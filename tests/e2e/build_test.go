package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// The seed's Dockerfile shape on a busybox base: base layers + 3.
func TestBuild_SeedShapeLayersHistoryCache(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile":    "FROM " + img + "\nWORKDIR /app\nADD . /app\nRUN echo built > /app/built\nEXPOSE 80\nENV NAME=MyWorld\nCMD [\"cat\", \"/app/built\"]\n",
		"app.txt":       "v1\n",
		".dockerignore": "secret\n",
		"secret":        "no\n",
	})
	tag := imageName(t)
	nook(t, "build", "--progress", "plain", "-t", tag, dir).Ok()
	nook(t, "run", "--rm", tag).Ok().StdoutIs("built")
	nook(t, "run", "--rm", tag, "cat", "/app/app.txt").Ok().StdoutIs("v1")
	nook(t, "run", "--rm", tag, "ls", "/app/secret").Fails()
	nook(t, "inspect", "-f", "{{len .RootFS.Layers}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}}", tag).Ok().
		StdoutIs(`4 /app {"80/tcp":{}}`)
	nook(t, "inspect", "-f", "{{json .Config.Cmd}} {{index .Config.Env 1}}", tag).Ok().StdoutIs(`["cat","/app/built"] NAME=MyWorld`)
	hist := nook(t, "history", "--format", "{{.CreatedBy}}|{{.Size}}", tag).Ok().Stdout()
	lines := strings.Split(strings.TrimSpace(hist), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], `CMD ["cat" "/app/built"]|0B`) || !strings.HasPrefix(lines[3], "RUN /bin/sh -c echo built") {
		t.Fatalf("history (base + 6 instructions, newest first):\n%s", hist)
	}
	id1 := nook(t, "inspect", "-f", "{{.Id}}", tag).Ok().Line()
	// An unchanged context is fully cached and gives the same image.
	r := nook(t, "build", "--progress", "plain", "-t", tag, dir).Ok()
	if strings.Count(r.Stderr(), "CACHED") != 3 {
		r.Fatalf("want WORKDIR, ADD and RUN CACHED")
	}
	nook(t, "inspect", "-f", "{{.Id}}", tag).Ok().StdoutIs(id1)
	// Changing one file reruns ADD and the steps after it only.
	os.WriteFile(filepath.Join(dir, "app.txt"), []byte("v2\n"), 0o644)
	r = nook(t, "build", "--progress", "plain", "-t", tag, dir).Ok()
	if strings.Count(r.Stderr(), "CACHED") != 1 {
		r.Fatalf("want only WORKDIR CACHED after changing app.txt")
	}
	nook(t, "run", "--rm", tag, "cat", "/app/app.txt").Ok().StdoutIs("v2")
}

func TestBuild_MultiStageAndArgs(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile": "ARG BASE=" + img + "\nFROM $BASE AS builder\nARG GREETING=hi\nRUN echo $GREETING > /out\nFROM $BASE\nCOPY --from=builder /out /copied\nCMD [\"cat\", \"/copied\"]\n",
	})
	tag := imageName(t)
	nook(t, "build", "--build-arg", "GREETING=hello", "-t", tag, dir).Ok()
	nook(t, "run", "--rm", tag).Ok().StdoutIs("hello")
}

func TestBuild_Errors(t *testing.T) {
	img := busyboxImage(t)
	bad := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nFOO bar\n"})
	nook(t, "build", "-t", imageName(t), bad).Exit(1).StderrContains("Dockerfile:2", "FOO")
	fail := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN exit 3\n"})
	tag := imageName(t)
	nook(t, "build", "-t", tag, fail).Exit(1).StderrContains("did not complete successfully: exit code: 3")
	nook(t, "inspect", "--type", "image", tag).Exit(1)
	missing := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nCOPY nothere /x\n"})
	nook(t, "build", "-t", imageName(t), missing).Exit(1).StderrContains("nothere")
	escape := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nCOPY ../../etc/passwd /x\n"})
	nook(t, "build", "-t", imageName(t), escape).Exit(1)
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

	nook(t, "build").Exit(125)
	nook(t, "build", "--bogus", dir).Exit(125)
}
