// Package envfile merges -e and --env-file values (run, create, exec) as
// Docker does: files first, then -e; a bare NAME takes the caller's value
// and is dropped when the caller has none.
package envfile

import (
	"bufio"
	"os"
	"strings"

	"github.com/nook-dev/nook/internal/errdefs"
)

// Merge merges --env-file files then -e values; a bare K copies the
// caller's value when set (Docker's rules; env files take no quotes).
func Merge(envs, files []string) ([]string, error) {
	var out []string
	add := func(kv string) {
		if !strings.Contains(kv, "=") {
			v, ok := os.LookupEnv(kv)
			if !ok {
				return
			}
			kv += "=" + v
		}
		out = append(out, kv)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, errdefs.Invalid("open env file: %w", err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := strings.TrimLeft(sc.Text(), " \t")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			add(line)
		}
		fh.Close()
	}
	for _, e := range envs {
		add(e)
	}
	return out, nil
}
