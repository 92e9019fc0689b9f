package helperexe

import (
	"os"
	"strings"
	"testing"
)

func TestEnvAddsProtocolWithoutTouchingTheCallersSlice(t *testing.T) {
	base := make([]string, 1, 4)
	base[0] = "A=1"
	got := Env(base)
	if len(got) != 2 || got[1] != protocolEnv+"="+Protocol {
		t.Fatalf("Env = %q", got)
	}
	if again := Env(base); &again[0] == &got[0] {
		t.Fatal("Env appended into the caller's backing array")
	}
}

func TestCheckProtocol(t *testing.T) {
	t.Setenv(protocolEnv, Protocol)
	if err := CheckProtocol(); err != nil {
		t.Fatalf("matching protocol refused: %v", err)
	}
	t.Setenv(protocolEnv, "0")
	err := CheckProtocol()
	if err == nil || !strings.Contains(err.Error(), "another nook build") {
		t.Fatalf("mismatch not reported clearly: %v", err)
	}
}

func TestPathFallsBackToSelf(t *testing.T) {
	// The test binary has no nook-runtime next to it.
	exe, _ := os.Executable()
	if _, err := os.Stat(exe[:strings.LastIndexByte(exe, '/')+1] + Name); err == nil {
		t.Skip("a nook-runtime sits next to the test binary")
	}
	if p := Path(); p != "/proc/self/exe" {
		t.Fatalf("Path = %q, want the fallback /proc/self/exe", p)
	}
}
