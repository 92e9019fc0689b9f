package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/records"
	"github.com/nook-dev/nook/userns"
)

// session is what a command needs: identity, directories, the store.
type session struct {
	id      userns.Identity
	dataDir string
	driver  string       // --storage-driver or $NOOK_STORAGE_DRIVER
	store   *image.Store // nil until openStore
	ctrs    *container.Manager
}

// dataDir is $XDG_DATA_HOME/nook (default ~/.local/share/nook).
func dataDir() string { return records.DataDir() }

// enterNamespace joins (or creates) the rootless user namespace; the
// process re-executes itself when it had to create the keeper.
func enterNamespace() (userns.Identity, error) {
	id := userns.Current()
	if !id.InUserns && !id.Rootful {
		if err := userns.EnterKeeper(); err != nil {
			return id, err
		}
	}
	id.ConfigureStorageEnv()
	return id, nil
}

// openSession enters the namespace and opens the store.
func openSession(c *cli.Context) (*session, error) {
	s, err := openRecords(c)
	if err != nil {
		return nil, err
	}
	if err := s.openStore(); err != nil {
		return nil, err
	}
	return s, nil
}

// openRecords is a session without the store: container records only.
// exec uses it (opening containers/storage costs more than the rest of
// the command); s.openStore adds the store when needed.
func openRecords(c *cli.Context) (*session, error) {
	id, err := enterNamespace()
	if err != nil {
		return nil, err
	}
	if err := userns.EnsureRuntimeDir(id.RuntimeDir, os.Getuid()); err != nil {
		return nil, err
	}
	driver := c.String("storage-driver")
	if driver == "" {
		driver = os.Getenv("NOOK_STORAGE_DRIVER")
	}
	s := &session{id: id, dataDir: dataDir(), driver: driver}
	s.ctrs = &container.Manager{DataDir: s.dataDir, RunDir: id.RuntimeDir, Identity: id}
	return s, nil
}

// openStore opens the image and layer store, which most commands need.
func (s *session) openStore() error {
	if s.store != nil {
		return nil
	}
	st, err := image.Open(image.Options{DataDir: s.dataDir, RunDir: s.id.RuntimeDir, Driver: s.driver})
	if err != nil {
		return err
	}
	trace.Mark("store open")
	s.store, s.ctrs.Store = st, st
	return nil
}

func (s *session) close() {
	if s != nil && s.store != nil {
		s.store.Close()
		trace.Mark("store closed")
	}
}

// withRecords wraps a command action that needs only container records.
func withRecords(fn func(c *cli.Context, s *session) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		s, err := openRecords(c)
		if err != nil {
			return err
		}
		defer s.close()
		return fn(c, s)
	}
}

// withSession wraps a command action that needs the store.
func withSession(fn func(c *cli.Context, s *session) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		s, err := openSession(c)
		if err != nil {
			return err
		}
		defer s.close()
		return fn(c, s)
	}
}
