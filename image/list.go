package image

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"go.podman.io/storage"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Summary is one image for `nook images`.
type Summary struct {
	ID     string
	Names  []string
	Digest string
	// RepoDigests are the full REPO@DIGEST names it was pulled or pushed as.
	RepoDigests []string
	Created     time.Time
	Size        int64
}

// List returns all images, newest first.
func (s *Store) List() ([]Summary, error) {
	imgs, err := s.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	out := make([]Summary, 0, len(imgs))
	for _, img := range imgs {
		size, _ := s.ImageSize(img.ID)
		created := img.Created
		// Docker shows the config's creation time, not when it was stored.
		if cfg, err := s.Config(&img); err == nil && cfg.Created != nil {
			created = *cfg.Created
		}
		out = append(out, Summary{ID: img.ID, Names: img.Names, Digest: img.Digest.String(),
			RepoDigests: s.RepoDigests(&img), Created: created, Size: size})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// Tag adds target (a user reference) to the image src resolves to.
func (s *Store) Tag(src, target string) error {
	img, err := s.Lookup(src)
	if err != nil {
		return err
	}
	n, err := Normalize(target)
	if err != nil {
		return err
	}
	return s.Retag(img.ID, []string{n})
}

// RemoveResult tells what Remove did, in Docker's terms.
type RemoveResult struct {
	Untagged []string
	Deleted  []string
}

// Remove untags ref, and deletes the image once it has no names left (or
// when ref is an ID). inUse reports containers using the image; force
// removes anyway (Docker refuses without -f).
func (s *Store) Remove(ref string, force bool, inUse func(imageID string) []string) (RemoveResult, error) {
	var res RemoveResult
	img, err := s.Lookup(ref)
	if err != nil {
		return res, err
	}
	byName := ""
	for _, n := range Candidates(ref) {
		for _, have := range img.Names {
			if have == n {
				byName = n
			}
		}
	}
	if byName != "" && len(img.Names) > 1 {
		if err := s.RemoveNames(img.ID, []string{byName}); err != nil {
			return res, err
		}
		res.Untagged = append(res.Untagged, Familiar(byName))
		return res, nil
	}
	if byName == "" && len(img.Names) > 1 && !force {
		return res, errdefs.Conflict("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", img.ID[:12])
	}
	if users := inUse(img.ID); len(users) > 0 {
		if !force {
			return res, errdefs.Conflict("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", ref, users[0][:12], img.ID[:12])
		}
		// Docker deletes the image and keeps the container; containers/storage
		// cannot delete an image a container's layer is built on, so -f
		// untags it: it stays as <none> until its containers are gone and
		// `nook image prune` or `nook rmi ID` deletes it.
		if err := s.SetNames(img.ID, nil); err != nil {
			return res, err
		}
		for _, n := range img.Names {
			res.Untagged = append(res.Untagged, Familiar(n))
		}
		return res, nil
	}
	for _, n := range img.Names {
		res.Untagged = append(res.Untagged, Familiar(n))
	}
	if _, err := s.DeleteImage(img.ID, true); err != nil {
		if errors.Is(err, storage.ErrImageUsedByContainer) {
			return res, errdefs.Conflict("image %s is used by a container: %w", img.ID[:12], err)
		}
		return res, fmt.Errorf("delete image %s: %w", img.ID[:12], err)
	}
	res.Deleted = append(res.Deleted, "sha256:"+img.ID)
	return res, nil
}
