package e2e

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The README's 5-minute tour, step by step, in an isolated store (the tour
// names its containers hello and vol, and ends with an empty store).

// DebianFlask: the Debian bookworm + python3-flask rootfs tar that
// tests/setup.sh builds in the fixtures (tests/fixtures/debian-base.sh).
var DebianFlask = Requirement{"DebianFlask", func() string {
	p := filepath.Join(fixturesDir, "debian-flask-bookworm.tar")
	if _, err := os.Stat(p); err != nil {
		return fmt.Sprintf("%v: run tests/setup.sh as root (it builds the tar with tests/fixtures/debian-base.sh, which needs deb.debian.org)", err)
	}
	return ""
}}

// exampleDir is examples/NAME of the checkout: $NOOK_EXAMPLES/NAME (set by
// tests/e2e-run.sh, which copies examples/ next to the test binary), else
// ../../examples/NAME (go test's working directory is the package's).
func exampleDir(t *testing.T, name string) string {
	t.Helper()
	base := os.Getenv("NOOK_EXAMPLES")
	if base == "" {
		base = filepath.Join("..", "..", "examples")
	}
	dir, _ := filepath.Abs(filepath.Join(base, name))
	requires(t, Requirement{"Example" + name, func() string {
		if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil {
			return fmt.Sprintf("%v (set NOOK_EXAMPLES to the checkout's examples directory)", err)
		}
		return ""
	}})
	return dir
}

func TestTour_HelloWorld(t *testing.T) {
	requires(t, Slirp4netns, SubIDs, DebianFlask, Requirement{"Curl", command("curl", "curl")})
	example := exampleDir(t, "helloworld")
	s := shortRunStore(t)
	slow := s.WithTimeout(5 * time.Minute)

	s.Run("doctor").Ok().StdoutMatches(`All required checks passed`)
	slow.Run("import", filepath.Join(fixturesDir, "debian-flask-bookworm.tar"), "debian-flask:bookworm").Ok()

	// nook build -t helloworld examples/helloworld
	b := slow.Run("build", "-t", "helloworld", example).Ok()
	if !regexp.MustCompile(`flask \d+\.\d+`).MatchString(b.Combined()) {
		b.Fatalf("the build's RUN step did not print the flask version")
	}
	cfg := s.Run("image", "inspect", "--format",
		`{{json .Config.Cmd}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}} {{json .Config.Env}}`, "helloworld").Ok().Line()
	for _, want := range []string{`["python3","app.py"]`, " /app ", `"80/tcp":{}`, `NAME=MyWorld`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("image config %s lacks %s", cfg, want)
		}
	}

	// nook run -d -p PORT:80 --name hello helloworld; curl http://localhost:PORT
	port := freePort(t)
	id := s.Run("run", "-d", "-p", fmt.Sprintf("%d:80", port), "--name", "hello", "helloworld").Ok().Line()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(id) {
		t.Fatalf("run -d printed %q, want a 64-hex container id", id)
	}
	short := id[:12]
	body := curlRetry(t, fmt.Sprintf("http://localhost:%d", port))
	if !strings.Contains(body, "<h3>Hello MyWorld!</h3>") {
		t.Errorf("curl body %q lacks <h3>Hello MyWorld!</h3> (ENV NAME=MyWorld)", body)
	}
	if m := regexp.MustCompile(`<b>Hostname:</b> ([^<]*)<br/>`).FindStringSubmatch(body); m == nil || m[1] != short {
		t.Errorf("curl body %q: hostname is not the short container id %s", body, short)
	}

	checkTourPs(t, s, short, port)

	// nook exec hello python3 -c 'import flask; print(flask.__version__)'
	s.Run("exec", "hello", "python3", "-c", "import flask; print(flask.__version__)").Ok().StdoutMatches(`^\d+\.\d+(\.\d+)?\n$`)
	s.Run("exec", "hello", "hostname").Ok().StdoutIs(short)

	pid := checkTourNamespaces(t, s)
	slirp := slirpPidsFor(t, pid)
	if len(slirp) == 0 {
		t.Errorf("no slirp4netns process serves container pid %d", pid)
	}

	vol := checkTourVolume(t, s)

	// nook rm -f -v hello vol: nothing is left behind.
	s.Run("rm", "-f", "-v", "hello", "vol").Ok().StdoutIs("hello\nvol")
	s.Run("ps", "-a", "-q").Ok().StdoutIs("")
	if out := s.Run("volume", "ls", "-q").Ok().Line(); out != "" {
		t.Errorf("rm -v left volumes: %q", out)
	}
	if _, err := os.Stat(filepath.Join(s.DataHome, "nook", "volumes", vol)); !os.IsNotExist(err) {
		t.Errorf("the anonymous volume's directory is still on the host (stat: %v)", err)
	}
	waitFor(t, 10*time.Second, "the container and its slirp4netns to exit", func() bool {
		for _, p := range append(slirp, pid) {
			if syscall.Kill(p, 0) == nil && !isZombie(p) {
				return false
			}
		}
		return true
	})
	if left := slirpPidsFor(t, pid); len(left) > 0 {
		t.Errorf("slirp4netns processes left for pid %d: %v", pid, left)
	}
}

// shortRunStore is a freshStore whose XDG_RUNTIME_DIR has a short path
// like /run/user/UID: the port forwarder's unix socket lives at
// RUNDIR/nook/containers/<64 hex>/.bp.sock, and a socket path is limited to
// 108 bytes. Its cleanup is registered first so that it runs last, after
// the store's has read the keeper record from it.
func shortRunStore(t *testing.T) *Store {
	t.Helper()
	rd, err := os.MkdirTemp("/tmp", "nk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rd) })
	s := freshStore(t)
	s.Cmd = s.Cmd.WithEnv("XDG_RUNTIME_DIR=" + rd)
	s.RuntimeDir = rd
	return s
}

// curlRetry runs the tour's `curl http://localhost:PORT` until the app
// answers (Flask needs a moment to start listening).
func curlRetry(t *testing.T, url string) string {
	t.Helper()
	var out []byte
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		out, err = osexec.Command("curl", "-fsS", "--max-time", "5", url).CombinedOutput()
		if err == nil {
			return string(out)
		}
	}
	t.Fatalf("curl %s: %v: %s", url, err, out)
	return ""
}

// checkTourPs checks the single row of `nook ps` column by column.
func checkTourPs(t *testing.T, s *Store, short string, port int) {
	t.Helper()
	r := s.Run("ps").Ok()
	lines := strings.Split(strings.TrimRight(r.Stdout(), "\n"), "\n")
	if len(lines) != 2 {
		r.Fatalf("ps: want a header and one row")
	}
	header, row := lines[0], lines[1]
	cols := []string{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"}
	var at []int
	for _, c := range cols {
		i := strings.Index(header, c)
		if i < 0 || (len(at) > 0 && i <= at[len(at)-1]) {
			r.Fatalf("ps header lacks column %q in Docker's order", c)
		}
		at = append(at, i)
	}
	got := map[string]string{}
	for i, c := range cols {
		end := len(row)
		if i+1 < len(at) {
			end = min(at[i+1], len(row))
		}
		got[c] = strings.TrimSpace(row[min(at[i], len(row)):end])
	}
	want := map[string]string{
		"CONTAINER ID": short, "IMAGE": "helloworld", "COMMAND": `"python3 app.py"`,
		"PORTS": fmt.Sprintf("0.0.0.0:%d->80/tcp", port), "NAMES": "hello",
	}
	for c, w := range want {
		if got[c] != w {
			t.Errorf("ps %s: got %q, want %q\n%s", c, got[c], w, r.Stdout())
		}
	}
	if !regexp.MustCompile(`^Up `).MatchString(got["STATUS"]) {
		t.Errorf("ps STATUS %q, want Up ...", got["STATUS"])
	}
}

// checkTourNamespaces: inspect's pid is an ordinary host process of the
// caller, and a process started by exec is in exactly its namespaces,
// none of which is the host's.
func checkTourNamespaces(t *testing.T, s *Store) int {
	t.Helper()
	pid, err := strconv.Atoi(s.Run("inspect", "--format", "{{.State.Pid}}", "hello").Ok().Line())
	if err != nil || pid <= 0 {
		t.Fatalf("inspect --format {{.State.Pid}}: %v", err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(fmt.Sprintf("/proc/%d", pid), &st); err != nil || int(st.Uid) != os.Getuid() {
		t.Errorf("/proc/%d: %v, owner %d: want a process of uid %d", pid, err, st.Uid, os.Getuid())
	}
	names := []string{"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"}
	inside := strings.Fields(s.Run("exec", "hello", "sh", "-c",
		"for n in "+strings.Join(names, " ")+"; do readlink /proc/self/ns/$n; done").Ok().Stdout())
	if len(inside) != len(names) {
		t.Fatalf("exec readlink printed %q", inside)
	}
	for i, n := range names {
		ctr, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, n))
		if err != nil {
			t.Errorf("ls -l /proc/%d/ns: %v", pid, err)
			continue
		}
		if ctr != inside[i] {
			t.Errorf("%s: /proc/%d/ns has %s, an exec'd process %s", n, pid, ctr, inside[i])
		}
		if host, _ := os.Readlink("/proc/self/ns/" + n); host == ctr {
			t.Errorf("%s: the container shares the host's namespace %s", n, ctr)
		}
	}
	return pid
}

// checkTourVolume: `-v /test` makes an anonymous volume; a file touched
// through exec is in its _data on the host, volume ls lists it, and commit
// does not carry it.
func checkTourVolume(t *testing.T, s *Store) string {
	t.Helper()
	s.Run("run", "-d", "-v", "/test", "--name", "vol", "helloworld", "sleep", "infinity").Ok()
	s.Run("exec", "vol", "touch", "/test/hello").Ok()
	vol := s.Run("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", "vol").Ok().Line()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(vol) {
		t.Fatalf("anonymous volume name %q", vol)
	}
	ls := s.Run("volume", "ls").Ok().Stdout()
	if !regexp.MustCompile(`(?m)^local\s+` + vol + `$`).MatchString(ls) {
		t.Errorf("volume ls does not list %s:\n%s", vol, ls)
	}
	data := filepath.Join(s.DataHome, "nook", "volumes", vol, "_data")
	s.Run("volume", "inspect", "--format", "{{.Mountpoint}}", vol).Ok().StdoutIs(data)
	if st, err := os.Stat(filepath.Join(data, "hello")); err != nil {
		t.Errorf("the file touched in the container is not on the host: %v", err)
	} else if uid := st.Sys().(*syscall.Stat_t).Uid; int(uid) != os.Getuid() {
		t.Errorf("%s/hello is owned by %d: container root must be uid %d on the host", data, uid, os.Getuid())
	}
	s.Run("commit", "vol", "tour-committed").Ok().StdoutMatches(`^sha256:[0-9a-f]{64}\n$`)
	// The README's `nook run --rm snapshot ls /test`: empty.
	s.Run("run", "--rm", "tour-committed", "ls", "-A", "/test").Ok().StdoutIs("")
	s.Run("rmi", "tour-committed").Ok()
	return vol
}

// slirpPidsFor lists the slirp4netns processes serving the network
// namespace of pid (their command line ends with "PID tap0").
func slirpPidsFor(t *testing.T, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	suffix := fmt.Sprintf("\x00%d\x00tap0\x00", pid)
	var out []int
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.HasSuffix(string(b), suffix) || !strings.Contains(string(b), "slirp4netns") || isZombie(n) {
			continue
		}
		out = append(out, n)
	}
	return out
}
