package image

import (
	"net"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
)

// RegistryOptions are the connection settings shared by pull, push, login
// and logout.
type RegistryOptions struct {
	// TLSVerify requires HTTPS with a verified certificate. nil means
	// verify, except for loopback registries (localhost, 127.0.0.0/8,
	// ::1), which Docker treats as insecure registries by default: HTTPS
	// without verification, falling back to plain HTTP.
	TLSVerify *bool
	// CertDir holds ca.crt (and client cert/key) for the registry; ""
	// means the default /etc/containers/certs.d and /etc/docker/certs.d.
	CertDir string
	// AuthFile overrides the credentials file ("" means
	// $XDG_RUNTIME_DIR/containers/auth.json, then ~/.docker/config.json).
	AuthFile string
}

// userAgent is sent to registries.
const userAgent = "nook (go.podman.io/image)"

// systemContext builds the containers/image settings for talking to the
// registry host (a reference's domain) and for temporary files, which go
// below the store's data directory rather than /var/tmp.
func (s *Store) systemContext(ro RegistryOptions, host string) *types.SystemContext {
	sys := &types.SystemContext{
		DockerCertPath:          ro.CertDir,
		AuthFilePath:            ro.AuthFile,
		DockerRegistryUserAgent: userAgent,
		BigFilesTemporaryDir:    s.tempDir(),
		BlobInfoCacheDir:        filepath.Join(s.DataDir, "cache"),
	}
	if insecureRegistry(ro.TLSVerify, host) {
		sys.DockerInsecureSkipTLSVerify = types.OptionalBoolTrue
	} else {
		sys.DockerInsecureSkipTLSVerify = types.OptionalBoolFalse
	}
	return sys
}

// tempDir is where containers/image stages blobs; it is created on demand.
func (s *Store) tempDir() string {
	d := filepath.Join(s.DataDir, "tmp")
	_ = os.MkdirAll(d, 0o700) // a failure shows up when the copy creates its file
	return d
}

// insecureRegistry decides whether TLS verification is skipped for host.
func insecureRegistry(tlsVerify *bool, host string) bool {
	if tlsVerify != nil {
		return !*tlsVerify
	}
	return isLoopback(host)
}

// isLoopback reports whether a registry host[:port] is on this machine.
func isLoopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// policyContext accepts any image: nook does not verify signatures, and
// building the policy in code keeps /etc/containers/policy.json optional.
func policyContext() (*signature.PolicyContext, error) {
	p := &signature.Policy{Default: []signature.PolicyRequirement{signature.NewPRInsecureAcceptAnything()}}
	return signature.NewPolicyContext(p)
}

// registryHost is the domain of a normalized reference, as used for
// credentials and TLS decisions ("docker.io" for Docker Hub).
func registryHost(named reference.Named) string {
	return reference.Domain(named)
}
