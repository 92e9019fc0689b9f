package format

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ports parses "ip|hostport|ctrport/proto" entries; ip and hostport may be
// empty for exposed-only ports.
func ports(t *testing.T, specs ...string) []Port {
	t.Helper()
	var out []Port
	for _, s := range specs {
		f := strings.Split(s, "|")
		num, proto, _ := strings.Cut(f[2], "/")
		hp, _ := strconv.Atoi(f[1])
		cp, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("bad spec %q", s)
		}
		out = append(out, Port{HostIP: f[0], HostPort: uint16(hp), ContainerPort: uint16(cp), Proto: proto})
	}
	return out
}

// Cases from docker/cli's TestDisplayablePorts plus the compat doc.
func TestPorts(t *testing.T) {
	tests := []struct {
		name  string
		specs []string
		want  string
	}{
		{"none", nil, ""},
		{"exposed tcp", []string{"||9988/tcp"}, "9988/tcp"},
		{"exposed udp", []string{"||9988/udp"}, "9988/udp"},
		{"address without host port", []string{"0.0.0.0||9988/tcp"}, "0.0.0.0:0->9988/tcp"},
		{"ipv6 any without host port", []string{"::||9988/tcp"}, "[::]:0->9988/tcp"},
		{"host port without address is exposed-only", []string{"|8899|9988/tcp"}, "9988/tcp"},
		{"ipv4 mapping", []string{"4.3.2.1|8899|9988/tcp"}, "4.3.2.1:8899->9988/tcp"},
		{"ipv6 mapping in brackets", []string{"::1|8899|9988/tcp"}, "[::1]:8899->9988/tcp"},
		{"same port ipv4", []string{"4.3.2.1|9988|9988/tcp"}, "4.3.2.1:9988->9988/tcp"},
		{"same port ipv6", []string{"::1|9988|9988/tcp"}, "[::1]:9988->9988/tcp"},
		{"duplicate exposed", []string{"||9988/udp", "||9988/udp"}, "9988/udp, 9988/udp"},
		{"same-port range", []string{"1.2.3.4|9998|9998/udp", "1.2.3.4|9999|9999/udp"}, "1.2.3.4:9998-9999->9998-9999/udp"},
		{"same-port range ipv6", []string{"::1|9998|9998/udp", "::1|9999|9999/udp"}, "[::1]:9998-9999->9998-9999/udp"},
		{"different ports do not merge", []string{"1.2.3.4|8887|9998/udp", "1.2.3.4|8888|9999/udp"},
			"1.2.3.4:8887->9998/udp, 1.2.3.4:8888->9999/udp"},
		{"exposed range", []string{"||9998/udp", "||9999/udp"}, "9998-9999/udp"},
		{"exposed before mappings", []string{"1.2.3.4|7766|6677/tcp", "|8899|9988/udp"}, "9988/udp, 1.2.3.4:7766->6677/tcp"},
		{"mappings sorted by container port then address",
			[]string{"1.2.3.4|8899|9988/udp", "1.2.3.4|8899|9988/tcp", "4.3.2.1|3322|2233/tcp", "::1|3322|2233/tcp"},
			"4.3.2.1:3322->2233/tcp, [::1]:3322->2233/tcp, 1.2.3.4:8899->9988/tcp, 1.2.3.4:8899->9988/udp"},
		{"mixed", []string{"|8899|9988/udp", "1.2.3.4|7766|6677/tcp", "4.3.2.1|3322|2233/tcp"},
			"9988/udp, 4.3.2.1:3322->2233/tcp, 1.2.3.4:7766->6677/tcp"},
		{"big mix", []string{"||80/tcp", "||1024/tcp", "||80/udp", "||1024/udp",
			"1.1.1.1|80|1024/tcp", "1.1.1.1|80|1024/udp", "1.1.1.1|1024|80/tcp", "1.1.1.1|1024|80/udp",
			"2.1.1.1|80|1024/tcp", "2.1.1.1|80|1024/udp", "2.1.1.1|1024|80/tcp", "2.1.1.1|1024|80/udp", "||12345/sctp"},
			"80/tcp, 80/udp, 1024/tcp, 1024/udp, 12345/sctp, 1.1.1.1:1024->80/tcp, 1.1.1.1:1024->80/udp, " +
				"2.1.1.1:1024->80/tcp, 2.1.1.1:1024->80/udp, 1.1.1.1:80->1024/tcp, 1.1.1.1:80->1024/udp, " +
				"2.1.1.1:80->1024/tcp, 2.1.1.1:80->1024/udp"},
		{"addresses sort numerically", []string{"10.0.0.2|8080|80/tcp", "9.0.0.1|8081|80/tcp"},
			"9.0.0.1:8081->80/tcp, 10.0.0.2:8080->80/tcp"},
		{"-p 4000:80 on both families", []string{"::|4000|80/tcp", "0.0.0.0|4000|80/tcp"},
			"0.0.0.0:4000->80/tcp, [::]:4000->80/tcp"},
		{"exposed range 3300-3310", []string{"||3302/tcp", "||3300/tcp", "||3301/tcp", "||3303/tcp", "||3304/tcp",
			"||3305/tcp", "||3306/tcp", "||3307/tcp", "||3308/tcp", "||3309/tcp", "||3310/tcp"}, "3300-3310/tcp"},
		{"-p 8000-8002:8000-8002", []string{"0.0.0.0|8000|8000/tcp", "0.0.0.0|8001|8001/tcp", "0.0.0.0|8002|8002/tcp"},
			"0.0.0.0:8000-8002->8000-8002/tcp"},
		{"gap splits a range", []string{"||80/tcp", "||81/tcp", "||83/tcp"}, "80-81/tcp, 83/tcp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ports(t, tc.specs...)
			orig := slices.Clone(in)
			if got := Ports(in); got != tc.want {
				t.Errorf("Ports = %q\nwant    %q", got, tc.want)
			}
			if !slices.Equal(in, orig) {
				t.Error("Ports modified its input")
			}
		})
	}
}

func TestPortLines(t *testing.T) {
	in := ports(t, "::|4000|80/tcp", "0.0.0.0|4000|80/tcp", "||443/tcp", "0.0.0.0|5353|53/udp",
		"0.0.0.0|9000|9000/tcp", "127.0.0.1|8080|8080/tcp")
	want := []string{
		"53/udp -> 0.0.0.0:5353",
		"80/tcp -> 0.0.0.0:4000",
		"80/tcp -> [::]:4000",
		"8080/tcp -> 127.0.0.1:8080",
		"9000/tcp -> 0.0.0.0:9000",
	}
	if got := PortLines(in); !slices.Equal(got, want) {
		t.Errorf("PortLines =\n%q\nwant\n%q", got, want)
	}

	tests := []struct {
		spec string
		want []string
	}{
		{"80", []string{"0.0.0.0:4000", "[::]:4000"}},
		{"80/tcp", []string{"0.0.0.0:4000", "[::]:4000"}},
		{"53/udp", []string{"0.0.0.0:5353"}},
		{"53", nil},
		{"81", nil},
		{"443", nil},
	}
	for _, tc := range tests {
		got, err := PortLinesFor(in, tc.spec)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("PortLinesFor(%q) = %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "http", "0", "70000"} {
		if _, err := PortLinesFor(in, bad); err == nil {
			t.Errorf("PortLinesFor(%q) accepted a bad port", bad)
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	in := []string{"abc12", "abc2", "abc02", "ab", "abc", "a1b", "10", "9", "x"}
	want := []string{"9", "10", "a1b", "ab", "abc", "abc2", "abc02", "abc12", "x"}
	got := slices.Clone(in)
	slices.SortFunc(got, NaturalCompare)
	if !slices.Equal(got, want) {
		t.Errorf("natural sort = %q, want %q", got, want)
	}
}
