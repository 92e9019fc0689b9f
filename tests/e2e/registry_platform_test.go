package e2e

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

const (
	ociIndexType   = "application/vnd.oci.image.index.v1+json"
	dockerListType = "application/vnd.docker.distribution.manifest.list.v2+json"
)

// platformImage is one single-platform image pushed to the registry.
type platformImage struct {
	arch, tag string
	id        string // image ID = config digest
	layers    string // {{.RootFS.Layers}}
}

// `nook pull --platform` picks the matching entry of a multi-platform
// index (OCI index and Docker manifest list), the default is the host's,
// and a platform the index lacks fails naming it, storing nothing.
func TestPull_PlatformFromIndex(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	c := newCmd(t)
	repo := uniqueName(t, "e2e/multi")
	imgs := map[string]*platformImage{}
	for _, arch := range []string{"amd64", "arm64"} {
		local := imageName(t)
		c.Run("import", "--platform", "linux/"+arch, markerTar(t, "marker-"+arch), local).Ok()
		c.Run("image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", local).Ok().StdoutIs("linux/" + arch)
		p := &platformImage{arch: arch, tag: arch}
		p.id = c.Run("image", "inspect", "-f", "{{.Id}}", local).Ok().Line()
		p.layers = c.Run("image", "inspect", "-f", "{{.RootFS.Layers}}", local).Ok().Line()
		pushTo(t, c, local, reg.Ref(repo+":"+p.tag))
		imgs[arch] = p
	}
	if imgs["amd64"].layers == imgs["arm64"].layers {
		t.Fatal("the two platform images have the same layer: the marker files did not differ")
	}
	host := imgs[runtime.GOARCH]
	if host == nil {
		t.Fatalf("this test expects an amd64 or arm64 host, not %s", runtime.GOARCH)
	}
	for name, mt := range map[string]string{"oci-index": ociIndexType, "docker-manifest-list": dockerListType} {
		t.Run(name, func(t *testing.T) {
			tag := uniqueName(t, "idx")
			dgst := putIndex(t, reg, repo, tag, mt, imgs["amd64"], imgs["arm64"])
			ref := reg.Ref(repo + ":" + tag)
			s := freshStore(t)
			pulled := func(want *platformImage) {
				t.Helper()
				s.Run("image", "inspect", "-f", "{{.Id}} {{.Os}}/{{.Architecture}} {{.RootFS.Layers}}", ref).Ok().
					StdoutIs(want.id + " linux/" + want.arch + " " + want.layers)
				s.Run("inspect", "-f", "{{.Os}} {{.Architecture}}", ref).Ok().StdoutIs("linux " + want.arch)
				s.Run("images", "--no-trunc", "--digests", "--format", "{{.ID}} {{.Digest}}", repoOf(ref)).Ok().
					StdoutIs(want.id + " " + dgst)
			}
			s.Run("pull", "--platform", "linux/arm64", ref).Ok().StdoutMatches("Digest: " + dgst)
			pulled(imgs["arm64"])
			// The tag moves to the other platform's image; the same index
			// digest does not make the arm64 image "up to date" for amd64.
			s.Run("pull", "--platform", "linux/amd64", ref).Ok().StdoutMatches("Status: Downloaded newer image")
			pulled(imgs["amd64"])
			s.Run("pull", "--platform", "linux/amd64", ref).Ok().StdoutMatches("Status: Image is up to date")
			// Docker's spellings normalize (aarch64 is arm64).
			s.Run("pull", "--platform", "Linux/aarch64", ref).Ok()
			pulled(imgs["arm64"])
			// No --platform: this machine's entry.
			s.Run("pull", ref).Ok().StdoutMatches("Status: Downloaded newer image")
			pulled(host)
			s.Run("run", "--rm", ref, "cat", "/marker").Ok().StdoutIs("marker-" + host.arch)
			// By the index digest: both images carry it, the platform decides.
			byDigest := repoOf(ref) + "@" + dgst
			s.Run("pull", "--platform", "linux/arm64", byDigest).Ok()
			s.Run("image", "inspect", "-f", "{{.Id}}", byDigest).Ok().StdoutIs(imgs["arm64"].id)
			s.Run("pull", byDigest).Ok()
			s.Run("image", "inspect", "-f", "{{.Id}}", byDigest).Ok().StdoutIs(host.id)
		})
	}
	t.Run("podman manifest push", func(t *testing.T) {
		// An index made by another tool (Podman's own annotations and
		// format choices) selects the same way.
		p := newPodman(t)
		list := "localhost/" + uniqueName(t, "list")
		p.run("manifest", "create", list)
		for _, img := range imgs {
			p.run("manifest", "add", "--tls-verify=false", "--os", "linux", "--arch", img.arch, list,
				"docker://"+reg.Ref(repo+":"+img.tag))
		}
		ref := reg.Ref(repo + ":" + uniqueName(t, "pm"))
		p.run("manifest", "push", "--all", "--tls-verify=false", list, "docker://"+ref)
		s := freshStore(t)
		for _, arch := range []string{"arm64", "amd64"} {
			s.Run("pull", "--platform", "linux/"+arch, ref).Ok()
			s.Run("image", "inspect", "-f", "{{.Id}} {{.Architecture}}", ref).Ok().StdoutIs(imgs[arch].id + " " + arch)
		}
		s.Run("pull", "--platform", "linux/s390x", ref).Exit(1).StderrContains("no matching manifest for linux/s390x")
	})
	t.Run("unknown platform", func(t *testing.T) {
		tag := uniqueName(t, "idx")
		putIndex(t, reg, repo, tag, ociIndexType, imgs["amd64"], imgs["arm64"])
		ref := reg.Ref(repo + ":" + tag)
		s := freshStore(t)
		s.Run("pull", "--platform", "linux/s390x", ref).Exit(1).
			StderrContains("no matching manifest for linux/s390x", "linux/amd64, linux/arm64", "--platform")
		s.Run("images", "-q").Ok().StdoutIs("")
		s.Run("pull", "--platform", "linux/arm64/v8/x", ref).Exit(1).StderrContains("invalid platform")
		s.Run("pull", "--platform", "/arm64", ref).Exit(1).StderrContains("invalid platform")
		s.Run("images", "-q").Ok().StdoutIs("")
	})
	t.Run("single-platform image", func(t *testing.T) {
		// As Docker: pulled anyway, with a warning naming both platforms.
		s := freshStore(t)
		s.Run("pull", "--platform", "linux/s390x", reg.Ref(repo+":arm64")).Ok().
			StdoutMatches("WARNING: .* does not match the specified platform: wanted linux/s390x, actual: linux/arm64")
		s.Run("image", "inspect", "-f", "{{.Id}}", reg.Ref(repo+":arm64")).Ok().StdoutIs(imgs["arm64"].id)
	})
}

// nook import --platform records the platform; a malformed one is refused.
func TestImport_Platform(t *testing.T) {
	s := freshStore(t)
	s.Run("import", "--platform", "linux/arm/v7", busyboxTar(t), "e2e/arm:v7").Ok()
	s.Run("image", "inspect", "-f", "{{.Os}}/{{.Architecture}}/{{.Variant}}", "e2e/arm:v7").Ok().StdoutIs("linux/arm/v7")
	s.Run("import", "--platform", "linux", busyboxTar(t), "e2e/bad").Exit(125).StderrContains("invalid platform \"linux\"")
	s.Run("images", "-q", "e2e/bad").Ok().StdoutIs("")
}

// `nook build --platform` is not supported: refused, never ignored.
func TestBuild_PlatformFlagRefused(t *testing.T) {
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + busyboxImage(t) + "\n"})
	tag := imageName(t)
	newCmd(t).Run("build", "--platform", "linux/arm64", "-t", tag, dir).Fails()
	newCmd(t).Run("images", "-q", tag).Ok().StdoutIs("")
}

// markerTar writes the busybox fixture plus /marker holding text.
func markerTar(t *testing.T, text string) string {
	t.Helper()
	in, err := os.Open(busyboxTar(t))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	path := filepath.Join(t.TempDir(), text+".tar")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tr, tw := tar.NewReader(in), tar.NewWriter(out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.WriteHeader(&tar.Header{Name: "marker", Mode: 0o644, Size: int64(len(text)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// putIndex writes a multi-platform index of media type mt to repo:tag,
// listing the given images (pushed to repo under their tags), and returns
// its digest. The registry API is used directly, as `docker manifest
// push` would.
func putIndex(t *testing.T, r *LocalRegistry, repo, tag, mt string, imgs ...*platformImage) string {
	t.Helper()
	type entry struct {
		MediaType string            `json:"mediaType"`
		Digest    string            `json:"digest"`
		Size      int               `json:"size"`
		Platform  map[string]string `json:"platform"`
	}
	var entries []entry
	for _, p := range imgs {
		req, _ := http.NewRequest("GET", r.URL()+"/v2/"+repo+"/manifests/"+p.tag, nil)
		req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("manifest of %s:%s: %d %v", repo, p.tag, resp.StatusCode, err)
		}
		sum := sha256.Sum256(body)
		entries = append(entries, entry{MediaType: resp.Header.Get("Content-Type"), Digest: "sha256:" + hex.EncodeToString(sum[:]),
			Size: len(body), Platform: map[string]string{"os": "linux", "architecture": p.arch}})
	}
	body, err := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": mt, "manifests": entries})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("PUT", r.URL()+"/v2/"+repo+"/manifests/"+tag, bytes.NewReader(body))
	req.Header.Set("Content-Type", mt)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT index %s:%s: %s\n%s", repo, tag, resp.Status, msg)
	}
	sum := sha256.Sum256(body)
	d := "sha256:" + hex.EncodeToString(sum[:])
	if got := resp.Header.Get("Docker-Content-Digest"); got != d {
		t.Fatalf("registry stored index as %s, computed %s", got, d)
	}
	return fmt.Sprint(d)
}
