package container

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nook-dev/nook/slirp"
)

// BuildNetwork is the network the RUN steps of one build share, as
// BuildKit gives a build one network: a namespace and one slirp4netns,
// started at the first step that needs them, instead of a slirp4netns per
// step (~30 ms each). Close ends both; slirp4netns also dies with this
// process (PR_SET_PDEATHSIG), so an interrupted build leaves none behind.
type BuildNetwork struct {
	mu  sync.Mutex
	ns  *slirp.OwnNetns
	att *slirp.Attachment
}

// NewBuildNetwork returns a BuildNetwork that starts on first use.
func (m *Manager) NewBuildNetwork() *BuildNetwork { return &BuildNetwork{} }

// nsPath starts the network if needed and returns its namespace path.
func (b *BuildNetwork) nsPath(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ns != nil {
		return b.ns.Path(), nil
	}
	ns, err := slirp.NewOwnNetns()
	if err != nil {
		return "", err
	}
	drv, err := slirp.NewDriver("slirp4netns")
	if err != nil {
		ns.Close()
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	att, err := drv.Attach(ctx, ns.Tid(), slirp.Options{})
	if err != nil {
		ns.Close()
		return "", fmt.Errorf("build network: %w", err)
	}
	b.ns, b.att = ns, att
	return ns.Path(), nil
}

// Pid is the slirp4netns process ID, 0 when not started.
func (b *BuildNetwork) Pid() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.att == nil {
		return 0
	}
	return b.att.Pid()
}

// Close stops slirp4netns and releases the namespace; a later step starts
// them again.
func (b *BuildNetwork) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.att != nil {
		b.att.Close()
		b.att = nil
	}
	if b.ns != nil {
		b.ns.Close()
		b.ns = nil
	}
	return nil
}
