package image

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestParsePlatform(t *testing.T) {
	for in, want := range map[string][3]string{
		"linux/arm64/v8": {"linux", "arm64", "v8"},
		"linux/amd64":    {"linux", "amd64", ""},
		"linux":          {"linux", "", ""},
		"Linux/x86_64":   {"linux", "amd64", ""},
		"linux/aarch64":  {"linux", "arm64", ""},
	} {
		o, a, v := parsePlatform(in)
		if [3]string{o, a, v} != want {
			t.Errorf("parsePlatform(%q) = %q %q %q, want %v", in, o, a, v, want)
		}
	}
}

func TestCheckPlatform(t *testing.T) {
	for in, ok := range map[string]bool{"": true, "linux": true, "linux/arm64": true, "linux/arm/v7": true,
		"linux/arm/v7/x": false, "/arm64": false, "linux/": false, "linux//v7": false} {
		if err := checkPlatform("pull", in); (err == nil) != ok {
			t.Errorf("checkPlatform(%q) = %v, want ok=%v", in, err, ok)
		}
	}
}

func TestWantedPlatform(t *testing.T) {
	for in, want := range map[string]string{"": "linux/" + runtime.GOARCH, "linux": "linux/" + runtime.GOARCH,
		"linux/arm/v7": "linux/arm/v7", "linux/aarch64": "linux/arm64"} {
		if got := wantedPlatform(in); got != want {
			t.Errorf("wantedPlatform(%q) = %q, want %q", in, got, want)
		}
	}
}

const testIndex = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1,"platform":{"os":"linux","architecture":"amd64"}},
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":1,"platform":{"os":"linux","architecture":"arm","variant":"v7"}}]}`

func TestNoPlatformError(t *testing.T) {
	op := registryOp{verb: "pull", name: "x:1"}
	none := errors.New(`choosing image instance: no image found in image index for architecture "s390x", variant "", OS "linux"`)
	err := noPlatformError(op, []byte(testIndex), "linux/s390x", none)
	if err == nil || !strings.Contains(err.Error(), "no matching manifest for linux/s390x") ||
		!strings.Contains(err.Error(), "linux/amd64, linux/arm/v7") {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, none) {
		t.Errorf("the cause is not kept in the chain: %v", err)
	}
	// Other failures, and single manifests, are left to registryError.
	if err := noPlatformError(op, []byte(testIndex), "linux/s390x", errors.New("connection refused")); err != nil {
		t.Errorf("other failure: %v", err)
	}
	if err := noPlatformError(op, []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}`), "linux/s390x", none); err != nil {
		t.Errorf("single manifest: %v", err)
	}
}
