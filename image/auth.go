package image

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/pkg/docker/config"

	"github.com/nook-dev/nook/internal/errdefs"
)

// DockerHub is the server `nook login` uses when none is given, in the form
// Docker prints it.
const DockerHub = "https://index.docker.io/v1/"

// LoginOptions describe `nook login`.
type LoginOptions struct {
	// Server is the registry ("" or Docker's index URL mean Docker Hub).
	Server   string
	Username string
	Password string
	RegistryOptions
}

// Login checks the credentials against the registry and stores them in
// $XDG_RUNTIME_DIR/containers/auth.json (or AuthFile). Credentials in
// ~/.docker/config.json are read by all registry operations too.
func (s *Store) Login(ctx context.Context, opts LoginOptions) error {
	host := RegistryKey(opts.Server)
	if opts.Username == "" || opts.Password == "" {
		return errdefs.Invalid("login %s: username and password are required", host)
	}
	sys := s.systemContext(opts.RegistryOptions, host)
	if err := docker.CheckAuth(ctx, sys, opts.Username, opts.Password, host); err != nil {
		var unauth docker.ErrUnauthorizedForCredentials
		if errors.As(err, &unauth) {
			return fmt.Errorf("login %s: unauthorized: incorrect username or password", host)
		}
		return registryError(registryOp{verb: "login", name: host, host: host}, err)
	}
	if _, err := config.SetCredentials(sys, host, opts.Username, opts.Password); err != nil {
		return fmt.Errorf("store credentials for %s: %w", host, err)
	}
	return nil
}

// Logout removes stored credentials for server from nook's auth file and
// from ~/.docker/config.json; it fails when neither had any.
func (s *Store) Logout(server string, ro RegistryOptions) error {
	host := RegistryKey(server)
	sys := s.systemContext(ro, host)
	err := config.RemoveAuthentication(sys, host)
	removed := err == nil
	if err != nil && !errors.Is(err, config.ErrNotLoggedIn) {
		return fmt.Errorf("remove credentials for %s: %w", host, err)
	}
	if ro.AuthFile == "" {
		if home, herr := os.UserHomeDir(); herr == nil {
			compat := filepath.Join(home, ".docker", "config.json")
			if _, serr := os.Stat(compat); serr == nil {
				sys.DockerCompatAuthFilePath = compat
				if config.RemoveAuthentication(sys, host) == nil {
					removed = true
				}
			}
		}
	}
	if !removed {
		return errdefs.NotFound("not logged in to %s", host)
	}
	return nil
}

// RegistryKey turns what a user types after login/logout into the key
// credentials are stored under: a host[:port], "docker.io" for Docker
// Hub, without scheme or path.
func RegistryKey(server string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "", "index.docker.io", "registry-1.docker.io", "docker.io":
		return "docker.io"
	}
	return s
}
