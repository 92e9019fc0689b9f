package build

import (
	"context"
	"io"
	"time"
)

// Backend is what the builder needs from the image store and the container
// runtime. The image and container packages implement it; tests use an
// in-memory one. Every method must be safe to call from one goroutine at a
// time (the builder never calls it concurrently).
type Backend interface {
	// LookupImage resolves a local image reference (name, name:tag, short or
	// full ID) to its ID, raw config JSON and top layer. It returns an error
	// wrapping errdefs.ErrNotFound when the image is absent.
	LookupImage(ctx context.Context, ref string) (*BaseImage, error)

	// PullImage fetches ref from its registry (for --pull, or when a FROM
	// image is not present locally) and returns it as LookupImage would.
	// Backends without registry support return an error wrapping
	// errdefs.ErrNotImplemented.
	PullImage(ctx context.Context, ref string, progress io.Writer) (*BaseImage, error)

	// LookupLayer finds a layer by one of its names (a cache key such as
	// "nook-cache-<64 hex>"). ok is false when no layer has that name.
	LookupLayer(ctx context.Context, name string) (layer Layer, ok bool, err error)

	// ApplyLayer creates a read-only layer on top of parent ("" = no parent)
	// from an uncompressed tar stream and names it with names. The tar holds
	// clean relative paths; directories that already exist below keep what
	// the tar says (overlay semantics). It returns the new layer with its
	// DiffID (sha256 of the tar stream) and Created time.
	ApplyLayer(ctx context.Context, parent string, names []string, tar io.Reader) (Layer, error)

	// Run runs one process in a rootless container whose rootfs is a
	// writable layer on top of opts.Parent, with opts.Stdout/Stderr as its
	// output. On exit status 0 it commits the changes as a new read-only
	// layer named opts.Names and returns it. A non-zero exit returns an
	// error wrapping *errdefs.ExitError carrying the status; in every
	// failure case (also ctx cancelled) it leaves no container, mount or
	// layer behind.
	Run(ctx context.Context, opts RunOptions) (Layer, error)

	// MountLayer mounts layerID (with its parents) read-only and returns the
	// root path and a function that unmounts it. The builder reads
	// /etc/passwd and /etc/group, checks destination paths and reads
	// COPY --from sources there. layerID is never "".
	MountLayer(ctx context.Context, layerID string) (root string, unmount func() error, err error)

	// CreateImage stores config (exactly these bytes: the image ID is
	// sha256(config)) as an image whose top layer is topLayer ("" for an
	// image without layers) and adds names (full references such as
	// "localhost/app:latest") to it. If an image with that ID exists, it
	// only adds the names (moving them from other images). It returns the
	// image ID as "sha256:<hex>".
	CreateImage(ctx context.Context, config []byte, topLayer string, names []string) (string, error)
}

// LayerStager is implemented by backends that can take a new layer as
// a directory the builder fills, which is faster than extracting a tar
// (build/dirsink.go). StageLayer returns ok=false, with nothing created,
// when the store cannot do it (fuse-overlayfs, vfs); the builder then
// uses ApplyLayer.
type LayerStager interface {
	StageLayer(ctx context.Context, parent string) (st StagedLayer, ok bool, err error)
}

// StagedLayer is a layer being written as a directory.
type StagedLayer interface {
	// Dir is the layer's own directory (its diff against the parent):
	// entries written there appear above the parent's.
	Dir() string
	// TarStream returns the recorder of the tar of exactly what is
	// written into Dir (same entries, order, headers and contents), closed
	// before Commit: the layer's DiffID is its digest.
	TarStream() (LayerTarRecorder, error)
	// Commit makes it a read-only layer named names, as ApplyLayer
	// would have.
	Commit(names []string) (Layer, error)
	// Abort deletes it.
	Abort()
}

// LayerTarRecorder takes a layer's tar stream as it is written: Write
// gets every byte; BeginFile follows each entry's header (name and size as
// in the header), EndFile follows its contents; Close follows the end
// marker.
type LayerTarRecorder interface {
	io.Writer
	BeginFile(name string, size int64, uid, gid int)
	EndFile() error
	Close() error
}

// BaseImage is a local image as the builder sees it.
type BaseImage struct {
	// ID is the image ID ("sha256:<hex>" or bare hex).
	ID string
	// Name is the reference as resolved by the store
	// (e.g. "docker.io/library/busybox:latest"), for progress output.
	Name string
	// Config is the raw OCI/Docker image config JSON, history and rootfs
	// included.
	Config []byte
	// TopLayer is the ID of the image's top layer, "" for an image
	// without layers.
	TopLayer string
}

// Layer is a read-only layer in the store.
type Layer struct {
	// ID is the store's layer ID.
	ID string
	// DiffID is "sha256:<hex>" of the uncompressed tar of this layer alone.
	DiffID string
	// Size is the uncompressed size of the layer's tar in bytes.
	Size int64
	// Created is when the layer was created; history entries take it so
	// that a fully cached rebuild produces the same image ID.
	Created time.Time
}

// RunOptions describe one RUN step for Backend.Run.
type RunOptions struct {
	// Parent is the layer the writable rootfs is put on ("" = empty).
	Parent string
	// Names are the names the committed layer gets (cache keys).
	Names []string
	// Args is the full argv (shell prefix already applied).
	Args []string
	// Env is the complete environment as K=V strings.
	Env []string
	// User is the Dockerfile USER value ("" = root); names resolve through
	// the container's /etc/passwd and /etc/group as for `run --user`.
	User string
	// WorkDir is the working directory (absolute); it is created if
	// missing.
	WorkDir string
	// Network is "default", "none" or "host" (from --network and
	// RUN --network).
	Network string
	// Stdout and Stderr receive the process output.
	Stdout, Stderr io.Writer
}
