package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/fuseoverlay"
	"github.com/nook-dev/nook/internal/helperexe"
	"github.com/nook-dev/nook/userns"
)

func init() {
	commands = append(commands,
		&cli.Command{
			Name:   "info",
			Usage:  "display system-wide information",
			Flags:  []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template"}},
			Action: withSession(infoAction),
		},
		&cli.Command{
			Name:  "version",
			Usage: "show the nook version information",
			Action: func(c *cli.Context) error {
				fmt.Fprintf(c.App.Writer, "Client:\n Version:    %s\n API version: 1.45\n Go version: %s\n OS/Arch:    linux/%s\n\nServer:\n Engine:\n  Version:    %s\n  API version: 1.45 (minimum version 1.24)\n  Rootless:   true\n",
					version, runtime.Version(), runtime.GOARCH, version)
				return nil
			},
		},
	)
}

func infoAction(c *cli.Context, s *session) error {
	recs, _ := s.ctrs.List()
	running, paused := 0, 0
	for _, r := range recs {
		if st := s.ctrs.CurrentState(r); st.Paused {
			paused++
		} else if st.Status == "running" {
			running++
		}
	}
	imgs, _ := s.store.List()
	keeper, _ := userns.ReadKeeper(s.id.RuntimeDir)
	w := c.App.Writer
	fmt.Fprintf(w, "Server:\n Containers: %d\n  Running: %d\n  Paused: %d\n  Stopped: %d\n Images: %d\n", len(recs), running, paused, len(recs)-running-paused, len(imgs))
	fmt.Fprintf(w, " Server Version: %s\n Storage Driver: %s\n  Why: %s\n", version, s.store.Driver.Name, s.store.Driver.Reason)
	printCgroupInfo(w, cgroups.Detect())
	fmt.Fprintf(w, " Security Options:\n  name=rootless\n  name=cgroupns\n Kernel Version: %s\n OSType: linux\n Architecture: %s\n", fuseoverlay.KernelRelease(), runtime.GOARCH)
	fmt.Fprintf(w, " Docker Root Dir: %s\n Runtime Dir: %s\n Keeper PID: %d\n Host UID: %d\n", s.dataDir, s.id.RuntimeDir, keeper.PID, s.id.HostUID)
	helper := helperexe.Path()
	if helper == "/proc/self/exe" {
		helper = "nook itself (" + helperexe.Name + " not found next to nook: runs and execs are slower; make install puts it there)"
	}
	fmt.Fprintf(w, " Runtime Helper: %s\n", helper)
	if mon := helperexe.MonitorPath(); mon != helperexe.Path() {
		fmt.Fprintf(w, " Monitor Helper: %s\n", mon)
	}
	printRootlessInfo(w, c.App.ErrWriter, s.id, s.dataDir, s.store.Driver.Name, s.store.Driver.Reason)
	return nil
}
