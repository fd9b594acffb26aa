# sockplay: two commands for people, `make run` and `make test`; both
# install what is missing first (scripts/install-deps.sh).

GO      ?= go
BIN     := build/sockplay
# Go test timeout per package; the smoke test builds the binary itself.
TESTTIMEOUT ?= 20m

.PHONY: run build test test-windows vet fmt-check cross-check screenshot fuzz bench package deps-build deps-test deps-bench deps-package clean

run: deps-build build
	./$(BIN) $(ARGS)

build:
	$(GO) build -o $(BIN) ./cmd/sockplay

test: deps-test fmt-check vet cross-check
	SOCKPLAY_SMOKE=1 $(GO) test -race -timeout $(TESTTIMEOUT) ./...
	GO=$(GO) scripts/offline-test.sh
	GO=$(GO) scripts/wine-test.sh

# The Windows build of every package without cgo (all but the GUI), its
# tests run under Wine in a private prefix, build/wine (scripts/wine-test.sh).
test-windows: deps-test
	GO=$(GO) scripts/wine-test.sh

vet:
	$(GO) vet ./...

# gofmt must have nothing to say.
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Everything without Fyne must build for the other platforms without cgo, so
# code that only builds on Linux fails here in seconds rather than at
# packaging time (the GUI needs cgo there: make package builds it for
# Windows). bench/ holds Linux-only load generators and is left out.
CROSSPKGS := . ./assets ./netcore/... ./sessions/... ./cmd/sockplay/cli/...
cross-check:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build $(CROSSPKGS)
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(CROSSPKGS)

# The README's screenshots (the main window, a session tab with traffic),
# taken by the smoke test under Xvfb.
screenshot: deps-test
	SOCKPLAY_SMOKE=1 SOCKPLAY_SCREENSHOTS=$(CURDIR)/docs \
		$(GO) test -count=1 -run TestSmokeWindowUnderXvfb ./cmd/sockplay

# Runs every fuzz target for FUZZTIME each (not part of make test).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# Every comparison in bench/ against the tool a person would use instead
# (socat, hexdump, xxd, ss, ping, ...), each alternating the two in one run,
# medians of several runs, written to bench/RESULTS.md (bench/run.sh).
# QUICK=1 runs a short version in a few minutes. Not part of make test.
QUICK ?= 0
bench: deps-bench
	QUICK=$(QUICK) bench/run.sh

# Release packages into dist/ (Linux tar.xz and .deb, Windows .exe and NSIS
# installer), then checks every artifact; the Windows ones also run under
# Wine in Xvfb (scripts/check-windows.sh: commands, the window, install and
# uninstall; WINECHECK=0 skips that part). PKG=linux or PKG=windows for one.
# Slow (cross builds), so not part of make test.
PKG ?= all
package: deps-package
	GO=$(GO) scripts/package.sh $(PKG)
	GO=$(GO) scripts/check-package.sh $(PKG)

deps-build:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

# What the tests need, and gnuplot for bench/RESULTS.md's plots.
deps-bench:
	@scripts/install-deps.sh bench

deps-package:
	@scripts/install-deps.sh package

clean:
	rm -rf build dist
