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
	list := s.RepoDigests(img)
	if slices.Contains(list, rd) {
		return nil
	}
	b, err := json.Marshal(append(list, rd))
	if err != nil {
		return err
	}
	if err := s.SetImageBigData(id, repoDigestsKey, b, nil); err != nil {
		return fmt.Errorf("record repository digest %s: %w", rd, err)
	}
	return nil
}

// RepoDigests lists img's repository digests as full names
// (127.0.0.1:5000/app@sha256:...).
func (s *Store) RepoDigests(img *storage.Image) []string {
	var list []string
	if b, err := s.ImageBigData(img.ID, repoDigestsKey); err == nil {
		if json.Unmarshal(b, &list) == nil {
			return list
		}
	}
	return nil
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
