package e2e

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// dfRow is one line of `system df --format json`.
type dfRow struct{ Type, TotalCount, Active, Size, Reclaimable string }

// systemDf returns the summary rows by type, with sizes in bytes.
func systemDf(t *testing.T, s *Store) map[string]dfRow {
	t.Helper()
	out := s.Run("system", "df", "--format", "json").Ok().Stdout()
	rows := map[string]dfRow{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r dfRow
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("system df json line %q: %v", line, err)
		}
		rows[r.Type] = r
	}
	for _, typ := range []string{"Images", "Containers", "Local Volumes", "Build Cache"} {
		if _, ok := rows[typ]; !ok {
			t.Fatalf("system df lacks %q:\n%s", typ, out)
		}
	}
	return rows
}

// bytesOf parses a go-units size ("1.05MB", "0B", "2kB (100%)").
func bytesOf(t *testing.T, s string) float64 {
	t.Helper()
	s = strings.Fields(s)[0]
	units := []string{"kB", "MB", "GB", "B"}
	mult := map[string]float64{"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
	for _, u := range units {
		if strings.HasSuffix(s, u) {
			n, err := strconv.ParseFloat(strings.TrimSuffix(s, u), 64)
			if err != nil {
				t.Fatalf("size %q: %v", s, err)
			}
			return n * mult[u]
		}
	}
	t.Fatalf("size %q has no unit", s)
	return 0
}

// The numbers of `system df` follow what is added: an image, a container
// writing 1 MB, a volume holding 3 kB (active while a container uses it).
func TestSystemDf_NumbersMove(t *testing.T) {
	s := freshStore(t)
	empty := systemDf(t, s)
	for typ, r := range empty {
		if r.TotalCount != "0" || bytesOf(t, r.Size) != 0 {
			t.Fatalf("empty store: %s = %+v", typ, r)
		}
	}
	img := s.busybox(t)
	one := systemDf(t, s)["Images"]
	if one.TotalCount != "1" || one.Active != "0" || bytesOf(t, one.Size) < 1e6 {
		t.Fatalf("after import: %+v", one)
	}
	s.Run("run", "--name", "writer", "-v", "data:/data", img, "sh", "-c",
		"dd if=/dev/zero of=/big bs=1000 count=1000 2>/dev/null && head -c 3000 /dev/zero > /data/v").Ok()
	df := systemDf(t, s)
	if c := df["Containers"]; c.TotalCount != "1" || c.Active != "0" || bytesOf(t, c.Size) < 1e6 || bytesOf(t, c.Reclaimable) < 1e6 {
		t.Fatalf("containers: %+v", c)
	}
	if v := df["Local Volumes"]; v.TotalCount != "1" || v.Active != "1" || bytesOf(t, v.Size) != 3000 || bytesOf(t, v.Reclaimable) != 0 {
		t.Fatalf("volumes: %+v", v)
	}
	if i := df["Images"]; i.Active != "1" || bytesOf(t, i.Reclaimable) != 0 {
		t.Fatalf("images with a container: %+v", i)
	}
	s.Run("commit", "writer", "big:v1").Ok()
	if i := systemDf(t, s)["Images"]; i.TotalCount != "2" || bytesOf(t, i.Size)-bytesOf(t, one.Size) < 1e6 {
		t.Fatalf("after commit: %+v (before %+v)", i, one)
	}
	verbose := s.Run("system", "df", "-v").Ok().Stdout()
	for _, want := range []string{`(?m)^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS$`,
		`(?m)^big +v1 +[0-9a-f]{12} `, `(?m)^Containers space usage:$`, `(?m) writer$`,
		`(?m)^Local Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\ndata +1 +3kB$`, `(?m)^Build cache usage: 0B$`} {
		if !regexp.MustCompile(want).MatchString(verbose) {
			t.Fatalf("system df -v does not match %q:\n%s", want, verbose)
		}
	}
	s.Run("rm", "writer").Ok()
	df = systemDf(t, s)
	if df["Containers"].TotalCount != "0" || df["Local Volumes"].Active != "0" || bytesOf(t, df["Local Volumes"].Reclaimable) != 3000 {
		t.Fatalf("after rm: %+v", df)
	}
	s.Run("system", "df", "--format", "{{.Type}}").Ok().StdoutIs("Images\nContainers\nLocal Volumes\nBuild Cache")
}

// cp copies a symlink as a link (docker cp), -L copies what it points to
// inside the container, and a container symlink never leads a copy into
// the host in either direction.
func TestCp_SymlinksStayInside(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	host := t.TempDir()
	outside := filepath.Join(host, "outside")
	os.Mkdir(outside, 0o755)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	nook(t, "exec", name, "sh", "-c", "ln -s /etc/passwd /root/link && ln -s "+outside+" /root/out && "+
		"mkdir -p /root/d && ln -s "+outside+" /root/d/sub").Ok()
	nook(t, "cp", name+":/root/link", filepath.Join(host, "pw")).Ok()
	if l, err := os.Readlink(filepath.Join(host, "pw")); err != nil || l != "/etc/passwd" {
		t.Fatalf("cp of a symlink: %q %v (want the link itself)", l, err)
	}
	nook(t, "cp", "-L", name+":/root/link", filepath.Join(host, "pwL")).Ok()
	b, err := os.ReadFile(filepath.Join(host, "pwL"))
	want := nook(t, "exec", name, "cat", "/etc/passwd").Ok().Stdout()
	if err != nil || string(b) != want {
		t.Fatalf("cp -L read %q (%v), want the container's /etc/passwd %q", b, err, want)
	}
	// Into the container through /root/out -> host dir: lands inside.
	os.WriteFile(filepath.Join(host, "f"), []byte("in\n"), 0o644)
	nook(t, "exec", name, "mkdir", "-p", outside).Ok()
	nook(t, "cp", filepath.Join(host, "f"), name+":/root/out/f").Ok()
	// A directory merged over a container symlink replaces the link.
	src := filepath.Join(host, "d")
	os.MkdirAll(filepath.Join(src, "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "sub", "g"), []byte("g\n"), 0o644)
	nook(t, "cp", src, name+":/root/").Ok()
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("cp wrote into the host through a container symlink: %v", ents)
	}
	nook(t, "exec", name, "cat", outside+"/f", "/root/d/sub/g").Ok().StdoutIs("in\ng")
}

// cp of directories both ways, with docker cp's naming: into an existing
// directory under the source's name, SRC/. copies the content, and a
// missing destination becomes the copy. Files copied out belong to the user.
func TestCp_DirectoriesBothWays(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	nook(t, "exec", name, "sh", "-c", "mkdir -p /data/sub && echo a > /data/a && echo b > /data/sub/b && "+
		"chown 1000:1000 /data/a && chmod 640 /data/a").Ok()
	host := t.TempDir()
	nook(t, "cp", name+":/data", host).Ok()
	st, err := os.Stat(filepath.Join(host, "data", "a"))
	if err != nil || st.Mode().Perm() != 0o640 {
		t.Fatalf("cp out: %v %v", st, err)
	}
	if b, _ := os.ReadFile(filepath.Join(host, "data", "sub", "b")); string(b) != "b\n" {
		t.Fatalf("cp out nested: %q", b)
	}
	nook(t, "cp", name+":/data/.", filepath.Join(host, "new")).Ok()
	if _, err := os.Stat(filepath.Join(host, "new", "sub", "b")); err != nil {
		t.Fatalf("cp SRC/. to a new dir: %v", err)
	}
	nook(t, "cp", filepath.Join(host, "data"), name+":/back").Ok()
	nook(t, "exec", name, "sh", "-c", "cat /back/a /back/sub/b; stat -c %u /back/a").Ok().StdoutIs("a\nb\n0")
	nook(t, "cp", "-a", name+":/data/a", filepath.Join(host, "kept")).Ok()
	if st, err := os.Stat(filepath.Join(host, "kept")); err != nil {
		t.Fatal(err)
	} else if start, _ := subIDStart(t, "/etc/subuid"); st.Sys().(*syscall.Stat_t).Uid != uint32(start+999) {
		t.Fatalf("cp -a: owner %d, want container uid 1000 = host %d", st.Sys().(*syscall.Stat_t).Uid, start+999)
	}
	nook(t, "cp", filepath.Join(host, "data"), name+":/data/a").Fails()
	nook(t, "cp", name+":/nope", host).Exit(1).StderrContains("Could not find the file /nope")
	// "-" streams a tar out and extracts one into a container directory.
	names := tarNames(t, strings.NewReader(nook(t, "cp", name+":/data", "-").Ok().Stdout()))
	for _, want := range []string{"data", "data/a", "data/sub/b"} {
		if !names[want] {
			t.Fatalf("cp CTR:/data - lacks %s: %v", want, names)
		}
	}
	var tb strings.Builder
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "sub/t", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg})
	tw.Write([]byte("t!\n"))
	tw.Close()
	nook(t, "exec", name, "mkdir", "/tarin").Ok()
	newCmd(t).WithStdin(strings.NewReader(tb.String())).Run("cp", "-", name+":/tarin").Ok()
	nook(t, "exec", name, "cat", "/tarin/sub/t").Ok().StdoutIs("t!")
	newCmd(t).WithStdin(strings.NewReader(tb.String())).Run("cp", "-", name+":/data/a").Fails().StderrContains("must be a directory")
}

// tarNames lists the entries of a tar stream (without "./" and "/").
func tarNames(t *testing.T, r io.Reader) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatalf("read tar: %v", err)
		}
		names[strings.Trim(strings.TrimPrefix(h.Name, "./"), "/")] = true
	}
}

// cp reaches into a container's volumes and bind mounts (running or
// not), names copies after the container path, and refuses a read-only
// bind.
func TestCp_VolumesAndBinds(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", "-v", name).Wait() })
	ro := t.TempDir()
	os.WriteFile(filepath.Join(ro, "r"), []byte("ro\n"), 0o644)
	nook(t, "run", "--name", name, "-v", "/test", "-v", ro+":/ro:ro", img, "sh", "-c", "echo v > /test/file").Ok()
	host := t.TempDir()
	nook(t, "cp", name+":/test", host).Ok()
	if b, err := os.ReadFile(filepath.Join(host, "test", "file")); err != nil || string(b) != "v\n" {
		t.Fatalf("cp of a volume: %q %v (want HOST/test/file)", b, err)
	}
	nook(t, "cp", name+":/ro/r", host).Ok()
	if b, _ := os.ReadFile(filepath.Join(host, "r")); string(b) != "ro\n" {
		t.Fatalf("cp from a bind mount: %q", b)
	}
	nook(t, "cp", filepath.Join(host, "r"), name+":/test/in").Ok()
	vol := nook(t, "inspect", "-f", `{{range .Mounts}}{{if eq .Destination "/test"}}{{.Source}}{{end}}{{end}}`, name).Ok().Line()
	if b, err := os.ReadFile(filepath.Join(vol, "in")); err != nil || string(b) != "ro\n" {
		t.Fatalf("cp into a volume did not land in %s: %q %v", vol, b, err)
	}
	nook(t, "cp", filepath.Join(host, "r"), name+":/ro/new").Fails().StderrContains("read-only")
	if _, err := os.Stat(filepath.Join(ro, "new")); err == nil {
		t.Fatal("cp wrote into a read-only bind mount")
	}
}

// export writes a tar of the merged rootfs: image files, the container's
// own changes (not the deleted ones), and no volume content.
func TestExport_ListsFiles(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "--name", name, "-v", "/vol", img, "sh", "-c", "echo x > /added && echo v > /vol/invol && rm /bin/vi").Ok()
	t.Cleanup(func() { newCmd(t).Run("rm", "-f", "-v", name).Wait() })
	path := filepath.Join(t.TempDir(), "out.tar")
	nook(t, "export", "-o", path, name).Ok()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := tarNames(t, f)
	for _, want := range []string{"added", "bin/busybox", "etc/passwd"} {
		if !names[want] {
			t.Errorf("export lacks %s (%d entries)", want, len(names))
		}
	}
	for _, absent := range []string{"bin/vi", "vol/invol"} {
		if names[absent] {
			t.Errorf("export has %s", absent)
		}
	}
}

// A new named volume over a non-empty image directory starts with a copy
// of it, visible on the host in _data.
func TestVolume_CopyUpOnHost(t *testing.T) {
	img := busyboxImage(t)
	vol := "vol-" + containerName(t)
	t.Cleanup(func() { newCmd(t).Run("volume", "rm", "-f", vol).Wait() })
	nook(t, "run", "--rm", "-v", vol+":/etc", img, "true").Ok()
	mp := nook(t, "volume", "inspect", "-f", "{{.Mountpoint}}", vol).Ok().Line()
	b, err := os.ReadFile(filepath.Join(mp, "passwd"))
	if err != nil || !strings.HasPrefix(string(b), "root:") {
		t.Fatalf("copy-up into %s: %q %v", mp, b, err)
	}
}

// Commit on every driver: overlay streams the diff into the new layer,
// fuse-overlayfs does so through a mounted naive diff, vfs spools it. The
// image has the new file, not the volume's, and a deleted file stays
// deleted (a whiteout in the new layer).
func TestCommit_EachDriver(t *testing.T) {
	for _, d := range storageDrivers {
		t.Run(d.name, func(t *testing.T) {
			requires(t, d.req...)
			s := freshStore(t, "NOOK_STORAGE_DRIVER="+d.name)
			img := s.busybox(t)
			s.Run("run", "--name", "ctr", "-v", "/v", img, "sh", "-c",
				"echo kept > /kept && echo no > /v/no && rm /bin/vi && mkdir -p /d/e && echo x > /d/e/f").Ok()
			s.Run("commit", "ctr", "committed:v1").Ok().StdoutMatches(`^sha256:[0-9a-f]{64}$`)
			s.Run("run", "--rm", "committed:v1", "sh", "-c", "cat /kept /d/e/f; ls /v | wc -l; test -e /bin/vi || echo gone").
				Ok().StdoutIs("kept\nx\n0\ngone")
		})
	}
}
