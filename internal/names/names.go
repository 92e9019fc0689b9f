package names

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// AllowedChars is Docker's description of the characters a container name
// may use; it appears verbatim in the validation error.
const AllowedChars = `[a-zA-Z0-9][a-zA-Z0-9_.-]`

// validName matches Docker's RestrictedNamePattern, AllowedChars + "+":
// at least two characters, as in Docker. A loop rather than a regexp:
// nook-runtime resolves names on exec's hot path, and compiling a regexp
// at start-up costs more than the whole lookup.
func validName(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '.' && c != '-') {
			return false
		}
	}
	return true
}

// MaxRetries is how many names Generate tries (moby tries 6: one plain
// name, then five with a digit appended) before it falls back to the
// short ID.
const MaxRetries = 6

// GetRandomName returns a random "adjective_surname" name such as
// "focused_turing". "boring_wozniak" is never returned (Steve Wozniak is
// not boring). When retry > 0 a random digit 0-9 is appended, which is what
// Docker does after a name clash.
func GetRandomName(retry int) string {
	for {
		name := left[rand.IntN(len(left))] + "_" + right[rand.IntN(len(right))]
		if name == "boring_wozniak" {
			continue
		}
		if retry > 0 {
			name += strconv.Itoa(rand.IntN(10))
		}
		return name
	}
}

// Generate picks a name for a container the way the Docker daemon does:
// up to MaxRetries random names, skipping those for which taken returns
// true, and finally the 12-character short form of id. The result has no
// leading slash.
func Generate(id string, taken func(name string) bool) string {
	for i := range MaxRetries {
		if name := GetRandomName(i); !taken(name) {
			return name
		}
	}
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// ValidName checks a user-given container name (an optional leading "/"
// is allowed) and returns Docker's error, of kind
// errdefs.ErrInvalidArgument, when it is not acceptable:
//
//	Invalid container name (x!), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed
func ValidName(name string) error {
	if !validName(strings.TrimPrefix(name, "/")) {
		return errdefs.Invalid("Invalid container name (%s), only %s are allowed", name, AllowedChars)
	}
	return nil
}
