package e2e

import (
	"strconv"
	"strings"
	"testing"
)

func itoa(i int) string { return strconv.Itoa(i) }

// Each storage driver, forced, gets its own fresh store: a store keeps the
// driver it was created with.
func TestStorageDriver_Forced(t *testing.T) {
	for _, d := range storageDrivers {
		t.Run(d.name+" by flag", func(t *testing.T) {
			requires(t, d.req...)
			s := freshStore(t)
			flag := "--storage-driver=" + d.name
			s.Run(flag, "info").Ok().StdoutMatches(`Storage Driver: ` + d.name + `\n`)
			tar := busyboxTar(t)
			s.Run(flag, "import", tar, "busybox:latest").Ok()
			s.Run(flag, "run", "--rm", "busybox:latest", "sh", "-c",
				"echo data > /tmp/f && cat /tmp/f && cat /www/index.html").Ok().
				StdoutIs("data\nhello from nook")
			// Writes go to the container's layer, never to the image.
			s.Run(flag, "run", "--rm", "busybox:latest", "test", "!", "-e", "/tmp/f").Ok()
		})
		t.Run(d.name+" by NOOK_STORAGE_DRIVER", func(t *testing.T) {
			requires(t, d.req...)
			s := freshStore(t, "NOOK_STORAGE_DRIVER="+d.name)
			s.Run("info").Ok().StdoutMatches(`Storage Driver: ` + d.name + `\n`)
			img := s.busybox(t)
			s.Run("run", "--rm", img, "cat", "/www/index.html").Ok().StdoutIs("hello from nook")
		})
	}
}

// Without a choice, nook prefers native overlay where the kernel allows it.
func TestStorageDriver_DefaultIsNativeOverlay(t *testing.T) {
	requires(t, NativeOverlay)
	s := freshStore(t)
	out := s.Run("info").Ok().Stdout()
	if !strings.Contains(out, "Storage Driver: overlay\n") {
		t.Fatalf("default driver is not native overlay:\n%s", out)
	}
}

func TestInfo_Shape(t *testing.T) {
	out := nook(t, "info").Ok().Stdout()
	for _, want := range []string{"Storage Driver: ", "Kernel Version: ", "rootless"} {
		if !strings.Contains(out, want) {
			t.Errorf("nook info lacks %q:\n%s", want, out)
		}
	}
}
