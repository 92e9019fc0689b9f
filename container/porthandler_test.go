package container

import (
	"testing"

	"github.com/nook-dev/nook/spec"
)

func TestBypassesPorts(t *testing.T) {
	bypass := map[string]string{"port_handler": "bypass"}
	tcp := []spec.PortBinding{{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}
	cases := []struct {
		name string
		n    spec.Network
		want bool
	}{
		{"bypass with a TCP port", spec.Network{Mode: "slirp4netns", Options: bypass, Ports: tcp}, true},
		{"proto left empty means tcp", spec.Network{Mode: "slirp4netns", Options: bypass, Ports: []spec.PortBinding{{ContainerPort: 80}}}, true},
		{"the default keeps the forwarder", spec.Network{Mode: "slirp4netns", Ports: tcp}, false},
		{"rootlesskit", spec.Network{Mode: "slirp4netns", Options: map[string]string{"port_handler": "rootlesskit"}, Ports: tcp}, false},
		{"no published port", spec.Network{Mode: "slirp4netns", Options: bypass}, false},
		{"UDP only", spec.Network{Mode: "slirp4netns", Options: bypass, Ports: []spec.PortBinding{{ContainerPort: 53, Proto: "udp"}}}, false},
	}
	for _, c := range cases {
		if got := bypassesPorts(c.n); got != c.want {
			t.Errorf("%s: bypassesPorts = %v, want %v", c.name, got, c.want)
		}
	}
}
