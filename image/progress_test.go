package image

import (
	"bytes"
	"testing"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/types"
)

func TestLayerReporter_PlainLines(t *testing.T) {
	var buf bytes.Buffer
	r := newLayerReporter(&buf, pullWords)
	layer := types.BlobInfo{Digest: digest.FromString("layer"), Size: 10, MediaType: "application/vnd.oci.image.layer.v1.tar+gzip"}
	cfg := types.BlobInfo{Digest: digest.FromString("cfg"), MediaType: "application/vnd.oci.image.config.v1+json"}
	old := types.BlobInfo{Digest: digest.FromString("old"), MediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip"}
	r.ch <- types.ProgressProperties{Event: types.ProgressEventSkipped, Artifact: old}
	r.ch <- types.ProgressProperties{Event: types.ProgressEventNewArtifact, Artifact: layer}
	r.ch <- types.ProgressProperties{Event: types.ProgressEventDone, Artifact: layer, Offset: 10}
	r.ch <- types.ProgressProperties{Event: types.ProgressEventDone, Artifact: cfg}
	r.close()
	want := shortDigest(old.Digest) + ": Already exists\n" + shortDigest(layer.Digest) + ": Pull complete\n"
	if buf.String() != want {
		t.Errorf("output %q, want %q", buf.String(), want)
	}
}

func TestLayerReporter_NilIsQuiet(t *testing.T) {
	r := newLayerReporter(nil, pushWords)
	r.apply(nil) // must not touch the options
	r.close()
}
