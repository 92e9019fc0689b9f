package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The seed's volume story: an anonymous volume, a file touched through
// exec appears in its _data on the host, and commit does not carry it.
func TestVolume_AnonymousSeedScenario(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, "-v", "/test", img, "sleep", "300").Ok()
	vol := nook(t, "inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", name).Ok().Line()
	if len(vol) != 64 {
		t.Fatalf("anonymous volume name %q", vol)
	}
	if !strings.Contains(nook(t, "volume", "ls", "-q").Ok().Stdout(), vol) {
		t.Fatal("volume ls does not list the anonymous volume")
	}
	nook(t, "exec", name, "sh", "-c", "echo data > /test/file && echo layer > /inlayer").Ok()
	hostFile := filepath.Join(dataHome(), "nook", "volumes", vol, "_data", "file")
	if b, err := os.ReadFile(hostFile); err != nil || string(b) != "data\n" {
		t.Fatalf("host file %s: %q %v", hostFile, b, err)
	}
	committed := imageName(t)
	nook(t, "commit", name, committed).Ok().StdoutMatches(`^sha256:[0-9a-f]{64}$`)
	nook(t, "run", "--rm", "--entrypoint", "sh", committed, "-c", "cat /inlayer; ls /test | wc -l").Ok().StdoutIs("layer\n0")
	nook(t, "volume", "rm", vol).Exit(1).StderrContains("in use")
	nook(t, "rm", "-f", "-v", name).Ok()
	if strings.Contains(nook(t, "volume", "ls", "-q").Ok().Stdout(), vol) {
		t.Fatal("rm -v left the anonymous volume")
	}
}

func TestVolume_NamedSurvivesAndBindReadOnly(t *testing.T) {
	img := busyboxImage(t)
	vol := "vol-" + containerName(t)
	t.Cleanup(func() { newCmd(t).Run("volume", "rm", "-f", vol).Wait() })
	nook(t, "run", "--rm", "-v", vol+":/x", img, "sh", "-c", "echo kept > /x/f").Ok()
	nook(t, "run", "--rm", "-v", vol+":/y", img, "cat", "/y/f").Ok().StdoutIs("kept")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "h"), []byte("host\n"), 0o644)
	nook(t, "run", "--rm", "-v", dir+":/h:ro", img, "cat", "/h/h").Ok().StdoutIs("host")
	nook(t, "run", "--rm", "-v", dir+":/h:ro", img, "touch", "/h/new").Fails().StderrContains("Read-only file system")
	nook(t, "run", "--rm", "-v", dir+":/h", img, "sh", "-c", "echo w > /h/new").Ok()
	if st, err := os.Stat(filepath.Join(dir, "new")); err != nil || st.Sys() == nil {
		t.Fatalf("bind write: %v", err)
	}
	// copy-up: a new volume over a non-empty image directory starts with its content
	nook(t, "run", "--rm", "-v", "/bin", img, "ls", "/bin/busybox").Ok().StdoutIs("/bin/busybox")
}

func TestCpDiffExport(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	nook(t, "exec", name, "sh", "-c", "echo in > /root/f && ln -s /etc/passwd /root/link && rm /bin/vi").Ok()
	dir := t.TempDir()
	nook(t, "cp", name+":/root/f", dir).Ok()
	if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "in\n" {
		t.Fatalf("cp out: %q", b)
	}
	os.WriteFile(filepath.Join(dir, "up"), []byte("up\n"), 0o644)
	nook(t, "cp", filepath.Join(dir, "up"), name+":/root/").Ok()
	nook(t, "exec", name, "cat", "/root/up").Ok().StdoutIs("up")
	// a symlink pointing outside resolves inside the container root
	nook(t, "cp", name+":/root/link", filepath.Join(dir, "pw")).Ok()
	diff := nook(t, "diff", name).Ok().Stdout()
	for _, want := range []string{"A /root/f", "D /bin/vi", "C /root"} {
		if !strings.Contains(diff, want) {
			t.Fatalf("diff lacks %q:\n%s", want, diff)
		}
	}
	tar := filepath.Join(dir, "out.tar")
	nook(t, "export", "-o", tar, name).Ok()
	if st, err := os.Stat(tar); err != nil || st.Size() < 1024*1024 {
		t.Fatalf("export tar: %v", err)
	}
}
