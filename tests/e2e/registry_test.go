package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// The registry fixture itself: later pull/push tests depend on it.
func TestRegistryFixture_ServesV2(t *testing.T) {
	get := func(r *LocalRegistry, user, pass string) int {
		req, _ := http.NewRequest("GET", "http://"+r.Addr+"/v2/", nil)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	open := startRegistry(t, RegistryOptions{})
	if c := get(open, "", ""); c != 200 {
		t.Fatalf("open registry /v2/: %d", c)
	}
	auth := startRegistry(t, RegistryOptions{Auth: true})
	if c := get(auth, "", ""); c != 401 {
		t.Fatalf("auth registry without credentials /v2/: %d, want 401", c)
	}
	if c := get(auth, auth.User, auth.Password); c != 200 {
		t.Fatalf("auth registry with credentials /v2/: %d, want 200", c)
	}
}

var pushedDigestRe = regexp.MustCompile(`(?m)^\S+: digest: (sha256:[0-9a-f]{64}) size: \d+$`)

// pushTo tags the shared store's image local as ref and pushes it (the
// tag is removed when the test ends); it returns the pushed digest.
func pushTo(t *testing.T, c *Cmd, local, ref string, extra ...string) string {
	t.Helper()
	c.Run("tag", local, ref).Ok()
	t.Cleanup(func() { c.Run("rmi", ref) })
	r := c.Run(append(append([]string{"push"}, extra...), ref)...).Ok()
	m := pushedDigestRe.FindStringSubmatch(r.Stdout())
	if m == nil {
		r.Fatalf("push printed no \"TAG: digest: sha256:... size: N\" line")
	}
	return m[1]
}

// repoOf is ref without its tag.
func repoOf(ref string) string {
	i := strings.LastIndexByte(ref, ':')
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref
	}
	return ref[:i]
}

func TestPushPull_CleanStoreRunsDigestsAndUpToDate(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/bb") + ":1")
	dgst := pushTo(t, newCmd(t), busyboxImage(t), ref)

	s := freshStore(t)
	r := s.Run("pull", ref).Ok()
	for _, want := range []string{"1: Pulling from ", "Pull complete", "Digest: " + dgst,
		"Status: Downloaded newer image for " + ref, "\n" + ref + "\n"} {
		if !strings.Contains(r.Stdout(), want) {
			r.Fatalf("pull output lacks %q", want)
		}
	}
	s.Run("run", "--rm", ref, "cat", "/www/index.html").Ok().StdoutIs("hello from nook")
	s.Run("images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}").Ok().
		StdoutIs(repoOf(ref) + " 1 " + dgst)
	s.Run("image", "inspect", "-f", "{{json .RepoDigests}}", ref).Ok().StdoutIs(`["` + repoOf(ref) + "@" + dgst + `"]`)
	s.Run("pull", ref).Ok().StdoutMatches("Status: Image is up to date for " + regexp.QuoteMeta(ref))
	s.Run("pull", "-q", ref).Ok().StdoutIs(ref)

	// By digest: the same image, shown untagged with its digest.
	byDigest := repoOf(ref) + "@" + dgst
	s.Run("rmi", ref).Ok()
	s.Run("pull", byDigest).Ok().StdoutMatches(regexp.QuoteMeta(dgst) + ": Pulling from ")
	s.Run("images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}").Ok().
		StdoutIs(repoOf(ref) + " <none> " + dgst)
	s.Run("run", "--rm", byDigest, "echo", "by-digest").Ok().StdoutIs("by-digest")
	s.Run("pull", byDigest).Ok().StdoutMatches("Image is up to date")
	// A local image has no repository digest; the pushed one has it.
	newCmd(t).Run("images", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Digest}}", "busybox").Ok().
		StdoutMatches(`(?m)^busybox:latest <none>$`)
	newCmd(t).Run("image", "inspect", "-f", "{{json .RepoDigests}}", ref).Ok().StdoutIs(`["` + repoOf(ref) + "@" + dgst + `"]`)
}

// An image pushed from this store pulls back into it: the stored image
// (other layer IDs than containers/image computes) only gains the name.
func TestPull_ImageAlreadyStoredUnderOtherName(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/bb") + ":1")
	c := newCmd(t)
	pushTo(t, c, busyboxImage(t), ref)
	id := c.Run("inspect", "-f", "{{.Id}}", busyboxImage(t)).Ok().Line()
	c.Run("rmi", ref).Ok()
	c.Run("pull", ref).Ok()
	c.Run("inspect", "-f", "{{.Id}}", ref).Ok().StdoutIs(id)
	c.Run("run", "--rm", ref, "true").Ok()
}

// twoLayerImage builds busybox plus one COPY layer in the shared store.
func twoLayerImage(t *testing.T) string {
	t.Helper()
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + busyboxImage(t) + "\nCOPY data.txt /data.txt\n",
		"data.txt":   uniqueName(t, "data") + "\n",
	})
	tag := imageName(t)
	nook(t, "build", "-q", "-t", tag, dir).Ok()
	return tag
}

// layerDigests returns the compressed layer digests of ref's manifest as
// stored in the registry (read through its HTTP API).
func layerDigests(t *testing.T, r *LocalRegistry, ref string) []string {
	t.Helper()
	m := fetchManifest(t, r, ref)
	var ds []string
	for _, l := range m.Layers {
		ds = append(ds, l.Digest)
	}
	return ds
}

func TestPull_PresentLayersAreNotDownloadedAgain(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	proxy := startProxy(t, reg)
	base := reg.Ref(uniqueName(t, "e2e/base") + ":1")
	derived := reg.Ref(uniqueName(t, "e2e/derived") + ":1")
	c := newCmd(t)
	pushTo(t, c, busyboxImage(t), base)
	pushTo(t, c, twoLayerImage(t), derived)
	layers := layerDigests(t, reg, derived)
	if len(layers) != 2 {
		t.Fatalf("derived image has %d layers, want 2", len(layers))
	}
	s := freshStore(t)
	s.Run("pull", proxy.Ref(strings.TrimPrefix(base, reg.Addr+"/"))).Ok()
	if proxy.Gets(layers[0]) != 1 {
		t.Fatalf("base layer downloaded %d times by the first pull, want 1", proxy.Gets(layers[0]))
	}
	r := s.Run("pull", proxy.Ref(strings.TrimPrefix(derived, reg.Addr+"/"))).Ok()
	if n := proxy.Gets(layers[0]); n != 1 {
		r.Fatalf("base layer downloaded again by the second pull (%d GETs in all)", n)
	}
	if proxy.Gets(layers[1]) != 1 {
		r.Fatalf("new layer downloaded %d times, want 1", proxy.Gets(layers[1]))
	}
	if !strings.Contains(r.Stdout(), layers[0][7:19]+": Already exists") {
		r.Fatalf("pull output does not say the base layer already exists")
	}
	s.Run("run", "--rm", proxy.Ref(strings.TrimPrefix(derived, reg.Addr+"/")), "cat", "/data.txt").Ok()
}

func TestRun_PullsMissingImage(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/bb") + ":1")
	pushTo(t, newCmd(t), busyboxImage(t), ref)
	s := freshStore(t)
	s.Run("run", "--rm", "--pull", "never", ref, "true").Exit(125).StderrContains("Unable to find image '" + ref + "' locally")
	r := s.Run("run", "--rm", ref, "echo", "pulled").Ok().StdoutIs("pulled")
	if !strings.HasPrefix(r.Stderr(), "Unable to find image '"+ref+"' locally\n") || !strings.Contains(r.Stderr(), "Status: Downloaded newer image for "+ref) {
		r.Fatalf("run of a missing image: want Docker's pull messages on stderr")
	}
	// Present now: no pull, no message.
	if r := s.Run("run", "--rm", ref, "true").Ok(); r.Stderr() != "" {
		r.Fatalf("run of a present image printed %q", r.Stderr())
	}
	missing := reg.Ref(uniqueName(t, "e2e/none") + ":1")
	s.Run("run", "--rm", missing, "true").Exit(125).StderrContains("Unable to find image '"+missing+"' locally", "not found")
	s.Run("create", "--pull", "always", ref, "true").Ok().StdoutMatches(`^[0-9a-f]{64}\n$`)
}

func TestBuild_FromPullsMissingImage(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/bb") + ":1")
	pushTo(t, newCmd(t), busyboxImage(t), ref)
	s := freshStore(t)
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + ref + "\nCOPY Dockerfile /Dockerfile\n"})
	s.Run("build", "-q", "-t", "e2e/from-registry", dir).Ok()
	s.Run("run", "--rm", "e2e/from-registry", "cat", "/www/index.html").Ok().StdoutIs("hello from nook")
	s.Run("image", "inspect", "-f", "{{.Id}}", ref).Ok()
	// A new image under the same tag: only --pull fetches it.
	c := newCmd(t)
	c.Run("tag", twoLayerImage(t), ref).Ok()
	c.Run("push", "-q", ref).Ok()
	dir2 := writeContext(t, map[string]string{"Dockerfile": "FROM " + ref + "\n"})
	s.Run("build", "-q", "-t", "e2e/from-registry:2", dir2).Ok()
	s.Run("run", "--rm", "e2e/from-registry:2", "test", "-e", "/data.txt").Exit(1)
	s.Run("build", "-q", "--pull", "-t", "e2e/from-registry:3", dir2).Ok()
	s.Run("run", "--rm", "e2e/from-registry:3", "test", "-e", "/data.txt").Ok()
}

// search on a registry without a search API lists /v2/_catalog matches.
func TestSearch_LocalRegistryCatalog(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	c := newCmd(t)
	term := uniqueName(t, "find")
	pushTo(t, c, busyboxImage(t), reg.Ref("e2e/"+term+"-a:1"))
	pushTo(t, c, busyboxImage(t), reg.Ref("e2e/other:1"))
	out := c.Run("search", reg.Addr+"/"+term).Ok().Stdout()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasPrefix(lines[1], reg.Addr+"/e2e/"+term+"-a") {
		t.Fatalf("search output:\n%s", out)
	}
	c.Run("search", "--format", "{{.Name}}", reg.Addr+"/e2e/").Ok().
		StdoutIs(reg.Addr + "/e2e/" + term + "-a\n" + reg.Addr + "/e2e/other")
}

// On a terminal, pull draws one progress line per layer (mpb) that ends
// in Docker's per-layer status.
func TestPull_ProgressOnTerminal(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/two") + ":1")
	c := newCmd(t)
	local := twoLayerImage(t)
	pushTo(t, c, local, ref)
	c.Run("rmi", local, ref).Ok() // the COPY layer goes; busybox's stays
	s := startPty(t, &pty.Winsize{Rows: 24, Cols: 100}, "pull", ref)
	if code := s.wait(); code != 0 {
		t.Fatalf("pull on a pty exited %d; screen:\n%s", code, s.output())
	}
	screen := s.output()
	for _, want := range []string{": Already exists", ": Pull complete", "Status: Downloaded newer image for " + ref} {
		if !strings.Contains(screen, want) {
			t.Fatalf("terminal lacks %q; screen:\n%q", want, screen)
		}
	}
	if !strings.Contains(screen, "\x1b[") {
		t.Fatalf("no redrawn progress lines (no escape sequences) on a terminal; screen:\n%q", screen)
	}
}
