package e2e

import (
	"context"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Runc is needed by rootless Podman here (crun refuses hybrid cgroups).
var Runc = Requirement{"Runc", command("runc", "runc")}

// podmanEnv is a rootless Podman with its own storage, runtime dir and
// configuration, so it never touches the user's real Podman store.
type podmanEnv struct {
	t    *testing.T
	base string
	env  []string
}

func newPodman(t *testing.T) *podmanEnv {
	t.Helper()
	requires(t, Podman, Runc)
	home, _ := os.UserHomeDir()
	// Podman refuses a runroot longer than 50 characters: a short base.
	name := uniqueName(t, "pm")
	p := &podmanEnv{t: t, base: filepath.Join(home, "e2e-stores", "pm-"+name[len(name)-8:])}
	for _, d := range []string{"run", "root", "rr", "tmp"} {
		if err := os.MkdirAll(filepath.Join(p.base, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// cgroup v1 hybrid here: crun refuses, runc with cgroupfs works.
	conf := filepath.Join(p.base, "containers.conf")
	copyFileContent(t, conf, "[engine]\ncgroup_manager=\"cgroupfs\"\nruntime=\"runc\"\nevents_logger=\"file\"\n")
	storageConf := filepath.Join(p.base, "storage.conf")
	copyFileContent(t, storageConf, "[storage]\ndriver=\"overlay\"\n")
	p.env = append(os.Environ(), "CONTAINERS_CONF="+conf, "CONTAINERS_STORAGE_CONF="+storageConf,
		"XDG_RUNTIME_DIR="+filepath.Join(p.base, "run"), "XDG_CONFIG_HOME="+filepath.Join(p.base, "config"))
	t.Cleanup(p.remove)
	return p
}

// run runs podman with the isolated store; it fails the test on error.
func (p *podmanEnv) run(args ...string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--root", filepath.Join(p.base, "root"), "--runroot", filepath.Join(p.base, "rr"),
		"--tmpdir", filepath.Join(p.base, "tmp"), "--storage-driver", "overlay"}, args...)
	cmd := osexec.CommandContext(ctx, "podman", full...)
	cmd.Env = p.env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		p.t.Fatalf("podman %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return strings.TrimSpace(out.String())
}

// remove deletes the store (sub-id owned files need podman unshare) and
// stops the pause process this Podman started, by its recorded pid.
func (p *podmanEnv) remove() {
	cmd := osexec.Command("podman", "--root", filepath.Join(p.base, "root"), "--runroot", filepath.Join(p.base, "rr"),
		"--tmpdir", filepath.Join(p.base, "tmp"), "unshare", "rm", "-rf", filepath.Join(p.base, "root"), filepath.Join(p.base, "rr"))
	cmd.Env = p.env
	_ = cmd.Run()
	for _, f := range []string{filepath.Join(p.base, "tmp", "pause.pid"), filepath.Join(p.base, "run", "libpod", "tmp", "pause.pid")} {
		if b, err := os.ReadFile(f); err == nil {
			_ = osexec.Command("kill", "-9", strings.TrimSpace(string(b))).Run()
		}
	}
	os.RemoveAll(p.base)
}

// An image saved by nook (docker-archive and oci-archive) loads into
// Podman with the same ID and layers and runs there.
func TestSave_LoadsIntoPodman(t *testing.T) {
	src := twoLayerImage(t)
	id := nook(t, "image", "inspect", "-f", "{{.Id}}", src).Ok().Line()
	layers := nook(t, "image", "inspect", "-f", "{{.RootFS.Layers}}", src).Ok().Line()
	dir := t.TempDir()
	for _, format := range []string{"docker-archive", "oci-archive"} {
		t.Run(format, func(t *testing.T) {
			p := newPodman(t)
			file := filepath.Join(dir, format+".tar")
			nook(t, "save", "--format", format, "-o", file, src).Ok()
			out := p.run("load", "-i", file)
			if !strings.Contains(out, "Loaded image") {
				t.Fatalf("podman load printed %q", out)
			}
			got := p.run("image", "inspect", "--format", "{{.Id}} {{.RootFS.Layers}}", "localhost/"+src)
			if got != strings.TrimPrefix(id, "sha256:")+" "+layers {
				t.Fatalf("podman sees %q, nook has %q %q", got, id, layers)
			}
			if out := p.run("run", "--rm", "--network", "none", "localhost/"+src, "cat", "/www/index.html"); out != "hello from nook" {
				t.Fatalf("podman run printed %q", out)
			}
		})
	}
}

// An image saved by Podman (docker-archive and oci-archive) loads into a
// clean nook store and runs.
func TestLoad_FromPodmanSave(t *testing.T) {
	p := newPodman(t)
	name := "localhost/e2e/from-podman:1"
	p.run("import", busyboxTar(t), name)
	pid := p.run("image", "inspect", "--format", "{{.Id}}", name)
	dir := t.TempDir()
	for _, format := range []string{"docker-archive", "oci-archive"} {
		t.Run(format, func(t *testing.T) {
			file := filepath.Join(dir, format+".tar")
			p.run("save", "--format", format, "-o", file, name)
			s := freshStore(t)
			s.Run("load", "-i", file).Ok().StdoutIs("Loaded image: e2e/from-podman:1")
			s.Run("image", "inspect", "-f", "{{.Id}}", "e2e/from-podman:1").Ok().StdoutIs("sha256:" + pid)
			s.Run("run", "--rm", "e2e/from-podman:1", "cat", "/www/index.html").Ok().StdoutIs("hello from nook")
		})
	}
}

// save | load in the same store and into a clean one, in every format.
func TestSaveLoad_RoundTrip(t *testing.T) {
	src := twoLayerImage(t)
	id := nook(t, "image", "inspect", "-f", "{{.Id}}", src).Ok().Line()
	dir := t.TempDir()
	file := filepath.Join(dir, "two.tar")
	nook(t, "save", "-o", file, src, busyboxImage(t)).Ok()
	// The same store already has both: load only names them.
	nook(t, "load", "-i", file).Ok().StdoutMatches("Loaded image: " + strings.TrimSuffix(src, ":latest"))
	s := freshStore(t)
	out := s.Run("load", "-i", file).Ok().Stdout()
	if !strings.Contains(out, "Loaded image: busybox:latest") || !strings.Contains(out, "Loaded image: "+src) {
		t.Fatalf("load of a two-image archive printed:\n%s", out)
	}
	s.Run("image", "inspect", "-f", "{{.Id}}", src).Ok().StdoutIs(id)
	s.Run("run", "--rm", src, "cat", "/data.txt").Ok()
	oci := filepath.Join(dir, "one-oci.tar")
	nook(t, "save", "--format", "oci-archive", "-o", oci, src).Ok()
	s2 := freshStore(t)
	s2.Run("load", "-i", oci).Ok().StdoutIs("Loaded image: " + src)
	s2.Run("image", "inspect", "-f", "{{.Id}}", src).Ok().StdoutIs(id)
	layout := filepath.Join(dir, "layout")
	nook(t, "save", "--format", "oci-dir", "-o", layout, src).Ok()
	if _, err := os.Stat(filepath.Join(layout, "index.json")); err != nil {
		t.Fatalf("oci-dir has no index.json: %v", err)
	}
}
