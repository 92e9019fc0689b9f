package e2e

import (
	"encoding/json"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// assertNothingStored checks that a failed pull left no image, no layer
// and no staged blob in the store s (which had none before).
func assertNothingStored(t *testing.T, s *Store) {
	t.Helper()
	s.Run("images", "-a", "-q").Ok().StdoutIs("")
	files, _ := filepath.Glob(filepath.Join(s.StorageDir(), "*-layers", "layers.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var layers []json.RawMessage
		if err := json.Unmarshal(b, &layers); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(layers) != 0 {
			t.Fatalf("failed pull left %d layer(s) in %s:\n%s", len(layers), f, b)
		}
	}
	tmp, _ := os.ReadDir(filepath.Join(s.DataHome, "nook", "tmp"))
	for _, e := range tmp {
		t.Errorf("failed pull left %s in the temporary directory", e.Name())
	}
}

func TestPull_ManifestUnknown(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	repo := uniqueName(t, "e2e/bb")
	pushTo(t, newCmd(t), busyboxImage(t), reg.Ref(repo+":1"))
	s := freshStore(t)
	for _, ref := range []string{reg.Ref(repo + ":2"), reg.Ref(uniqueName(t, "e2e/none") + ":1")} {
		s.Run("pull", ref).Exit(1).StderrContains("Error: manifest for " + ref + " not found: manifest unknown")
	}
	assertNothingStored(t, s)
}

func TestPull_UnreachableRegistryFailsWithinBound(t *testing.T) {
	s := freshStore(t)
	closed := freeLoopbackAddr(t) + "/e2e/x:1"
	r := s.Run("pull", closed).Exit(1).StderrContains("is unreachable", "connection refused", "Hint: ")
	if r.Duration > 10*time.Second {
		r.Fatalf("a refused connection took %v", r.Duration)
	}
	// A registry that accepts and never answers: bounded by nook's 20 s
	// timeout for the first round trip, not by the test's.
	silent := silentServer(t) + "/e2e/x:1"
	r = s.WithTimeout(60*time.Second).Run("pull", silent).Exit(1).StderrContains("is unreachable")
	if r.Duration > 30*time.Second {
		r.Fatalf("pull from a silent registry took %v, want the 20 s bound", r.Duration)
	}
	assertNothingStored(t, s)
}

// A blob whose content does not match its digest is refused and nothing
// of the image is kept, also not the layers that arrived intact.
func TestPull_CorruptedBlobLeavesNothing(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/two") + ":1")
	pushTo(t, newCmd(t), twoLayerImage(t), ref)
	layers := layerDigests(t, reg, ref)
	proxy := startProxy(t, reg)
	proxy.corrupt = layers[len(layers)-1]
	s := freshStore(t)
	s.Run("pull", proxy.Ref(strings.TrimPrefix(ref, reg.Addr+"/"))).Exit(1).StderrContains("digest mismatch", "nothing was stored")
	assertNothingStored(t, s)
	proxy.corrupt = ""
	s.Run("pull", proxy.Ref(strings.TrimPrefix(ref, reg.Addr+"/"))).Ok()
}

// A write error mid-pull (the file size limit stands in for a full disk).
func TestPull_WriteErrorLeavesNothing(t *testing.T) {
	requires(t, Requirement{"prlimit", command("prlimit", "util-linux")})
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/bb") + ":1")
	pushTo(t, newCmd(t), busyboxImage(t), ref)
	s := freshStore(t)
	s.Run("images").Ok() // start the keeper without the limit
	cmd := osexec.Command("prlimit", "--fsize=300000", nookBin, "pull", ref)
	cmd.Env = append(os.Environ(), s.env...)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "file too large") || !strings.Contains(string(out), "nothing was kept") {
		t.Fatalf("pull with a 300 kB file size limit: %v, want an error naming the write failure:\n%s", err, out)
	}
	assertNothingStored(t, s)
}

// Ctrl-C mid-download stops the pull with status 130 and keeps nothing.
func TestPull_InterruptLeavesNothing(t *testing.T) {
	reg := startRegistry(t, RegistryOptions{})
	ref := reg.Ref(uniqueName(t, "e2e/bb") + ":1")
	pushTo(t, newCmd(t), busyboxImage(t), ref)
	proxy := startProxy(t, reg)
	proxy.slow = true
	s := freshStore(t)
	s.Run("images").Ok()
	r := s.Start("pull", proxy.Ref(strings.TrimPrefix(ref, reg.Addr+"/")))
	deadline := time.Now().Add(20 * time.Second)
	for proxy.TotalGets() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	r.Signal(syscall.SIGINT)
	r.Exit(130)
	assertNothingStored(t, s)
}
