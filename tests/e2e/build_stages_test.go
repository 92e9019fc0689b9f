package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Multi-stage: COPY --from a named stage, a stage index and an image;
// --from keeps the source's ownership; a stage the target does not need
// is never built.
func TestBuild_MultiStage(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + img + " AS builder\n" +
			"RUN echo from-builder > /out && mkdir -p /dir/sub && echo deep > /dir/sub/f && chown 1234:5678 /dir/sub/f\n" +
			"FROM " + img + " AS unused\nRUN echo unused-stage-ran && exit 9\n" +
			"FROM " + img + "\nCOPY --from=builder /out /copied\nCOPY --from=0 /dir /dir\n" +
			"COPY --from=" + img + " /bin/busybox /bb\nCMD [\"cat\", \"/copied\"]\n",
	})
	tag := imageName(t)
	r := nook(t, "build", "--progress", "plain", "-t", tag, dir).Ok()
	if strings.Contains(r.Stderr(), "unused-stage-ran") || strings.Contains(r.Stderr(), "[unused") {
		r.Fatalf("the unused stage was built")
	}
	nook(t, "run", "--rm", tag).Ok().StdoutIs("from-builder")
	nook(t, "run", "--rm", tag, "stat", "-c", "%u:%g %s", "/dir/sub/f").Ok().StdoutIs("1234:5678 5")
	nook(t, "run", "--rm", tag, "cmp", "/bb", "/bin/busybox").Ok()
	// --target stops at the named stage.
	target := imageName(t)
	nook(t, "build", "-q", "--target", "builder", "-t", target, dir).Ok()
	nook(t, "run", "--rm", target, "cat", "/out").Ok().StdoutIs("from-builder")
	nook(t, "run", "--rm", target, "test", "-e", "/copied").Exit(1)
}

// ARG and ENV: expansion in instructions (with ${:-} modifiers),
// --build-arg overrides, Docker's scope rules (a global ARG needs a
// re-declaration inside a stage; a stage's ARG ends with the stage; ARG
// values are not in the image's Env but are in RUN's history text).
func TestBuild_ArgEnvExpansionAndScope(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"f.txt": "file\n",
		"Dockerfile": "ARG BASE=" + img + "\nARG GLOBAL=g\nARG UNSEEN=u\nFROM $BASE AS first\n" +
			"ARG GLOBAL\nARG LOCAL=l1\nENV E1=${LOCAL}-x E2=\"$GLOBAL\" M=${UNSET:-dflt}\nENV DIR=/data\n" +
			"WORKDIR $DIR/sub\nCOPY f.txt ${DIR}/\nLABEL l=$LOCAL\n" +
			"RUN echo \"[$LOCAL][$GLOBAL][$UNSEEN][$E1][$E2][$M][$(pwd)]\" > /out\n" +
			"FROM $BASE\nRUN echo \"[$LOCAL][$GLOBAL]\" > /scope\n",
	})
	tag := imageName(t)
	nook(t, "build", "-q", "--build-arg", "LOCAL=cli", "-t", tag, dir).Ok()
	nook(t, "run", "--rm", tag, "cat", "/scope").Ok().StdoutIs("[][]")
	first := imageName(t)
	nook(t, "build", "-q", "--build-arg", "LOCAL=cli", "--target", "first", "-t", first, dir).Ok()
	nook(t, "run", "--rm", first, "cat", "/out").Ok().StdoutIs("[cli][g][][cli-x][g][dflt][/data/sub]")
	nook(t, "run", "--rm", first, "cat", "/data/f.txt").Ok().StdoutIs("file")
	nook(t, "inspect", "-f", "{{.Config.WorkingDir}} {{.Config.Labels.l}}", first).Ok().StdoutIs("/data/sub cli")
	cfg := imageConfig(t, newCmd(t), first)
	for _, e := range cfg.Config.Env {
		if strings.HasPrefix(e, "LOCAL=") || strings.HasPrefix(e, "GLOBAL=") {
			t.Errorf("ARG %s leaked into the image's Env %v", e, cfg.Config.Env)
		}
	}
	for _, e := range []string{"E1=cli-x", "E2=g", "M=dflt", "DIR=/data"} {
		if !slices.Contains(cfg.Config.Env, e) {
			t.Errorf("Env lacks %s: %v", e, cfg.Config.Env)
		}
	}
	run := cfg.History[len(cfg.History)-1].CreatedBy
	if !strings.HasPrefix(run, "RUN |2 GLOBAL=g LOCAL=cli /bin/sh -c ") {
		t.Errorf("RUN history text: %q, want the |2 GLOBAL=g LOCAL=cli prefix", run)
	}
}

// .dockerignore with Docker's rules: globs, ** and ! exceptions (the
// later line wins); the Dockerfile and .dockerignore may be excluded yet
// still used; an excluded file is not found by COPY.
func TestBuild_Dockerignore(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM " + img + "\nCOPY . /ctx\nRUN cd /ctx && find . | sort > /list\n",
		".dockerignore": "# comment\n*.log\n!keep.log\ndocs\n!docs/README.md\n**/*.tmp\nsecret/\n" +
			"Dockerfile\n.dockerignore\nre/*\n!re/in.txt\nre/in.txt.bak\n",
		"app.go": "a", "debug.log": "x", "keep.log": "k", "docs/README.md": "r", "docs/other.md": "o",
		"a/b/c.tmp": "t", "a/b/c.txt": "c", "secret/key": "s", "re/in.txt": "i", "re/out.txt": "o", "re/in.txt.bak": "b",
	})
	tag := imageName(t)
	nook(t, "build", "-q", "-t", tag, dir).Ok()
	nook(t, "run", "--rm", tag, "cat", "/list").Ok().
		StdoutIs(".\n./a\n./a/b\n./a/b/c.txt\n./app.go\n./docs\n./docs/README.md\n./keep.log\n./re\n./re/in.txt")
	bad := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nCOPY debug.log /x\n", ".dockerignore": "*.log\n", "debug.log": "x"})
	nook(t, "build", "-t", imageName(t), bad).Exit(1).StderrContains("debug.log", "not found")
}

// The other instructions land in the config as Docker writes it; USER
// applies to RUN and to the directory WORKDIR creates; SHELL changes the
// shell form; heredocs work in RUN and COPY; ONBUILD runs in a child build
// and is not inherited further.
func TestBuild_MetadataInstructions(t *testing.T) {
	img := busyboxImage(t)
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nMAINTAINER someone@example.com\n" +
		"LABEL a=1 \"b c\"=\"d e\"\nRUN echo 'bld:x:1500:1600::/home/bld:/bin/sh' >> /etc/passwd && echo 'bgrp:x:1600:' >> /etc/group\n" +
		"USER bld\nWORKDIR /home/bld/work\nRUN id -u > uid && touch mine\nUSER root\nSHELL [\"/bin/sh\", \"-ec\"]\n" +
		"RUN case $- in *e*) echo errexit > /shell;; *) echo no > /shell;; esac\nCOPY <<EOT /heredoc.txt\nline1\nline2\nEOT\nRUN <<EOS\necho from heredoc > /hd\necho second >> /hd\nEOS\n" +
		"VOLUME [\"/data\", \"/cache\"]\nSTOPSIGNAL SIGQUIT\nHEALTHCHECK --interval=5s --timeout=2s --retries=4 CMD wget -q -O- http://localhost/\n" +
		"ONBUILD RUN echo triggered > /onbuild\nENTRYPOINT [\"/bin/echo\", \"ep\"]\nCMD [\"arg\"]\nEXPOSE 8000-8001/udp 9000\n"})
	tag := imageName(t)
	nook(t, "build", "-q", "-t", tag, dir).Ok()
	nook(t, "image", "inspect", "-f", "{{.Author}}|{{json .Config.Labels}}|{{.Config.User}}|{{json .Config.Volumes}}|{{.Config.StopSignal}}|"+
		"{{json .Config.Healthcheck}}|{{json .Config.OnBuild}}|{{json .Config.Shell}}|{{json .Config.ExposedPorts}}", tag).Ok().
		StdoutIs(`someone@example.com|{"a":"1","b c":"d e"}|root|{"/cache":{},"/data":{}}|SIGQUIT|` +
			`{"Test":["CMD-SHELL","wget -q -O- http://localhost/"],"Interval":5000000000,"Timeout":2000000000,"Retries":4}|` +
			`["RUN echo triggered > /onbuild"]|["/bin/sh","-ec"]|{"8000/udp":{},"8001/udp":{},"9000/tcp":{}}`)
	nook(t, "run", "--rm", tag).Ok().StdoutIs("ep arg")
	nook(t, "run", "--rm", "--entrypoint", "sh", tag, "-c",
		"cat uid /shell /heredoc.txt /hd; stat -c '%n %u:%g' /home/bld/work /home/bld/work/mine").Ok().
		StdoutIs("1500\nerrexit\nline1\nline2\nfrom heredoc\nsecond\n/home/bld/work 1500:1600\n/home/bld/work/mine 1500:1600")
	child := writeContext(t, map[string]string{"Dockerfile": "FROM " + tag + "\nRUN cat /onbuild\n"})
	ctag := imageName(t)
	nook(t, "build", "--progress", "plain", "-t", ctag, child).Ok().StderrContains("ONBUILD RUN echo triggered", "triggered")
	nook(t, "image", "inspect", "-f", "{{json .Config.OnBuild}}", ctag).Ok().StdoutIs("null")
}

// RUN steps commit on every storage driver (native overlay mounts and
// commits the step layer in place; fuse-overlayfs and vfs take the store's
// copy path): files added, changed and deleted (whiteouts) across steps,
// and the saved image's layers match their diff IDs.
func TestBuild_RunStepsOnEachDriver(t *testing.T) {
	for _, d := range []struct {
		name string
		req  []Requirement
	}{{"overlay", []Requirement{NativeOverlay}}, {"fuse-overlayfs", []Requirement{FuseOverlay}}, {"vfs", nil}} {
		t.Run(d.name, func(t *testing.T) {
			requires(t, d.req...)
			s := freshStore(t, "NOOK_STORAGE_DRIVER="+d.name)
			img := s.busybox(t)
			dir := writeContext(t, map[string]string{"Dockerfile": "FROM " + img + "\n" +
				"RUN mkdir -p /d/sub && echo one > /d/sub/f && echo keep > /d/k && rm /bin/true && ln -s /d/k /lnk\n" +
				"RUN echo two >> /d/sub/f && rm -r /d/sub && mkdir /d/sub && echo new > /d/sub/g\n" +
				"WORKDIR /w\nRUN rm /d/k\n"})
			s.Run("build", "-q", "-t", "e2e/steps", dir).Ok()
			s.Run("run", "--rm", "e2e/steps", "sh", "-c", "ls /d; ls /d/sub; test -e /bin/true || echo no-true; readlink /lnk; pwd").Ok().
				StdoutIs("sub\ng\nno-true\n/d/k\n/w")
			cfg := imageConfig(t, s.Cmd, "e2e/steps")
			if len(cfg.RootFS.DiffIDs) != 5 {
				t.Fatalf("layers: %v", cfg.RootFS.DiffIDs)
			}
			// save and load back: layer content and diff IDs agree.
			tarball := filepath.Join(t.TempDir(), "steps.tar")
			s.Run("save", "-o", tarball, "e2e/steps").Ok()
			s.Run("rmi", "e2e/steps").Ok()
			s.Run("load", "-i", tarball).Ok()
			s.Run("run", "--rm", "e2e/steps", "cat", "/d/sub/g").Ok().StdoutIs("new")
		})
	}
}
