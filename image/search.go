package image

import (
	"context"
	"strings"

	"go.podman.io/image/v5/docker"

	"github.com/nook-dev/nook/internal/errdefs"
)

// SearchOptions describe `nook search`.
type SearchOptions struct {
	// Term is what to look for; "HOST[:PORT]/TERM" searches that registry,
	// anything else Docker Hub.
	Term string
	// Limit is the maximum number of results (0 = 25, as Docker).
	Limit int
	RegistryOptions
}

// SearchResult is one repository found.
type SearchResult struct {
	// Name is the repository, with the registry host unless it is Docker Hub.
	Name        string
	Description string
	Stars       int
	Official    bool
	Automated   bool
}

// Search asks a registry for repositories whose name contains the term:
// Docker Hub's search API, or /v2/_catalog of a registry without one
// (as the distribution registry).
func (s *Store) Search(ctx context.Context, opts SearchOptions) ([]SearchResult, error) {
	host, term := "docker.io", opts.Term
	if hasDomain(opts.Term) {
		host, term, _ = strings.Cut(opts.Term, "/")
	}
	if term == "" && host == "docker.io" {
		return nil, errdefs.Invalid("search: no search term given")
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = 25
	}
	sys := s.systemContext(opts.RegistryOptions, host)
	found, err := docker.SearchRegistry(ctx, sys, host, term, limit)
	if err != nil {
		return nil, registryError(registryOp{verb: "search", name: opts.Term, host: host}, err)
	}
	out := make([]SearchResult, 0, len(found))
	for _, f := range found {
		name := f.Name
		if host != "docker.io" && !strings.HasPrefix(name, host+"/") {
			name = host + "/" + name
		}
		out = append(out, SearchResult{Name: name, Description: f.Description, Stars: f.StarCount,
			Official: f.IsOfficial, Automated: f.IsAutomated})
	}
	return out, nil
}
