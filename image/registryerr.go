package image

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/docker/distribution/registry/api/errcode"
	"go.podman.io/image/v5/docker"

	"github.com/nook-dev/nook/internal/errdefs"
)

// registryOp says what was being done when a registry error happened, for
// Docker's wording ("pull access denied for X", "manifest for X not found").
type registryOp struct {
	verb string // "pull", "push" or "login"
	name string // the familiar reference ("alpine:latest")
	host string // the registry's host[:port]
}

// registryError turns a containers/image error into one a user can act
// on: the Docker wording for 401/404, a bounded-timeout "unreachable"
// message, a TLS hint, keeping the original error wrapped.
func registryError(op registryOp, err error) error {
	if err == nil {
		return nil
	}
	login := "run `nook login " + op.host + "` first"
	var unauth docker.ErrUnauthorizedForCredentials
	if errors.As(err, &unauth) {
		return errdefs.WithHint(fmt.Errorf("%s %s: unauthorized: %w", op.verb, op.name, err), login)
	}
	switch registryCode(err) {
	case "MANIFEST_UNKNOWN":
		// Docker's wording; the chain stays reachable with %.0w.
		return errdefs.NotFound("manifest for %s not found: manifest unknown: manifest unknown%.0w", op.name, err)
	case "NAME_UNKNOWN", "DENIED", "UNAUTHORIZED":
		if op.verb == "push" {
			return errdefs.WithHint(fmt.Errorf("push %s: denied: requested access to the resource is denied: %w", op.name, err), login)
		}
		return errdefs.WithHint(fmt.Errorf("pull access denied for %s, repository does not exist or may require 'nook login': %w", op.name, err), login)
	}
	if strings.Contains(err.Error(), "Digest did not match") {
		return errdefs.WithHint(fmt.Errorf("%s %s: corrupted download (digest mismatch), nothing was stored: %w", op.verb, op.name, err),
			"retry; if it persists the registry serves a damaged blob")
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG) {
		return errdefs.WithHint(fmt.Errorf("%s %s: writing to local storage failed, nothing was kept: %w", op.verb, op.name, err),
			"free disk space where nook stores images (`nook info` shows the storage root), then retry")
	}
	if strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		return errdefs.WithHint(fmt.Errorf("%s %s: registry %s speaks plain HTTP, not HTTPS: %w", op.verb, op.name, op.host, err),
			"use --tls-verify=false for a registry without TLS")
	}
	if isTLSError(err) {
		return errdefs.WithHint(fmt.Errorf("%s %s: tls: %w", op.verb, op.name, err),
			"put the registry's CA certificate as ca.crt in a directory given with --cert-dir, or use --tls-verify=false")
	}
	if isUnreachable(err) {
		return errdefs.WithHint(errdefs.WithKind(fmt.Errorf("%s %s: registry %s is unreachable: %w", op.verb, op.name, op.host, err), errdefs.ErrUnavailable),
			"check that the registry is running and the address is right; a plain-HTTP registry needs --tls-verify=false")
	}
	return fmt.Errorf("%s %s: %w", op.verb, op.name, err)
}

// registryCode returns the registry's error code (errcode.Error.Code,
// e.g. MANIFEST_UNKNOWN) found in err's chain, or "".
func registryCode(err error) string {
	var e errcode.Error
	if errors.As(err, &e) {
		return e.Code.String()
	}
	var es errcode.Errors
	if errors.As(err, &es) && len(es) > 0 {
		return registryCode(es[0])
	}
	// A HEAD request carries no error body: only the status is known.
	if strings.Contains(err.Error(), "StatusCode: 404") || strings.Contains(err.Error(), "404 (Not Found)") {
		return "MANIFEST_UNKNOWN"
	}
	return ""
}

func isTLSError(err error) bool {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) ||
		strings.Contains(err.Error(), "x509: ") || strings.Contains(err.Error(), "http: server gave HTTP response to HTTPS client")
}

func isUnreachable(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.As(err, &op) || errors.As(err, &dns)
}
