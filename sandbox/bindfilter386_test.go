package sandbox

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// child386Env names the i386 program a filtered child runs (see
// TestBindFilterRefusesIoUringFromI386).
const child386Env = "NOOK_TEST_BIND_FILTER_386"

// The i386 program: io_uring_setup through the 32-bit ABI; exit 0 when
// refused with ENOSYS, 1 when the kernel made a ring.
const uring386 = `package main

import (
	"os"
	"syscall"
	"unsafe"
)

func main() {
	var params [120]byte
	_, _, e := syscall.Syscall(425, 1, uintptr(unsafe.Pointer(&params[0])), 0)
	if e == syscall.ENOSYS {
		os.Exit(0)
	}
	println("io_uring_setup through the i386 ABI: errno", int(e))
	os.Exit(1)
}
`

func init() {
	if bin := os.Getenv(child386Env); bin != "" {
		unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
		if _, err := installBindFilter(); err != nil {
			os.Exit(2)
		}
		_ = unix.Exec(bin, []string{bin}, nil)
		os.Exit(3)
	}
}

// On the real kernel: a container's 32-bit (or int 0x80) io_uring_setup
// is refused like the native one, so io_uring cannot carry operations
// past the filter. Needs the Go toolchain to build the i386 program.
func TestBindFilterRefusesIoUringFromI386(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the i386 ABI is amd64's")
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skip("no Go toolchain to build the i386 program:", err)
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "main.go"), filepath.Join(dir, "uring386")
	if err := os.WriteFile(src, []byte(uring386), 0o644); err != nil {
		t.Fatal(err)
	}
	build := osexec.Command(goBin, "build", "-o", bin, src)
	build.Env = append(os.Environ(), "GOARCH=386", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the i386 program: %v\n%s", err, out)
	}
	// Unfiltered, the kernel must run i386 code and make the ring, or
	// the filtered run below proves nothing.
	if err := osexec.Command(bin).Run(); err == nil {
		t.Skip("this kernel refuses io_uring_setup to i386 code anyway (no IA32 emulation or io_uring)")
	}
	cmd := osexec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), child386Env+"="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("filtered i386 io_uring_setup: %v (exit 1: not refused, 2: no filter, 3: exec failed)\n%s", err, out)
	}
}
