package procstat

import (
	"os"
	"os/exec"
	"testing"
)

func TestStartTimeNamesOneProcess(t *testing.T) {
	self, err := StartTime(os.Getpid())
	if err != nil || self == "" {
		t.Fatalf("StartTime(self) = %q, %v", self, err)
	}
	again, _ := StartTime(os.Getpid())
	if again != self {
		t.Fatalf("StartTime(self) changed: %q then %q", self, again)
	}
	// A child started later has a start time no smaller than ours.
	cmd := exec.Command("sleep", "1")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep binary:", err)
	}
	defer cmd.Wait()
	child, err := StartTime(cmd.Process.Pid)
	if err != nil || len(child) < len(self) || (len(child) == len(self) && child < self) {
		t.Fatalf("child start %q, self %q, err %v", child, self, err)
	}
	cmd.Process.Kill()
}

func TestStartTimeOfMissingProcess(t *testing.T) {
	if _, err := StartTime(1 << 30); err == nil {
		t.Fatal("no error for a pid that cannot exist")
	}
}
