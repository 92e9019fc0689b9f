package image

import (
	"context"
	"fmt"
	"io"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/manifest"
	istorage "go.podman.io/image/v5/storage"

	"github.com/nook-dev/nook/internal/errdefs"
)

// PushOptions describe `nook push`.
type PushOptions struct {
	// Src is the local image (name or ID).
	Src string
	// Dest is the registry reference; "" means Src's name, where a bare
	// name means Docker Hub as in Docker.
	Dest string
	RegistryOptions
	// Quiet suppresses all progress output.
	Quiet bool
	// Progress receives Docker's push output; nil is quiet.
	Progress io.Writer
}

// PushResult says what Push did.
type PushResult struct {
	// Name is the full destination reference.
	Name string
	// Digest and Size describe the manifest as pushed.
	Digest digest.Digest
	Size   int
}

// Push copies a stored image to a registry. The pushed manifest digest is
// recorded with the image (so it shows in RepoDigests, as after a
// docker push).
func (s *Store) Push(ctx context.Context, opts PushOptions) (PushResult, error) {
	var res PushResult
	img, err := s.Lookup(opts.Src)
	if err != nil {
		return res, err
	}
	destStr := opts.Dest
	if destStr == "" {
		destStr = opts.Src
	}
	named, err := reference.ParseNormalizedNamed(destStr)
	if err != nil {
		return res, badReference(destStr, err)
	}
	named = reference.TagNameOnly(named)
	res.Name = named.String()
	op := registryOp{verb: "push", name: reference.FamiliarString(named), host: registryHost(named)}
	out := opts.Progress
	if opts.Quiet {
		out = nil
	}
	if out != nil {
		fmt.Fprintf(out, "The push refers to repository [%s]\n", named.Name())
	}
	sys := s.systemContext(opts.RegistryOptions, op.host)
	src, err := istorage.Transport.NewStoreReference(s.Store, nil, img.ID)
	if err != nil {
		return res, err
	}
	dest, err := docker.NewReference(named)
	if err != nil {
		return res, errdefs.Invalid("push %s: %w", destStr, err)
	}
	pc, err := policyContext()
	if err != nil {
		return res, err
	}
	defer pc.Destroy()
	rep := newLayerReporter(out, pushWords)
	o := &copy.Options{SourceCtx: sys, DestinationCtx: sys}
	rep.apply(o)
	man, err := copy.Image(ctx, pc, dest, src, o)
	rep.close()
	if err != nil {
		return res, registryError(op, err)
	}
	res.Digest, err = manifest.Digest(man)
	if err != nil {
		return res, err
	}
	res.Size = len(man)
	// Best effort: the push itself has succeeded.
	_ = s.recordManifest(img.ID, res.Digest, man)
	_ = s.addRepoDigest(img.ID, named.Name(), res.Digest)
	if out != nil {
		fmt.Fprintf(out, "%s: digest: %s size: %d\n", tagOrDigest(named), res.Digest, res.Size)
	}
	return res, nil
}
