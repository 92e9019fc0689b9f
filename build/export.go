package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/nook-dev/nook/internal/errdefs"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// export writes the target stage's config and creates the tagged image.
func (b *builder) export(s *stageState) (string, error) {
	names, err := normalizeTags(b.opts.Tags)
	if err != nil {
		return "", err
	}
	v := b.prog.start("exporting to image")
	img := cloneImage(s.img)
	if len(b.opts.Labels) > 0 {
		if img.Config.Labels == nil {
			img.Config.Labels = map[string]string{}
		}
		maps.Copy(img.Config.Labels, b.opts.Labels)
	}
	config, err := imageConfig(img)
	if err != nil {
		v.fail(err)
		return "", err
	}
	v.status("exporting layers")
	id, err := b.be.CreateImage(b.ctx, config, s.layer, names)
	if err != nil {
		err = fmt.Errorf("create image: %w", err)
		v.fail(err)
		return "", err
	}
	if !strings.HasPrefix(id, "sha256:") {
		id = "sha256:" + id
	}
	v.status("writing image " + id)
	for _, n := range names {
		v.status("naming to " + n)
	}
	v.finish(false)
	return id, nil
}

// imageConfig serialises img as BuildKit's exporter does: history times
// filled in, "created" = the last history time, keys sorted.
func imageConfig(img dockerspec.DockerOCIImage) ([]byte, error) {
	normalizeHistory(img.History)
	img.Created = nil
	for _, h := range img.History {
		if h.Created != nil {
			t := *h.Created
			img.Created = &t
		}
	}
	dt, err := json.Marshal(img)
	if err != nil {
		return nil, fmt.Errorf("marshal image config: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(dt, &m); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// normalizeHistory gives metadata entries a time (BuildKit
// normalizeLayersAndHistory): entries before the first new layer take
// that layer's time, later ones the previous layer's.
func normalizeHistory(history []ocispec.History) {
	var created *time.Time
	noCreated := false
	for _, h := range history {
		if h.Created != nil {
			created = h.Created
			if noCreated {
				break
			}
		} else {
			noCreated = true
		}
	}
	noCreated = false
	for i, h := range history {
		if h.Created != nil {
			if noCreated {
				created = h.Created
			}
		} else {
			noCreated = true
			h.Created = created
		}
		history[i] = h
	}
}

// normalizeTags makes full references the Podman way: a bare name is
// localhost/NAME, a missing tag is :latest.
func normalizeTags(tags []string) ([]string, error) {
	var out []string
	for _, t := range tags {
		if t == "" || t != strings.ToLower(t) || strings.ContainsAny(t, " \t") {
			repo, _, _ := strings.Cut(t, ":")
			return nil, errdefs.Invalid("invalid reference format: repository name (%s) must be lowercase", repo)
		}
		name := t
		first, _, hasSlash := strings.Cut(name, "/")
		if !hasSlash || !(strings.ContainsAny(first, ".:") || first == "localhost") {
			name = "localhost/" + name
		}
		lastSlash := strings.LastIndex(name, "/")
		if !strings.Contains(name[lastSlash+1:], ":") && !strings.Contains(name, "@") {
			name += ":latest"
		}
		out = append(out, name)
	}
	return out, nil
}

// SolveError is a build failure that the progress output has already
// shown with its Dockerfile excerpt; the CLI prints
// "ERROR: failed to solve: <Err>" only when Printed is false.
type SolveError struct {
	Err     error
	Printed bool
}

func (e *SolveError) Error() string {
	var de *DockerfileError
	if errors.As(e.Err, &de) {
		return "failed to solve: " + de.Err.Error()
	}
	return "failed to solve: " + e.Err.Error()
}
func (e *SolveError) Unwrap() error { return e.Err }

// report prints BuildKit's failure block and wraps err.
func (b *builder) report(err error) error {
	if b.prog.mode == ProgressQuiet {
		return &SolveError{Err: err}
	}
	w := b.prog.w
	for i := len(b.prog.vertices) - 1; i >= 0; i-- {
		if v := b.prog.vertices[i]; v.state == failed {
			fmt.Fprintf(w, "------\n > %s:\n", v.name)
			for _, l := range v.tlogs {
				fmt.Fprintln(w, l)
			}
			fmt.Fprintf(w, "------\n")
			break
		}
	}
	msg := err
	var de *DockerfileError
	if errors.As(err, &de) && b.df != nil {
		fmt.Fprint(w, b.df.excerpt(de.StartLine, de.EndLine))
		msg = de.Err
	}
	fmt.Fprintf(w, "ERROR: failed to solve: %v\n", msg)
	return &SolveError{Err: err, Printed: true}
}

// excerpt renders the Dockerfile lines around start..end with ">>>".
func (df *dockerfile) excerpt(start, end int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s:%d\n--------------------\n", df.name, start)
	from, to := max(1, start-2), min(len(df.lines), end+1)
	for i := from; i <= to; i++ {
		mark := "    "
		if i >= start && i <= end {
			mark = ">>> "
		}
		fmt.Fprintf(&sb, " %3d | %s%s\n", i, mark, df.lines[i-1])
	}
	sb.WriteString("--------------------\n")
	return sb.String()
}
