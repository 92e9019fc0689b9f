package e2e

import (
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	debianOnce sync.Once
	debianErr  string
)

// debianImage makes sure the Debian base is in the shared store (importing
// the fixture tar once if needed) and returns its reference.
func debianImage(t *testing.T) string {
	t.Helper()
	requires(t, DebianBase)
	debianOnce.Do(func() {
		c := newCmd(t).WithTimeout(5 * time.Minute)
		if r := c.Run("image", "inspect", debianBaseImage); r.Code == 0 {
			return
		}
		if r := c.Run("import", debianBaseTar(), debianBaseImage); r.Code != 0 {
			debianErr = "import the Debian base fixture:\n" + r.report()
		}
	})
	if debianErr != "" {
		t.Fatal(debianErr)
	}
	return debianBaseImage
}

// A Debian-based build whose RUN installs a package with apt-get: the
// network reaches deb.debian.org through slirp4netns, apt's _apt sandbox
// user works inside the rootless container, and the package is in the
// image. --no-cache so every run really downloads.
func TestBuild_DebianAptGetInstall(t *testing.T) {
	requires(t, Slirp4netns)
	base := debianImage(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + base + "\nRUN apt-get update && apt-get install -y --no-install-recommends hello && " +
			"rm -rf /var/lib/apt/lists/*\nCMD [\"hello\"]\n",
	})
	tag := imageName(t)
	r := newCmd(t).WithTimeout(5*time.Minute).Run("build", "--no-cache", "--progress", "plain", "-t", tag, dir).Ok()
	if !strings.Contains(r.Stderr(), "Setting up hello ") {
		r.Fatalf("apt-get output not streamed")
	}
	nook(t, "run", "--rm", tag).Ok().StdoutIs("Hello, world!")
	nook(t, "run", "--rm", tag, "sh", "-c", "dpkg-query -W -f '${Status}' hello; echo; stat -c '%u:%g %a' /usr/bin/hello").Ok().
		StdoutIs("install ok installed\n0:0 755")
}
