package volume

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nook-dev/nook/spec"
)

// makeRootfs builds a small image root with content under /etc/app and
// /data, an empty /empty owned by 999 with mode 0750, and an escaping
// symlink.
func makeRootfs(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "etc/app/conf.d"), 0o755))
	must(os.WriteFile(filepath.Join(root, "etc/app/app.conf"), []byte("port=80\n"), 0o640))
	must(os.Chown(filepath.Join(root, "etc/app/app.conf"), 33, 34))
	must(os.Chmod(filepath.Join(root, "etc/app/conf.d"), 0o2775|os.ModeSetgid))
	must(unix.Chmod(filepath.Join(root, "etc/app/conf.d"), 0o2775))
	must(os.Symlink("../app.conf", filepath.Join(root, "etc/app/conf.d/link")))
	must(os.Link(filepath.Join(root, "etc/app/app.conf"), filepath.Join(root, "etc/app/hard")))
	must(unix.Mkfifo(filepath.Join(root, "etc/app/fifo"), 0o600))
	must(os.WriteFile(filepath.Join(root, "etc/app/suid"), []byte("#!/bin/sh\n"), 0o755))
	must(unix.Chmod(filepath.Join(root, "etc/app/suid"), 0o4755))
	unix.Lsetxattr(filepath.Join(root, "etc/app/app.conf"), "user.nook", []byte("yes"), 0)
	must(os.Mkdir(filepath.Join(root, "empty"), 0o750))
	must(os.Chown(filepath.Join(root, "empty"), 999, 999))
	must(os.Symlink("/etc/app", filepath.Join(root, "abs")))
	must(os.Symlink("/", filepath.Join(root, "escape")))
	return root
}

func stat(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

// Copy-up keeps owners (moby's copyOwnership); the details of what a copy
// keeps are internal/fscopy's tests.
func TestCopyUp_PreservesContent(t *testing.T) {
	root := makeRootfs(t)
	dst := t.TempDir()
	if err := copyUp(root, "/etc/app", dst); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dst, "app.conf"))
	if err != nil || string(b) != "port=80\n" {
		t.Fatalf("content: %q %v", b, err)
	}
	if st := stat(t, filepath.Join(dst, "app.conf")); st.Uid != 33 || st.Gid != 34 || st.Mode&0o7777 != 0o640 {
		t.Errorf("owner/mode of app.conf: %d:%d %o", st.Uid, st.Gid, st.Mode&0o7777)
	}
	if st := stat(t, filepath.Join(dst, "conf.d")); st.Mode&0o7777 != 0o2775 {
		t.Errorf("setgid dir mode: %o", st.Mode&0o7777)
	}
	if l, err := os.Readlink(filepath.Join(dst, "conf.d/link")); err != nil || l != "../app.conf" {
		t.Errorf("symlink: %q %v", l, err)
	}
}

func TestCopyUp_OnlyIntoEmptyVolume(t *testing.T) {
	root := makeRootfs(t)
	dst := t.TempDir()
	os.WriteFile(filepath.Join(dst, "mine"), nil, 0o644)
	if err := copyUp(root, "/etc/app", dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "app.conf")); !os.IsNotExist(err) {
		t.Fatal("copied into a volume that had content")
	}
}

func TestCopyUp_EmptyDirGivesOwnership(t *testing.T) {
	root := makeRootfs(t)
	dst := t.TempDir()
	if err := copyUp(root, "/empty", dst); err != nil {
		t.Fatal(err)
	}
	if st := stat(t, dst); st.Uid != 999 || st.Mode&0o777 != 0o750 {
		t.Errorf("volume root %d %o, want 999 0750", st.Uid, st.Mode&0o777)
	}
}

func TestCopyUp_SymlinksStayInsideRoot(t *testing.T) {
	root := makeRootfs(t)
	dst := t.TempDir()
	// /abs -> /etc/app must resolve inside the rootfs, not to the host's /etc/app.
	if err := copyUp(root, "/abs", dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "app.conf")); err != nil {
		t.Fatalf("absolute symlink not followed inside the root: %v", err)
	}
	// /escape/etc -> the rootfs's own /etc, never the host's.
	dst2 := t.TempDir()
	if err := copyUp(root, "/escape/etc", dst2); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dst2)
	if len(ents) != 1 || ents[0].Name() != "app" {
		t.Fatalf("escaped the root: %v", ents)
	}
	// Paths missing from the image copy nothing.
	if err := copyUp(root, "/nope/x", t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

func TestResolve(t *testing.T) {
	root := makeRootfs(t)
	s := New(t.TempDir())
	bindSrc := filepath.Join(t.TempDir(), "created", "by-v")
	in := []spec.Mount{
		mustParse(t, ParseVolumeFlag, "/etc/app/conf.d"),
		mustParse(t, ParseVolumeFlag, "cfg:/etc/app:ro"),
		mustParse(t, ParseVolumeFlag, bindSrc+":/host"),
		mustParse(t, ParseTmpfsFlag, "/run"),
		mustParse(t, ParseMountFlag, "type=volume,src=nocp,dst=/empty,volume-nocopy,volume-label=k=v"),
	}
	imageVols := map[string]struct{}{"/etc/app": {}, "/data/": {}}
	out, used, err := s.Resolve(in, imageVols, root)
	if err != nil {
		t.Fatal(err)
	}
	var dests []string
	for _, m := range out {
		dests = append(dests, m.Destination)
	}
	want := []string{"/host", "/run", "/empty", "/data", "/etc/app", "/etc/app/conf.d"}
	if !reflect.DeepEqual(dests, want) {
		t.Fatalf("mount order %v, want %v", dests, want)
	}
	if len(used) != 4 {
		t.Fatalf("used %+v", used)
	}
	cfg := out[4]
	if cfg.Type != "volume" || cfg.Name != "cfg" || cfg.Source != s.DataPath("cfg") || !cfg.ReadOnly() {
		t.Errorf("named volume mount %+v", cfg)
	}
	if _, err := os.Stat(filepath.Join(s.DataPath("cfg"), "app.conf")); err != nil {
		t.Errorf("no copy-up into the named volume: %v", err)
	}
	if _, err := os.Stat(bindSrc); err != nil {
		t.Errorf("missing bind source not created: %v", err)
	}
	nocp, err := s.Get("nocp")
	if err != nil || nocp.Labels["k"] != "v" || len(out[2].Options) != 0 {
		t.Errorf("nocopy volume %+v %v, mount %+v", nocp, err, out[2])
	}
	if st := stat(t, s.DataPath("nocp")); st.Uid == 999 {
		t.Error("nocopy volume got the image's ownership")
	}
	anon := 0
	for _, u := range used {
		if u.Anonymous {
			anon++
			if len(u.Name) != 64 {
				t.Errorf("anonymous name %q", u.Name)
			}
		}
	}
	if anon != 2 {
		t.Errorf("%d anonymous volumes, want 2 (-v /etc/app/conf.d and VOLUME /data)", anon)
	}
	if err := s.RemoveAnonymous(used, nil); err != nil {
		t.Fatal(err)
	}
	list, _ := s.List()
	if len(list) != 2 {
		t.Errorf("after RemoveAnonymous: %d volumes, want cfg and nocp", len(list))
	}
}

func TestResolve_DuplicateMountPoint(t *testing.T) {
	s := New(t.TempDir())
	in := []spec.Mount{{Type: "volume", Destination: "/a"}, {Type: "tmpfs", Source: "tmpfs", Destination: "/a/"}}
	_, _, err := s.Resolve(in, nil, "")
	if err == nil || !strings.Contains(err.Error(), "Duplicate mount point: /a") {
		t.Fatalf("got %v", err)
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Fatal("volume created for a refused container")
	}
}

func mustParse(t *testing.T, f func(string) (spec.Mount, error), s string) spec.Mount {
	t.Helper()
	m, err := f(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestResolve_FailureRemovesAnonymousVolumes(t *testing.T) {
	s := New(t.TempDir())
	in := []spec.Mount{{Type: "volume", Destination: "/a"}, {Type: "volume", Name: "keep", Destination: "/k"},
		{Type: "overlay", Destination: "/b"}}
	if _, _, err := s.Resolve(in, nil, ""); err == nil {
		t.Fatal("unknown type accepted")
	}
	list, _ := s.List()
	if len(list) != 1 || list[0].Name != "keep" {
		t.Fatalf("volumes left: %+v", list)
	}
}
