package names

import (
	"errors"
	"regexp"
	"testing"

	"github.com/nook-dev/nook/internal/errdefs"
)

var nameShape = regexp.MustCompile(`^[a-z]+_[a-z]+$`)

func TestGetRandomName_Shape(t *testing.T) {
	for range 2000 {
		name := GetRandomName(0)
		if !nameShape.MatchString(name) {
			t.Fatalf("GetRandomName(0) = %q, want adjective_surname", name)
		}
		if name == "boring_wozniak" {
			t.Fatal("boring_wozniak must never be generated")
		}
		if err := ValidName(name); err != nil {
			t.Fatalf("generated name %q is not valid: %v", name, err)
		}
	}
}

func TestGetRandomName_RetryAppendsOneDigit(t *testing.T) {
	retried := regexp.MustCompile(`^[a-z]+_[a-z]+[0-9]$`)
	for range 200 {
		if name := GetRandomName(3); !retried.MatchString(name) {
			t.Fatalf("GetRandomName(3) = %q, want a trailing digit", name)
		}
	}
}

func TestWordLists(t *testing.T) {
	if len(left) != 108 || len(right) != 236 {
		t.Errorf("word lists have %d adjectives and %d surnames, want 108 and 236 (moby)", len(left), len(right))
	}
	for _, w := range []string{"focused", "bold", "boring", "zen"} {
		if !contains(left[:], w) {
			t.Errorf("adjective %q missing", w)
		}
	}
	for _, w := range []string{"turing", "wozniak", "agnesi", "zhukovsky"} {
		if !contains(right[:], w) {
			t.Errorf("surname %q missing", w)
		}
	}
}

func contains(list []string, w string) bool {
	for _, s := range list {
		if s == w {
			return true
		}
	}
	return false
}

func TestGenerate(t *testing.T) {
	id := "4b8e2f9c1d3a5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f"
	t.Run("free name is used", func(t *testing.T) {
		name := Generate(id, func(string) bool { return false })
		if !nameShape.MatchString(name) {
			t.Errorf("Generate = %q", name)
		}
	})
	t.Run("all taken falls back to the short id", func(t *testing.T) {
		calls := 0
		name := Generate(id, func(string) bool { calls++; return true })
		if name != "4b8e2f9c1d3a" || calls != MaxRetries {
			t.Errorf("Generate = %q after %d tries, want 4b8e2f9c1d3a after %d", name, calls, MaxRetries)
		}
	})
	t.Run("retries carry a digit", func(t *testing.T) {
		calls := 0
		name := Generate(id, func(string) bool { calls++; return calls < 3 })
		if !regexp.MustCompile(`^[a-z]+_[a-z]+[0-9]$`).MatchString(name) {
			t.Errorf("third try = %q, want a trailing digit", name)
		}
	})
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{name: "simple", in: "web"},
		{name: "leading slash allowed", in: "/web"},
		{name: "dots dashes underscores", in: "my-app_1.2"},
		{name: "digit first", in: "1web"},
		{name: "two characters", in: "ab"},
		{name: "bang", in: "x!", err: "Invalid container name (x!), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
		{name: "single character", in: "a", err: "Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
		{name: "leading dash", in: "-web", err: "Invalid container name (-web), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
		{name: "empty", in: "", err: "Invalid container name (), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
		{name: "inner slash", in: "/a/b", err: "Invalid container name (/a/b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
		{name: "space", in: "my app", err: "Invalid container name (my app), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidName(tc.in)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("ValidName(%q) = %v, want nil", tc.in, err)
				}
				return
			}
			if err == nil || err.Error() != tc.err {
				t.Fatalf("ValidName(%q) = %v, want %q", tc.in, err, tc.err)
			}
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Errorf("error is not ErrInvalidArgument")
			}
		})
	}
}

// validName is a loop; it must accept exactly what Docker's pattern does.
func TestValidName_MatchesDockerPattern(t *testing.T) {
	re := regexp.MustCompile(`^` + AllowedChars + `+$`)
	for _, s := range []string{"", "a", "ab", "a-", "-a", "_a", ".a", "a.b_c-d", "9z", "é1", "aé", "a\n", "a b", "a/b", "Zz", "a:b", "a+b"} {
		if got, want := validName(s), re.MatchString(s); got != want {
			t.Errorf("validName(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
