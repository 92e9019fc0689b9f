# nook — build, test and check. `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := build

# Go lives in /usr/local/go on the project's machines; never download a toolchain.
ifeq ($(shell command -v go 2>/dev/null),)
export PATH := /usr/local/go/bin:$(PATH)
endif
export GOTOOLCHAIN := local

GO        ?= go
# urfave_cli_no_docs drops urfave/cli's man-page generator (and its start-up cost).
TAGS      := containers_image_openpgp exclude_graphdriver_btrfs urfave_cli_no_docs
# A semantic version, as `docker --version` prints one (scripts parse it),
# and the commit it was built from.
VERSION   ?= 0.4.0
GITCOMMIT ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown)
LDFLAGS   := -X main.version=$(VERSION) -X main.gitCommit=$(GITCOMMIT)
BIN       := bin/nook
# nook-runtime is linked statically: it starts on every run and exec and
# needs no dynamic loader; netgo/osusergo keep glibc's NSS out. (Linking
# nook itself statically measured no faster, and would need NSS.)
# nook-monitor is pure Go (CGO_ENABLED=0, hence static): a monitor's whole
# binary stays resident while its container runs (tests/bench/mem.sh).
STATIC_TAGS    := netgo osusergo
STATIC_LDFLAGS := -linkmode external -extldflags -static
DESTDIR   ?=
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin

# End-to-end tests run as this unprivileged user when make runs as root.
TEST_USER ?= nooktest
E2E_TIMEOUT ?= 40m
# Extra flags for the e2e test binary, e.g. E2E_FLAGS='-test.run TestRun'.
E2E_FLAGS ?=
UID       := $(shell id -u)

.PHONY: all build setup test test-unit test-e2e lint check-imports check-size bench demo \
	install clean ci help

all: build ## same as build

build: ## build bin/nook, bin/nook-runtime and bin/nook-monitor (trimpath; VERSION, commit from git describe)
	CGO_ENABLED=1 $(GO) build -trimpath -tags '$(TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nook
	CGO_ENABLED=1 $(GO) build -trimpath -tags '$(TAGS) $(STATIC_TAGS)' -ldflags '$(STATIC_LDFLAGS)' -o $(BIN)-runtime ./cmd/nook-runtime
	CGO_ENABLED=0 $(GO) build -trimpath -tags '$(TAGS)' -o $(BIN)-monitor ./cmd/nook-monitor

test: setup test-unit test-e2e ## run all tests (as root: installs what they need and sets up the test user)

setup: ## as root: install test packages, create the nooktest user, build fixtures; else check prerequisites
	@if [ "$(UID)" = 0 ]; then bash tests/setup.sh; else bash tests/setup.sh || true; fi

test-unit: ## unit tests of every package except tests/ (go test)
	$(GO) test -tags '$(TAGS)' $$($(GO) list -tags '$(TAGS)' ./... | grep -v '/tests/')

test-e2e: build ## end-to-end tests with the real binary as an unprivileged user
	@bash tests/e2e-run.sh '$(TAGS)' '$(TEST_USER)' '$(E2E_TIMEOUT)' $(E2E_FLAGS)

lint: ## gofmt (must list nothing) and go vet
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt -l lists files; run gofmt -w:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags '$(TAGS)' ./...
	@if command -v staticcheck >/dev/null; then staticcheck -tags '$(TAGS)' ./...; fi

check-imports: ## enforce the package layering (internal/archtest)
	$(GO) test -count=1 -tags '$(TAGS)' ./internal/archtest/

check-size: ## list files over 400 lines and functions over 100 lines
	$(GO) run ./tests/cmd/checksize -allow tests/size-allowlist.txt

bench: build ## benchmarks: nook run --rm IMAGE true vs podman (tests/bench.sh)
	@bash tests/bench.sh

demo: build ## run the flagship example (tests/demo.sh)
	@if [ -f tests/demo.sh ]; then bash tests/demo.sh; \
	else echo "demo: not implemented yet (tests/demo.sh does not exist)"; fi

install: build ## install bin/nook, nook-runtime and nook-monitor into DESTDIR/BINDIR (default /usr/local/bin)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/nook
	install -m 0755 $(BIN)-runtime $(DESTDIR)$(BINDIR)/nook-runtime
	install -m 0755 $(BIN)-monitor $(DESTDIR)$(BINDIR)/nook-monitor

clean: ## remove build outputs
	rm -rf bin/ tests/e2e/e2e.test

ci: lint check-imports test ## lint, import rules, then all tests

help: ## list the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-zA-Z0-9_-]+:.*## /{printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
