package image

import "testing"

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"busybox":                  "localhost/busybox:latest",
		"app:v1":                   "localhost/app:v1",
		"localhost/app":            "localhost/app:latest",
		"127.0.0.1:5000/x/y:2":     "127.0.0.1:5000/x/y:2",
		"docker.io/library/alpine": "docker.io/library/alpine:latest",
	}
	for in, want := range cases {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Normalize("App"); err == nil {
		t.Error("upper case must be rejected")
	}
}

func TestFamiliarAndSplit(t *testing.T) {
	if Familiar("localhost/app:latest") != "app:latest" || Familiar("docker.io/library/alpine:3") != "alpine:3" {
		t.Fatal("familiar")
	}
	r, tag := SplitTag("127.0.0.1:5000/x:2")
	if r != "127.0.0.1:5000/x" || tag != "2" {
		t.Fatalf("split %q %q", r, tag)
	}
}
