package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nook-dev/nook/image"
	"github.com/nook-dev/nook/internal/errdefs"
	"github.com/nook-dev/nook/internal/format"
)

func init() {
	commands = append(commands,
		&cli.Command{
			Name: "import", Usage: "import the contents from a tarball to create a filesystem image",
			ArgsUsage: "file|URL|- [REPOSITORY[:TAG]]",
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "change", Aliases: []string{"c"}, Usage: "apply Dockerfile instruction to the created image"},
				&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "set commit message for imported image"},
				&cli.StringFlag{Name: "platform", Usage: "set the image's platform (os/arch[/variant]); default: this machine's"},
			},
			Action: withSession(importAction),
		},
		&cli.Command{
			Name: "images", Usage: "list images", ArgsUsage: "[REPOSITORY[:TAG]]",
			Flags:  imagesFlags(),
			Action: withSession(imagesAction),
		},
		&cli.Command{
			Name: "tag", Usage: "create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
			ArgsUsage: "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
			Action: withSession(func(c *cli.Context, s *session) error {
				if c.NArg() != 2 {
					return &usageErr{msg: "\"nook tag\" requires exactly 2 arguments.\nSee 'nook tag --help'.", exit: 1}
				}
				return s.store.Tag(c.Args().Get(0), c.Args().Get(1))
			}),
		},
		&cli.Command{
			Name: "rmi", Usage: "remove one or more images", ArgsUsage: "IMAGE [IMAGE...]",
			Flags:  []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "force removal of the image"}},
			Action: withSession(rmiAction),
		},
	)
}

func imagesFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "show all images"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only show image IDs"},
		&cli.BoolFlag{Name: "no-trunc", Usage: "don't truncate output"},
		&cli.BoolFlag{Name: "digests", Usage: "show digests"},
		&cli.StringFlag{Name: "format", Usage: "format output using a Go template"},
		&cli.StringSliceFlag{Name: "filter", Aliases: []string{"f"}, Usage: "filter output"},
	}
}

func importAction(c *cli.Context, s *session) error {
	if c.NArg() < 1 {
		return &usageErr{msg: "\"nook import\" requires at least 1 argument.\nSee 'nook import --help'.", exit: 1}
	}
	id, err := s.store.Import(image.ImportOptions{
		Source: c.Args().Get(0), Stdin: os.Stdin, Reference: c.Args().Get(1),
		Message: c.String("message"), Changes: c.StringSlice("change"), Platform: c.String("platform"),
	})
	if err != nil {
		return exit125(err)
	}
	fmt.Fprintln(c.App.Writer, "sha256:"+id)
	return nil
}

func rmiAction(c *cli.Context, s *session) error {
	if err := argCount(c, 1, false); err != nil {
		return err
	}
	var failed error
	for _, ref := range c.Args().Slice() {
		res, err := s.store.Remove(ref, c.Bool("force"), s.imageUsers)
		if err != nil {
			printError(os.Stderr, err)
			// As docker rmi -f (like rm -f): a missing image is said, not failed.
			if !c.Bool("force") || !errors.Is(err, errdefs.ErrNotFound) {
				failed = cli.Exit("", 1)
			}
			continue
		}
		for _, u := range res.Untagged {
			fmt.Fprintln(c.App.Writer, "Untagged: "+u)
		}
		for _, d := range res.Deleted {
			fmt.Fprintln(c.App.Writer, "Deleted: "+d)
		}
	}
	return failed
}

// imageUsers lists containers created from imageID.
func (s *session) imageUsers(imageID string) []string {
	recs, _ := s.ctrs.List()
	var out []string
	for _, r := range recs {
		if r.ImageID == imageID {
			out = append(out, r.ID)
		}
	}
	return out
}

// imageRow is one row of `nook images` (fields named like Docker's
// template fields).
type imageRow struct {
	ID, Repository, Tag, Digest, CreatedSince, CreatedAt, Size string
	// Docker's list leaves these uncounted: N/A, except VirtualSize,
	// which is Size in go-units HumanSize (4 digits).
	Containers, SharedSize, UniqueSize, VirtualSize string
	created                                         time.Time
	fullID                                          string
}

func imageRows(list []image.Summary, noTrunc bool) []imageRow {
	var rows []imageRow
	for _, img := range list {
		id := img.ID[:12]
		if noTrunc {
			id = "sha256:" + img.ID
		}
		base := imageRow{ID: id, Digest: "<none>", CreatedSince: humanDuration(time.Since(img.Created)) + " ago",
			CreatedAt: img.Created.Format("2006-01-02 15:04:05 -0700 MST"), Size: humanSize(img.Size), created: img.Created, fullID: img.ID,
			Containers: "N/A", SharedSize: "N/A", UniqueSize: "N/A", VirtualSize: format.HumanSizeWithPrecision(float64(img.Size), 4)}
		if len(img.Names) == 0 {
			r := base
			r.Repository, r.Tag = "<none>", "<none>"
			rows = append(rows, r)
		}
		for _, n := range img.Names {
			r := base
			repo, tag := image.SplitTag(n)
			r.Repository, r.Tag = image.Familiar(repo), tag
			// Docker shows the digest the row's repository has, if any.
			if d := image.DigestFor(img.RepoDigests, repo); d != "" {
				r.Digest = d
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func imagesAction(c *cli.Context, s *session) error {
	list, err := s.store.List()
	if err != nil {
		return err
	}
	f, err := parseImageFilters(c.StringSlice("filter"), func(ref string) (time.Time, error) {
		img, err := s.store.Lookup(ref)
		if err != nil {
			return time.Time{}, err
		}
		return img.Created, nil
	})
	if err != nil {
		return err
	}
	f.labelsOf = func(id string) map[string]string {
		img, err := s.store.Lookup(id)
		if err != nil {
			return nil
		}
		cfg, err := s.store.Config(img)
		if err != nil {
			return nil
		}
		return cfg.Config.Labels
	}
	var rows []imageRow
	for _, r := range imageRows(list, c.Bool("no-trunc")) {
		if f.keep(r) {
			rows = append(rows, r)
		}
	}
	if ref := c.Args().First(); ref != "" {
		rows = filterRows(rows, ref)
	}
	def := "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
	if c.Bool("digests") {
		def = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
	}
	// A bare "table" means the default table, as in docker/cli.
	tmpl := format.SelectFormat(c.String("format"), c.Bool("quiet"), def, format.QuietFormat)
	warnQuietFormat(c)
	return format.WriteTable(c.App.Writer, tmpl, format.ImageHeader, rows)
}

// filterRows keeps the rows of `nook images REPO[:TAG]`; a registry's
// port (127.0.0.1:5000/app) is not a tag.
func filterRows(rows []imageRow, ref string) []imageRow {
	repo, tag, hasTag := ref, "", false
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		repo, tag, hasTag = ref[:i], ref[i+1:], true
	}
	var out []imageRow
	for _, r := range rows {
		if r.Repository == repo && (!hasTag || r.Tag == tag) {
			out = append(out, r)
		}
	}
	return out
}

var _ = tabwriter.NewWriter
