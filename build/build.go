package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/nook-dev/nook/internal/errdefs"
)

// builder holds the state of one Build call.
type builder struct {
	ctx       context.Context
	be        Backend
	opts      *Options
	df        *dockerfile
	lex       *shell.Lex
	global    *envList
	buildArgs map[string]string
	usedArgs  map[string]bool
	context   *srcTree
	prog      *progress
	stages    []*stageState
	hashes    *hashCache
	tmpDir    string
	os, arch  string
}

// Build runs the Dockerfile of opts against be and returns the image ID
// ("sha256:<hex>"). On failure nothing is tagged; a *RunError in the chain
// carries a failed RUN's exit code. The progress (and the failure block)
// goes to opts.Stderr; in quiet mode the ID goes to opts.Stdout.
func Build(ctx context.Context, be Backend, opts Options) (string, error) {
	b := &builder{ctx: ctx, be: be, opts: &opts, usedArgs: map[string]bool{},
		os: opts.OS, arch: defaultArch(opts.Arch), tmpDir: opts.TmpDir}
	if b.os == "" {
		b.os = runtime.GOOS
	}
	b.prog = newProgress(&opts)
	b.hashes = loadHashCache(opts.StateDir)
	id, err := b.build()
	if c, ok := be.(io.Closer); ok {
		_ = c.Close() // the build's shared RUN network
	}
	b.prog.close()
	b.hashes.save()
	if err != nil {
		return "", b.report(err)
	}
	if opts.Quiet && opts.Stdout != nil {
		fmt.Fprintln(opts.Stdout, id)
	}
	if opts.IIDFile != "" {
		if err := os.WriteFile(opts.IIDFile, []byte(id), 0o644); err != nil {
			return id, fmt.Errorf("write iidfile: %w", err)
		}
	}
	return id, nil
}

func (b *builder) build() (string, error) {
	cleanup, err := b.loadInputs()
	defer cleanup()
	if err != nil {
		return "", err
	}
	if err := b.newStages(); err != nil {
		return "", err
	}
	target, err := b.targetStage()
	if err != nil {
		return "", errdefs.WithKind(err, errdefs.ErrInvalidArgument)
	}
	if err := b.buildStage(target); err != nil {
		return "", err
	}
	return b.export(target)
}

// loadInputs reads the Dockerfile, the context and .dockerignore, and
// evaluates the global ARGs.
func (b *builder) loadInputs() (func(), error) {
	cleanup := func() {}
	ctxDir := b.opts.ContextDir
	var dt []byte
	if b.opts.ContextTar != nil {
		dir, err := os.MkdirTemp(b.tmpDir, "nook-context-")
		if err != nil {
			return cleanup, fmt.Errorf("create context directory: %w", err)
		}
		cleanup = func() { _ = os.RemoveAll(dir) }
		if dt, err = extractContext(b.opts.ContextTar, dir); err != nil {
			return cleanup, fmt.Errorf("read build context: %w", err)
		}
		ctxDir = dir
		if dt != nil {
			ctxDir = "" // `nook build - < Dockerfile`: no context
		}
	}
	dfPath, dt, err := b.readDockerfile(ctxDir, dt)
	if err != nil {
		return cleanup, err
	}
	if err := b.parse(dfPath, dt); err != nil {
		return cleanup, err
	}
	return cleanup, b.loadContext(ctxDir, dfPath)
}

func (b *builder) readDockerfile(ctxDir string, dt []byte) (string, []byte, error) {
	name := b.opts.Dockerfile
	v := b.prog.start("[internal] load build definition from " + dockerfileName(name))
	var err error
	path := ""
	switch {
	case dt != nil:
	case b.opts.DockerfileReader != nil:
		dt, err = io.ReadAll(b.opts.DockerfileReader)
	default:
		path = name
		if path == "" {
			path = filepath.Join(ctxDir, "Dockerfile")
		} else if b.opts.ContextTar != nil && !filepath.IsAbs(path) {
			path = filepath.Join(ctxDir, path)
		}
		dt, err = os.ReadFile(path)
	}
	if err != nil {
		err = fmt.Errorf("failed to read dockerfile: %w", err)
		v.fail(err)
		return "", nil, errdefs.WithKind(err, errdefs.ErrInvalidArgument)
	}
	v.status(fmt.Sprintf("transferring dockerfile: %dB", len(dt)))
	v.finish(false)
	return path, dt, nil
}

func (b *builder) parse(dfPath string, dt []byte) error {
	df, err := parseDockerfile(dockerfileName(b.opts.Dockerfile), dt)
	b.df = df // also on error: the failure report shows its lines
	if err != nil {
		return err
	}
	b.lex = shell.NewLex(df.escape)
	b.buildArgs = resolveBuildArgs(b.opts.BuildArgs, b.opts.Environ)
	global := platformArgs(b.os, b.arch, b.opts.Target, b.buildArgs)
	b.global, err = metaArgs(global, b.lex, df.metaArgs, b.buildArgs)
	if err != nil {
		return df.located(err, nil)
	}
	return nil
}

func (b *builder) loadContext(ctxDir, dfPath string) error {
	if ctxDir == "" {
		return nil
	}
	abs, err := filepath.Abs(ctxDir)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return errdefs.Invalid("unable to prepare context: path %q not found", ctxDir)
	}
	v := b.prog.start("[internal] load .dockerignore")
	pm, size, err := loadIgnore(abs, dfPath)
	if err != nil {
		v.fail(err)
		return err
	}
	v.status(fmt.Sprintf("transferring context: %dB", size))
	v.finish(false)
	b.context = &srcTree{root: abs, ignore: pm, isContext: true}
	return nil
}

// resolveImage finds a FROM or --from image: pulled with --pull or when
// it is not present locally.
func (b *builder) resolveImage(name string) (*BaseImage, error) {
	v := b.prog.start("[internal] load metadata for " + name)
	var bi *BaseImage
	var err error
	if !b.opts.Pull {
		bi, err = b.be.LookupImage(b.ctx, name)
	}
	if b.opts.Pull || errors.Is(err, errdefs.ErrNotFound) {
		var perr error
		bi, perr = b.be.PullImage(b.ctx, name, io.Discard)
		if perr != nil && (err == nil || !errors.Is(perr, errdefs.ErrNotImplemented)) {
			err = perr
		}
		if perr == nil {
			err = nil
		}
	}
	if err != nil {
		err = fmt.Errorf("%s: %w", name, err)
		v.fail(err)
		return nil, err
	}
	v.finish(false)
	return bi, nil
}

// fromVertex shows the FROM step of a stage based on an image.
func (b *builder) fromVertex(s *stageState) {
	v := b.prog.start(s.stepName("FROM "+s.baseRef, false))
	v.finish(false)
}
