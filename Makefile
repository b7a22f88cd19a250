# Density Diffusion Toolkit.
#
#   make report   executes every notebook and writes the HTML reports to reports/ (the main job)
#   make test     go vet, notebook checks and execution, the reports opened in a browser, go test (race
#                 detector on ddt/...)
#
# Both install what is missing first (make setup): GoNB and goimports from the versions pinned in go.mod
# into ./bin, a headless Jupyter (apt-get as root on Debian/Ubuntu, else the command to run), the GoNB
# kernel registered into ./.jupyter, and echarts and MathJax (npm pack) into the user cache so that charts
# and equations in the reports work offline.
#
# Knobs: RUN=PATTERN selects notebooks (as go test -run does), REPORTS=dir, NBRUN_FLAGS="-cell-timeout 2m
# -budget 10m", RACE_FLAGS, JUPYTER_DATA_DIR. `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BIN := $(ROOT)/bin
export PATH := $(BIN):$(PATH)
export JUPYTER_DATA_DIR ?= $(ROOT)/.jupyter

REPORTS ?= reports
RUN ?=
NBRUN_FLAGS ?=
NBRUN := go run ./cmd/nbrun
# The simulation packages run under the race detector. -short keeps their race run within the CI budget
# (measured on 2 cores: see README, Testing); the same tests run in full without -race below.
RACE_PKGS ?= ./ddt/...
RACE_FLAGS ?= -race -short
BROWSER_CHECK ?= 1
SHOTS ?= $(or $(DDT_TEST_ARTIFACTS),$(ROOT)/.cache/screenshots)
GOTEST_LOG := $(ROOT)/.cache/gotest.log
# MathJax 2.7 (Apache-2.0) for LaTeX in offline reports: npm pack, checked against the registry's sha512,
# the parts nbconvert's HTML uses unpacked into the user cache (nbrun copies them into reports/mathjax).
MATHJAX_VERSION := 2.7.9
MATHJAX_SHA512 := sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+CCVl5p9G2IHcAl/wJa+5+BQ==
export DDT_MATHJAX_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ddt-toolkit/mathjax-$(MATHJAX_VERSION)

.PHONY: help setup tools jupyter kernel echarts mathjax browser report reports-browser test vet nbcheck notebooks gotest clean-notebooks clean assignments bench

help:
	@echo "make report    execute the notebooks, write reports/index.html and one HTML per notebook"
	@echo "make test      go vet, notebook checks and execution, go test (race detector on $(RACE_PKGS))"
	@echo "make setup     install what is missing: bin/gonb, bin/goimports, Jupyter, the GoNB kernel, echarts, MathJax"
	@echo "make reports-browser   open every report in $(REPORTS)/ in headless chromium (offline) and check what rendered"
	@echo "make browser   install chromium (for the tests that open reports in a headless browser)"
	@echo "make clean-notebooks   strip outputs from every notebook (do this before committing)"
	@echo "make assignments  write the student versions of the coursework notebooks to release/"
	@echo "make bench    speed against the numpy / PyTorch peers, side by side, as ratios"
	@echo "Variables: RUN=PATTERN (select notebooks), REPORTS=dir, NBRUN_FLAGS=..., RACE_FLAGS=..."

setup: tools jupyter kernel echarts mathjax

# GoNB and goimports at the versions pinned by the tool directives of go.mod.
tools:
	@GOBIN=$(BIN) go install tool
	@echo "setup: bin/gonb $$($(BIN)/gonb -V 2>/dev/null | head -1), bin/goimports"

jupyter:
	@bash .ci/setup jupyter

# Register the kernel into the project-local JUPYTER_DATA_DIR (idempotent, rewrites kernel.json so it
# points to this tree's bin/gonb even after the tree moved).
kernel: tools jupyter
	@out=$$($(BIN)/gonb --install --force_deps 2>&1) || { echo "$$out" >&2; exit 1; }
	@echo "setup: GoNB kernel registered in $(JUPYTER_DATA_DIR)/kernels/gonb"

# echarts for offline charts, fetched by the plotting package's command when it exists. Without it the reports
# still build: each interactive chart shows its static image with a note saying why (plotting's fallback), so a
# failed fetch warns and goes on; `make echarts` retries. (make test's browser check would then fail, as it should.)
echarts:
	@if ls cmd/fetch-echarts/*.go >/dev/null 2>&1; then \
		bash .ci/setup npm || echo "setup: npm is missing: echarts cannot be fetched" >&2; \
		p=$$(go run ./cmd/fetch-echarts) || { echo "setup: fetching echarts failed (see above): interactive charts will show their static image and a note until \`make echarts\` succeeds" >&2; exit 0; }; \
		echo "setup: echarts at $$p"; \
	else \
		echo "setup: cmd/fetch-echarts does not exist yet: echarts not fetched"; \
	fi

# Optional: without it reports typeset LaTeX with MathJax from its CDN (a note says so).
mathjax:
	@if [ -f "$(DDT_MATHJAX_DIR)/MathJax.js" ] && [ -f "$(DDT_MATHJAX_DIR)/config/Safe.js" ]; then echo "setup: MathJax at $(DDT_MATHJAX_DIR)"; exit 0; fi; \
	bash .ci/setup npm; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	if ! (cd "$$tmp" && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null 2>"$$tmp/err"); then \
		echo "setup: npm pack mathjax@$(MATHJAX_VERSION) failed ($$(tail -1 "$$tmp/err")): reports will load MathJax from its CDN" >&2; exit 0; fi; \
	sum=$$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$$tmp/mathjax-$(MATHJAX_VERSION).tgz"); \
	if [ "$$sum" != "$(MATHJAX_SHA512)" ]; then echo "setup: mathjax tarball checksum mismatch ($$sum): not used" >&2; exit 1; fi; \
	mkdir -p "$$tmp/x" && tar xzf "$$tmp/mathjax-$(MATHJAX_VERSION).tgz" -C "$$tmp/x" package/LICENSE package/MathJax.js \
		package/config/TeX-AMS_CHTML-full.js package/config/Safe.js package/jax/input/TeX package/jax/output/CommonHTML package/jax/element \
		package/fonts/HTML-CSS/TeX/woff package/extensions package/localization/en; \
	mkdir -p "$$(dirname "$(DDT_MATHJAX_DIR)")" && rm -rf "$(DDT_MATHJAX_DIR).partial" && \
	mv "$$tmp/x/package" "$(DDT_MATHJAX_DIR).partial" && rm -rf "$(DDT_MATHJAX_DIR)" && \
	mv "$(DDT_MATHJAX_DIR).partial" "$(DDT_MATHJAX_DIR)"; \
	echo "setup: MathJax $(MATHJAX_VERSION) at $(DDT_MATHJAX_DIR)"

browser:
	@bash .ci/setup chromium

# After the notebooks ran, `make report` opens every report in headless chromium when it is installed
# (BROWSER_CHECK=0 turns that off); `make test` always does (it skips without chromium).
report: setup
	$(NBRUN) run -out $(REPORTS) $(if $(RUN),-run '$(RUN)') $(NBRUN_FLAGS)
	@if [ "$(BROWSER_CHECK)" = 0 ]; then exit 0; fi; \
	if [ -n "$${DDT_CHROMIUM:-}" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then \
		$(BROWSER_CHECK_SH); \
	else echo "report: no chromium, reports not opened in a browser (make browser installs it; then make reports-browser)"; fi

# reports-browser: plotting's TestBrowserReports opens each passed report listed in $(REPORTS)/index.json with the
# network off and checks that every echarts chart was drawn, every image loaded, MathJax typeset without error and
# no script reported an error; a screenshot per report lands in $(SHOTS). When $(REPORTS)/gallery/gallery.html
# exists (make test executes plotting/testdata/gallery.ipynb, which shows every chart type, there),
# TestBrowserNotebookReport checks it too.
# (A shell snippet rather than a sub-make, so that `make -n test` does not run the test recipe.)
BROWSER_CHECK_SH = echo "== reports: open each report in headless chromium (screenshots in $(SHOTS))"; \
	mkdir -p "$(SHOTS)" && rm -f "$(SHOTS)"/reports-*.png && \
	gallery="$(abspath $(REPORTS))/gallery/gallery.html"; [ -f "$$gallery" ] || gallery=""; \
	DDT_REPORTS_DIR="$(abspath $(REPORTS))" DDT_TEST_ARTIFACTS="$(SHOTS)" DDT_GALLERY_HTML="$$gallery" \
		go test -count=1 -v -run '^(TestBrowserReports|TestBrowserNotebookReport)$$' ./plotting/ 2>&1 | \
		grep --line-buffered -v -e '^=== RUN' -e '^=== NAME' -e '^PASS$$' -e 'screenshot: ' && \
	echo "reports-browser: ok, $$(ls "$(SHOTS)"/reports-*.png 2>/dev/null | wc -l) screenshots in $(SHOTS)"

reports-browser:
	@$(BROWSER_CHECK_SH)

# Every step runs even when an earlier one failed, so one run shows everything that is broken; go test
# runs last so that its closing lines end the output (also kept in .cache/gotest.log), then one summary line.
test: setup
	@bash .ci/setup chromium || echo "test: no chromium: the tests that open reports in a browser will skip"
	@mkdir -p $(dir $(GOTEST_LOG)); failed=""; \
	echo "== go vet ./..."; go vet ./... || failed="$$failed vet"; \
	echo "== notebooks: committed form"; $(NBRUN) check notebooks notebooks/testdata plotting/testdata || failed="$$failed nbcheck"; \
	echo "== notebooks: execute"; $(NBRUN) run -out $(REPORTS) $(if $(RUN),-run '$(RUN)') $(NBRUN_FLAGS) || failed="$$failed notebooks"; \
	echo "== plotting gallery notebook (every chart type, for the browser check)"; \
	$(NBRUN) run -out $(REPORTS)/gallery plotting/testdata/gallery.ipynb || failed="$$failed gallery"; \
	{ $(BROWSER_CHECK_SH); } || failed="$$failed reports-browser"; \
	echo "== go test $(RACE_FLAGS) $(RACE_PKGS)"; \
	go test $(RACE_FLAGS) $(RACE_PKGS) 2>&1 | tee $(GOTEST_LOG) || failed="$$failed race"; \
	others=$$(go list ./... | grep -v -e '/ddt$$' -e '/ddt/'); \
	echo "== go test (the other packages, and $(RACE_PKGS) in full without -race)"; \
	go test $$others $(RACE_PKGS) 2>&1 | tee -a $(GOTEST_LOG) || failed="$$failed gotest"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: ok (vet, notebook checks, notebooks, reports in a browser, go test)"

vet:
	go vet ./...

nbcheck:
	$(NBRUN) check notebooks notebooks/testdata

notebooks: setup
	$(NBRUN) run -out $(REPORTS) $(if $(RUN),-run '$(RUN)') $(NBRUN_FLAGS)

gotest:
	go test $(RACE_FLAGS) $(RACE_PKGS)
	go test ./...

clean-notebooks:
	$(NBRUN) clean notebooks notebooks/testdata

clean:
	rm -rf $(REPORTS) $(ROOT)/.cache

# Coursework: the student versions of every assignment (solutions stubbed, hidden tests removed) in release/.
assignments:
	@mkdir -p release; for f in notebooks/assignments/a*.ipynb; do \
		go run ./cmd/assign student "$$f" "release/$$(basename "$$f")" || exit 1; done; \
	echo "assignments: student versions in release/ (notebooks/assignments/README.md: release, collect, grade)"

# Speed against the numpy / PyTorch peers of ../shared/peers, side by side (needs python3-numpy python3-torch).
bench:
	go run ./cmd/peerbench -peers $(or $(PEERS),../shared/peers) -rounds $(or $(ROUNDS),3)
