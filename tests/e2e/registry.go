package e2e

import (
	"crypto/tls"
	"encoding/json"
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
	// CertDir holds only ca.crt (the self-signed certificate) when the
	// registry serves TLS, as --cert-dir wants it.
	CertDir string
}

// RegistryOptions selects what startRegistry sets up.
type RegistryOptions struct {
	// Auth turns on htpasswd (bcrypt) basic auth with a generated password.
	Auth bool
	// TLS serves HTTPS with a self-signed certificate for 127.0.0.1.
	TLS bool
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
	if opts.TLS {
		cert, key := selfSignedCert(t, r.Dir)
		cfg += fmt.Sprintf("  tls:\n    certificate: %s\n    key: %s\n", cert, key)
		r.CertDir = filepath.Join(r.Dir, "certs")
		copyFile(t, cert, filepath.Join(r.CertDir, "ca.crt"))
	}
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
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	for time.Now().Before(deadline) {
		resp, err := client.Get(r.URL() + "/v2/")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(r.Dir, "registry.log"))
	t.Fatalf("docker-registry on %s did not answer /v2/ within 15s; log:\n%s", r.Addr, log)
}

// URL is the registry's base URL (https with TLS).
func (r *LocalRegistry) URL() string {
	if r.CertDir != "" {
		return "https://" + r.Addr
	}
	return "http://" + r.Addr
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

// registryManifest is the part of an image manifest the tests read.
type registryManifest struct {
	Layers []struct {
		Digest string `json:"digest"`
	} `json:"layers"`
}

// fetchManifest GETs ref's manifest (Docker schema 2 or OCI) from r.
func fetchManifest(t testing.TB, r *LocalRegistry, ref string) registryManifest {
	t.Helper()
	rest := strings.TrimPrefix(ref, r.Addr+"/")
	repo, tag := rest, "latest"
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		repo, tag = rest[:i], rest[i+1:]
	}
	req, _ := http.NewRequest("GET", r.URL()+"/v2/"+repo+"/manifests/"+tag, nil)
	req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
	if r.User != "" {
		req.SetBasicAuth(r.User, r.Password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m registryManifest
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
		t.Fatalf("manifest of %s: %d %v", ref, resp.StatusCode, err)
	}
	return m
}
