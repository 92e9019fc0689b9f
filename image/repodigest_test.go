package image

import "testing"

func TestDigestFor_PicksTheRowsRepository(t *testing.T) {
	list := []string{"127.0.0.1:5000/app@sha256:aaa", "docker.io/library/app@sha256:bbb"}
	for repo, want := range map[string]string{
		"127.0.0.1:5000/app":     "sha256:aaa",
		"docker.io/library/app":  "sha256:bbb",
		"localhost/app":          "",
		"127.0.0.1:5000/app/sub": "",
	} {
		if got := DigestFor(list, repo); got != want {
			t.Errorf("DigestFor(%q) = %q, want %q", repo, got, want)
		}
	}
}
