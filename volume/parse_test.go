package volume

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nook-dev/nook/spec"
)

func TestParseVolumeFlag(t *testing.T) {
	tests := []struct {
		name, in string
		want     spec.Mount
	}{
		{"a bare container path is an anonymous volume", "/test",
			spec.Mount{Type: "volume", Destination: "/test"}},
		{"a name is a named volume", "data:/var/lib/db",
			spec.Mount{Type: "volume", Name: "data", Destination: "/var/lib/db"}},
		{"a named volume keeps its options", "data:/d:ro,nocopy",
			spec.Mount{Type: "volume", Name: "data", Destination: "/d", Options: []string{"ro", "nocopy"}}},
		{"an absolute host path is a bind", "/srv/x/:/x",
			spec.Mount{Type: "bind", Source: "/srv/x", Destination: "/x"}},
		{"a bind may be read-only with a propagation mode", "/srv:/srv:ro,rslave,z",
			spec.Mount{Type: "bind", Source: "/srv", Destination: "/srv", Options: []string{"ro", "rslave", "z"}}},
		{"destinations are cleaned", "/h:/a/../b/",
			spec.Mount{Type: "bind", Source: "/h", Destination: "/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVolumeFlag(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseVolumeFlag_Errors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "invalid volume specification: ''"},
		{"/a:/b:ro:x", "invalid volume specification: '/a:/b:ro:x'"},
		{"/ctr:ro", "invalid volume specification: '/ctr:ro'"},
		{"data:rel", `invalid volume specification: 'data:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`},
		{"/h:/", "destination can't be '/'"},
		{"/h:/c:ro,rw", "invalid mode: ro,rw"},
		{"/h:/c:bogus", "invalid mode: bogus"},
		{"/h:/c:nocopy", "invalid mode: nocopy"},
		{"./data:/c", `create ./data: "./data" includes invalid characters for a local volume name`},
		{"rel/dir:/c", "If you intended to pass a host directory, use absolute path"},
		{"x:/c", "includes invalid characters"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseVolumeFlag(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseTmpfsFlag(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"/run", []string{"rw", "noexec", "nosuid", "nodev"}},
		{"/run:rw,size=64m", []string{"rw", "noexec", "nosuid", "nodev", "size=64m"}},
		{"/run:ro,exec,mode=1770", []string{"ro", "nosuid", "nodev", "mode=1770"}},
	}
	for _, tt := range tests {
		got, err := ParseTmpfsFlag(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Type != "tmpfs" || got.Source != "tmpfs" || got.Destination != "/run" || !reflect.DeepEqual(got.Options, tt.want) {
			t.Errorf("%s: got %+v, want options %v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"run", "/run:noatime", "/:size=1m"} {
		if _, err := ParseTmpfsFlag(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestParseMountFlag(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, in string
		want     spec.Mount
	}{
		{"bind with aliases", "type=bind,src=" + dir + ",dst=/d,ro",
			spec.Mount{Type: "bind", Source: dir, Destination: "/d", Options: []string{"ro"}}},
		{"bind with propagation and readonly=false", "type=bind,source=" + dir + ",target=/d,readonly=false,bind-propagation=rshared",
			spec.Mount{Type: "bind", Source: dir, Destination: "/d", Options: []string{"rshared"}}},
		{"volume is the default type", "source=data,destination=/data,volume-nocopy,volume-label=a=b",
			spec.Mount{Type: "volume", Name: "data", Destination: "/data", Options: []string{"nocopy", "volume-label=a=b"}}},
		{"a volume without source is anonymous", "type=volume,target=/cache",
			spec.Mount{Type: "volume", Destination: "/cache"}},
		{"tmpfs size and mode", "type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770",
			spec.Mount{Type: "tmpfs", Source: "tmpfs", Destination: "/t",
				Options: []string{"rw", "noexec", "nosuid", "nodev", "size=67108864", "mode=1770"}}},
		{"quoted csv fields", `type=bind,"source=` + dir + `",target=/q`,
			spec.Mount{Type: "bind", Source: dir, Destination: "/q"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMountFlag(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseMountFlag_Errors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct{ in, want string }{
		{"type=bind,source=" + missing + ",target=/x",
			`invalid mount config for type "bind": bind source path does not exist: ` + missing},
		{"type=bind,target=/x", `invalid mount config for type "bind": field Source must not be empty`},
		{"type=bind,source=rel,target=/x", "mount path must be absolute"},
		{"type=volume,source=data", "target is required"},
		{"type=tmpfs,source=x,target=/x", "field Source must not be specified"},
		{"type=nfs,target=/x", `invalid mount type "nfs"`},
		{"type=volume,target=/x,bogus=1", "unexpected key 'bogus' in 'bogus=1'"},
		{"type=volume,target=/x,readonly=maybe", "invalid value for 'readonly=maybe'"},
		{"type=volume,target", "invalid field 'target' must be a key=value pair"},
		{"type=volume,target=/x,volume-driver=nfs", "not supported"},
		{"type=tmpfs,target=/x,tmpfs-size=lots", "invalid value for tmpfs-size"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseMountFlag(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestRAMInBytes(t *testing.T) {
	for in, want := range map[string]int64{"100": 100, "1k": 1024, "64m": 64 << 20, "1.5g": 3 << 29, "2MiB": 2 << 20, "1kb": 1024} {
		if got, err := ramInBytes(in); err != nil || got != want {
			t.Errorf("%s: got %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ramInBytes("-1"); err == nil {
		t.Error("negative size accepted")
	}
}
