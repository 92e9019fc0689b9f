package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/internal/format"
	"github.com/nook-dev/nook/volume"
)

func init() {
	formatFlag := &cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template"}
	commands = append(commands, &cli.Command{
		Name: "volume", Usage: "manage volumes",
		Subcommands: []*cli.Command{
			{Name: "create", Usage: "create a volume", ArgsUsage: "[VOLUME]",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "driver", Aliases: []string{"d"}, Value: volume.DefaultDriver, Usage: "specify volume driver name"},
					&cli.StringSliceFlag{Name: "label", Usage: "set metadata for a volume"},
					&cli.StringSliceFlag{Name: "opt", Aliases: []string{"o"}, Usage: "set driver specific options"},
					&cli.StringFlag{Name: "name", Usage: "specify volume name", Hidden: true},
				},
				Action: withSession(volumeCreateAction)},
			{Name: "ls", Aliases: []string{"list"}, Usage: "list volumes",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only display volume names"},
					&cli.StringSliceFlag{Name: "filter", Aliases: []string{"f"}, Usage: "provide filter values (e.g. 'dangling=true')"},
					&cli.StringFlag{Name: "format", Usage: "format output using a Go template"},
				},
				Action: withSession(volumeLsAction)},
			{Name: "inspect", Usage: "display detailed information on one or more volumes", ArgsUsage: "VOLUME [VOLUME...]",
				Flags: []cli.Flag{formatFlag},
				Action: withSession(func(c *cli.Context, s *session) error {
					if c.NArg() < 1 {
						return &usageErr{msg: "\"nook volume inspect\" requires at least 1 argument.\nSee 'nook volume inspect --help'.", exit: 1}
					}
					return typedInspect(c, s, "volume")
				})},
			{Name: "rm", Aliases: []string{"remove"}, Usage: "remove one or more volumes", ArgsUsage: "VOLUME [VOLUME...]",
				Flags:  []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "force the removal of one or more volumes"}},
				Action: withSession(volumeRmAction)},
			{Name: "prune", Usage: "remove unused local volumes",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "remove all unused volumes, not just anonymous ones"},
					&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "do not prompt for confirmation"},
					&cli.StringSliceFlag{Name: "filter", Usage: "provide filter values (e.g. 'label=<label>')"},
				},
				Action: withSession(volumePruneAction)},
		},
	})
	inspectVolume = func(s *session, name string) (any, error) {
		v, err := s.volumes().Get(name)
		if err != nil {
			return nil, err
		}
		return v.Inspect(), nil
	}
}

// volumes returns the volume store of the session's data directory.
func (s *session) volumes() *volume.Store { return volume.New(s.dataDir) }

// volumeUsers lists the IDs of the containers that use volume name.
func (s *session) volumeUsers(name string) []string {
	return s.ctrs.VolumeUsers(name)
}

func volumeCreateAction(c *cli.Context, s *session) error {
	if c.NArg() > 1 {
		return &usageErr{msg: "\"nook volume create\" requires at most 1 argument.\nSee 'nook volume create --help'.", exit: 1}
	}
	name := c.Args().First()
	if n := c.String("name"); n != "" {
		if name != "" {
			return &usageErr{msg: "conflicting options: either specify --name or provide positional arg, not both"}
		}
		name = n
	}
	v, err := s.volumes().Create(volume.CreateOptions{
		Name: name, Driver: c.String("driver"),
		Labels: keyValues(c.StringSlice("label")), Options: keyValues(c.StringSlice("opt")),
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.App.Writer, v.Name)
	return nil
}

// keyValues turns k=v (or k) flags into a map; it is never nil so that
// inspect shows {} as Docker does for volumes created by the CLI.
func keyValues(list []string) map[string]string {
	m := map[string]string{}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// volumeRow is one row of `nook volume ls`, with Docker's template fields
// (and its JSON keys for --format json).
type volumeRow struct {
	Availability, Driver, Group, Labels, Links, Mountpoint, Name, Scope, Size, Status string

	labels map[string]string
}

// Label returns the value of label k (`{{.Label "k"}}`).
func (r volumeRow) Label(k string) string { return r.labels[k] }

func volumeLsAction(c *cli.Context, s *session) error {
	f, err := volume.ParseFilters(c.StringSlice("filter"), "dangling", "name", "driver", "label")
	if err != nil {
		return err
	}
	list, err := s.volumes().List()
	if err != nil {
		return err
	}
	rows := []volumeRow{}
	for _, v := range list {
		if !f.Match(v, len(s.volumeUsers(v.Name)) > 0) {
			continue
		}
		rows = append(rows, volumeRow{Availability: "N/A", Driver: v.Driver, Group: "N/A", Labels: format.Labels(v.Labels),
			Links: "N/A", Mountpoint: v.Mountpoint, Name: v.Name, Scope: "local", Size: "N/A", Status: "N/A", labels: v.Labels})
	}
	fmtStr := format.SelectFormat(c.String("format"), c.Bool("quiet"), format.VolumesFormat, format.VolumesQuietFormat)
	return format.WriteTable(c.App.Writer, fmtStr, format.VolumeHeader, rows)
}

func volumeRmAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 {
		return &usageErr{msg: "\"nook volume rm\" requires at least 1 argument.\nSee 'nook volume rm --help'.", exit: 1}
	}
	var failed error
	store := s.volumes()
	for _, name := range c.Args().Slice() {
		if err := store.Remove(name, c.Bool("force"), s.volumeUsers); err != nil {
			printError(c.App.ErrWriter, err)
			failed = cli.Exit("", 1)
			continue
		}
		fmt.Fprintln(c.App.Writer, name)
	}
	return failed
}

func volumePruneAction(c *cli.Context, s *session) error {
	f, err := volume.ParseFilters(c.StringSlice("filter"), "label", "all")
	if err != nil {
		return err
	}
	f.All = f.All || c.Bool("all")
	if !c.Bool("force") {
		warning := "WARNING! This will remove anonymous local volumes not used by at least one container."
		if f.All {
			warning = "WARNING! This will remove all local volumes not used by at least one container."
		}
		if !confirm(os.Stdin, c.App.Writer, warning) {
			return nil
		}
	}
	rep, err := s.volumes().Prune(f, s.volumeUsers)
	w := c.App.Writer
	if len(rep.Deleted) > 0 {
		fmt.Fprintln(w, "Deleted Volumes:")
		for _, n := range rep.Deleted {
			fmt.Fprintln(w, n)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Total reclaimed space:", format.HumanSizeWithPrecision(float64(rep.SpaceReclaimed), 4)) // go-units HumanSize
	return err
}

// confirm prints Docker's prompt and reads y/yes from in.
func confirm(in io.Reader, out io.Writer, warning string) bool {
	fmt.Fprintf(out, "%s\nAre you sure you want to continue? [y/N] ", warning)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}
