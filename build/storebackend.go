package build

import (
	"context"
	"fmt"
	"io"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/image"
)

// storeBackend is the Backend of a real nook: layers and images in the
// containers/storage store, RUN steps in rootless containers.
type storeBackend struct {
	m   *container.Manager
	net *container.BuildNetwork // shared by the RUN steps, started lazily
}

// NewStoreBackend returns the Backend on m's store and runtime.
func NewStoreBackend(m *container.Manager) Backend {
	return &storeBackend{m: m, net: m.NewBuildNetwork()}
}

// Close ends the build's network (Build calls it when it returns).
func (b *storeBackend) Close() error { return b.net.Close() }

func (b *storeBackend) LookupImage(ctx context.Context, ref string) (*BaseImage, error) {
	img, err := b.m.Store.Lookup(ref)
	if err != nil {
		return nil, err
	}
	cfg, err := b.m.Store.ConfigBytes(img)
	if err != nil {
		return nil, err
	}
	name := ref
	if len(img.Names) > 0 {
		name = img.Names[0]
	}
	return &BaseImage{ID: "sha256:" + img.ID, Name: name, Config: cfg, TopLayer: img.TopLayer}, nil
}

func (b *storeBackend) PullImage(ctx context.Context, ref string, progress io.Writer) (*BaseImage, error) {
	id, err := b.m.Store.Pull(ctx, image.PullOptions{Ref: ref, Progress: progress, Quiet: progress == nil})
	if err != nil {
		return nil, err
	}
	return b.LookupImage(ctx, id)
}

func layerOf(l image.LayerInfo) Layer {
	return Layer{ID: l.ID, DiffID: l.DiffID, Size: l.Size, Created: l.Created}
}

func (b *storeBackend) LookupLayer(ctx context.Context, name string) (Layer, bool, error) {
	l, ok, err := b.m.Store.FindLayer(name)
	return layerOf(l), ok, err
}

func (b *storeBackend) ApplyLayer(ctx context.Context, parent string, names []string, tar io.Reader) (Layer, error) {
	if err := b.retireNames(names); err != nil {
		return Layer{}, err
	}
	l, err := b.m.Store.AddLayer(parent, names, tar)
	return layerOf(l), err
}

// retireNames frees cache names for a new layer: a layer that holds one
// (after --no-cache, or a concurrent build of the same step) keeps a
// cache-prefixed name of its own instead, so that `nook builder prune`
// still finds it.
func (b *storeBackend) retireNames(names []string) error {
	for _, n := range names {
		old, ok, err := b.m.Store.FindLayer(n)
		if err != nil {
			return fmt.Errorf("look up build cache: %w", err)
		}
		if ok {
			if err := b.m.Store.AddNames(old.ID, []string{n + "-replaced-" + old.ID[:12]}); err != nil {
				return fmt.Errorf("rename build cache layer: %w", err)
			}
			if err := b.m.Store.RemoveNames(old.ID, []string{n}); err != nil {
				return fmt.Errorf("rename build cache layer: %w", err)
			}
		}
	}
	return nil
}

func (b *storeBackend) Run(ctx context.Context, o RunOptions) (Layer, error) {
	if err := b.retireNames(o.Names); err != nil {
		return Layer{}, err
	}
	l, err := b.m.RunStep(ctx, container.StepOptions{Parent: o.Parent, Names: o.Names, Args: o.Args,
		Env: o.Env, User: o.User, Cwd: o.WorkDir, Network: o.Network, SharedNet: b.net,
		Stdout: o.Stdout, Stderr: o.Stderr})
	if err != nil {
		return Layer{}, err
	}
	return layerOf(l), nil
}

func (b *storeBackend) MountLayer(ctx context.Context, layerID string) (string, func() error, error) {
	if root, unmount, ok, err := b.m.MountLayerRO(layerID); err != nil || ok {
		return root, unmount, err
	}
	root, err := b.m.Store.Mount(layerID, "")
	if err != nil {
		return "", nil, fmt.Errorf("mount layer %s: %w", layerID, err)
	}
	return root, func() error {
		_, err := b.m.Store.Unmount(layerID, false)
		return err
	}, nil
}

func (b *storeBackend) CreateImage(ctx context.Context, config []byte, topLayer string, names []string) (string, error) {
	id, err := b.m.Store.CreateImage(config, topLayer, names)
	if err != nil {
		return "", err
	}
	return "sha256:" + id, nil
}

func (b *storeBackend) StageLayer(ctx context.Context, parent string) (StagedLayer, bool, error) {
	st, ok, err := b.m.NewStagedLayer(parent)
	if err != nil || !ok {
		return nil, false, err
	}
	return &storeStaged{b: b, st: st}, true, nil
}

type storeStaged struct {
	b  *storeBackend
	st *container.StagedLayer
}

func (s *storeStaged) Dir() string { return s.st.Dir }
func (s *storeStaged) Abort()      { s.st.Abort() }

func (s *storeStaged) TarStream() (LayerTarRecorder, error) {
	t, err := s.st.TarStream()
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (s *storeStaged) Commit(names []string) (Layer, error) {
	if err := s.b.retireNames(names); err != nil {
		s.st.Abort()
		return Layer{}, err
	}
	l, err := s.st.Commit(names)
	return layerOf(l), err
}
