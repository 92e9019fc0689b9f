package container

import (
	"errors"
	"fmt"
	"strings"

	"go.podman.io/storage"

	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/names"
)

// checkName validates --name (Docker's pattern, an optional leading "/")
// and returns it without the slash. Generated names are picked later,
// under the names lock (see Manager.register).
func checkName(name string) (string, error) {
	if err := names.ValidName(name); err != nil {
		return "", err
	}
	return strings.TrimPrefix(name, "/"), nil
}

// generateName is names.Generate; a variable so that a test can force
// every creator to draw the same names.
var generateName = names.Generate

// register creates r's storage container under r.Name, generating
// adjective_surname (as the Docker daemon does) when r has no name yet.
// The name is drawn and registered under the names lock, so concurrent
// `run`s never draw the same free name and then collide.
func (m *Manager) register(r *Record, imageID string, opts *storage.ContainerOptions) error {
	unlock, err := m.lockNames()
	if err != nil {
		return err
	}
	defer unlock()
	if r.Name == "" {
		r.Name = generateName(r.ID, func(n string) bool {
			_, err := m.Store.Container(n)
			return err == nil
		})
	}
	if _, err := m.Store.CreateContainer(r.ID, []string{r.Name}, imageID, "", "", opts); err != nil {
		if errors.Is(err, storage.ErrDuplicateName) {
			holder := ""
			if c, err := m.Store.Container(r.Name); err == nil {
				holder = fmt.Sprintf(" by container %q", c.ID)
			}
			return errdefs.Conflict("Conflict. The container name \"/%s\" is already in use%s. You have to remove (or rename) that container to be able to reuse that name.", r.Name, holder)
		}
		return fmt.Errorf("create container layer: %w", err)
	}
	return nil
}
