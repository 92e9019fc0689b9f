package format

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// TruncateID returns the 12-character short form of an ID, after dropping
// an algorithm prefix such as "sha256:" (moby stringid.TruncateID).
func TruncateID(id string) string {
	if i := strings.IndexRune(id, ':'); i >= 0 {
		id = id[i+1:]
	}
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// EngineCommand builds the command string the Docker engine reports for
// a container: path, then the arguments separated by spaces, with every
// argument that contains a space wrapped in single quotes
// ("sh -c 'sleep 1; exit 0'").
func EngineCommand(path string, args []string) string {
	if len(args) == 0 {
		return path
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		if strings.Contains(a, " ") {
			a = "'" + a + "'"
		}
		quoted[i] = a
	}
	return path + " " + strings.Join(quoted, " ")
}

// Command returns the COMMAND column of docker ps for a container whose
// process is path with args: EngineCommand, cut to 20 display cells with
// "…" unless trunc is false, then quoted with strconv.Quote
// (`"sh -c 'sleep 1; exi…"`).
func Command(path string, args []string, trunc bool) string {
	c := EngineCommand(path, args)
	if trunc {
		c = Ellipsis(c, 20)
	}
	return strconv.Quote(c)
}

// charWidth is the display width of r: 2 for East Asian wide and
// full-width characters, else 1.
func charWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	default:
		return 1
	}
}

// Ellipsis cuts s to at most maxWidth display cells, ending in "…" when
// it cut (docker/cli formatter.Ellipsis). A maxWidth of 1 keeps the first
// character without an ellipsis; 0 or less gives "".
func Ellipsis(s string, maxWidth int) string {
	if maxWidth <= 0 {
		return ""
	}
	rs := []rune(s)
	if maxWidth == 1 {
		if len(rs) == 0 {
			return ""
		}
		return string(rs[0])
	}
	if len(s) == utf8.RuneCountInString(s) {
		if len(s) <= maxWidth {
			return s
		}
		return string(rs[:maxWidth-1]) + "…"
	}
	display := make([]int, 0, len(rs))
	total := 0
	for _, r := range rs {
		total += charWidth(r)
		display = append(display, total)
	}
	if total <= maxWidth {
		return s
	}
	for i := range display {
		if display[i] <= maxWidth-1 && display[i+1] > maxWidth-1 {
			return string(rs[:i+1]) + "…"
		}
	}
	return s
}

// FamiliarName shortens a normalized image reference to the form Docker
// prints: "docker.io/library/alpine:3.20" → "alpine:3.20",
// "docker.io/user/app" → "user/app". Other registries are kept.
func FamiliarName(ref string) string {
	rest, ok := strings.CutPrefix(ref, "docker.io/")
	if !ok {
		if rest, ok = strings.CutPrefix(ref, "index.docker.io/"); !ok {
			return ref
		}
	}
	name, _, _ := strings.Cut(rest, "@")
	name, _, _ = strings.Cut(name, ":")
	if lib, ok := strings.CutPrefix(rest, "library/"); ok && strings.Count(name, "/") == 1 {
		return lib
	}
	return rest
}

// ImageName returns the IMAGE column of docker ps. image is the
// reference the container was created from (as the user typed it),
// imageID the resolved image ID. Empty image prints "<no image>".
// Without trunc the reference is printed as given. With trunc, an image
// given by ID prints the short ID, a digest is dropped (the tag is kept)
// and the name is shown in familiar form.
func ImageName(image, imageID string, trunc bool) string {
	switch {
	case image == "":
		return "<no image>"
	case !trunc:
		return image
	case TruncateID(imageID) == TruncateID(image):
		return TruncateID(imageID)
	}
	name, _, _ := strings.Cut(image, "@")
	return FamiliarName(name)
}

// Names returns the NAMES column: names without their leading "/". With
// trunc only the first name that is not a legacy link (no inner "/");
// otherwise all names joined with ",".
func Names(names []string, trunc bool) string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimPrefix(n, "/")
		if trunc {
			if !strings.Contains(n, "/") {
				return n
			}
			continue
		}
		out = append(out, n)
	}
	return strings.Join(out, ",")
}

// Labels returns the .Labels field of ps and volume ls: "k=v" pairs,
// sorted and joined with ",".
func Labels(labels map[string]string) string {
	pairs := make([]string, 0, len(labels))
	for k, v := range labels {
		pairs = append(pairs, k+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

// Mounts returns the .Mounts field of docker ps: for each mount its
// volume name, or its source for binds, cut to 15 display cells when
// trunc, joined with ",".
func Mounts(namesOrSources []string, trunc bool) string {
	out := make([]string, len(namesOrSources))
	for i, n := range namesOrSources {
		if trunc {
			n = Ellipsis(n, 15)
		}
		out[i] = n
	}
	return strings.Join(out, ",")
}

// ContainerSize returns the SIZE column of docker ps -s:
// "2B (virtual 158MB)", or just the writable size when rootfs is 0.
func ContainerSize(rw, rootfs int64) string {
	if rootfs > 0 {
		return fmt.Sprintf("%s (virtual %s)", HumanSize(rw), HumanSize(rootfs))
	}
	return HumanSize(rw)
}
