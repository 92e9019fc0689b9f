package build

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/nook-dev/nook/internal/errdefs"
)

// dockerfile is a parsed Dockerfile.
type dockerfile struct {
	name     string // for messages: "Dockerfile", "app.Dockerfile"
	lines    []string
	escape   rune
	stages   []instructions.Stage
	metaArgs []instructions.ArgCommand
}

// DockerfileError is an error tied to lines of the Dockerfile. The progress
// printer shows the excerpt; Error() reads "Dockerfile:3: message".
type DockerfileError struct {
	File      string
	StartLine int
	EndLine   int
	Err       error
}

func (e *DockerfileError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.StartLine, e.Err)
}
func (e *DockerfileError) Unwrap() error { return e.Err }

// located wraps err with the first line range of loc (instruction lines).
func (df *dockerfile) located(err error, loc []parser.Range) error {
	if err == nil {
		return nil
	}
	var de *DockerfileError
	if errors.As(err, &de) {
		return err
	}
	start, end := rangeLines(loc)
	if start <= 0 {
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 {
			start, end = rangeLines(le.Locations[0])
		}
	}
	if start <= 0 {
		return err
	}
	return &DockerfileError{File: df.name, StartLine: start, EndLine: end, Err: err}
}

func rangeLines(loc []parser.Range) (int, int) {
	if len(loc) == 0 {
		return 0, 0
	}
	start, end := loc[0].Start.Line, loc[0].End.Line
	for _, r := range loc[1:] {
		start = min(start, r.Start.Line)
		end = max(end, r.End.Line)
	}
	return start, end
}

// parseDockerfile parses dt with BuildKit's parser and instructions packages
// and rejects what nook cannot execute, naming the instruction and line.
// On error the returned dockerfile still holds the lines for the excerpt.
func parseDockerfile(name string, dt []byte) (*dockerfile, error) {
	df := &dockerfile{name: name, lines: strings.Split(string(dt), "\n")}
	if len(bytes.TrimSpace(dt)) == 0 {
		return df, errdefs.Invalid("the Dockerfile (%s) cannot be empty", name)
	}
	res, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		return df, errdefs.WithKind(df.parseError(err), errdefs.ErrInvalidArgument)
	}
	df.escape = res.EscapeToken
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return df, errdefs.WithKind(df.parseError(err), errdefs.ErrInvalidArgument)
	}
	if len(stages) == 0 {
		return df, errdefs.Invalid("%s: dockerfile contains no stages to build", name)
	}
	df.stages, df.metaArgs = stages, metaArgs
	for _, st := range stages {
		for _, cmd := range st.Commands {
			if err := checkSupported(cmd); err != nil {
				return df, errdefs.WithKind(df.located(err, cmd.Location()), errdefs.ErrInvalidArgument)
			}
		}
	}
	return df, nil
}

// parseError finds the line of a parser or instructions.Parse error and
// words it as BuildKit does: "dockerfile parse error on line N: ...".
func (df *dockerfile) parseError(err error) error {
	var ue *instructions.UnknownInstructionError
	if errors.As(err, &ue) {
		return &DockerfileError{File: df.name, StartLine: ue.Line, EndLine: ue.Line,
			Err: fmt.Errorf("dockerfile parse error on line %d: unknown instruction: %s", ue.Line, strings.ToUpper(ue.Instruction))}
	}
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 {
		start, end := rangeLines(le.Locations[0])
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return &DockerfileError{File: df.name, StartLine: start, EndLine: end,
			Err: fmt.Errorf("dockerfile parse error on line %d: %w", start, err)}
	}
	return err
}

// checkSupported rejects flags and forms nook does not implement, instead
// of silently ignoring them.
func checkSupported(cmd instructions.Command) error {
	switch c := cmd.(type) {
	case *instructions.RunCommand:
		for _, f := range c.FlagsUsed {
			if f != "network" {
				return fmt.Errorf("RUN --%s is not supported by nook", f)
			}
		}
		if n := instructions.GetNetwork(c); n != "" && n != "default" && n != "none" && n != "host" {
			return fmt.Errorf("RUN --network=%s is not supported", n)
		}
	case *instructions.CopyCommand:
		if c.Parents {
			return errors.New("COPY --parents is not supported by nook")
		}
		if len(c.ExcludePatterns) > 0 {
			return errors.New("COPY --exclude is not supported by nook")
		}
	case *instructions.AddCommand:
		if len(c.ExcludePatterns) > 0 {
			return errors.New("ADD --exclude is not supported by nook")
		}
		if c.KeepGitDir != nil {
			return errors.New("ADD --keep-git-dir is not supported by nook")
		}
		for _, src := range c.SourcePaths {
			if isGitURL(src) {
				return fmt.Errorf("ADD of a git repository (%s) is not supported by nook", src)
			}
		}
	}
	return nil
}

func isGitURL(s string) bool {
	return strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "git://") ||
		(isURL(s) && (strings.HasSuffix(strings.SplitN(s, "#", 2)[0], ".git") || strings.Contains(s, ".git#")))
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
