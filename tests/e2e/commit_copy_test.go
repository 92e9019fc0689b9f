package e2e

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// commitCases makes, in a container on busybox, every kind of change a
// commit must carry: whiteouts, an opaque directory (a lower directory
// removed and made again), hardlinks, symlinks (one dangling), special
// modes, owners, a fifo, an old mtime, an empty directory, and a file in a
// volume that must stay out.
const commitCases = `set -e
rm /bin/vi /bin/zcat
rm -r /www && mkdir /www && echo only > /www/only
echo h > /h1 && ln /h1 /h2 && mkdir -p /deep/a/b && ln /h1 /deep/a/b/h3
ln -s /h1 /sl && ln -s ../nowhere /deep/dangling
echo s > /suid && chmod 4755 /suid
mkdir /sticky && chmod 1777 /sticky
echo g > /sgid && chown 0:12 /sgid && chmod 2750 /sgid
echo n > /none && chmod 000 /none
echo o > /owned && chown 123:456 /owned && chown -h 7:8 /sl
mkfifo /fifo && chmod 640 /fifo
echo old > /old && touch -d '2001-02-03 04:05:06' /old
mkdir -p /empty /deep/a/c
echo vol > /v/invol
`

// commitCheck prints what the committed image must show for commitCases.
const commitCheck = `for p in /bin/vi /bin/zcat /www/index.html /v/invol; do test -e $p && echo "still $p"; done
ls -A /www; cat /www/only /h2 /deep/a/b/h3
stat -c '%n %u:%g %a %F %h' /h1 /suid /sticky /sgid /none /owned /fifo /empty /deep/a/c
stat -c '%n %u:%g %N' /sl /deep/dangling
test "$(stat -c %i /h1)" = "$(stat -c %i /h2)" && test "$(stat -c %i /h1)" = "$(stat -c %i /deep/a/b/h3)" && echo same inode
stat -c '%n %Y' /old
ls /bin/sh >/dev/null && echo base ok
`

const commitWant = `only
only
h
h
/h1 0:0 644 regular file 3
/suid 0:0 4755 regular file 1
/sticky 0:0 1777 directory 2
/sgid 0:12 2750 regular file 1
/none 0:0 0 regular file 1
/owned 123:456 644 regular file 1
/fifo 0:0 640 fifo 1
/empty 0:0 755 directory 2
/deep/a/c 0:0 755 directory 2
/sl 7:8 '/sl' -> '/h1'
/deep/dangling 0:0 '/deep/dangling' -> '../nowhere'
same inode
/old 981173106
base ok`

// Commit on native overlay copies the container's diff into the new layer
// (no tar): every kind of change survives, the volume stays out, a file
// capability set on the host comes along, and the image saves with layer
// digests equal to its diff IDs, loads into another store and runs there.
func TestCommit_CopyKeepsEveryKindOfChange(t *testing.T) {
	requires(t, NativeOverlay, Requirement{"setcap", command("setcap", "libcap2-bin")})
	s := freshStore(t, "NOOK_STORAGE_DRIVER=overlay")
	img := s.busybox(t)
	s.Run("run", "--name", "ctr", "-v", "/v", img, "sh", "-c", commitCases).Ok()
	upper := s.Run("inspect", "-f", "{{.GraphDriver.Data.UpperDir}}", "ctr").Ok().Line()
	s.Run("unshare", "setcap", "cap_net_raw+ep", filepath.Join(upper, "suid")).Ok()
	// The trace names the copy: a silent fall back to the tar way fails.
	s.WithEnv("NOOK_TRACE=1").Run("commit", "ctr", "committed:v1").Ok().
		StdoutMatches(`^sha256:[0-9a-f]{64}$`).StderrContains("changes copied")
	s.Run("run", "--rm", "committed:v1", "sh", "-c", commitCheck).Ok().StdoutIs(commitWant)

	hdrs := checkSavedDigests(t, s, "committed:v1")
	if h := hdrs["suid"]; h == nil || h.PAXRecords["SCHILY.xattr.security.capability"] == "" {
		t.Errorf("the committed layer lost the file capability of /suid: %+v", h)
	}
	for _, wh := range []string{"bin/.wh.vi", "www/.wh..wh..opq"} {
		if hdrs[wh] == nil {
			t.Errorf("the committed layer has no %s", wh)
		}
	}
	if h := hdrs["h2"]; h == nil || h.Typeflag != tar.TypeLink {
		t.Errorf("h2 is not a hardlink in the committed layer: %+v", h)
	}

	archive := filepath.Join(t.TempDir(), "img.tar")
	s.Run("save", "-o", archive, "committed:v1").Ok()
	s2 := freshStore(t, "NOOK_STORAGE_DRIVER=overlay")
	s2.Run("load", "-i", archive).Ok()
	s2.Run("run", "--rm", "committed:v1", "sh", "-c", commitCheck).Ok().StdoutIs(commitWant)
}

// A running container is committed too (its copy is hashed after the
// copy): the image has the state at commit time, the container keeps
// working, and what it changes afterwards stays out of the image.
func TestCommit_RunningContainerLaterChangesStayOut(t *testing.T) {
	requires(t, NativeOverlay)
	s := freshStore(t, "NOOK_STORAGE_DRIVER=overlay")
	// Stopped before the store goes: a running container keeps its files.
	t.Cleanup(func() { s.Run("rm", "-f", "ctr") })
	img := s.busybox(t)
	s.Run("run", "-d", "--name", "ctr", img, "sh", "-c",
		"echo one > /f && mkdir /d && echo x > /d/x && touch /ready && exec sleep 600").Ok()
	s.Run("exec", "ctr", "sh", "-c", "for i in $(seq 100); do test -e /ready && exit 0; sleep 0.1; done; exit 1").Ok()
	s.WithEnv("NOOK_TRACE=1").Run("commit", "ctr", "snap:v1").Ok().StderrContains("changes copied")
	s.Run("exec", "ctr", "sh", "-c", "echo two > /f && rm -r /d && echo new > /n").Ok()
	s.Run("exec", "ctr", "sh", "-c", "cat /f /n; test -e /d || echo no d").Ok().StdoutIs("two\nnew\nno d")
	s.Run("run", "--rm", "snap:v1", "sh", "-c", "cat /f /d/x; test -e /n || echo no n").Ok().StdoutIs("one\nx\nno n")
	checkSavedDigests(t, s, "snap:v1")
	s.Run("commit", "ctr", "snap:v2").Ok()
	s.Run("run", "--rm", "snap:v2", "sh", "-c", "cat /f /n; test -e /d || echo no d").Ok().StdoutIs("two\nnew\nno d")
	checkSavedDigests(t, s, "snap:v2")
}

// checkSavedDigests saves ref, checks that every layer's sha256 is its
// diff ID in the config, and returns the headers of the top layer's tar
// by name (without "./" or a trailing slash).
func checkSavedDigests(t *testing.T, c *Store, ref string) map[string]*tar.Header {
	t.Helper()
	files, manifest, cfg := savedArchive(t, c.Run("save", ref).Ok().Stdout(), ref, nil)
	layers := manifest.Layers
	if len(layers) != len(cfg.RootFS.DiffIDs) || len(layers) == 0 {
		t.Fatalf("%d layers, %d diff IDs", len(layers), len(cfg.RootFS.DiffIDs))
	}
	for i, l := range layers {
		sum := sha256.Sum256(files[l])
		if got := "sha256:" + hex.EncodeToString(sum[:]); got != cfg.RootFS.DiffIDs[i] {
			t.Fatalf("layer %d (%s) of %s: sha256 %s, diff ID %s", i, l, ref, got, cfg.RootFS.DiffIDs[i])
		}
	}
	hdrs := map[string]*tar.Header{}
	lr := tar.NewReader(strings.NewReader(string(files[layers[len(layers)-1]])))
	for {
		h, err := lr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("top layer of %s: %v", ref, err)
		}
		hdrs[strings.TrimSuffix(strings.TrimPrefix(h.Name, "./"), "/")] = h
	}
	return hdrs
}

// Copied layers push (storage makes their tar again and containers/image
// checks its digest) and pull into a clean store, from a stopped and from
// a running container.
func TestCommit_CopiedLayersPushAndPull(t *testing.T) {
	requires(t, NativeOverlay)
	reg := startRegistry(t, RegistryOptions{})
	s := freshStore(t, "NOOK_STORAGE_DRIVER=overlay")
	t.Cleanup(func() { s.Run("rm", "-f", "running") })
	img := s.busybox(t)
	s.Run("run", "--name", "stopped", img, "sh", "-c", "rm /bin/vi && echo stopped > /f && ln /f /g").Ok()
	s.Run("run", "-d", "--name", "running", img, "sh", "-c", "rm -r /www && mkdir /www && echo running > /www/f && exec sleep 600").Ok()
	s.Run("exec", "running", "sh", "-c", "for i in $(seq 100); do test -e /www/f && exit 0; sleep 0.1; done; exit 1").Ok()
	refs := map[string]string{}
	for _, ctr := range []string{"stopped", "running"} {
		refs[ctr] = reg.Ref(uniqueName(t, "e2e/commit-"+ctr) + ":1")
		s.Run("commit", ctr, refs[ctr]).Ok()
		s.Run("push", refs[ctr]).Ok()
	}
	s2 := freshStore(t, "NOOK_STORAGE_DRIVER=overlay")
	s2.Run("pull", refs["stopped"]).Ok()
	s2.Run("run", "--rm", refs["stopped"], "sh", "-c", "cat /f; stat -c %h /g; test -e /bin/vi || echo no vi").Ok().StdoutIs("stopped\n2\nno vi")
	s2.Run("pull", refs["running"]).Ok()
	s2.Run("run", "--rm", refs["running"], "ls", "/www").Ok().StdoutIs("f")
}
