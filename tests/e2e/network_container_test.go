package e2e

import (
	"strings"
	"testing"
)

// --network container:X shares X's network namespace (same inode, same
// interfaces, X's servers on 127.0.0.1), X's hostname, /etc/hosts and
// /etc/resolv.conf, as Docker does.
func TestNetwork_ContainerSharesNamespace(t *testing.T) {
	requires(t, Slirp4netns)
	img := busyboxImage(t)
	target := containerName(t)
	id := nook(t, "run", "-d", "--name", target, "--add-host", "db:10.9.8.7", img, "httpd", "-f", "-p", "80", "-h", "/www").Ok().Line()
	want := nook(t, "exec", target, "readlink", "/proc/self/ns/net").Ok().Line()
	byName := containerName(t)
	nook(t, "run", "-d", "--name", byName, "--network", "container:"+target, img, "sleep", "300").Ok()
	pid := nook(t, "inspect", "-f", "{{.State.Pid}}", byName).Ok().Line()
	nook(t, "unshare", "readlink", "/proc/"+pid+"/ns/net").Ok().StdoutIs(want)
	nook(t, "inspect", "-f", "{{.HostConfig.NetworkMode}}", byName).Ok().StdoutIs("container:" + id)
	nook(t, "exec", byName, "hostname").Ok().StdoutIs(id[:12])
	// -w: a hex hostname may contain "db".
	nook(t, "exec", byName, "grep", "-w", "db", "/etc/hosts").Ok().StdoutMatches(`^10\.9\.8\.7\s+db$`)
	nook(t, "exec", byName, "cat", "/etc/resolv.conf").Ok().StdoutIs("nameserver 10.0.2.3")
	// By ID, in the foreground: the target's server is on our loopback.
	get := `printf 'GET /index.html HTTP/1.0\r\n\r\n' | nc -w 5 127.0.0.1 80 | tail -1`
	out := nook(t, "run", "--rm", "--network", "container:"+id[:12], img, "sh", "-c", "readlink /proc/self/ns/net && echo $(ls /sys/class/net) && "+get).Ok().Stdout()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || lines[0] != want || lines[1] != "lo tap0" || !strings.Contains(lines[2], "hello") {
		t.Fatalf("joined by ID: netns, interfaces, page =\n%s\nwant %s, \"lo tap0\", the target's index.html", out, want)
	}
}

func TestNetwork_ContainerErrors(t *testing.T) {
	img := busyboxImage(t)
	target := containerName(t)
	nook(t, "create", "--name", target, "--network", "none", img, "sleep", "300").Ok()
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, "--network", "container:"+target, img, "true").Exit(125).
		StderrContains("cannot join network of a non running container", "nook start "+target)
	nook(t, "run", "--rm", "--network", "container:"+target, img, "true").Exit(125).
		StderrContains("cannot join network of a non running container")
	missing, self := containerName(t), containerName(t)
	nook(t, "run", "--rm", "--name", self, "--network", "container:"+missing, img, "true").Exit(125).
		StderrContains("No such container: " + missing)
	noContainer(t, self)
	nook(t, "run", "--rm", "--name", self, "--network", "container:"+self, img, "true").Exit(125).
		StderrContains("cannot join own network")
	noContainer(t, self)
	for flag, want := range map[string][]string{
		"hostname": {"-h", "x"}, "dns": {"--dns", "1.1.1.1"},
		"custom host-to-IP mapping": {"--add-host", "a:1.2.3.4"},
		"port publishing":           {"-p", "8080:80"},
	} {
		args := append(append([]string{"run", "--rm", "--network", "container:" + target}, want...), img, "true")
		nook(t, args...).Exit(125).StderrContains("conflicting options: " + flag)
	}
	nook(t, "run", "--rm", "--network", "container:", img, "true").Exit(125).StderrContains("container:<name|id>")
}
