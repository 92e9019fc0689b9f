package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// LocalRegistry is a docker-registry (distribution 2.8) serving on loopback for
// one test, with its storage under $HOME.
type LocalRegistry struct {
	Addr     string // 127.0.0.1:PORT
	User     string // set when started with auth
	Password string
	Dir      string
}

// RegistryOptions selects what startRegistry sets up.
type RegistryOptions struct {
	// Auth turns on htpasswd (bcrypt) basic auth with a generated password.
	Auth bool
}

// startRegistry starts a registry for this test and stops it (by its pid)
// when the test ends. It needs the Registry requirement.
func startRegistry(t testing.TB, opts RegistryOptions) *LocalRegistry {
	t.Helper()
	requires(t, Registry)
	home, _ := os.UserHomeDir()
	r := &LocalRegistry{Dir: filepath.Join(home, "e2e-stores", uniqueName(t, "reg"))}
	if err := os.MkdirAll(filepath.Join(r.Dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(r.Dir) })
	r.Addr = freeLoopbackAddr(t)
	cfg := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n",
		filepath.Join(r.Dir, "data"), r.Addr)
	if opts.Auth {
		r.User, r.Password = "e2e", uniqueName(t, "pw")
		out, err := osexec.Command("htpasswd", "-Bbn", r.User, r.Password).Output()
		if err != nil {
			t.Fatalf("htpasswd: %v", err)
		}
		htp := filepath.Join(r.Dir, "htpasswd")
		if err := os.WriteFile(htp, out, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg += fmt.Sprintf("auth:\n  htpasswd:\n    realm: e2e\n    path: %s\n", htp)
	}
	conf := filepath.Join(r.Dir, "config.yml")
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r.serve(t, conf)
	return r
}

// serve starts the registry process and waits until /v2/ answers.
func (r *LocalRegistry) serve(t testing.TB, conf string) {
	t.Helper()
	cmd := osexec.Command("docker-registry", "serve", conf)
	logf, err := os.Create(filepath.Join(r.Dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start docker-registry: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + r.Addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(r.Dir, "registry.log"))
	t.Fatalf("docker-registry on %s did not answer /v2/ within 15s; log:\n%s", r.Addr, log)
}

// Ref returns a reference to repo:tag in this registry.
func (r *LocalRegistry) Ref(repoTag string) string {
	return r.Addr + "/" + strings.TrimPrefix(repoTag, "/")
}

// freeLoopbackAddr asks the kernel for a free port on 127.0.0.1.
func freeLoopbackAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
