package container

import (
	"errors"
	"os"
	"strings"
	"time"

	"go.podman.io/storage"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/trace"
	"github.com/nook-dev/nook/spec"
)

// CreateOptions are the flags of `nook create` / `nook run`.
type CreateOptions struct {
	// Image is the reference as typed.
	Image string
	// Cmd replaces the image's CMD when non-empty.
	Cmd []string
	// Entrypoint replaces the image's ENTRYPOINT (and drops its CMD) when
	// non-nil; an empty string clears it.
	Entrypoint *string
	// Env are K=V pairs (already merged from -e and --env-file).
	Env []string
	// Workdir overrides WorkingDir (-w).
	Workdir string
	// User overrides the image user (-u).
	User string
	// Name is --name ("" = generated).
	Name string
	// Hostname is -h ("" = the short ID).
	Hostname    string
	Tty         bool
	Interactive bool
	HostConfig  HostConfig
	// Labels are --label values.
	Labels map[string]string
	// StopSignal overrides the image's STOPSIGNAL.
	StopSignal string
	// Mounts are volume, bind and tmpfs mounts as parsed from -v, --mount
	// and --tmpfs; volumes are resolved (created, copied up) at create.
	Mounts []spec.Mount
	// VolumesFrom are --volumes-from container references.
	VolumesFrom []string
	// Expose are --expose ports ("80/tcp"), added to the image's
	// ExposedPorts (and so published by -P).
	Expose []string
	// Healthcheck is set by the --health-* flags (Test ["NONE"] for
	// --no-healthcheck); it is merged over the image's HEALTHCHECK.
	Healthcheck *image.HealthConfig
}

// Create makes a container: its record, its rw layer and its /etc files.
// Nothing is left behind on error.
func (m *Manager) Create(o CreateOptions) (rec *Record, err error) {
	img, err := m.Store.Lookup(o.Image)
	if err != nil {
		if errors.Is(err, errdefs.ErrNotFound) {
			return nil, errdefs.NotFound("Unable to find image '%s' locally", o.Image)
		}
		return nil, err
	}
	cfg, err := m.Store.Config(img)
	if err != nil {
		return nil, err
	}
	trace.Mark("image config read")
	rec = &Record{ID: newID(), Created: time.Now().UTC(), Image: o.Image, ImageID: img.ID,
		Tty: o.Tty, OpenStdin: o.Interactive, HostConfig: o.HostConfig, Driver: m.Store.Driver.Name}
	rec.Config = mergeConfig(cfg.Config, o)
	if len(rec.Config.Entrypoint) == 0 && len(rec.Config.Cmd) == 0 {
		return nil, errdefs.Invalid("no command specified")
	}
	cgroup, err := cgroupPath(rec.ID, o.HostConfig)
	if err != nil {
		return nil, err
	}
	if o.Name != "" {
		if rec.Name, err = checkName(o.Name); err != nil {
			return nil, err
		}
	}
	rec.Hostname = o.Hostname
	if rec.Hostname == "" {
		rec.Hostname = rec.ID[:12]
	}
	// A --rm container is volatile, as in Podman: its records are written
	// without fsync and its overlay is mounted "volatile" (no syncfs on
	// unmount); it is gone after a crash anyway.
	opts := &storage.ContainerOptions{Volatile: o.HostConfig.AutoRemove}
	if err = m.register(rec, img.ID, opts); err != nil {
		return nil, err
	}
	trace.Mark("storage container created")
	defer func(id string) { // not rec.ID: a failing return has set rec to nil
		if err != nil {
			m.Store.DeleteContainer(id)
			os.RemoveAll(m.Dir(id))
		}
	}(rec.ID)
	if err := os.MkdirAll(m.Dir(rec.ID), 0o700); err != nil {
		return nil, err
	}
	if rec.Network, err = m.network(rec, o, rec.Config.ExposedPorts); err != nil {
		return nil, err
	}
	rec.Warnings = append(rec.Warnings, bypassWarnings(rec.Network)...)
	rec.HostConfig.NetworkMode = rec.Network.Mode
	if o.Mounts, err = m.resolveMounts(rec, o, cfg.Config.Volumes); err != nil {
		return nil, err
	}
	rec.Spec = m.buildSpec(rec, o)
	rec.Spec.Cgroup = cgroup
	if err := writeEtcFiles(m.Dir(rec.ID), rec); err != nil {
		return nil, err
	}
	if err := writeJSON(m.Dir(rec.ID)+"/"+configFile, rec); err != nil {
		return nil, err
	}
	if err := m.WriteState(rec.ID, State{Status: StatusCreated}); err != nil {
		return nil, err
	}
	trace.Mark("container created")
	return rec, nil
}

// mergeConfig applies run flags to the image config as Docker does.
func mergeConfig(c image.ContainerConfig, o CreateOptions) image.ContainerConfig {
	if o.Entrypoint != nil {
		c.Entrypoint = nil
		if *o.Entrypoint != "" {
			c.Entrypoint = []string{*o.Entrypoint}
		}
		c.Cmd = nil
	}
	if len(o.Cmd) > 0 {
		c.Cmd = o.Cmd
	}
	hasPath := false
	env := append([]string(nil), c.Env...)
	for _, kv := range o.Env {
		env = setEnv(env, kv)
	}
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			hasPath = true
		}
	}
	if !hasPath {
		env = append([]string{image.DefaultPath}, env...)
	}
	c.Env = env
	if o.Workdir != "" {
		c.WorkingDir = o.Workdir
	}
	if o.User != "" {
		c.User = o.User
	}
	if o.StopSignal != "" {
		c.StopSignal = o.StopSignal
	}
	c.Healthcheck = mergeHealthcheck(c.Healthcheck, o.Healthcheck)
	if len(o.Expose) > 0 {
		exposed := map[string]struct{}{}
		for p := range c.ExposedPorts {
			exposed[p] = struct{}{}
		}
		for _, p := range o.Expose {
			exposed[p] = struct{}{}
		}
		c.ExposedPorts = exposed
	}
	if len(o.Labels) > 0 {
		labels := map[string]string{}
		for k, v := range c.Labels {
			labels[k] = v
		}
		for k, v := range o.Labels {
			labels[k] = v
		}
		c.Labels = labels
	}
	return c
}

func setEnv(env []string, kv string) []string {
	k, _, _ := strings.Cut(kv, "=")
	for i, e := range env {
		if strings.HasPrefix(e, k+"=") {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

// Args is the container's argv: ENTRYPOINT + CMD.
func (r *Record) Args() []string {
	return append(append([]string(nil), r.Config.Entrypoint...), r.Config.Cmd...)
}
