package image

import (
	"strings"

	"go.podman.io/image/v5/docker/reference"

	"github.com/nook-dev/nook/internal/errdefs"
)

// LocalDomain is where locally created names live (as with Podman): a bare
// `nook build -t app` is stored as localhost/app:latest and shown as app.
const LocalDomain = "localhost"

// hasDomain reports whether the first path component names a registry.
func hasDomain(ref string) bool {
	i := strings.IndexByte(ref, '/')
	if i < 0 {
		return false
	}
	first := ref[:i]
	return strings.ContainsAny(first, ".:") || first == "localhost"
}

// Normalize turns a user's reference into the stored form: a bare name
// gets localhost/ and :latest. It rejects invalid references with
// Docker's wording.
func Normalize(ref string) (string, error) {
	return normalizeIn(ref, LocalDomain)
}

// NormalizeRemote is Normalize for registry operations: a bare name means
// Docker Hub (docker.io/library/NAME), as Docker resolves it.
func NormalizeRemote(ref string) (string, error) {
	n, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", badReference(ref, err)
	}
	return reference.TagNameOnly(n).String(), nil
}

func normalizeIn(ref, domain string) (string, error) {
	full := ref
	if !hasDomain(ref) {
		full = domain + "/" + ref
	}
	n, err := reference.ParseNormalizedNamed(full)
	if err != nil {
		return "", errdefs.Invalid("invalid reference format: %s", strings.TrimPrefix(err.Error(), "invalid reference format: "))
	}
	return reference.TagNameOnly(n).String(), nil
}

// Candidates lists the stored names a user's reference may mean, in lookup
// order: the local name, then Docker Hub's.
func Candidates(ref string) []string {
	var out []string
	if n, err := Normalize(ref); err == nil {
		out = append(out, n)
	}
	if !hasDomain(ref) {
		if n, err := NormalizeRemote(ref); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Familiar shortens a stored name for display like Docker: no
// docker.io/library/, docker.io/ or localhost/ prefix.
func Familiar(name string) string {
	for _, p := range []string{"docker.io/library/", "docker.io/", LocalDomain + "/"} {
		if strings.HasPrefix(name, p) {
			return name[len(p):]
		}
	}
	return name
}

// SplitTag splits a stored name into repository and tag ("<none>" for a
// digest reference).
func SplitTag(name string) (repo, tag string) {
	if i := strings.Index(name, "@"); i >= 0 {
		return name[:i], "<none>"
	}
	i := strings.LastIndexByte(name, ':')
	if i < 0 || strings.Contains(name[i:], "/") {
		return name, "latest"
	}
	return name[:i], name[i+1:]
}

// badReference words a reference parse error as Docker does, once:
// `invalid reference format: repository name must be lowercase ("UPPER/x")`.
func badReference(ref string, err error) error {
	why := strings.TrimPrefix(err.Error(), "invalid reference format: ")
	if why == "invalid reference format" {
		return errdefs.Invalid("invalid reference format: %q", ref)
	}
	return errdefs.Invalid("invalid reference format: %s (%q)", why, ref)
}
