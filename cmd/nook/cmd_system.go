package main

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/build"
	"github.com/nook-dev/nook/container"
	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/format"
)

// `nook system df`: `system` itself and `system prune` live in cmd_prune.go
// (whose init runs first: files initialise in name order).
func init() {
	for _, parent := range commands {
		if parent.Name != "system" {
			continue
		}
		parent.Subcommands = append(parent.Subcommands, &cli.Command{
			Name: "df", Usage: "show nook disk usage",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show detailed information on space usage"},
				&cli.StringFlag{Name: "format", Usage: "format output using a Go template"},
			},
			Action: withSession(systemDfAction),
		})
	}
}

// Docker's system df formats (docker/cli formatter/disk_usage.go).
const (
	dfFormat           = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}"
	dfImageFormat      = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}"
	dfContainerFormat  = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}"
	dfVolumeFormat     = "table {{.Name}}\t{{.Links}}\t{{.Size}}"
	dfBuildCacheFormat = "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}"
)

var (
	dfHeader         = format.Header{"Type": "TYPE", "TotalCount": "TOTAL", "Active": "ACTIVE", "Size": "SIZE", "Reclaimable": "RECLAIMABLE"}
	dfBuildCacheHead = format.Header{"ID": "CACHE ID", "CacheType": "CACHE TYPE", "Size": "SIZE", "CreatedSince": "CREATED",
		"LastUsedSince": "LAST USED", "UsageCount": "USAGE", "Shared": "SHARED"}
)

// dfRow is one line of the summary table.
type dfRow struct{ Type, TotalCount, Active, Size, Reclaimable string }

// dfUsage is what system df measured; the verbose rows are its items.
type dfUsage struct {
	Images     []dfImageRow
	Containers []dfContainerRow
	Volumes    []dfVolumeRow
	BuildCache []dfCacheRow
	sums       [4]dfSum // images, containers, volumes, build cache
}

// dfSum is one line of the summary: Docker prints build cache's
// reclaimable size without a percentage.
type dfSum struct {
	typeName            string
	total, active       int
	size, reclaim       int64
	noReclaimPercentage bool
}

type dfImageRow struct {
	Repository, Tag, ID, CreatedSince, CreatedAt, Size, SharedSize, UniqueSize, Containers string
}

type dfContainerRow struct {
	ID, Image, Command, LocalVolumes, Size, RunningFor, CreatedAt, Status, Names, State string
}

type dfVolumeRow struct{ Name, Driver, Links, Size, Mountpoint string }

type dfCacheRow struct {
	ID, CacheType, Size, CreatedSince, LastUsedSince, UsageCount, Shared, Description string
}

func systemDfAction(c *cli.Context, s *session) error {
	u, err := s.diskUsageReport()
	if err != nil {
		return err
	}
	f := c.String("format")
	w := c.App.Writer
	if !c.Bool("verbose") {
		if f == "" {
			f = dfFormat
		}
		return format.WriteTable(w, f, dfHeader, u.summary())
	}
	if f != "" && f != format.TableFormatKey {
		return writeVerboseTemplate(w, f, u)
	}
	return u.writeVerbose(w)
}

func (u *dfUsage) summary() []dfRow {
	rows := make([]dfRow, 0, len(u.sums))
	for _, s := range u.sums {
		r := dfRow{Type: s.typeName, TotalCount: strconv.Itoa(s.total), Active: strconv.Itoa(s.active),
			Size: dfSize(s.size), Reclaimable: dfSize(s.reclaim)}
		if s.size > 0 && !s.noReclaimPercentage {
			r.Reclaimable = fmt.Sprintf("%s (%d%%)", dfSize(s.reclaim), s.reclaim*100/s.size)
		}
		rows = append(rows, r)
	}
	return rows
}

// writeVerbose prints Docker's four -v sections.
func (u *dfUsage) writeVerbose(w io.Writer) error {
	fmt.Fprint(w, "Images space usage:\n\n")
	if err := format.WriteTable(w, dfImageFormat, format.ImageHeader, u.Images); err != nil {
		return err
	}
	fmt.Fprint(w, "\nContainers space usage:\n\n")
	if err := format.WriteTable(w, dfContainerFormat, format.ContainerHeader, u.Containers); err != nil {
		return err
	}
	fmt.Fprint(w, "\nLocal Volumes space usage:\n\n")
	if err := format.WriteTable(w, dfVolumeFormat, format.VolumeHeader, u.Volumes); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nBuild cache usage: %s\n\n", dfSize(u.sums[3].size))
	return format.WriteTable(w, dfBuildCacheFormat, dfBuildCacheHead, u.BuildCache)
}

// writeVerboseTemplate runs a -v --format template once over all items
// ({{range .Images}}…); "json" prints them as one JSON object.
func writeVerboseTemplate(w io.Writer, f string, u *dfUsage) error {
	var buf bytes.Buffer
	if err := format.WriteTable(&buf, f, nil, []*dfUsage{u}); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// dfSize is go-units HumanSize (4 significant digits), what docker system
// df prints for totals and volume sizes.
func dfSize(n int64) string { return format.HumanSizeWithPrecision(float64(n), 4) }

// diskUsageReport measures images, containers, volumes and build cache.
func (s *session) diskUsageReport() (*dfUsage, error) {
	u := &dfUsage{}
	recs, err := s.ctrs.List()
	if err != nil {
		return nil, err
	}
	imgs, layerSizes, err := s.store.DiskUsage()
	if err != nil {
		return nil, err
	}
	u.addImages(imgs, layerSizes, recs)
	u.addContainers(s, recs)
	if err := u.addVolumes(s); err != nil {
		return nil, err
	}
	if err := u.addBuildCache(s, imgs, layerSizes); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *dfUsage) addImages(imgs []image.ImageUsage, layerSizes map[string]int64, recs []*container.Record) {
	sum := dfSum{typeName: "Images", total: len(imgs)}
	users := map[string]int{}
	for _, r := range recs {
		users[r.ImageID]++
	}
	all, used := map[string]bool{}, map[string]bool{}
	sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].Created.After(imgs[j].Created) })
	for _, img := range imgs {
		for _, l := range img.Layers {
			all[l] = true
			if users[img.ID] > 0 {
				used[l] = true
			}
		}
		if users[img.ID] > 0 {
			sum.active++
		}
		repo, tag := "<none>", "<none>"
		if len(img.Names) > 0 {
			repo, tag = image.SplitTag(image.Familiar(img.Names[0]))
		}
		u.Images = append(u.Images, dfImageRow{Repository: repo, Tag: tag, ID: img.ID[:12],
			CreatedSince: humanDuration(time.Since(img.Created)) + " ago", CreatedAt: format.CreatedAt(img.Created),
			Size: humanSize(img.Size), SharedSize: dfSize(img.SharedSize), UniqueSize: dfSize(img.Size - img.SharedSize),
			Containers: strconv.Itoa(users[img.ID])})
	}
	for l := range all {
		sum.size += layerSizes[l]
		if !used[l] {
			sum.reclaim += layerSizes[l]
		}
	}
	u.sums[0] = sum
}

func (u *dfUsage) addContainers(s *session, recs []*container.Record) {
	sum := dfSum{typeName: "Containers", total: len(recs)}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Created.After(recs[j].Created) })
	for _, r := range recs {
		st := s.ctrs.CurrentState(r)
		size := s.ctrs.SizeRw(r)
		sum.size += size
		switch st.Status {
		case container.StatusRunning, container.StatusPaused, container.StatusRestarting:
			sum.active++
		default:
			sum.reclaim += size
		}
		u.Containers = append(u.Containers, dfContainerRow{ID: r.ID[:12], Image: image.Familiar(r.Image),
			Command: commandText(r.Args(), true), LocalVolumes: strconv.Itoa(len(r.Volumes)), Size: humanSize(size),
			RunningFor: humanDuration(time.Since(r.Created)) + " ago", CreatedAt: format.CreatedAt(r.Created),
			Status: statusText(st), Names: r.Name, State: st.Status})
	}
	u.sums[1] = sum
}

func (u *dfUsage) addVolumes(s *session) error {
	vols, err := s.volumes().List()
	if err != nil {
		return err
	}
	sum := dfSum{typeName: "Local Volumes", total: len(vols)}
	for _, v := range vols {
		links := len(s.volumeUsers(v.Name))
		size := s.volumes().Size(v.Name)
		sum.size += size
		if links > 0 {
			sum.active++
		} else {
			sum.reclaim += size
		}
		u.Volumes = append(u.Volumes, dfVolumeRow{Name: v.Name, Driver: v.Driver, Links: strconv.Itoa(links),
			Size: dfSize(size), Mountpoint: v.Mountpoint})
	}
	u.sums[2] = sum
	return nil
}

// addBuildCache counts the layers `nook build` keeps as its cache. One an
// image also uses is shared: it is not counted again, nor reclaimable.
func (u *dfUsage) addBuildCache(s *session, imgs []image.ImageUsage, layerSizes map[string]int64) error {
	layers, err := s.store.Layers()
	if err != nil {
		return err
	}
	inImage := map[string]bool{}
	for _, img := range imgs {
		for _, l := range img.Layers {
			inImage[l] = true
		}
	}
	sum := dfSum{typeName: "Build Cache", noReclaimPercentage: true}
	sort.SliceStable(layers, func(i, j int) bool { return layers[i].Created.After(layers[j].Created) })
	for _, l := range layers {
		if !hasCachePrefix(l.Names) {
			continue
		}
		sum.total++
		size := layerSizes[l.ID]
		if !inImage[l.ID] {
			sum.size += size
			sum.reclaim += size
		}
		u.BuildCache = append(u.BuildCache, dfCacheRow{ID: l.ID[:12], CacheType: "regular", Size: humanSize(size),
			CreatedSince: humanDuration(time.Since(l.Created)) + " ago", UsageCount: "0",
			Shared: strconv.FormatBool(inImage[l.ID])})
	}
	u.sums[3] = sum
	return nil
}

func hasCachePrefix(names []string) bool {
	for _, n := range names {
		if strings.HasPrefix(n, build.CacheKeyPrefix) {
			return true
		}
	}
	return false
}
