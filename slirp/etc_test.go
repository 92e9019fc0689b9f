package slirp

import (
	"strings"
	"testing"
)

func TestResolvConf(t *testing.T) {
	tests := []struct {
		name string
		opts ResolvConfOptions
		want string
	}{
		{"defaults to the helper's forwarder", ResolvConfOptions{}, "nameserver 10.0.2.3\n"},
		{"dns and search", ResolvConfOptions{Nameservers: []string{"1.1.1.1", "::1"}, Search: []string{"a.example", "b.example"}},
			"nameserver 1.1.1.1\nnameserver ::1\nsearch a.example b.example\n"},
		{"dot disables search", ResolvConfOptions{Search: []string{"."}}, "nameserver 10.0.2.3\n"},
		{"options", ResolvConfOptions{Options: []string{"ndots:2", "timeout:1"}}, "nameserver 10.0.2.3\noptions ndots:2 timeout:1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolvConf(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := ResolvConf(ResolvConfOptions{Nameservers: []string{"dns.example"}}); err == nil || !strings.Contains(err.Error(), `--dns "dns.example"`) {
		t.Errorf("bad nameserver: err = %v", err)
	}
}

func TestHosts(t *testing.T) {
	got, err := Hosts(HostsOptions{Hostname: "web", Address: ContainerIP,
		ExtraHosts: []string{"db:10.1.2.3", "v6=::1", "gw:host-gateway", "b6:[fe80::1]"}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, want := range []string{"127.0.0.1\tlocalhost\n", "::1\tlocalhost ip6-localhost ip6-loopback\n",
		"10.1.2.3\tdb\n", "::1\tv6\n", "10.0.2.2\tgw\n", "fe80::1\tb6\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("hosts lacks %q:\n%s", want, s)
		}
	}
	if !strings.HasSuffix(s, "10.0.2.100\tweb\n") {
		t.Errorf("hosts does not end with the container's name:\n%s", s)
	}

	got, err = Hosts(HostsOptions{Hostname: "lonely"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(got), "127.0.1.1\tlonely\n") {
		t.Errorf("no-network hosts:\n%s", got)
	}
}

func TestParseAddHost_Malformed(t *testing.T) {
	for _, s := range []string{"", "db", "db:", ":1.2.3.4", "db:notanip", "d b:1.2.3.4"} {
		if _, err := ParseAddHost(s); err == nil {
			t.Errorf("ParseAddHost(%q) succeeded, want error", s)
		}
	}
	if e, err := ParseAddHost("db:::1"); err != nil || e.IP != "::1" {
		t.Errorf("ParseAddHost(db:::1) = %+v, %v", e, err)
	}
}
