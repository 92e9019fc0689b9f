package format

import (
	"testing"
)

func TestCommand(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		args  []string
		trunc bool
		want  string
	}{
		{"no args", "nginx", nil, true, `"nginx"`},
		{"short", "sleep", []string{"100"}, true, `"sleep 100"`},
		{"21 cells become 19 and an ellipsis", "/docker-entrypoint.", []string{"x"}, true, `"/docker-entrypoint.…"`},
		{"long entrypoint", "/docker-entrypoint.sh", []string{"nginx", "-g", "daemon off;"}, true, `"/docker-entrypoint.…"`},
		{"no-trunc keeps quotes", "/docker-entrypoint.sh", []string{"nginx", "-g", "daemon off;"}, false,
			`"/docker-entrypoint.sh nginx -g 'daemon off;'"`},
		{"args with spaces are single-quoted", "sh", []string{"-c", "sleep 1; exit 0"}, true, `"sh -c 'sleep 1; exi…"`},
		{"embedded double quotes are escaped", "echo", []string{`"hi"`}, true, `"echo \"hi\""`},
		{"20 characters are not cut", "abcdefghij", []string{"klmnopqrs"}, true, `"abcdefghij klmnopqrs"`},
		{"21 characters are cut", "abcdefghij", []string{"klmnopqrst"}, true, `"abcdefghij klmnopqr…"`},
		{"wide characters count 2", "echo", []string{"日本語日本語日本語"}, true, `"echo 日本語日本語日…"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Command(tc.path, tc.args, tc.trunc); got != tc.want {
				t.Errorf("Command = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestEllipsis(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"abcdefg", 0, ""},
		{"abcdefg", 1, "a"},
		{"abcdefg", 5, "abcd…"},
		{"abcdefg", 7, "abcdefg"},
		{"abcdefg", 20, "abcdefg"},
		{"", 1, ""},
		{"你好世界", 1, "你"},
		{"你好世界", 2, "你好世界"}, // Docker's quirk: no cut fits, so nothing is cut
		{"你好世界", 3, "你…"},
		{"你好世界", 4, "你…"},
		{"你好世界", 8, "你好世界"},
		{"ab你好", 4, "ab…"},
		{"é✓abcdef", 5, "é✓ab…"},
	}
	for _, tc := range tests {
		if got := Ellipsis(tc.s, tc.max); got != tc.want {
			t.Errorf("Ellipsis(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}

func TestTruncateID(t *testing.T) {
	id := "90435eec5c4e124e741ef731e118be2fc799a68aba0466ec17717f24ce2ae6a2"
	for in, want := range map[string]string{"": "", "1234": "1234", id: "90435eec5c4e", "sha256:" + id: "90435eec5c4e"} {
		if got := TruncateID(in); got != want {
			t.Errorf("TruncateID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFamiliarName(t *testing.T) {
	tests := map[string]string{
		"docker.io/library/alpine:3.20":     "alpine:3.20",
		"docker.io/library/alpine":          "alpine",
		"docker.io/user/app:1":              "user/app:1",
		"index.docker.io/library/busybox":   "busybox",
		"docker.io/library/foo/bar:1":       "library/foo/bar:1",
		"docker.io/library/alpine@sha256:0": "alpine@sha256:0",
		"quay.io/org/app:1":                 "quay.io/org/app:1",
		"localhost:5000/app":                "localhost:5000/app",
		"alpine":                            "alpine",
	}
	for in, want := range tests {
		if got := FamiliarName(in); got != want {
			t.Errorf("FamiliarName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestImageName(t *testing.T) {
	const id = "sha256:91ef0af61f39ece4d46a1f3a1fd0bbbe0ae2c5c0a4f1b2c3d4e5f60718293a4b"
	tests := []struct {
		name, image string
		trunc       bool
		want        string
	}{
		{"empty", "", true, "<no image>"},
		{"as typed", "nginx:1.27", true, "nginx:1.27"},
		{"by full id", id, true, "91ef0af61f39"},
		{"by short id", "91ef0af61f39", true, "91ef0af61f39"},
		{"by id no-trunc", id, false, id},
		{"digest dropped", "alpine@sha256:abc", true, "alpine"},
		{"digest dropped tag kept", "docker.io/library/alpine:3.20@sha256:abc", true, "alpine:3.20"},
		{"digest kept with no-trunc", "alpine@sha256:abc", false, "alpine@sha256:abc"},
		{"familiar form", "docker.io/library/nginx:latest", true, "nginx:latest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ImageName(tc.image, id, tc.trunc); got != tc.want {
				t.Errorf("ImageName(%q) = %q, want %q", tc.image, got, tc.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	in := []string{"/other/link", "/web", "/alias"}
	if got := Names(in, true); got != "web" {
		t.Errorf("Names(trunc) = %q", got)
	}
	if got := Names(in, false); got != "other/link,web,alias" {
		t.Errorf("Names(no-trunc) = %q", got)
	}
	if got := Names(nil, true); got != "" {
		t.Errorf("Names(nil) = %q", got)
	}
}

func TestLabelsAndSize(t *testing.T) {
	if got := Labels(map[string]string{"b": "2", "a": "1", "c": ""}); got != "a=1,b=2,c=" {
		t.Errorf("Labels = %q", got)
	}
	if got := Labels(nil); got != "" {
		t.Errorf("Labels(nil) = %q", got)
	}
	if got := ContainerSize(2, 158_000_000); got != "2B (virtual 158MB)" {
		t.Errorf("ContainerSize = %q", got)
	}
	if got := ContainerSize(0, 0); got != "0B" {
		t.Errorf("ContainerSize(0, 0) = %q", got)
	}
}

func TestMounts(t *testing.T) {
	in := []string{"pgdata", "/home/user/project/src"}
	if got := Mounts(in, true); got != "pgdata,/home/user/pro…" {
		t.Errorf("Mounts(trunc) = %q", got)
	}
	if got := Mounts(in, false); got != "pgdata,/home/user/project/src" {
		t.Errorf("Mounts(no-trunc) = %q", got)
	}
}
