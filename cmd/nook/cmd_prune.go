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
					ids := pruneContainers(s)
					fmt.Fprintln(c.App.Writer, "Deleted Containers:")
					for _, id := range ids {
						fmt.Fprintln(c.App.Writer, id)
					}
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
					if !confirmPrune(c, "WARNING! This will remove all dangling images.") {
						return nil
					}
					printPrunedImages(c, pruneImages(s, c.Bool("all")))
					return nil
				})})
		}
	}
}

// confirmPrune asks Docker's question unless -f.
func confirmPrune(c *cli.Context, warning string) bool {
	return c.Bool("force") || confirm(os.Stdin, c.App.ErrWriter, warning)
}

// pruneContainers removes every container that is not running.
func pruneContainers(s *session) []string {
	recs, _ := s.ctrs.List()
	var out []string
	for _, r := range recs {
		st := s.ctrs.CurrentState(r).Status
		if st == container.StatusRunning || st == container.StatusRestarting {
			continue
		}
		if s.ctrs.Remove(r, false, false) == nil {
			out = append(out, r.ID)
		}
	}
	return out
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

func printPrunedImages(c *cli.Context, ids []string) {
	fmt.Fprintln(c.App.Writer, "Deleted Images:")
	for _, id := range ids {
		fmt.Fprintln(c.App.Writer, "deleted: "+id)
	}
}

func systemPrune(c *cli.Context, s *session) error {
	if !confirmPrune(c, "WARNING! This will remove:\n  - all stopped containers\n  - all dangling images\n  - unused build cache") {
		return nil
	}
	before := s.diskUsage()
	ids := pruneContainers(s)
	fmt.Fprintln(c.App.Writer, "Deleted Containers:")
	for _, id := range ids {
		fmt.Fprintln(c.App.Writer, id)
	}
	printPrunedImages(c, pruneImages(s, c.Bool("all")))
	fmt.Fprintf(c.App.Writer, "Deleted build cache layers: %d\n", pruneBuildCache(s))
	if c.Bool("volumes") {
		rep, err := s.ctrs.Volumes().Prune(volume.Filter{}, s.volumeUsers)
		if err == nil {
			fmt.Fprintln(c.App.Writer, "Deleted Volumes:")
			for _, v := range rep.Deleted {
				fmt.Fprintln(c.App.Writer, v)
			}
		}
	}
	fmt.Fprintf(c.App.Writer, "\nTotal reclaimed space: %s\n", format.HumanSize(before-s.diskUsage()))
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
