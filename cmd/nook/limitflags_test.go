package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

func TestRAMInBytes(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "64m": 64 << 20, "64M": 64 << 20, "1g": 1 << 30, "1.5g": 3 << 29,
		"512MiB": 512 << 20, "512mb": 512 << 20, "2 k": 2048, "1t": 1 << 40} {
		if got, err := ramInBytes(in, "-m, --memory"); err != nil || got != want {
			t.Errorf("ramInBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-1", "1x", "1.g", "m"} {
		if _, err := ramInBytes(in, "-m, --memory"); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("ramInBytes(%q): want an invalid-argument error, got %v", in, err)
		}
	}
}

func TestNanoCPUs(t *testing.T) {
	for in, want := range map[string]int64{"1": 1e9, "0.5": 5e8, "0.01": 1e7, "1.25": 1.25e9} {
		if got, err := nanoCPUs(in); err != nil || got != want {
			t.Errorf("nanoCPUs(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"abc": "failed to parse abc as a rational number", "0.001": "Range of CPUs is from 0.01 to",
		"0.0000000001": "value is too precise", "100000": "as there are only"} {
		if _, err := nanoCPUs(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("nanoCPUs(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestCheckMemory(t *testing.T) {
	for _, c := range []struct {
		mem, swap, wantSwap int64
		err                 string
	}{
		{64 << 20, 0, 128 << 20, ""}, // Docker's default: swap as large as memory
		{64 << 20, -1, -1, ""},
		{64 << 20, 100 << 20, 100 << 20, ""},
		{1 << 20, 0, 0, "Minimum memory limit allowed is 6MB"},
		{0, 10 << 20, 0, "You should always set the Memory limit"},
		{20 << 20, 10 << 20, 0, "Minimum memoryswap limit should be larger than memory limit"},
		{0, 0, 0, ""},
	} {
		h := container.HostConfig{Memory: c.mem, MemorySwap: c.swap}
		err := checkMemory(&h)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("memory %d swap %d: got %v, want %q", c.mem, c.swap, err, c.err)
			}
			continue
		}
		if err != nil || h.MemorySwap != c.wantSwap {
			t.Errorf("memory %d swap %d: got swap %d, %v; want %d", c.mem, c.swap, h.MemorySwap, err, c.wantSwap)
		}
	}
}
