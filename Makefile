# planbook: `make serve` builds and serves the sample portfolio; `make test` runs every test.
# Each target bootstraps .venv/ from the pinned requirements the first time, and again when they change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: help venv serve build check test test-fast bench screenshots clean

help:
	@echo "make serve   build and serve the site at http://127.0.0.1:8000 (reloads on edits)"
	@echo "make build   build the site strictly into site/"
	@echo "make check   check every plan in projects/"
	@echo "make test    run the whole test suite, browser tests included"
	@echo "make bench   run the benchmarks and write bench/RESULTS.md"
	@echo "make screenshots   take the authoring guide's pictures again, from a real preview"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty -a 127.0.0.1:8000

build: $(STAMP)
	$(BIN)/mkdocs build --strict

check: $(STAMP)
	$(BIN)/planbook check projects

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

screenshots: $(STAMP)
	$(BIN)/python tools/guide_screenshots.py

clean:
	rm -rf site build dist *.egg-info test-artifacts bench/out
