package build

import (
	"io"
	"net/http"
)

// Progress modes for Options.Progress.
const (
	ProgressAuto  = "auto"  // tty when Options.IsTerminal, else plain
	ProgressPlain = "plain" // BuildKit's plain "#N ..." log
	ProgressTTY   = "tty"   // BuildKit's "[+] Building" summary
	ProgressQuiet = "quiet" // nothing on Stderr; ID on Stdout
)

// Options describe one `nook build`.
type Options struct {
	// ContextDir is the build context directory. Exactly one of
	// ContextDir and ContextTar is set.
	ContextDir string
	// ContextTar is a tar stream holding the context (`nook build -`). If
	// it turns out not to be a tar it is taken as the Dockerfile and the
	// context is empty, as Docker does.
	ContextTar io.Reader
	// Dockerfile is the Dockerfile path: relative to the current directory
	// when set by the user, "" for <context>/Dockerfile. With ContextTar
	// it names the file inside the tar.
	Dockerfile string
	// DockerfileReader, when set, supplies the Dockerfile (`-f -`).
	DockerfileReader io.Reader
	// Tags are the names to give the image, as given by the user
	// ("app", "app:1", "localhost/app:1"); bare names become
	// "localhost/NAME:latest".
	Tags []string
	// BuildArgs are --build-arg values. A nil value means the bare form
	// (`--build-arg K`): the value is taken from Environ.
	BuildArgs map[string]*string
	// Environ is the caller's environment for bare --build-arg names
	// (os.Environ() in the CLI).
	Environ []string
	// Target is the stage to build (--target); "" = the last one.
	Target string
	// NoCache disables cache lookups (results are still stored).
	NoCache bool
	// Pull re-resolves FROM images from their registries.
	Pull bool
	// Quiet prints only the image ID on Stdout (-q).
	Quiet bool
	// Progress is one of the Progress* constants ("" = auto).
	Progress string
	// IsTerminal says whether Stderr is a terminal (for auto progress).
	IsTerminal bool
	// TerminalWidth is the tty width for tty progress (0 = 80).
	TerminalWidth int
	// Labels are --label values added to the final image config.
	Labels map[string]string
	// Network is the network mode for RUN steps ("" = "default").
	Network string
	// IIDFile, when set, receives the image ID.
	IIDFile string
	// Arch and OS of the built image ("" = the running platform).
	Arch, OS string
	// TmpDir is where the builder may extract a tar context and download
	// ADD URLs ("" = os.TempDir()).
	TmpDir string
	// StateDir, when set, is where the builder keeps its content-hash
	// cache, so unchanged big files are not hashed again.
	StateDir string
	// HTTPClient is used for ADD URLs (nil = http.DefaultClient).
	HTTPClient *http.Client
	// Stdout receives the image ID in quiet mode; Stderr the progress and
	// RUN output.
	Stdout, Stderr io.Writer
}
