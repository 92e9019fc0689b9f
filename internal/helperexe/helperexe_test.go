package helperexe

import (
	"os"
	"path/filepath"
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

func TestMonitorNextToRuntime(t *testing.T) {
	dir := t.TempDir()
	rt := filepath.Join(dir, Name)
	if got := monitorNextTo(rt); got != rt {
		t.Fatalf("without nook-monitor: %q, want the runtime %q", got, rt)
	}
	mon := filepath.Join(dir, MonitorName)
	if err := os.WriteFile(mon, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := monitorNextTo(rt); got != rt {
		t.Fatalf("with a non-executable nook-monitor: %q, want %q", got, rt)
	}
	if err := os.Chmod(mon, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := monitorNextTo(rt); got != mon {
		t.Fatalf("with nook-monitor installed: %q, want %q", got, mon)
	}
	// Without nook-runtime, nook-monitor could not start _init: the
	// fallback re-executes nook itself.
	if got := monitorNextTo("/proc/self/exe"); got != "/proc/self/exe" {
		t.Fatalf("fallback: %q", got)
	}
}
