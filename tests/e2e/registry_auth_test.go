package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A registry with htpasswd auth and a self-signed certificate: pull and
// push fail before login, work after; --tls-verify and --cert-dir decide
// whether the certificate is checked.
func TestRegistry_AuthAndTLS(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{Auth: true, TLS: true})
	s := freshStore(t)
	s.busybox(t)
	ref := reg.Ref("e2e/private:1")
	s.Run("tag", "busybox:latest", ref).Ok()

	s.Run("push", ref).Fails().StderrContains("nook login " + reg.Addr)
	s.Run("rmi", ref).Ok()
	s.Run("pull", ref).Fails().StderrContains("nook login " + reg.Addr)
	s.Run("login", "-u", reg.User, "-p", "wrong", reg.Addr).Fails().StderrContains("incorrect username or password")

	// Loopback registries are not verified by default, as in Docker.
	s.WithStdin(strings.NewReader(reg.Password+"\n")).Run("login", "-u", reg.User, "--password-stdin", reg.Addr).Ok().StdoutIs("Login Succeeded")
	auth, err := os.ReadFile(filepath.Join(s.RuntimeDir, "containers", "auth.json"))
	if err != nil || !strings.Contains(string(auth), reg.Addr) {
		t.Fatalf("credentials not in $XDG_RUNTIME_DIR/containers/auth.json: %v %s", err, auth)
	}
	s.Run("tag", "busybox:latest", ref).Ok()
	s.Run("push", ref).Ok()
	s.Run("rmi", ref).Ok()
	s.Run("pull", "--tls-verify=true", ref).Fails().StderrContains("x509", "--cert-dir")
	s.Run("pull", "--tls-verify=true", "--cert-dir", reg.CertDir, ref).Ok()
	s.Run("rmi", ref).Ok()
	s.Run("pull", "--tls-verify=false", ref).Ok()
	s.Run("run", "--rm", ref, "cat", "/www/index.html").Ok().StdoutIs("hello from nook")
	s.Run("login", "--tls-verify=true", "-u", reg.User, "-p", reg.Password, reg.Addr).Fails().StderrContains("x509")
	s.Run("login", "--tls-verify=true", "--cert-dir", reg.CertDir, "-u", reg.User, "-p", reg.Password, reg.Addr).Ok()

	s.Run("logout", reg.Addr).Ok().StdoutIs("Removing login credentials for " + reg.Addr)
	s.Run("logout", reg.Addr).Fails().StderrContains("not logged in")
	s.Run("rmi", ref).Ok()
	s.Run("pull", ref).Fails().StderrContains("nook login")

	// Docker's credentials file is read too.
	home := t.TempDir()
	cfg := `{"auths":{"` + reg.Addr + `":{"auth":"` + base64.StdEncoding.EncodeToString([]byte(reg.User+":"+reg.Password)) + `"}}}`
	copyFileContent(t, filepath.Join(home, ".docker", "config.json"), cfg)
	s.WithEnv("HOME="+home).Run("pull", ref).Ok()
}

// 401 from a registry that wants credentials, with Docker's exit status.
func TestPull_UnauthorizedWithoutLogin(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{Auth: true})
	s := freshStore(t)
	r := s.Run("pull", reg.Ref("e2e/secret:1")).Exit(1)
	r.StderrContains("Error: ", "e2e/secret:1", "nook login "+reg.Addr)
	s.Run("images", "-q").Ok().StdoutIs("")
}

func copyFileContent(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
