package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// lookPath resolves args[0] with the container's PATH (not nook's).
func lookPath(args, env []string) (string, error) {
	if len(args) == 0 || args[0] == "" {
		return "", &InitError{Code: 125, Message: "no command specified"}
	}
	name := args[0]
	if strings.Contains(name, "/") {
		return name, checkExecutable(name, name)
	}
	path := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			path = e[5:]
		}
	}
	denied := ""
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		err := checkExecutable(name, p)
		if err == nil {
			return p, nil
		}
		if ie, ok := err.(*InitError); ok && ie.Code == 126 && denied == "" {
			denied = p
		}
	}
	if denied != "" {
		return "", &InitError{Code: 126, Message: fmt.Sprintf("exec: %q: permission denied", name)}
	}
	return "", &InitError{Code: 127, Message: fmt.Sprintf("exec: %q: executable file not found in $PATH", name)}
}

func checkExecutable(name, p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return &InitError{Code: 127, Message: fmt.Sprintf("exec: %q: stat %s: no such file or directory", name, p)}
	}
	if fi.IsDir() {
		return &InitError{Code: 126, Message: fmt.Sprintf("exec: %q: is a directory", name)}
	}
	if unix.Access(p, unix.X_OK) != nil {
		return &InitError{Code: 126, Message: fmt.Sprintf("exec: %q: permission denied", name)}
	}
	return nil
}
