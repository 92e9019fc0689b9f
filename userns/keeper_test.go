package userns

import (
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestKeeperRecord_AliveForLiveProcess(t *testing.T) {
	rec, err := recordFor(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Alive() {
		t.Fatal("Alive() = false for the test process itself")
	}
	rec.UsernsIno++
	if rec.Alive() {
		t.Fatal("Alive() = true for a wrong namespace inode")
	}
}

// A killed keeper that init has not reaped yet is a zombie: its namespace
// files cannot be joined, so it must count as dead.
func TestKeeperRecord_ZombieIsDead(t *testing.T) {
	cmd := osexec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("sleep: %v", err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() { cmd.Wait() })
	rec, err := recordFor(pid)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Alive() {
		t.Fatal("Alive() = false for a running process")
	}
	syscall.Kill(pid, syscall.SIGKILL)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile("/proc/" + itoa(pid) + "/stat")
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && len(b) > i+2 && b[i+2] == 'Z' {
			break
		}
	}
	if rec.Alive() {
		t.Fatal("Alive() = true for a zombie")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
