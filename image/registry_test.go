package image

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/docker/distribution/registry/api/errcode"
	v2 "github.com/docker/distribution/registry/api/v2"
	"go.podman.io/image/v5/docker"

	"github.com/nook-dev/nook/internal/errdefs"
)

func TestInsecureRegistry(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name   string
		verify *bool
		host   string
		want   bool
	}{
		{"loopback IPv4 with port is insecure by default", nil, "127.0.0.1:5000", true},
		{"localhost is insecure by default", nil, "localhost:5000", true},
		{"IPv6 loopback is insecure by default", nil, "[::1]:5000", true},
		{"a remote registry is verified by default", nil, "registry.example.com", false},
		{"docker hub is verified", nil, "docker.io", false},
		{"an explicit --tls-verify=true wins over loopback", &yes, "127.0.0.1:5000", false},
		{"an explicit --tls-verify=false wins over remote", &no, "registry.example.com", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := insecureRegistry(tc.verify, tc.host); got != tc.want {
				t.Errorf("insecureRegistry(%v, %q) = %v, want %v", tc.verify, tc.host, got, tc.want)
			}
		})
	}
}

func TestRegistryKey(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "docker.io",
		"https://index.docker.io/v1/":  "docker.io",
		"docker.io":                    "docker.io",
		"127.0.0.1:5000":               "127.0.0.1:5000",
		"https://registry.example.com": "registry.example.com",
		"registry.example.com/v2/":     "registry.example.com",
	} {
		if got := RegistryKey(in); got != want {
			t.Errorf("RegistryKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRegistryError(t *testing.T) {
	op := registryOp{verb: "pull", name: "alpine:nope", host: "docker.io"}
	t.Run("manifest unknown reads like Docker and is NotFound", func(t *testing.T) {
		err := registryError(op, fmt.Errorf("reading manifest: %w", v2.ErrorCodeManifestUnknown.WithMessage("manifest unknown")))
		want := "manifest for alpine:nope not found: manifest unknown: manifest unknown"
		if err.Error() != want || !errors.Is(err, errdefs.ErrNotFound) {
			t.Errorf("got %q (NotFound %v), want %q", err, errors.Is(err, errdefs.ErrNotFound), want)
		}
	})
	t.Run("401 suggests nook login", func(t *testing.T) {
		err := registryError(op, docker.ErrUnauthorizedForCredentials{Err: errors.New("authentication required")})
		if h := errdefs.Hint(err); h != "run `nook login docker.io` first" {
			t.Errorf("hint = %q", h)
		}
	})
	t.Run("denied on pull is Docker's pull access denied", func(t *testing.T) {
		err := registryError(op, errcode.ErrorCodeDenied.WithMessage("requested access to the resource is denied"))
		if got := err.Error(); got[:31] != "pull access denied for alpine:n" {
			t.Errorf("got %q", got)
		}
	})
}

func TestRegistryError_PlainHTTPRegistry(t *testing.T) {
	op := registryOp{verb: "pull", name: "x:1", host: "127.0.0.1:5000"}
	err := registryError(op, errors.New(`pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client`))
	if h := errdefs.Hint(err); h != "use --tls-verify=false for a registry without TLS" {
		t.Errorf("hint = %q (error %q)", h, err)
	}
}

func TestBadReference_NamesTheProblemOnce(t *testing.T) {
	_, _, err := parsePullRef("UPPER/x")
	want := `invalid reference format: repository name must be lowercase ("UPPER/x")`
	if err == nil || err.Error() != want || !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("got %v, want %q (InvalidArgument)", err, want)
	}
}

func TestRegistryError_DiskFull(t *testing.T) {
	op := registryOp{verb: "pull", name: "x:1", host: "127.0.0.1:5000"}
	err := registryError(op, fmt.Errorf("writing blob: %w", &os.PathError{Op: "write", Path: "/s/tmp/1", Err: syscall.ENOSPC}))
	if !strings.Contains(err.Error(), "nothing was kept") || errdefs.Hint(err) == "" {
		t.Errorf("got %q, hint %q", err, errdefs.Hint(err))
	}
}
