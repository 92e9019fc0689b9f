package slirp

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nook-dev/nook/internal/errdefs"
)

func TestParsePublish(t *testing.T) {
	tcp := func(ip string, h, c uint16) PortMapping {
		return PortMapping{HostIP: ip, HostPort: h, ContainerPort: c, Protocol: "tcp"}
	}
	tests := []struct {
		name string
		spec string
		want []PortMapping
	}{
		{"host and container port", "4000:80", []PortMapping{tcp("", 4000, 80)}},
		{"IPv4 address", "127.0.0.1:4000:80", []PortMapping{tcp("127.0.0.1", 4000, 80)}},
		{"IPv4 address with random port", "127.0.0.1::80", []PortMapping{tcp("127.0.0.1", 0, 80)}},
		{"container port only", "80", []PortMapping{tcp("", 0, 80)}},
		{"explicit tcp", "80/tcp", []PortMapping{tcp("", 0, 80)}},
		{"udp", "5353:53/udp", []PortMapping{{HostPort: 5353, ContainerPort: 53, Protocol: "udp"}}},
		{"upper-case protocol", "53/UDP", []PortMapping{{ContainerPort: 53, Protocol: "udp"}}},
		{"ranges", "8000-8002:80-82", []PortMapping{tcp("", 8000, 80), tcp("", 8001, 81), tcp("", 8002, 82)}},
		{"container range", "80-81", []PortMapping{tcp("", 0, 80), tcp("", 0, 81)}},
		{"IPv6 in brackets", "[::1]:8080:80", []PortMapping{tcp("::1", 8080, 80)}},
		{"IPv6 random port", "[::1]::80/udp", []PortMapping{{HostIP: "::1", ContainerPort: 80, Protocol: "udp"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublish(tt.spec)
			if err != nil {
				t.Fatalf("ParsePublish(%q): %v", tt.spec, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParsePublish(%q) = %+v, want %+v", tt.spec, got, tt.want)
			}
		})
	}
}

func TestParsePublish_Malformed(t *testing.T) {
	tests := []struct {
		spec, wantMsg string
	}{
		{"", "missing container port"},
		{"abc", `container port "abc"`},
		{"0", `container port "0"`},
		{"70000", `container port "70000"`},
		{":80", "empty host port"},
		{"4000:", "missing container port"},
		{"80/sctp", `unsupported protocol "sctp"`},
		{"80/", "empty protocol"},
		{"8000-8001:80", "host port range 8000-8001 has 2 ports but container range 80 has 1"},
		{"82-80", "ends before it starts"},
		{"localhost:4000:80", `"localhost" is not an IPv4 address`},
		{"::1:8080:80", "too many"},
		{"[::1]8080:80", "expected [IPv6]"},
		{"[127.0.0.1]:8080:80", "is not an IPv6 address"},
		{"1:2:3:4", "too many"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := ParsePublish(tt.spec)
			if err == nil {
				t.Fatalf("ParsePublish(%q) succeeded, want error", tt.spec)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ParsePublish(%q) error %q does not mention %q", tt.spec, err, tt.wantMsg)
			}
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Errorf("ParsePublish(%q) error is not ErrInvalidArgument", tt.spec)
			}
		})
	}
}

func TestFormatPort(t *testing.T) {
	cases := map[string]PortMapping{
		"80/tcp -> 0.0.0.0:4000":   {HostPort: 4000, ContainerPort: 80, Protocol: "tcp"},
		"53/udp -> [::1]:5353":     {HostIP: "::1", HostPort: 5353, ContainerPort: 53, Protocol: "udp"},
		"80/tcp -> 127.0.0.1:8080": {HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
	}
	for want, m := range cases {
		if got := FormatPort(m); got != want {
			t.Errorf("FormatPort(%+v) = %q, want %q", m, got, want)
		}
	}
	if got := (PortMapping{HostIP: "::1", ContainerPort: 80, Protocol: "udp"}).String(); got != "[::1]::80/udp" {
		t.Errorf("String() = %q", got)
	}
}

func TestStateDirKeepsSocketPathsShort(t *testing.T) {
	short := t.TempDir()
	if dir, own, err := stateDir(short); err != nil || own || dir != short {
		t.Fatalf("stateDir(%q) = %q, %v, %v; want the directory itself", short, dir, own, err)
	}
	long := "/run/user/1234567/nook/containers/" + strings.Repeat("a", 64)
	dir, own, err := stateDir(long)
	if err != nil || !own {
		t.Fatalf("stateDir(long) = %q, %v, %v; want a temporary directory", dir, own, err)
	}
	defer os.RemoveAll(dir)
	if n := len(filepath.Join(dir, ".bp-ready.pipe")); n > maxSocketPath {
		t.Fatalf("socket path still %d bytes long", n)
	}
}
