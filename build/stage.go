package build

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// stageState is one build stage while it executes.
type stageState struct {
	idx      int
	st       instructions.Stage
	label    string // progress prefix: stage name, "stage-N", or ""
	commands []stageCmd
	total    int // [n/N] denominator
	count    int

	base    *stageState // FROM <earlier stage>
	baseRef string      // FROM <image> as resolved
	img     dockerspec.DockerOCIImage
	layer   string   // top layer ID ("" = empty rootfs)
	env     *envList // ENV + ARG values visible to expansion and RUN
	args    []instructions.KeyValuePairOptional
	cmdSet  bool // CMD given in this stage (ENTRYPOINT keeps it)
	built   bool
	created time.Time // creation time of the newest layer (for metadata)
}

type stageCmd struct {
	instructions.Command
	onbuild bool
}

// newStages creates the stage states and their progress totals.
func (b *builder) newStages() error {
	external := map[string]bool{}
	for i, st := range b.df.stages {
		s := &stageState{idx: i, st: st, label: st.Name}
		if st.Name == "" {
			s.label = fmt.Sprintf("stage-%d", i)
		}
		for _, c := range st.Commands {
			s.commands = append(s.commands, stageCmd{Command: c})
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				if _, err := strconv.Atoi(cp.From); err != nil && b.stageByName(cp.From, i) == nil {
					external[strings.ToLower(cp.From)] = true
				}
			}
		}
		b.stages = append(b.stages, s)
	}
	if len(b.stages)+len(external) == 1 {
		b.stages[0].label = ""
	}
	return nil
}

// countSteps sets the [n/N] total as BuildKit does: FROM (unless scratch
// or a stage) plus every ADD, COPY, RUN and WORKDIR, plus ONBUILD triggers.
func (s *stageState) countSteps(baseIsImage bool, triggers int) {
	if baseIsImage {
		s.total = 1
	}
	for _, c := range s.commands {
		switch c.Command.(type) {
		case *instructions.AddCommand, *instructions.CopyCommand, *instructions.RunCommand, *instructions.WorkdirCommand:
			if !c.onbuild {
				s.total++
			}
		}
	}
	s.total += triggers
}

// stepName prefixes name with "[stage n/N] " (BuildKit prefixCommand).
func (s *stageState) stepName(name string, onbuild bool) string {
	if s.total == 0 {
		return name
	}
	out := "["
	if s.label != "" {
		out += s.label + " "
	}
	s.count++
	width := len(strconv.Itoa(s.total))
	out += fmt.Sprintf("%*d/%d] ", width, s.count, s.total)
	if onbuild {
		out += "ONBUILD "
	}
	return out + name
}

// stageByName finds an earlier stage named name (case-insensitive).
func (b *builder) stageByName(name string, before int) *stageState {
	for i := 0; i < before && i < len(b.df.stages); i++ {
		if b.df.stages[i].Name != "" && strings.EqualFold(b.df.stages[i].Name, name) {
			if i < len(b.stages) {
				return b.stages[i]
			}
		}
	}
	return nil
}

// targetStage returns the stage --target names, or the last one.
func (b *builder) targetStage() (*stageState, error) {
	if b.opts.Target == "" {
		return b.stages[len(b.stages)-1], nil
	}
	if s := b.stageByName(b.opts.Target, len(b.stages)); s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("target stage %q could not be found", b.opts.Target)
}

// buildStage builds s (and, on demand, the stages it depends on).
func (b *builder) buildStage(s *stageState) error {
	if s.built {
		return nil
	}
	if err := b.from(s); err != nil {
		return b.df.located(err, s.st.Location)
	}
	for _, c := range s.commands {
		if err := b.dispatch(s, c); err != nil {
			return b.df.located(err, c.Location())
		}
	}
	s.built = true
	return nil
}

// emptyImage is the config of FROM scratch.
func (b *builder) emptyImage() dockerspec.DockerOCIImage {
	var img dockerspec.DockerOCIImage
	img.OS = b.os
	img.Architecture = b.arch
	if b.arch == "arm" {
		img.Variant = "v7"
	}
	img.RootFS.Type = "layers"
	img.Config.WorkingDir = "/"
	img.Config.Env = []string{"PATH=" + defaultPath}
	return img
}

// from resolves FROM: an earlier stage, scratch or a local image, then
// queues the base's ONBUILD triggers in front of the stage's commands.
func (b *builder) from(s *stageState) error {
	name, _, err := b.lex.ProcessWord(s.st.BaseName, b.global)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("base name (%s) should not be blank", s.st.BaseName)
	}
	if err := b.checkPlatform(s); err != nil {
		return err
	}
	var triggers []string
	switch base := b.stageByName(name, s.idx); {
	case base != nil:
		if err := b.buildStage(base); err != nil {
			return err
		}
		s.base, s.img, s.layer, s.created = base, cloneImage(base.img), base.layer, base.created
		s.args = append(s.args, base.args...)
		for _, c := range base.commands {
			if ob, ok := c.Command.(*instructions.OnbuildCommand); ok && !c.onbuild {
				triggers = append(triggers, ob.Expression)
			}
		}
	case strings.EqualFold(name, "scratch"):
		s.img = b.emptyImage()
	default:
		if err := b.fromImage(s, name); err != nil {
			return err
		}
		triggers = s.img.Config.OnBuild
	}
	s.img.Config.OnBuild = nil
	if err := b.queueTriggers(s, triggers); err != nil {
		return err
	}
	s.countSteps(s.base == nil && s.baseRef != "", len(triggers))
	if s.baseRef != "" {
		b.fromVertex(s)
	}
	b.initEnv(s)
	return nil
}

func (b *builder) checkPlatform(s *stageState) error {
	if s.st.Platform == "" {
		return nil
	}
	p, _, err := b.lex.ProcessWord(s.st.Platform, b.global)
	if err != nil {
		return err
	}
	want := b.os + "/" + b.arch
	if p != want && !strings.HasPrefix(p, want+"/") {
		return fmt.Errorf("FROM --platform=%s is not supported: nook builds for %s only", p, want)
	}
	return nil
}

// fromImage loads a local (or, with --pull or when missing, pulled) image.
func (b *builder) fromImage(s *stageState, name string) error {
	bi, err := b.resolveImage(name)
	if err != nil {
		return err
	}
	var img dockerspec.DockerOCIImage
	if err := json.Unmarshal(bi.Config, &img); err != nil {
		return fmt.Errorf("parse config of image %q: %w", name, err)
	}
	img.Created = nil
	if img.OS == "" {
		img.OS = b.os
	}
	if img.Architecture == "" {
		img.Architecture = b.arch
	}
	if img.RootFS.Type == "" {
		img.RootFS.Type = "layers"
	}
	s.img, s.layer, s.baseRef = img, bi.TopLayer, bi.Name
	if s.baseRef == "" {
		s.baseRef = name
	}
	if n := len(img.History); n > 0 && img.History[n-1].Created != nil {
		s.created = *img.History[n-1].Created
	}
	return nil
}

// queueTriggers parses ONBUILD expressions and puts them first.
func (b *builder) queueTriggers(s *stageState, triggers []string) error {
	var cmds []stageCmd
	for _, t := range triggers {
		res, err := parser.Parse(strings.NewReader(t))
		if err != nil {
			return fmt.Errorf("parse ONBUILD trigger %q: %w", t, err)
		}
		if len(res.AST.Children) != 1 {
			return fmt.Errorf("onbuild trigger should be a single expression")
		}
		node := res.AST.Children[0]
		node.StartLine, node.EndLine = rangeLines(s.st.Location)
		ic, err := instructions.ParseCommand(node)
		if err != nil {
			return fmt.Errorf("parse ONBUILD trigger %q: %w", t, err)
		}
		if err := checkSupported(ic); err != nil {
			return err
		}
		cmds = append(cmds, stageCmd{Command: ic, onbuild: true})
	}
	s.commands = append(cmds, s.commands...)
	return nil
}

// initEnv makes sure PATH is set and seeds the expansion environment from
// the image config (BuildKit dispatchStages).
func (b *builder) initEnv(s *stageState) {
	if _, ok := newEnvList(s.img.Config.Env).Get("PATH"); !ok {
		s.img.Config.Env = append(s.img.Config.Env, "PATH="+defaultPath)
	}
	if s.base != nil {
		// FROM <stage> continues the stage's state, ARG values included.
		s.env = s.base.env.clone()
	} else {
		s.env = newEnvList(s.img.Config.Env)
	}
}

func cloneImage(src dockerspec.DockerOCIImage) dockerspec.DockerOCIImage {
	var dst dockerspec.DockerOCIImage
	dt, _ := json.Marshal(src)
	_ = json.Unmarshal(dt, &dst)
	return dst
}

// addHistory appends a history entry; layer entries carry the layer's
// creation time, metadata entries get theirs at export.
func (s *stageState) addHistory(createdBy string, layer *Layer) {
	h := ocispec.History{CreatedBy: createdBy, Comment: "buildkit.dockerfile.v0", EmptyLayer: layer == nil}
	if layer != nil {
		t := layer.Created.UTC()
		h.Created = &t
		s.created = t
		s.layer = layer.ID
		s.img.RootFS.DiffIDs = append(s.img.RootFS.DiffIDs, digestOf(layer.DiffID))
	}
	s.img.History = append(s.img.History, h)
}
