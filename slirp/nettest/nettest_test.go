package nettest

import (
	"testing"

	"github.com/nook-dev/nook/slirp"
)

func TestMain(m *testing.M) { Main(m) }

func TestSlirp4netns(t *testing.T) { Run(t, slirp.Slirp4netns{}) }

func TestPasta(t *testing.T) { Run(t, slirp.Pasta{}) }
