package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/cgroups"
	"github.com/nook-dev/nook/fuseoverlay"
	"github.com/nook-dev/nook/internal/format"
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
			Flags: []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template ('json' for JSON)"}},
			Action: func(c *cli.Context) error {
				f := c.String("format")
				if f == "" {
					f = versionTemplate
				}
				return writeFormatted(c.App.Writer, f, newVersionInfo())
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
	if f := c.String("format"); f != "" {
		return writeFormatted(c.App.Writer, f, infoData{
			Containers: len(recs), ContainersRunning: running, ContainersPaused: paused,
			ContainersStopped: len(recs) - running - paused, Images: len(imgs),
			Driver: s.store.Driver.Name, DriverStatus: [][2]string{{"Why", s.store.Driver.Reason}},
			CgroupDriver: "cgroupfs", CgroupVersion: cgroupVersion(cgroups.Detect()),
			KernelVersion: fuseoverlay.KernelRelease(), OperatingSystem: osName(), OSType: "linux",
			Architecture: machine(), NCPU: runtime.NumCPU(), MemTotal: memTotal(),
			DockerRootDir: s.dataDir, Name: hostname(), ServerVersion: version,
			SecurityOptions: []string{"name=rootless", "name=cgroupns"},
			Swarm:           swarmInfo{LocalNodeState: "inactive"},
		})
	}
	keeper, _ := userns.ReadKeeper(s.id.RuntimeDir)
	w := c.App.Writer
	fmt.Fprintf(w, "Server:\n Containers: %d\n  Running: %d\n  Paused: %d\n  Stopped: %d\n Images: %d\n", len(recs), running, paused, len(recs)-running-paused, len(imgs))
	fmt.Fprintf(w, " Server Version: %s\n Storage Driver: %s\n  Why: %s\n", version, s.store.Driver.Name, s.store.Driver.Reason)
	printCgroupInfo(w, cgroups.Detect())
	fmt.Fprintf(w, " Security Options:\n  name=rootless\n  name=cgroupns\n Kernel Version: %s\n Operating System: %s\n OSType: linux\n Architecture: %s\n CPUs: %d\n Total Memory: %s\n",
		fuseoverlay.KernelRelease(), osName(), machine(), runtime.NumCPU(), format.BytesSize(memTotal()))
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
