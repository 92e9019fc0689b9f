package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// docker stop/restart -s SIG (Docker 23+) send SIG instead of the stop
// signal; a bad name fails without stopping anything.
func TestStop_SignalFlag(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sh", "-c", "trap 'echo got-hup; exit 7' HUP; while :; do sleep 0.1; done").Ok()
	defer nook(t, "rm", "-f", name)
	nook(t, "stop", "-s", "BOGUS", name).Exit(1).StderrContains("BOGUS")
	nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().StdoutIs("running")
	nook(t, "stop", "-t", "20", "--signal", "HUP", name).Ok().StdoutIs(name)
	nook(t, "inspect", "-f", "{{.State.ExitCode}}", name).Ok().StdoutIs("7")
	nook(t, "logs", name).Ok().StdoutIs("got-hup")
	nook(t, "restart", "-s", "SIGHUP", "-t", "20", name).Ok().StdoutIs(name)
	nook(t, "inspect", "-f", "{{.State.Status}}", name).Ok().StdoutIs("running")
}

// cp into a container directory that does not exist names the container
// path, never the host path under nook's storage.
func TestCp_MissingContainerDirNamesContainerPath(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "create", "--name", name, img, "true").Ok()
	defer nook(t, "rm", "-f", name)
	src := filepath.Join(t.TempDir(), "f.txt")
	if err := os.WriteFile(src, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for dst, dir := range map[string]string{"/nodir/sub/": "/nodir/sub", "/nodir/x": "/nodir"} {
		r := nook(t, "cp", src, name+":"+dst).Exit(1).StderrContains("Could not find the file " + dir + " in container " + name)
		if strings.Contains(r.Stderr(), "/storage/") {
			t.Fatalf("cp error leaks a storage path: %s", r.Stderr())
		}
	}
}

// exec -w of a missing directory fails as in Docker (runc's chdir error),
// where run -w creates it; exec must not change the container's files.
func TestExec_WorkdirMissingFails(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, "-w", "/made/by/run", img, "sleep", "300").Ok()
	defer nook(t, "rm", "-f", name)
	nook(t, "exec", name, "pwd").Ok().StdoutIs("/made/by/run")
	nook(t, "exec", "-w", "/nonexistent", name, "pwd").Exit(126).StderrContains(`chdir to cwd ("/nonexistent")`, "no such file or directory")
	nook(t, "exec", name, "test", "-e", "/nonexistent").Exit(1)
}

// logs -t prints Docker's fixed nine-digit timestamps; --details is
// accepted (a space stands for the empty attribute list).
func TestLogs_TimestampsAndDetails(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sh", "-c", "echo a; echo b").Ok()
	defer nook(t, "rm", "-f", name)
	nook(t, "wait", name).Ok().StdoutIs("0")
	nook(t, "logs", "-t", name).Ok().StdoutMatches(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z [ab]\n){2}$`)
	nook(t, "logs", "--details", "--tail", "1", name).Ok().StdoutMatches(`^ b\n$`)
}

// exec -t without -i needs no terminal on stdin (docker/cli CheckTty):
// the process gets a pty and its output arrives with CRLF line ends.
func TestExec_TtyWithoutInteractive(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	defer nook(t, "rm", "-f", name)
	nook(t, "exec", "-t", name, "sh", "-c", "echo hi; tty").Ok().StdoutMatches(`^hi\r\n/dev/pts/\d+\r\n$`)
	nook(t, "exec", "-it", name, "true").Exit(1).StderrContains("the input device is not a TTY")
}

// An empty name ("$UNSET" in a script) names no container, even when the
// store holds exactly one (an empty prefix matched it); diff and export
// without an argument are usage errors, not a diff or tar of that one.
func TestEmptyRefNamesNothing(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	name := s.containerName()
	s.Run("create", "--name", name, img, "true").Ok()
	for _, args := range [][]string{{"rm", ""}, {"stop", ""}, {"logs", ""}, {"diff", ""}, {"export", ""}, {"inspect", "--type", "container", ""}} {
		s.Run(args...).Exit(1).StderrContains("No such container")
	}
	s.Run("diff").Exit(1).StderrContains(`"nook diff" requires exactly 1 argument.`)
	s.Run("export").Exit(1).StderrContains(`"nook export" requires exactly 1 argument.`)
	s.Run("container", "inspect").Exit(1).StderrContains("requires at least 1 argument")
	s.Run("rmi").Exit(1).StderrContains(`"nook rmi" requires at least 1 argument.`)
	s.Run("inspect", "-f", "{{.Name}}", name).Ok().StdoutIs("/" + name)
}

// inspect -s adds SizeRw and SizeRootFs; without it they are absent from
// the JSON and render as <nil>, as Docker's *int64 fields.
func TestInspect_Size(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "--name", name, img, "sh", "-c", "echo hello > /file").Ok()
	defer nook(t, "rm", "-f", name)
	for _, cmd := range [][]string{{"inspect", "-s"}, {"container", "inspect", "--size"}} {
		nook(t, append(cmd, "-f", "{{.SizeRw}} {{.SizeRootFs}}", name)...).Ok().StdoutMatches(`^[1-9][0-9]* [1-9][0-9]{5,}\n$`)
	}
	nook(t, "inspect", "-f", "{{.SizeRw}}", name).Ok().StdoutIs("<nil>")
	if out := nook(t, "inspect", name).Ok().Stdout(); strings.Contains(out, "SizeRw") {
		t.Fatalf("inspect without -s must not carry SizeRw")
	}
}

// diff leaves out nook's own bind targets (/etc/hostname, hosts,
// resolv.conf; Docker keeps them in its init layer): a fresh container
// shows no change, a real one under /etc still shows with C /etc.
func TestDiff_HidesEtcMountTargets(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok()
	defer nook(t, "rm", "-f", name)
	nook(t, "diff", name).Ok().StdoutIs("")
	nook(t, "exec", name, "sh", "-c", "echo 1.2.3.4 x >> /etc/hosts; touch /etc/newfile").Ok()
	nook(t, "diff", name).Ok().StdoutIs("C /etc\nA /etc/newfile")
}

// cp out of /etc/hostname (hosts, resolv.conf) gives what the container
// sees there, the bind-mounted file, not the empty target in the layer.
func TestCp_EtcMountedFiles(t *testing.T) {
	img := busyboxImage(t)
	name := containerName(t)
	id := nook(t, "run", "-d", "--name", name, img, "sleep", "300").Ok().Line()
	defer nook(t, "rm", "-f", name)
	dst := filepath.Join(t.TempDir(), "hn")
	nook(t, "cp", name+":/etc/hostname", dst).Ok()
	if b, _ := os.ReadFile(dst); string(b) != id[:12]+"\n" {
		t.Fatalf("cp /etc/hostname: %q, want %q", b, id[:12]+"\n")
	}
	nook(t, "cp", name+":/etc/hosts", "-").Ok().StdoutMatches(`hosts`)
}

// --expose adds to Config.ExposedPorts (ranges expanded), shows in PORTS
// and ps -f expose=, and -P publishes it.
func TestRun_Expose(t *testing.T) {
	img := busyboxImage(t)
	name, pub := containerName(t), containerName(t)
	nook(t, "create", "--name", name, "--expose", "9000", "--expose", "7000-7001/udp", img, "true").Ok()
	defer nook(t, "rm", "-f", name)
	nook(t, "inspect", "-f", "{{json .Config.ExposedPorts}}", name).Ok().StdoutIs(`{"7000/udp":{},"7001/udp":{},"9000/tcp":{}}`)
	nook(t, "ps", "-a", "-f", "name=^"+name+"$", "--format", "{{.Ports}}").Ok().StdoutIs("7000-7001/udp, 9000/tcp")
	nook(t, "ps", "-a", "-f", "expose=7001/udp", "--format", "{{.Names}}").Ok().StdoutMatches(`(?m)^` + name + `$`)
	nook(t, "run", "-d", "--name", pub, "-P", "--expose", "9000", img, "sleep", "300").Ok()
	defer nook(t, "rm", "-f", pub)
	nook(t, "port", pub, "9000").Ok().StdoutMatches(`^0\.0\.0\.0:[1-9][0-9]*\n$`)
	nook(t, "create", "--expose", "abc", img, "true").Exit(125).StderrContains("invalid range format for --expose: abc")
}
