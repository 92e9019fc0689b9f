package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun_Env(t *testing.T) {
	img := busyboxImage(t)
	t.Run("default PATH", func(t *testing.T) {
		nook(t, "run", "--rm", img, "sh", "-c", "echo $PATH").Ok().
			StdoutIs("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	})
	t.Run("-e sets variables", func(t *testing.T) {
		nook(t, "run", "--rm", "-e", "FOO=bar baz", "-e", "EMPTY=", img, "sh", "-c", `echo "$FOO|${EMPTY-unset}"`).
			Ok().StdoutIs("bar baz|")
	})
	t.Run("-e NAME passes the caller's value", func(t *testing.T) {
		newCmd(t).WithEnv("NOOK_E2E_PASS=from-host").
			Run("run", "--rm", "-e", "NOOK_E2E_PASS", img, "sh", "-c", "echo $NOOK_E2E_PASS").
			Ok().StdoutIs("from-host")
	})
	t.Run("--env-file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "env")
		if err := os.WriteFile(f, []byte("# comment\nA=1\n\nB=two words\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		nook(t, "run", "--rm", "--env-file", f, "-e", "A=override", img, "sh", "-c", `echo "$A|$B"`).
			Ok().StdoutIs("override|two words")
	})
	t.Run("HOME and HOSTNAME", func(t *testing.T) {
		nook(t, "run", "--rm", "--hostname", "h1", img, "sh", "-c", `echo "$HOME|$HOSTNAME"`).
			Ok().StdoutIs("/root|h1")
	})
}

func TestRun_Workdir(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", img, "pwd").Ok().StdoutIs("/")
	nook(t, "run", "--rm", "-w", "/tmp", img, "pwd").Ok().StdoutIs("/tmp")
	// Docker creates a missing working directory.
	nook(t, "run", "--rm", "-w", "/new/dir", img, "pwd").Ok().StdoutIs("/new/dir")
	// and refuses a relative one (daemon's verifyContainerSettings), 125.
	nook(t, "run", "--rm", "-w", "relative", img, "pwd").Exit(125).
		StderrContains("the working directory 'relative' is invalid, it needs to be an absolute path")
}

func TestRun_User(t *testing.T) {
	img := busyboxImage(t)
	cases := []struct{ user, want string }{
		// Only uid and gid: supplementary groups come from /etc/group
		// membership, and the fixture lists no members.
		{"1000", "uid=1000(app) gid=1000(app)"},
		{"app", "uid=1000(app) gid=1000(app)"},
		{"1000:0", "uid=1000(app) gid=0(root)"},
		{"nobody", "uid=65534(nobody) gid=65534(nogroup)"},
		{"4242:4242", "uid=4242 gid=4242"},
	}
	for _, tc := range cases {
		t.Run(tc.user, func(t *testing.T) {
			got := nook(t, "run", "--rm", "-u", tc.user, img, "id").Ok().Line()
			if !strings.HasPrefix(got, tc.want) {
				t.Fatalf("-u %s: id printed %q, want prefix %q", tc.user, got, tc.want)
			}
		})
	}
	t.Run("unknown user name", func(t *testing.T) {
		nook(t, "run", "--rm", "-u", "nosuchuser", img, "id").Fails()
	})
}

func TestRun_Entrypoint(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", "--entrypoint", "echo", img, "hello", "world").Ok().StdoutIs("hello world")
	nook(t, "run", "--rm", "--entrypoint", "/bin/hostname", "--hostname", "ep", img).Ok().StdoutIs("ep")
}

func TestRun_ReadOnly(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", "--read-only", img, "touch", "/x").Fails()
	r := nook(t, "run", "--rm", "--read-only", img, "sh", "-c", "touch /x 2>&1; echo status=$?")
	r.Ok()
	if !strings.Contains(r.Stdout(), "Read-only file system") || !strings.Contains(r.Stdout(), "status=1") {
		r.Fatalf("write to / under --read-only did not fail with EROFS")
	}
	// Without --read-only the same write works.
	nook(t, "run", "--rm", img, "touch", "/x").Ok()
}

func TestRun_Stdin(t *testing.T) {
	img := busyboxImage(t)
	newCmd(t).WithStdin(strings.NewReader("hello stdin\n")).
		Run("run", "--rm", "-i", img, "cat").Ok().StdoutIs("hello stdin")
	// Without -i the container's stdin is not the caller's.
	newCmd(t).WithStdin(strings.NewReader("not forwarded\n")).
		Run("run", "--rm", img, "cat").Ok().StdoutIs("")
}

func TestRun_Devices(t *testing.T) {
	img := busyboxImage(t)
	out := nook(t, "run", "--rm", img, "ls", "/dev").Ok().Stdout()
	for _, d := range []string{"null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue"} {
		if !strings.Contains("\n"+out, "\n"+d+"\n") {
			t.Errorf("/dev lacks %s; it has:\n%s", d, out)
		}
	}
	nook(t, "run", "--rm", img, "sh", "-c", "echo x > /dev/null && head -c 4 /dev/zero | wc -c").Ok().StdoutIs("4")
}

func TestRun_EtcFiles(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", "--hostname", "etc1", img, "cat", "/etc/hostname").Ok().StdoutIs("etc1")
	nook(t, "run", "--rm", "--hostname", "etc1", img, "grep", "-c", "localhost", "/etc/hosts").Ok()
	nook(t, "run", "--rm", img, "test", "-f", "/etc/resolv.conf").Ok()
}

func TestRun_NetworkNone(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", "--network", "none", img, "ls", "/sys/class/net").Ok().StdoutIs("lo")
}

func TestRun_NetworkHost(t *testing.T) {
	img := busyboxImage(t)
	host, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	nook(t, "run", "--rm", "--network", "host", img, "readlink", "/proc/self/ns/net").Ok().StdoutIs(host)
}
