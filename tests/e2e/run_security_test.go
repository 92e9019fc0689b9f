package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// dockerDefaultCaps is Docker's default capability set as a CapEff mask:
// CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
// NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP.
const dockerDefaultCaps = "00000000a80425fb"

func capEff(t *testing.T, args ...string) string {
	t.Helper()
	r := nook(t, append(append([]string{"run", "--rm"}, args...), "grep", "CapEff", "/proc/self/status")...).Ok()
	f := strings.Fields(r.Line())
	if len(f) != 2 {
		r.Fatalf("unexpected CapEff line")
	}
	return f[1]
}

func allCaps(t *testing.T) string {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		t.Fatal(err)
	}
	last, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%016x", uint64(1)<<(last+1)-1)
}

func TestRun_Capabilities(t *testing.T) {
	img := busyboxImage(t)
	t.Run("default set is Docker's", func(t *testing.T) {
		if got := capEff(t, img); got != dockerDefaultCaps {
			t.Fatalf("CapEff %s, want %s", got, dockerDefaultCaps)
		}
	})
	t.Run("--cap-drop CHOWN", func(t *testing.T) {
		if got := capEff(t, "--cap-drop", "CHOWN", img); got != "00000000a80425fa" {
			t.Fatalf("CapEff %s, want 00000000a80425fa", got)
		}
		nook(t, "run", "--rm", "--cap-drop", "CHOWN", img, "chown", "1000", "/tmp").Fails()
	})
	t.Run("--cap-add NET_ADMIN", func(t *testing.T) {
		if got := capEff(t, "--cap-add", "NET_ADMIN", img); got != "00000000a80435fb" {
			t.Fatalf("CapEff %s, want 00000000a80435fb", got)
		}
	})
	t.Run("--cap-drop ALL", func(t *testing.T) {
		if got := capEff(t, "--cap-drop", "ALL", img); got != "0000000000000000" {
			t.Fatalf("CapEff %s, want 0", got)
		}
	})
	t.Run("--privileged has every capability", func(t *testing.T) {
		if got, want := capEff(t, "--privileged", img), allCaps(t); got != want {
			t.Fatalf("CapEff %s, want %s", got, want)
		}
	})
}

func TestRun_NoNewPrivs(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "run", "--rm", img, "sh", "-c", "grep NoNewPrivs /proc/self/status | tr -s '\\t ' ' '").
		Ok().StdoutIs("NoNewPrivs: 1")
}

func TestRun_MaskedPaths(t *testing.T) {
	img := busyboxImage(t)
	for _, p := range []string{"/proc/kcore", "/proc/keys", "/proc/timer_list"} {
		nook(t, "run", "--rm", img, "sh", "-c", "test ! -e "+p+" || wc -c < "+p).Ok().StdoutMatches(`^(0\n)?$`)
	}
	nook(t, "run", "--rm", img, "sh", "-c", "ls -A /sys/firmware 2>/dev/null | wc -l").Ok().StdoutIs("0")
	// Read-only paths refuse writes even to root inside.
	nook(t, "run", "--rm", img, "sh", "-c", "echo 1 > /proc/sys/kernel/domainname").Fails()
	nook(t, "run", "--rm", img, "sh", "-c", "touch /sys/x").Fails()
	// Masking binds /dev/null over the file; --privileged does not mask.
	nook(t, "run", "--rm", img, "test", "-c", "/proc/keys").Ok()
	nook(t, "run", "--rm", "--privileged", img, "test", "!", "-c", "/proc/keys").Ok()
}
