package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/build"
	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/format"
	"github.com/nook-dev/nook/volume"
)

func forceFlag() cli.Flag {
	return &cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "do not prompt for confirmation"}
}

func init() {
	commands = append(commands,
		&cli.Command{Name: "system", Usage: "manage nook", Subcommands: []*cli.Command{{
			Name: "prune", Usage: "remove stopped containers, dangling images and unused build cache",
			Flags: []cli.Flag{forceFlag(), &cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "remove all unused images"},
				&cli.BoolFlag{Name: "volumes", Usage: "prune anonymous volumes"}},
			Action: withSession(systemPrune)}}},
	)
	for _, parent := range commands {
		switch parent.Name {
		case "container":
			parent.Subcommands = append(parent.Subcommands, &cli.Command{Name: "prune", Usage: "remove all stopped containers",
				Flags: []cli.Flag{forceFlag()}, Action: withSession(func(c *cli.Context, s *session) error {
					if !confirmPrune(c, "WARNING! This will remove all stopped containers.") {
						return nil
					}
					ids, space := pruneContainers(s)
					printPruned(c, space, pruneSection("Deleted Containers:", ids, ""))
					return nil
				})})
		case "builder":
			parent.Subcommands = append(parent.Subcommands, &cli.Command{Name: "prune", Usage: "remove build cache",
				Flags: []cli.Flag{forceFlag()}, Action: withSession(func(c *cli.Context, s *session) error {
					if !confirmPrune(c, "WARNING! This will remove all dangling build cache.") {
						return nil
					}
					fmt.Fprintf(c.App.Writer, "Deleted build cache layers: %d\n", pruneBuildCache(s))
					return nil
				})})
		case "image":
			parent.Subcommands = append(parent.Subcommands, &cli.Command{Name: "prune", Usage: "remove unused images",
				Flags: []cli.Flag{forceFlag(), &cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "remove all images without a container"}},
				Action: withSession(func(c *cli.Context, s *session) error {
					warning := "WARNING! This will remove all dangling images."
					if c.Bool("all") {
						warning = "WARNING! This will remove all images without at least one container associated to them."
					}
					if !confirmPrune(c, warning) {
						return nil
					}
					before := s.diskUsage()
					ids := pruneImages(s, c.Bool("all"))
					printPruned(c, before-s.diskUsage(), pruneSection("Deleted Images:", ids, "deleted: "))
					return nil
				})})
		}
	}
}

// confirmPrune asks Docker's question unless -f.
func confirmPrune(c *cli.Context, warning string) bool {
	return c.Bool("force") || confirm(os.Stdin, c.App.ErrWriter, warning)
}

// pruneContainers removes every container that is not running and
// returns their IDs and the size of their writable layers.
func pruneContainers(s *session) ([]string, int64) {
	recs, _ := s.ctrs.List()
	var out []string
	var space int64
	for _, r := range recs {
		st := s.ctrs.CurrentState(r).Status
		if st == container.StatusRunning || st == container.StatusRestarting {
			continue
		}
		rw := s.ctrs.SizeRw(r)
		if s.ctrs.Remove(r, false, false) == nil {
			out = append(out, r.ID)
			space += rw
		}
	}
	return out, space
}

// pruneSection is one block of a prune report ("Deleted Images:" and a
// line per item), or "" when nothing was deleted, as docker/cli.
func pruneSection(title string, items []string, prefix string) string {
	if len(items) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(title + "\n")
	for _, it := range items {
		b.WriteString(prefix + it + "\n")
	}
	return b.String()
}

// printPruned prints the non-empty sections, each followed by a blank
// line, then docker/cli's "Total reclaimed space:" (go-units HumanSize).
func printPruned(c *cli.Context, space int64, sections ...string) {
	for _, sec := range sections {
		if sec != "" {
			fmt.Fprintln(c.App.Writer, sec)
		}
	}
	fmt.Fprintln(c.App.Writer, "Total reclaimed space:", format.HumanSizeWithPrecision(float64(max(space, 0)), 4))
}

// pruneImages removes untagged images (all unused ones with all) that no
// container uses.
func pruneImages(s *session, all bool) []string {
	list, _ := s.store.List()
	var out []string
	for _, img := range list {
		if (len(img.Names) > 0 && !all) || len(s.imageUsers(img.ID)) > 0 {
			continue
		}
		if _, err := s.store.DeleteImage(img.ID, true); err == nil {
			out = append(out, "sha256:"+img.ID)
		}
	}
	return out
}

// pruneBuildCache removes cache layers no image or container uses.
func pruneBuildCache(s *session) int {
	// Layers used by images (or with children) are refused by the store;
	// repeat so that chains of unused cache layers go top down.
	n := 0
	for progress := true; progress; {
		progress = false
		layers, _ := s.store.Layers()
		for _, l := range layers {
			for _, name := range l.Names {
				if strings.HasPrefix(name, build.CacheKeyPrefix) && s.store.DeleteLayer(l.ID) == nil {
					n++
					progress = true
					break
				}
			}
		}
	}
	s.store.PruneStaging()
	return n
}

func systemPrune(c *cli.Context, s *session) error {
	if !confirmPrune(c, "WARNING! This will remove:\n  - all stopped containers\n  - all dangling images\n  - unused build cache") {
		return nil
	}
	before := s.diskUsage()
	ids, ctrSpace := pruneContainers(s)
	sections := []string{pruneSection("Deleted Containers:", ids, "")}
	var volSpace int64
	if c.Bool("volumes") {
		if rep, err := s.ctrs.Volumes().Prune(volume.Filter{}, s.volumeUsers); err == nil {
			sections = append(sections, pruneSection("Deleted Volumes:", rep.Deleted, ""))
			volSpace = rep.SpaceReclaimed
		}
	}
	sections = append(sections, pruneSection("Deleted Images:", pruneImages(s, c.Bool("all")), "deleted: "))
	if n := pruneBuildCache(s); n > 0 {
		sections = append(sections, fmt.Sprintf("Deleted build cache layers: %d\n", n))
	}
	// Container layers are in diskUsage too; count them once.
	printPruned(c, max(before-s.diskUsage(), ctrSpace)+volSpace, sections...)
	return nil
}

// diskUsage sums the layer sizes in the store.
func (s *session) diskUsage() int64 {
	layers, _ := s.store.Layers()
	var n int64
	for _, l := range layers {
		if l.UncompressedSize > 0 {
			n += l.UncompressedSize
		}
	}
	return n
}
