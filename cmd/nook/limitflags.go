package main

import (
	"math/big"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/errdefs"
)

// minMemory is Docker's smallest --memory.
const minMemory = 6 * 1024 * 1024

// limitFlags fills h's resource limits from --memory, --memory-swap,
// --cpus and --pids-limit, checked as Docker checks them, then refuses
// (exit 125) limits this host cannot apply.
func limitFlags(c *cli.Context, h *container.HostConfig) error {
	var err error
	if s := c.String("memory"); s != "" {
		if h.Memory, err = ramInBytes(s, "-m, --memory"); err != nil {
			return err
		}
	}
	if s := c.String("memory-swap"); s != "" {
		if s == "-1" {
			h.MemorySwap = -1
		} else if h.MemorySwap, err = ramInBytes(s, "--memory-swap"); err != nil {
			return err
		}
	}
	if s := c.String("cpus"); s != "" {
		if h.NanoCpus, err = nanoCPUs(s); err != nil {
			return err
		}
	}
	if s := c.String("pids-limit"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errdefs.Invalid("invalid argument %q for \"--pids-limit\" flag: strconv.ParseInt: parsing %q: invalid syntax", s, s)
		}
		if n > 0 {
			h.PidsLimit = &n
		}
	}
	if err := checkMemory(h); err != nil {
		return err
	}
	return container.CheckLimits(*h)
}

// checkMemory applies Docker's rules and its default: swap as large as
// the memory limit (MemorySwap = 2 × Memory).
func checkMemory(h *container.HostConfig) error {
	switch {
	case h.Memory > 0 && h.Memory < minMemory:
		return errdefs.Invalid("Minimum memory limit allowed is 6MB")
	case h.Memory == 0 && h.MemorySwap > 0:
		return errdefs.Invalid("You should always set the Memory limit when using Memoryswap limit, see usage")
	case h.MemorySwap > 0 && h.MemorySwap < h.Memory:
		return errdefs.Invalid("Minimum memoryswap limit should be larger than memory limit, see usage")
	case h.Memory > 0 && h.MemorySwap == 0:
		h.MemorySwap = 2 * h.Memory
	}
	return nil
}

var ramRE = regexp.MustCompile(`^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$`)

// ramInBytes parses a size as Docker's units.RAMInBytes: binary units
// (k = 1024), an optional "b"/"ib" suffix.
func ramInBytes(s, flag string) (int64, error) {
	m := ramRE.FindStringSubmatch(s)
	bad := errdefs.Invalid("invalid argument %q for %q flag: invalid size: '%s'", s, flag, s)
	if m == nil {
		return 0, bad
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, bad
	}
	mult := map[string]float64{"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}[strings.ToLower(m[2])]
	return int64(f * mult), nil
}

// nanoCPUs parses --cpus as Docker does (a rational number of CPUs).
func nanoCPUs(s string) (int64, error) {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, errdefs.Invalid("invalid argument %q for \"--cpus\" flag: failed to parse %s as a rational number", s, s)
	}
	nano := r.Mul(r, big.NewRat(1e9, 1))
	if !nano.IsInt() {
		return 0, errdefs.Invalid("invalid argument %q for \"--cpus\" flag: value is too precise", s)
	}
	n := nano.Num().Int64()
	if ncpu := int64(runtime.NumCPU()); n < 1e7 || n > ncpu*1e9 {
		return 0, errdefs.Invalid("Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", ncpu, ncpu)
	}
	return n, nil
}
