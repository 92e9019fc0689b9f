package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// Tools ask version and info for single fields (testcontainers, CI
// scripts); Docker renders --format against its data and exits 64 on a
// template that does not parse.
func TestVersionInfo_Format(t *testing.T) {
	v := nook(t, "version", "--format", "{{.Server.Version}}").Ok().Line()
	if v == "" || v != nook(t, "version", "-f", "{{.Client.Version}}").Ok().Line() {
		t.Fatalf("Server.Version %q must be non-empty and equal Client.Version", v)
	}
	nook(t, "version", "--format", "{{.Client.APIVersion}}").Ok().StdoutMatches(`^1\.4\d\n$`)
	// Scripts parse a semantic version, as from `docker --version`
	// ("Docker version 24.0.7, build afdd53b").
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Fatalf("Server.Version %q is not a semantic version", v)
	}
	nook(t, "--version").Ok().StdoutMatches(`^nook version ` + regexp.QuoteMeta(v) + `, build \S+\n$`)
	nook(t, "version", "--format", "{{.Server.GitCommit}}").Ok().StdoutMatches(`^[0-9a-f]{7,}(-dirty)?\n$`)
	var ver struct{ Client, Server map[string]any }
	if err := json.Unmarshal([]byte(nook(t, "version", "--format", "json").Ok().Stdout()), &ver); err != nil || ver.Server["ApiVersion"] == nil {
		t.Fatalf("version --format json: %v %v", err, ver)
	}
	nook(t, "version", "--format", "{{").Exit(64).StderrContains("template parsing error")

	nook(t, "info", "--format", "{{.OSType}}").Ok().StdoutIs("linux")
	nook(t, "info", "--format", "{{.Swarm.LocalNodeState}}").Ok().StdoutIs("inactive")
	nook(t, "info", "--format", "{{.CgroupVersion}}").Ok().StdoutMatches(`^[12]\n$`)
	var sec []string
	if err := json.Unmarshal([]byte(nook(t, "info", "-f", "{{json .SecurityOptions}}").Ok().Stdout()), &sec); err != nil ||
		!strings.Contains(strings.Join(sec, ","), "name=rootless") {
		t.Fatalf("info SecurityOptions %v (%v): rootless detection needs name=rootless", sec, err)
	}
	var info map[string]any
	if err := json.Unmarshal([]byte(nook(t, "info", "--format", "{{json .}}").Ok().Stdout()), &info); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ServerVersion", "Driver", "DockerRootDir", "NCPU", "MemTotal", "Containers", "Images"} {
		if _, ok := info[k]; !ok {
			t.Errorf("info --format json lacks %s: %v", k, info)
		}
	}
}

// inspect --type names the type in its not-found error, as Docker's typed
// inspectors do, and rejects a type it does not know.
func TestInspect_TypeErrors(t *testing.T) {
	img := busyboxImage(t)
	missing := uniqueName(t, "missing")
	nook(t, "inspect", "--type", "container", img).Exit(1).StderrContains("No such container: " + img)
	nook(t, "inspect", "--type", "image", missing).Exit(1).StderrContains("No such image: " + missing)
	nook(t, "inspect", "--type", "volume", missing).Exit(1).StderrContains("no such volume")
	nook(t, "inspect", missing).Exit(1).StderrContains("Error: No such object: " + missing)
	r := nook(t, "inspect", "--type", "bogus", img).Exit(1).StderrContains(`"bogus" is not a valid value for --type`)
	if r.Stdout() != "" {
		t.Fatalf("an invalid --type must print nothing on stdout, got %q", r.Stdout())
	}
	nook(t, "inspect", "--type", "image", "-f", "{{.Id}}", img).Ok().StdoutMatches(`^sha256:[0-9a-f]{64}\n$`)
}

// docker history: --no-trunc prints full sha256: IDs, -H=false byte
// counts and RFC 3339 dates.
func TestHistory_NoTruncAndHuman(t *testing.T) {
	img := busyboxImage(t)
	id := nook(t, "image", "inspect", "-f", "{{.Id}}", img).Ok().Line()
	full := strings.Split(nook(t, "history", "--no-trunc", "-q", img).Ok().Line(), "\n")
	if full[0] != id {
		t.Fatalf("history --no-trunc -q top row %q, want %q", full[0], id)
	}
	short := strings.Split(nook(t, "history", "-q", img).Ok().Line(), "\n")
	if short[0] != strings.TrimPrefix(id, "sha256:")[:12] {
		t.Fatalf("history -q top row %q, want the short ID of %s", short[0], id)
	}
	nook(t, "history", "-H=false", "--format", "{{.Size}}|{{.CreatedSince}}", img).Ok().
		StdoutMatches(`^[0-9]+\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)\n`)
}

// ps template fields scripts use: .Mounts (volume names, bind sources),
// .LocalVolumes, .Label "k"; --format json carries them and Size "0B"
// (Docker computes sizes only when asked).
func TestPs_MountsLabelsJSON(t *testing.T) {
	img := busyboxImage(t)
	name, vol := containerName(t), uniqueName(t, "vol")
	dir := t.TempDir()
	nook(t, "run", "-d", "--name", name, "-l", "com.example.tier=web", "-v", vol+":/data", "-v", dir+":/host", img, "sleep", "300").Ok()
	defer nook(t, "volume", "rm", vol)
	defer nook(t, "rm", "-f", name)
	row := nook(t, "ps", "-f", "name=^"+name+"$", "--no-trunc", "--format", `{{.Mounts}}|{{.LocalVolumes}}|{{.Label "com.example.tier"}}`).Ok().Line()
	if row != vol+","+dir+"|1|web" && row != dir+","+vol+"|1|web" {
		t.Fatalf("ps .Mounts|.LocalVolumes|.Label: got %q, want %s and %s, 1, web", row, vol, dir)
	}
	nook(t, "ps", "-f", "name=^"+name+"$", "--format", `table {{.Label "com.example.tier"}}\t{{.LocalVolumes}}`).Ok().
		StdoutMatches(`^tier\s+LOCAL VOLUMES\nweb\s+1\n$`)
	var j map[string]string
	if err := json.Unmarshal([]byte(nook(t, "ps", "-f", "name=^"+name+"$", "--format", "json").Ok().Line()), &j); err != nil {
		t.Fatal(err)
	}
	if j["Size"] != "0B" || j["LocalVolumes"] != "1" || !strings.Contains(j["Mounts"], vol[:min(len(vol), 14)]) {
		t.Fatalf("ps --format json: Size %q (want 0B), LocalVolumes %q (want 1), Mounts %q (want %s)", j["Size"], j["LocalVolumes"], j["Mounts"], vol)
	}
}

// images template fields Docker has (.Containers .SharedSize .UniqueSize
// .VirtualSize, N/A when uncounted), and a bare "table" format meaning
// the default table for images and ps.
func TestImagesPs_FormatFieldsAndBareTable(t *testing.T) {
	img := busyboxImage(t)
	nook(t, "images", "--format", "{{.Containers}} {{.SharedSize}} {{.UniqueSize}} {{.VirtualSize}}", img).Ok().
		StdoutMatches(`^N/A N/A N/A [0-9.]+[kMG]?B\n$`)
	var j map[string]string
	if err := json.Unmarshal([]byte(nook(t, "images", "--format", "json", img).Ok().Line()), &j); err != nil || j["Containers"] != "N/A" || j["VirtualSize"] == "" {
		t.Fatalf("images --format json: %v %v", err, j)
	}
	nook(t, "images", "--format", "table", img).Ok().StdoutMatches(`^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+latest\s+[0-9a-f]{12}\s`)
	nook(t, "ps", "--format", "table", "-n", "1").Ok().StdoutMatches(`^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n`)
}

// ps filters from Docker's list that scripts use: before=/since= (by
// creation, naming a container), volume=, publish=/expose=.
func TestPs_FiltersBeforeSinceVolumePublish(t *testing.T) {
	img := busyboxImage(t)
	first, second, third := containerName(t), containerName(t), containerName(t)
	vol := uniqueName(t, "vol")
	nook(t, "create", "--name", first, img, "true").Ok()
	defer nook(t, "rm", "-f", first)
	nook(t, "create", "--name", second, "-v", vol+":/data", "-p", "127.0.0.1::8080", img, "true").Ok()
	defer nook(t, "volume", "rm", vol)
	defer nook(t, "rm", "-f", second)
	nook(t, "create", "--name", third, img, "true").Ok()
	defer nook(t, "rm", "-f", third)
	mine := func(args ...string) string {
		out := nook(t, append([]string{"ps", "-a", "--format", "{{.Names}}"}, args...)...).Ok().Stdout()
		var got []string
		for _, n := range strings.Fields(out) {
			if n == first || n == second || n == third {
				got = append(got, n)
			}
		}
		return strings.Join(got, " ")
	}
	for _, c := range []struct{ filter, want string }{
		{"before=" + second, first},
		{"since=" + second, third},
		{"volume=" + vol, second},
		{"volume=/data", second},
		{"publish=8080", second},
		{"publish=8000-8100/tcp", second},
		{"publish=8080/udp", ""},
		{"expose=8080", second}, // published ports are exposed too
		{"expose=9000", ""},
	} {
		if got := mine("-f", c.filter); got != c.want {
			t.Errorf("ps -a -f %s: got %q, want %q", c.filter, got, c.want)
		}
	}
	nook(t, "ps", "-f", "before="+uniqueName(t, "missing")).Exit(1).StderrContains("No such container")
	nook(t, "ps", "-f", "publish=x").Exit(1).StderrContains("invalid filter")
	nook(t, "ps", "-f", "status=bogus").Exit(1).StderrContains("Unrecognised filter value for status: bogus")
	nook(t, "ps", "-f", "exited=abc").Exit(1).StderrContains("invalid filter 'exited=abc'")
	if got := mine("-f", "status=created"); got != first+" "+second+" "+third && got != third+" "+second+" "+first {
		t.Errorf("ps -a -f status=created: got %q, want all three", got)
	}
}

// A word that is no command, at the top or in a group, is Docker's
// "is not a docker command" with exit 1 (urfave/cli said "No help topic",
// exit 3); the bare group and `help` still show help.
func TestUnknownCommand(t *testing.T) {
	nook(t, "bogus").Exit(1).StderrContains("nook: 'bogus' is not a nook command.", "See 'nook --help'")
	nook(t, "volume", "bogus").Exit(1).StderrContains("nook: 'volume bogus' is not a nook command.")
	nook(t, "volume").Ok().StdoutMatches(`(?s)nook volume.*create`)
	nook(t, "help", "ps").Ok().StdoutMatches(`nook ps`)
}

// -q wins over --format in ps and images, with docker/cli's warning on
// stderr (stdout stays a clean ID list).
func TestQuietOverridesFormatWithWarning(t *testing.T) {
	img := busyboxImage(t)
	const warning = "WARNING: Ignoring custom format, because both --format and --quiet are set."
	nook(t, "images", "-q", "--format", "{{.Repository}}", img).Ok().StderrContains(warning).StdoutMatches(`^([0-9a-f]{12}\n)+$`)
	nook(t, "ps", "-a", "-q", "--format", "{{.Names}}").Ok().StderrContains(warning).StdoutMatches(`^([0-9a-f]{12}\n)*$`)
}

// Prune reports as docker/cli: a section only when something went, a
// blank line after it, then always "Total reclaimed space:".
func TestPrune_ReportShape(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	s.Run("container", "prune", "-f").Ok().StdoutMatches(`^Total reclaimed space: 0B\n$`)
	s.Run("image", "prune", "-f").Ok().StdoutMatches(`^Total reclaimed space: 0B\n$`)
	id := s.Run("create", img, "true").Ok().Line()
	s.Run("container", "prune", "-f").Ok().StdoutMatches(`^Deleted Containers:\n` + id + `\n\nTotal reclaimed space: [0-9.]+[kMG]?B\n$`)
	// A second commit to the same tag leaves the first image dangling.
	ctr := s.Run("create", img, "true").Ok().Line()
	first := s.Run("commit", "-m", "one", ctr, "tmp:v1").Ok().Line()
	s.Run("commit", "-m", "two", ctr, "tmp:v1").Ok()
	s.Run("rm", ctr).Ok()
	s.Run("image", "prune", "-f").Ok().StdoutMatches(`^Deleted Images:\ndeleted: ` + first + `\n\nTotal reclaimed space: [0-9.]+[kMG]?B\n$`)
	s.Run("system", "prune", "-f").Ok().StdoutMatches(`^Total reclaimed space: 0B\n$`)
}

// images -f label= (KEY or KEY=VALUE, ANDed) and until= (a time or a
// duration ago), as Docker's image list filters.
func TestImages_LabelAndUntilFilters(t *testing.T) {
	s := freshStore(t)
	img := s.busybox(t)
	ctr := s.Run("create", img, "true").Ok().Line()
	s.Run("commit", "-c", "LABEL tier=web", ctr, "labelled:v1").Ok()
	repos := func(args ...string) string {
		return s.Run(append([]string{"images", "--format", "{{.Repository}}"}, args...)...).Ok().Line()
	}
	for _, c := range []struct{ filter, want string }{
		{"label=tier", "labelled"},
		{"label=tier=web", "labelled"},
		{"label=tier=db", ""},
		{"until=1h", ""},
	} {
		if got := repos("-f", c.filter); got != c.want {
			t.Errorf("images -f %s: got %q, want %q", c.filter, got, c.want)
		}
	}
	if got := repos("-f", "until=2999-01-01T00:00:00Z"); !strings.Contains(got, "labelled") || !strings.Contains(got, "busybox") {
		t.Errorf("images -f until=<future>: got %q, want both images", got)
	}
	s.Run("images", "-f", "until=soon").Exit(1).StderrContains("invalid time value")
}
