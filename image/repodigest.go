package image

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/storage"
)

// repoDigestsKey is the image big-data item listing the image's repository
// digests ("REPO@sha256:..."): the manifests it was pulled as or pushed
// as, per repository. containers/storage only keeps a flat digest list,
// which also holds the manifest nook writes for a local image; Docker
// shows a digest only for the repositories that served or received it.
const repoDigestsKey = "nook-repo-digests"

// addRepoDigest records that repo (a full name without tag) holds the
// image as manifest d.
func (s *Store) addRepoDigest(id, repo string, d digest.Digest) error {
	img, err := s.Image(id)
	if err != nil {
		return err
	}
	rd := repo + "@" + d.String()
	old := s.RepoDigests(img) // stale entries are dropped here
	if slices.Contains(old, rd) {
		return nil
	}
	// The latest manifest a repository served or received replaces the
	// one before (a re-push may compress differently).
	list := []string{rd}
	for _, o := range old {
		if r, _, _ := strings.Cut(o, "@"); r != repo {
			list = append(list, o)
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := s.SetImageBigData(id, repoDigestsKey, b, nil); err != nil {
		return fmt.Errorf("record repository digest %s: %w", rd, err)
	}
	return nil
}

// RepoDigests lists img's repository digests as full names
// (127.0.0.1:5000/app@sha256:...), for the repositories it still has a
// name in: as in Docker, removing a repository's last tag also drops its
// digest.
func (s *Store) RepoDigests(img *storage.Image) []string {
	var list []string
	b, err := s.ImageBigData(img.ID, repoDigestsKey)
	if err != nil || json.Unmarshal(b, &list) != nil {
		return nil
	}
	repos := map[string]bool{}
	for _, n := range img.Names {
		repo, _ := SplitTag(n)
		repos[repo] = true
	}
	out := list[:0]
	for _, rd := range list {
		if repo, _, _ := strings.Cut(rd, "@"); repos[repo] {
			out = append(out, rd)
		}
	}
	return out
}

// DigestFor returns the digest img has in repository repo (full name, no
// tag), or "".
func DigestFor(repoDigests []string, repo string) string {
	for _, rd := range repoDigests {
		if r, d, ok := strings.Cut(rd, "@"); ok && r == repo {
			return d
		}
	}
	return ""
}
