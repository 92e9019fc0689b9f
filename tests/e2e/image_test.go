package e2e

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var imageIDRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func TestImport_PrintsImageID(t *testing.T) {
	ref := imageName(t)
	id := nook(t, "import", busyboxTar(t), ref).Ok().Line()
	if !imageIDRe.MatchString(id) {
		t.Fatalf("import printed %q, want sha256:<64 hex>", id)
	}
	short := id[7:19]
	repo, tag, _ := strings.Cut(ref, ":")
	nook(t, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").Ok().
		StdoutMatches(`(?m)^` + regexp.QuoteMeta(repo+":"+tag+" "+short) + `$`)
	nook(t, "images", "-q").Ok().StdoutMatches(`(?m)^` + short + `$`)
	// Same content, same image ID: the ID is the digest of the config.
	nook(t, "run", "--rm", ref, "cat", "/www/index.html").Ok().StdoutIs("hello from nook")
}

func TestImport_FromStdinAndGzip(t *testing.T) {
	raw, err := os.ReadFile(busyboxTar(t))
	if err != nil {
		t.Fatal(err)
	}
	ref := imageName(t)
	newCmd(t).WithStdin(bytes.NewReader(raw)).Run("import", "-", ref).Ok().StdoutMatches(`^sha256:[0-9a-f]{64}\n$`)
	nook(t, "run", "--rm", ref, "true").Ok()

	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(raw)
	w.Close()
	f := filepath.Join(t.TempDir(), "busybox.tar.gz")
	if err := os.WriteFile(f, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ref2 := imageName(t)
	nook(t, "import", f, ref2).Ok()
	nook(t, "run", "--rm", ref2, "cat", "/www/index.html").Ok().StdoutIs("hello from nook")
}

func TestImages_Table(t *testing.T) {
	ref := imageName(t)
	nook(t, "import", busyboxTar(t), ref).Ok()
	out := nook(t, "images").Ok().Stdout()
	header := strings.SplitN(out, "\n", 2)[0]
	if !regexp.MustCompile(`^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$`).MatchString(header) {
		t.Fatalf("images header %q", header)
	}
	repo, _, _ := strings.Cut(ref, ":")
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(repo) + `\s+latest\s+[0-9a-f]{12}\s+`).MatchString(out) {
		t.Fatalf("images does not list %s:\n%s", ref, out)
	}
}

func TestTagAndRmi(t *testing.T) {
	src := imageName(t)
	id := nook(t, "import", busyboxTar(t), src).Ok().Line()
	dst := imageName(t)
	nook(t, "tag", src, dst).Ok()
	nook(t, "run", "--rm", dst, "true").Ok()
	same := nook(t, "images", "-q", "--no-trunc").Ok().Stdout()
	if strings.Count(same, id) < 1 {
		t.Fatalf("images -q --no-trunc lacks %s:\n%s", id, same)
	}
	// Removing one tag keeps the image for the other.
	nook(t, "rmi", src).Ok()
	nook(t, "run", "--rm", dst, "true").Ok()
	nook(t, "rmi", dst).Ok()
	nook(t, "run", "--rm", dst, "true").Exit(125)
	nook(t, "rmi", dst).Fails().StderrContains("No such image")
}

func TestRmi_InUseNeedsForce(t *testing.T) {
	ref := imageName(t)
	nook(t, "import", busyboxTar(t), ref).Ok()
	name := containerName(t)
	nook(t, "run", "--name", name, ref, "true").Ok()
	nook(t, "rmi", ref).Exit(1).StderrContains("conflict: unable to remove repository reference", "(must force)")
	// Docker would also print "Deleted: sha256:…" and delete the image;
	// containers/storage cannot delete an image a container's layer is
	// built on, so nook only untags it (like Docker for a multiply tagged
	// image) and the container keeps working.
	nook(t, "rmi", "-f", ref).Ok().StdoutIs("Untagged: " + ref)
	nook(t, "image", "inspect", ref).Fails()
	nook(t, "start", "-a", name).Ok()
}

func TestBadInput_Exit125(t *testing.T) {
	img := busyboxImage(t)
	t.Run("missing image", func(t *testing.T) {
		nook(t, "run", "--rm", "no-such-image-e2e:v0", "true").Exit(125).
			StderrContains("no-such-image-e2e")
	})
	t.Run("unknown flag", func(t *testing.T) {
		nook(t, "run", "--bogus-flag", img, "true").Exit(125).StderrContains("unknown flag", "--bogus-flag")
	})
	t.Run("corrupt tar", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "corrupt.tar")
		if err := os.WriteFile(f, bytes.Repeat([]byte("this is not a tar archive\n"), 200), 0o644); err != nil {
			t.Fatal(err)
		}
		r := nook(t, "import", f, imageName(t)).Exit(125)
		if !strings.Contains(r.Stderr(), "Error") || len(strings.TrimSpace(r.Stderr())) < 10 {
			r.Fatalf("corrupt tar: no clear error message")
		}
	})
	t.Run("truncated tar", func(t *testing.T) {
		raw, err := os.ReadFile(busyboxTar(t))
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "truncated.tar")
		if err := os.WriteFile(f, raw[:len(raw)/2+100], 0o644); err != nil {
			t.Fatal(err)
		}
		nook(t, "import", f, imageName(t)).Exit(125).StderrContains("Error")
	})
	t.Run("missing file", func(t *testing.T) {
		nook(t, "import", "/no/such/file.tar").Exit(125).StderrContains("/no/such/file.tar")
	})
	t.Run("no image argument", func(t *testing.T) {
		// The one exception, as in docker/cli: a wrong number of
		// arguments exits 1 (RequiresMinArgs), not 125.
		nook(t, "run").Exit(1).StderrContains(`"nook run" requires at least 1 argument.`)
	})
}
