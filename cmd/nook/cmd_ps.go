package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/internal/format"
)

func init() {
	commands = append(commands, &cli.Command{
		Name: "ps", Aliases: []string{"container ls"}, Usage: "list containers",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "show all containers (default shows just running)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only display container IDs"},
			&cli.IntFlag{Name: "last", Aliases: []string{"n"}, Value: -1, Usage: "show n last created containers"},
			&cli.BoolFlag{Name: "latest", Aliases: []string{"l"}, Usage: "show the latest created container"},
			&cli.BoolFlag{Name: "size", Aliases: []string{"s"}, Usage: "display total file sizes"},
			&cli.BoolFlag{Name: "no-trunc", Usage: "don't truncate output"},
			&cli.StringSliceFlag{Name: "filter", Aliases: []string{"f"}, Usage: "filter output based on conditions provided"},
			&cli.StringFlag{Name: "format", Usage: "format output using a Go template"},
		},
		Action: withSession(psAction),
	})
}

// psRow has Docker's ps template fields.
type psRow struct {
	ID, Image, Command, CreatedAt, RunningFor, Ports, State, Status, Names, Labels, Size, Mounts, Networks string
	LocalVolumes                                                                                           string
	created                                                                                                time.Time
	rec                                                                                                    *container.Record
	st                                                                                                     container.State
}

// Label is {{.Label "key"}}: the value of one container label.
func (r psRow) Label(name string) string {
	if r.rec == nil {
		return ""
	}
	return r.rec.Config.Labels[name]
}

// mountsText is Docker's .Mounts and .LocalVolumes: each volume's name or
// bind's source (cut to 15 cells unless noTrunc), and how many are
// local volumes.
func mountsText(r *container.Record, noTrunc bool) (string, string) {
	var names []string
	local := 0
	for _, m := range r.Spec.Mounts {
		switch m.Type {
		case "volume":
			names = append(names, m.Name)
			local++
		case "bind":
			names = append(names, m.Source)
		}
	}
	return format.Mounts(names, !noTrunc), strconv.Itoa(local)
}

func psRows(s *session, noTrunc bool) ([]psRow, error) {
	recs, err := s.ctrs.List()
	if err != nil {
		return nil, err
	}
	var rows []psRow
	imageName := s.ctrs.ImageNamer(noTrunc)
	for _, r := range recs {
		st := s.ctrs.CurrentState(r)
		row := psRow{ID: r.ID, Image: imageName(r), Names: r.Name, State: stateName(st),
			created: r.Created, rec: r, st: st, Networks: r.Network.Mode,
			CreatedAt:  r.Created.Local().Format("2006-01-02 15:04:05 -0700 MST"),
			RunningFor: humanDuration(time.Since(r.Created)) + " ago",
			Status:     statusText(st), Ports: format.Ports(displayPorts(st.Ports, r.Config.ExposedPorts)), Labels: labelsText(r.Config.Labels)}
		row.Command = commandText(r.Args(), !noTrunc)
		// Size is computed only on demand (fillSizes); Docker prints 0B then.
		row.Size = format.HumanSize(0)
		row.Mounts, row.LocalVolumes = mountsText(r, noTrunc)
		if !noTrunc {
			row.ID = r.ID[:12]
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].created.After(rows[j].created) })
	return rows, nil
}

func labelsText(l map[string]string) string {
	var kv []string
	for k, v := range l {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	return strings.Join(kv, ",")
}

func psAction(c *cli.Context, s *session) error {
	rows, err := psRows(s, c.Bool("no-trunc"))
	if err != nil {
		return err
	}
	filters, err := parsePsFilters(c.StringSlice("filter"))
	if err != nil {
		return err
	}
	if err := filters.resolveRefs(s.ctrs.Lookup); err != nil {
		return err
	}
	var out []psRow
	for _, r := range rows {
		if !c.Bool("all") && c.Int("last") < 0 && !c.Bool("latest") && r.State != "running" && r.State != "restarting" && r.State != "paused" && !filters.has("status") {
			continue
		}
		if filters.match(r) {
			out = append(out, r)
		}
	}
	n := c.Int("last")
	if c.Bool("latest") {
		n = 1
	}
	if n >= 0 && len(out) > n {
		out = out[:n]
	}
	def := format.PsFormat
	if c.Bool("size") {
		def += format.PsSizeSuffix
	}
	// A bare "table" means the default table, as in docker/cli.
	tmpl := format.SelectFormat(c.String("format"), c.Bool("quiet"), def, format.QuietFormat)
	warnQuietFormat(c)
	if c.Bool("size") || strings.Contains(tmpl, ".Size") {
		if err := fillSizes(s, out); err != nil {
			return err
		}
	}
	return renderTable(c.App.Writer, tmpl, psHeaders, out)
}

var psHeaders = map[string]string{
	"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT",
	"RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE", "Status": "STATUS", "Names": "NAMES",
	"Labels": "LABELS", "Size": "SIZE", "Mounts": "MOUNTS", "Networks": "NETWORKS",
	"LocalVolumes": "LOCAL VOLUMES",
}

// fillSizes sets Docker's SIZE text: the writable layer's size and, as
// "virtual", that plus the image's.
func fillSizes(s *session, rows []psRow) error {
	if err := s.openStore(); err != nil {
		return err
	}
	imgs, err := s.store.List()
	if err != nil {
		return err
	}
	imageSize := map[string]int64{}
	for _, img := range imgs {
		imageSize[img.ID] = img.Size
	}
	for i := range rows {
		rw := s.ctrs.SizeRw(rows[i].rec)
		rows[i].Size = fmt.Sprintf("%s (virtual %s)", humanSize(rw), humanSize(rw+imageSize[rows[i].rec.ImageID]))
	}
	return nil
}
