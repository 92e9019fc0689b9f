package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stagedContext is a context with modes, a hard link, symlinks and a
// replacement tree for paths a lower layer holds.
func stagedContext(t *testing.T, img string) string {
	t.Helper()
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + img + "\n" +
			"RUN mkdir -p /t/dir/sub && echo old > /t/dir/x && echo oldf > /t/file && ln -s /nowhere /t/link && mkdir -p /usr/local/keep\n" +
			"ADD src /a\n" +
			"COPY --chown=1000:1000 --chmod=640 src /c/\n" +
			"COPY repl/ /t/\n" +
			"COPY src/exec.sh /usr/local/bin/\n",
		"src/plain.txt":  "plain\n",
		"src/exec.sh":    "#!/bin/sh\necho run\n",
		"src/sub/deep":   "deep\n",
		"repl/dir":       "dir is a file now\n",
		"repl/file/kid":  "file is a dir now\n",
		"repl/link":      "link is a file now\n",
		"repl/dirkeep/n": "new\n",
	})
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Chmod(filepath.Join(dir, "src/exec.sh"), 0o755))
	must(os.Chmod(filepath.Join(dir, "src/sub"), 0o750))
	must(os.Link(filepath.Join(dir, "src/plain.txt"), filepath.Join(dir, "src/hard.txt")))
	must(os.Symlink("plain.txt", filepath.Join(dir, "src/rel.lnk")))
	must(os.Symlink("/etc/passwd", filepath.Join(dir, "src/abs.lnk")))
	return dir
}

// stagedCheck lists what the Dockerfile of stagedContext must produce.
const stagedCheck = `cd /a && stat -c '%n %u:%g %a %F' plain.txt exec.sh sub sub/deep rel.lnk abs.lnk; ` +
	`readlink rel.lnk; readlink abs.lnk; [ $(stat -c %i plain.txt) = $(stat -c %i hard.txt) ] && echo hardlinked; ` +
	`cd /c && stat -c '%n %u:%g %a %F' . plain.txt exec.sh sub sub/deep rel.lnk; ` +
	`[ $(stat -c %i plain.txt) = $(stat -c %i hard.txt) ] && echo hardlinked; ` +
	`cd /t && stat -c '%n %F' dir file link; cat dir file/kid link; ls -A file; ` +
	`stat -c '%n %a' /usr/local /usr/local/bin/exec.sh; ls /usr/local; /usr/local/bin/exec.sh`

const stagedWant = `plain.txt 0:0 644 regular file
exec.sh 0:0 755 regular file
sub 0:0 750 directory
sub/deep 0:0 644 regular file
rel.lnk 0:0 777 symbolic link
abs.lnk 0:0 777 symbolic link
plain.txt
/etc/passwd
hardlinked
. 1000:1000 640 directory
plain.txt 1000:1000 640 regular file
exec.sh 1000:1000 640 regular file
sub 1000:1000 640 directory
sub/deep 1000:1000 640 regular file
rel.lnk 1000:1000 777 symbolic link
hardlinked
dir regular file
file directory
link regular file
dir is a file now
file is a dir now
link is a file now
kid
/usr/local 755
/usr/local/bin/exec.sh 755
bin
keep
run`

// ADD/COPY layers written straight into a staged layer (native overlay)
// and through a tar (fuse-overlayfs, vfs) give the same files: ownership,
// --chown, --chmod, hard links, symlinks, files and directories replacing
// a lower layer's. The image saves and loads back (its diff IDs verify),
// and a rebuild is fully cached; it pushes to a registry and a clean store
// pulls and runs it.
func TestBuild_CopyLayersEveryDriver(t *testing.T) {
	for _, d := range storageDrivers {
		t.Run(d.name, func(t *testing.T) {
			requires(t, d.req...)
			s := freshStore(t, "NOOK_STORAGE_DRIVER="+d.name)
			img := s.busybox(t)
			dir := stagedContext(t, img)
			// /c is 0640 without x: stat inside it needs root's override, which
			// the container's root has.
			s.Run("build", "-q", "-t", "e2e/staged", dir).Ok()
			check := func(s *Store, ref string) {
				t.Helper()
				got := strings.TrimSpace(s.Run("run", "--rm", ref, "sh", "-c", stagedCheck).Ok().Stdout())
				if got != stagedWant {
					t.Fatalf("files in %s:\n%s\nwant:\n%s", ref, got, stagedWant)
				}
			}
			check(s, "e2e/staged")
			r := s.Run("build", "--progress", "plain", "-t", "e2e/staged", dir).Ok()
			if n := strings.Count(r.Stderr(), "CACHED"); n != 5 {
				r.Fatalf("rebuild: %d steps CACHED, want 5", n)
			}
			tarball := filepath.Join(t.TempDir(), "staged.tar")
			s.Run("save", "-o", tarball, "e2e/staged").Ok()
			s.Run("rmi", "e2e/staged").Ok()
			s.Run("builder", "prune", "-f").Ok()
			s.Run("load", "-i", tarball).Ok()
			check(s, "e2e/staged")
			// Push verifies the layer digests too; a clean store pulls it.
			reg := startRegistry(t, RegistryOptions{})
			ref := reg.Ref(uniqueName(t, "e2e/staged") + ":1")
			pushTo(t, s.Cmd, "e2e/staged", ref)
			p := freshStore(t)
			p.Run("pull", ref).Ok()
			check(p, ref)
		})
	}
}
