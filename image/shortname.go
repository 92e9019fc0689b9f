package image

import (
	"fmt"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/types"
)

// resolvePullRef lists the fully qualified names a pull reference may
// mean, in the order to try them. A name with a registry is itself. A
// short name (no registry) resolves as Docker does, to Docker Hub, unless
// a registries.conf says otherwise: a [aliases] entry wins, else its
// unqualified-search-registries are tried in order (as Podman does, but
// never prompting). how says which rule applied, for the user.
func resolvePullRef(sys *types.SystemContext, ref string) (cands []reference.Named, how string, err error) {
	named, _, err := parsePullRef(ref)
	if err != nil {
		return nil, "", err
	}
	if hasDomain(ref) {
		return []reference.Named{named}, "", nil
	}
	short, suffix := splitShortName(ref)
	alias, origin, err := sysregistriesv2.ResolveShortNameAlias(sys, short)
	if err != nil {
		return nil, "", fmt.Errorf("read short-name aliases: %w", err)
	}
	if alias != nil {
		n, err := withSuffix(alias.Name(), suffix)
		if err != nil {
			return nil, "", err
		}
		return []reference.Named{n}, fmt.Sprintf("Resolved %q as an alias (%s)", short, origin), nil
	}
	regs, origin, err := sysregistriesv2.UnqualifiedSearchRegistriesWithOrigin(sys)
	if err != nil {
		return nil, "", fmt.Errorf("read registries.conf: %w", err)
	}
	if len(regs) == 0 {
		return []reference.Named{named}, "", nil
	}
	for _, reg := range regs {
		n, err := withSuffix(reg+"/"+short, suffix)
		if err != nil {
			return nil, "", err
		}
		cands = append(cands, n)
	}
	return cands, fmt.Sprintf("Resolving %q using unqualified-search registries (%s)", short, origin), nil
}

// splitShortName splits "name:tag" or "name@sha256:..." into the name and
// the suffix with its separator.
func splitShortName(ref string) (name, suffix string) {
	for i := 0; i < len(ref); i++ {
		switch ref[i] {
		case '@':
			return ref[:i], ref[i:]
		case ':':
			return ref[:i], ref[i:]
		}
	}
	return ref, ""
}

// withSuffix qualifies name with the user's tag or digest (:latest when
// there is none).
func withSuffix(name, suffix string) (reference.Named, error) {
	n, err := reference.ParseNormalizedNamed(name + suffix)
	if err != nil {
		return nil, badReference(name+suffix, err)
	}
	return reference.TagNameOnly(n), nil
}

// shortNameCandidates are the stored names a short name may mean through
// registries.conf (alias first), for finding an image pulled that way.
func shortNameCandidates(ref string) []string {
	if hasDomain(ref) {
		return nil
	}
	cands, _, err := resolvePullRef(&types.SystemContext{}, ref)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(cands))
	for _, c := range cands {
		out = append(out, c.String())
	}
	return out
}
