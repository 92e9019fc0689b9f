package build

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"golang.org/x/sys/unix"
)

// copyArgs is an ADD or COPY after expansion.
type copyArgs struct {
	add      bool
	text     string // original instruction text
	sources  []string
	contents []instructions.SourceContent
	dest     string
	from     string
	chown    string
	chmod    string
	excludes []string
	checksum string
	unpack   bool
}

func addSpec(c *instructions.AddCommand) copyArgs {
	unpack := true
	if c.Unpack != nil {
		unpack = *c.Unpack
	}
	return copyArgs{add: true, text: c.String(), sources: c.SourcePaths, contents: c.SourceContents,
		dest: c.DestPath, chown: c.Chown, chmod: c.Chmod, excludes: c.ExcludePatterns,
		checksum: c.Checksum, unpack: unpack}
}

func copySpec(c *instructions.CopyCommand) copyArgs {
	return copyArgs{text: c.String(), sources: c.SourcePaths, contents: c.SourceContents,
		dest: c.DestPath, from: c.From, chown: c.Chown, chmod: c.Chmod, excludes: c.ExcludePatterns}
}

// createdBy is BuildKit's history text: "COPY --chown=a --chmod=b src dest # buildkit".
func (cs copyArgs) createdBy() string {
	var sb strings.Builder
	sb.WriteString("COPY")
	if cs.add {
		sb.Reset()
		sb.WriteString("ADD")
	}
	if cs.chown != "" {
		sb.WriteString(" --chown=" + cs.chown)
	}
	if cs.chmod != "" {
		sb.WriteString(" --chmod=" + cs.chmod)
	}
	for _, s := range cs.sources {
		sb.WriteString(" " + s)
	}
	for _, c := range cs.contents {
		sb.WriteString(" <<" + c.Path)
	}
	sb.WriteString(" " + cs.dest + " # buildkit")
	return sb.String()
}

// destPath makes dest absolute against the working directory, keeping a
// trailing slash (BuildKit pathRelativeToWorkingDir).
func destPath(workdir, dest string) string {
	if dest == "." || dest == "" {
		dest = "./"
	}
	trailing := strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, "/.")
	p := dest
	if !path.IsAbs(p) {
		p = path.Join("/", workdir, p)
	}
	p = path.Clean(p)
	if trailing && p != "/" {
		p += "/"
	}
	return p
}

// parseChmod accepts octal modes up to 07777.
func parseChmod(s string) (int64, bool, error) {
	if s == "" {
		return 0, false, nil
	}
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil || m > 0o7777 {
		return 0, false, fmt.Errorf("invalid chmod parameter: '%s'. it should be octal string and between 0 and 07777", s)
	}
	return int64(m), true, nil
}

// copyPlan is what a copy step reads, resolved before the cache lookup.
type copyPlan struct {
	tree    *srcTree
	items   []srcItem
	fromKey string       // layer ID of a --from source
	urls    []*download  // ADD URLs, fetched
	release func() error // unmounts the --from tree
	// walked: per item, its part of the cache key recorded by the copy;
	// nil where the copy did not walk it.
	walked [][]byte
}

func (p *copyPlan) close() {
	if p.release != nil {
		_ = p.release()
	}
	for _, d := range p.urls {
		_ = os.Remove(d.file)
	}
}

// copyStep executes ADD or COPY as one layer written straight as a tar.
func (b *builder) copyStep(s *stageState, cs copyArgs, onbuild bool) error {
	dest := destPath(s.img.Config.WorkingDir, cs.dest)
	v := b.prog.start(s.stepName(uppercaseCmd(processCmdEnv(b.lex, cs.text, s.env)), onbuild))
	layer, cached, err := b.copyLayer(s, cs, dest)
	if err != nil {
		v.fail(err)
		return err
	}
	v.finish(cached)
	s.addHistory(cs.createdBy(), &layer)
	return nil
}

func (b *builder) copyLayer(s *stageState, cs copyArgs, dest string) (Layer, bool, error) {
	mode, hasMode, err := parseChmod(cs.chmod)
	if err != nil {
		return Layer{}, false, err
	}
	if len(cs.sources)+len(cs.contents) > 1 && !strings.HasSuffix(dest, "/") {
		return Layer{}, false, errors.New("when using COPY with more than one source file, the destination must be a directory and end with a /")
	}
	plan, err := b.planCopy(s, cs)
	if err != nil {
		return Layer{}, false, err
	}
	defer plan.close()
	cw := &copyWriter{b: b, cs: cs, plan: plan, dest: dest, mode: mode, hasMode: hasMode}
	keyFn := func() (string, error) { return b.copyKey(s, cs, dest, plan) }
	if b.opts.NoCache && plan.fromKey == "" {
		// --no-cache looks nothing up: the key only names the new layer,
		// so it is computed after the copy, from the content hashes the
		// copy took while reading each file (one read per file, not two).
		cw.memo = true
		l, err := b.applyLayerKeyed(s.layer, keyFn, cw.write)
		return l, false, err
	}
	key, err := keyFn()
	if err != nil {
		return Layer{}, false, err
	}
	if l, ok, err := b.lookupCache(key); err != nil || ok {
		return l, ok, err
	}
	l, err := b.applyLayer(s.layer, key, cw.write)
	return l, false, err
}

// planCopy resolves the source tree, expands the source arguments and
// downloads URLs.
func (b *builder) planCopy(s *stageState, cs copyArgs) (*copyPlan, error) {
	plan := &copyPlan{}
	if cs.from != "" {
		if err := b.fromTree(s, cs.from, plan); err != nil {
			return nil, err
		}
	} else if len(cs.sources) > 0 {
		plan.tree = b.context
	}
	for _, src := range cs.sources {
		if isURL(src) {
			if !cs.add {
				return nil, errors.New("source can't be a URL for COPY")
			}
			d, err := b.download(src, cs.checksum)
			if err != nil {
				plan.close()
				return nil, err
			}
			plan.urls = append(plan.urls, d)
			continue
		}
		if plan.tree == nil {
			plan.close()
			return nil, fmt.Errorf("%q: not found: the build has no context", src)
		}
		its, err := plan.tree.items(src)
		if err != nil {
			plan.close()
			return nil, err
		}
		plan.items = append(plan.items, its...)
	}
	return plan, nil
}

// fromTree mounts the rootfs of a stage or image for COPY --from.
func (b *builder) fromTree(s *stageState, from string, plan *copyPlan) error {
	var layer string
	if idx, err := strconv.Atoi(from); err == nil {
		if idx < 0 || idx >= s.idx {
			return fmt.Errorf("invalid stage index %d for --from: it must name an earlier stage", idx)
		}
		if err := b.buildStage(b.stages[idx]); err != nil {
			return err
		}
		layer = b.stages[idx].layer
	} else if st := b.stageByName(from, s.idx); st != nil {
		if err := b.buildStage(st); err != nil {
			return err
		}
		layer = st.layer
	} else {
		bi, err := b.resolveImage(from)
		if err != nil {
			return err
		}
		layer = bi.TopLayer
	}
	plan.fromKey = "layer:" + layer
	root, release, err := b.mountOrEmpty(layer)
	if err != nil {
		return err
	}
	plan.release = release
	plan.tree = &srcTree{root: root, keepOwner: true}
	return nil
}

// mountOrEmpty mounts layer, or returns an empty directory for "".
func (b *builder) mountOrEmpty(layer string) (string, func() error, error) {
	if layer != "" {
		return b.be.MountLayer(b.ctx, layer)
	}
	dir, err := os.MkdirTemp(b.tmpDir, "nook-empty-")
	if err != nil {
		return "", nil, err
	}
	return dir, func() error { return os.Remove(dir) }, nil
}

// fileHeader converts a walked entry to a tar header (ownership and mode
// rules of ADD/COPY applied by the caller).
func fileHeader(e *srcEntry) *tar.Header {
	h := &tar.Header{
		Mode:    int64(e.st.Mode & 0o7777),
		Uid:     int(e.st.Uid),
		Gid:     int(e.st.Gid),
		ModTime: time.Unix(e.st.Mtim.Sec, e.st.Mtim.Nsec).UTC(),
		Format:  tar.FormatPAX,
	}
	switch e.st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		h.Typeflag = tar.TypeDir
	case unix.S_IFLNK:
		h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
	case unix.S_IFREG:
		h.Typeflag, h.Size = tar.TypeReg, e.st.Size
	case unix.S_IFCHR, unix.S_IFBLK:
		h.Typeflag = tar.TypeChar
		if e.st.Mode&unix.S_IFMT == unix.S_IFBLK {
			h.Typeflag = tar.TypeBlock
		}
		h.Devmajor, h.Devminor = int64(unix.Major(e.st.Rdev)), int64(unix.Minor(e.st.Rdev))
	case unix.S_IFIFO:
		h.Typeflag = tar.TypeFifo
	default:
		return nil // sockets are skipped, as tar does
	}
	return h
}

// applyLayer writes the layer that write produces on parent: straight
// into a staged layer's directory when the backend can, else as a tar
// streamed into Backend.ApplyLayer.
func (b *builder) applyLayer(parent, key string, write func(sink entrySink, lower string) error) (Layer, error) {
	return b.applyLayerKeyed(parent, func() (string, error) { return key, nil }, write)
}

// applyLayerKeyed is applyLayer with the layer's name computed by key:
// after write on the staged path, before it on the tar path (whose
// consumer names the layer as it starts).
func (b *builder) applyLayerKeyed(parent string, key func() (string, error), write func(sink entrySink, lower string) error) (Layer, error) {
	lower, unmount := "", func() error { return nil }
	if parent != "" {
		var err error
		if lower, unmount, err = b.be.MountLayer(b.ctx, parent); err != nil {
			return Layer{}, fmt.Errorf("mount parent layer: %w", err)
		}
	}
	defer func() { _ = unmount() }()
	if l, ok, err := b.stageLayer(parent, lower, key, write); ok || err != nil {
		return l, err
	}
	name, err := key()
	if err != nil {
		return Layer{}, err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(tarSink{tw: tar.NewWriter(pw)}, lower)) }()
	l, err := b.be.ApplyLayer(b.ctx, parent, []string{name}, pr)
	pr.CloseWithError(errors.New("layer consumer stopped"))
	return l, err
}

// stageLayer is applyLayer's direct path; ok=false means "use the tar".
func (b *builder) stageLayer(parent, lower string, key func() (string, error), write func(entrySink, string) error) (Layer, bool, error) {
	ls, ok := b.be.(LayerStager)
	if !ok || os.Getenv("NOOK_BUILD_NO_STAGE") != "" {
		return Layer{}, false, nil
	}
	st, ok, err := ls.StageLayer(b.ctx, parent)
	if err != nil || !ok {
		return Layer{}, false, err
	}
	rec, err := st.TarStream()
	if err != nil {
		st.Abort()
		return Layer{}, false, err
	}
	sink := newTeeSink(newDirSink(b.ctx, st.Dir(), lower), rec)
	if err := write(sink, lower); err != nil {
		sink.abort()
		st.Abort()
		if errors.Is(err, errNeedTar) {
			return Layer{}, false, nil
		}
		return Layer{}, false, err
	}
	name, err := key()
	if err != nil {
		st.Abort()
		return Layer{}, true, err
	}
	l, err := st.Commit([]string{name})
	return l, true, err
}
