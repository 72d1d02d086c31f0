# Build graph of the compendium. `make reports` does everything; `make test` checks it.
# Every target creates the virtual environment it needs, so a fresh clone needs only python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Absolute, so that notebooks (run with the notebooks folder as working directory) see the same folder.
# Default: ../shared/data/raw beside the repository, else the files `make raw` fetched (data/download).
RAW_DATA_DIR ?= $(if $(wildcard ../shared/data/raw),../shared/data/raw,$(if $(wildcard data/download),data/download,../shared/data/raw))
# realpath, not $(abspath): a folder name with spaces stays one path.
override RAW_DATA_DIR := $(shell realpath -m -- "$(RAW_DATA_DIR)")
export RAW_DATA_DIR
KERNEL_NAME := ofsted-analysis
STAMPS := .stamps
# `make bench` runs each timing this many times and prints the best (a shared machine is noisy).
BENCH_REPEAT ?= 3

# Code the processed data depends on: the build half and the shared modules it imports
# (tests/test_layout.py checks this list against the build's imports).
SHARED_CODE := src/analysis/__init__.py src/analysis/paths.py src/analysis/vocab.py src/analysis/schema.py \
	src/analysis/las.py src/analysis/checksums.py src/analysis/la_changes.yaml src/analysis/la_aliases.yaml \
	src/analysis/lexicon.py src/analysis/lexicon.yaml src/analysis/logodds.py
DATA_CODE := $(wildcard src/analysis/build/*.py src/analysis/build/*.yaml) $(SHARED_CODE)

.PHONY: all setup raw intake data processed-only reports test test-fast lint bench lab clean-reports help
all: reports

help:
	@echo "make reports   build everything: environment, data, executed notebooks, HTML reports (FORCE=1 reruns all)"
	@echo "make test      lint and run the test suite on the real raw files"
	@echo "make test-fast the tests that need no raw files, notebook or browser run, or model fitting"
	@echo "make data      build only the processed dataset"
	@echo "make raw       take in the raw files from RAW_DATA_DIR, or fetch them when it does not exist"
	@echo "make lab       start JupyterLab with the project's kernel"
	@echo "make bench     time extraction and report builds"

# A read-only checkout is told so in one line, before any work (a parse-time error: make adds no
# second "*** Error" line). Only `make help` works there.
ifneq ($(MAKECMDGOALS),help)
ifneq ($(shell ( mkdir -p $(STAMPS) && touch $(STAMPS)/.probe && rm -f $(STAMPS)/.probe ) 2>/dev/null && echo yes),yes)
$(error $(CURDIR) is not writable: make writes .venv, data/ and reports/ here; use a writable clone)
endif
endif

setup: $(STAMPS)/setup
$(STAMPS)/setup: pyproject.toml requirements.lock
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (Ofsted LA analysis)" >/dev/null
	@touch $@

# Raw intake runs every time (quick when nothing changed: size and mtime against data/raw/.intake.json):
# a changed RAW_DATA_DIR, a changed raw file or a changed sources.yaml is always seen. The intake
# rewrites data/raw/.intake.json only when something changed, and the data rule depends on it.
intake: $(STAMPS)/setup
	$(BIN)/python -m analysis.build.sources

# `make raw`: the intake from RAW_DATA_DIR when it exists; otherwise fetch every file from where it is
# published into data/download (resumable, every SHA-256 checked, each failure named: see
# analysis.build.fetch), then the intake from there.
raw: $(STAMPS)/setup
	@if [ -d "$(RAW_DATA_DIR)" ] && [ "$(RAW_DATA_DIR)" != "$(CURDIR)/data/download" ]; then \
		$(BIN)/python -m analysis.build.sources; \
	else \
		echo "raw files not found at $(RAW_DATA_DIR): fetching them into data/download"; \
		$(BIN)/python -m analysis.build.fetch --dest "$(CURDIR)/data/download" && \
		RAW_DATA_DIR="$(CURDIR)/data/download" $(BIN)/python -m analysis.build.sources; \
	fi

data/raw/.intake.json: intake

$(STAMPS)/data: data/raw/.intake.json data/raw/sources.yaml $(DATA_CODE)
	$(BIN)/python -m analysis.build
	@touch $@

# A missing data/processed (deleted, or an interrupted swap) is rebuilt (the build restores an
# interrupted swap first).
data: intake
	@test -f data/processed/datapackage.json -a -f data/interim/sentences.parquet || rm -f $(STAMPS)/data
	@$(MAKE) --no-print-directory $(STAMPS)/data

# With the raw files, the data are checked (and rebuilt if they changed) first. Without them (a fresh
# clone), every report renders from the committed data/processed, and one line says so.
HAVE_RAW := $(shell test -d "$(RAW_DATA_DIR)/ofsted/reports" && echo yes)
reports: $(if $(HAVE_RAW),data,processed-only)
	$(BIN)/python -m analysis.publish $(if $(FORCE),--force,)

processed-only: $(STAMPS)/setup
	@test -f data/processed/datapackage.json || { echo "no raw files at $(RAW_DATA_DIR) and no data/processed: get the raw files (see data/raw/README.md), then make data" >&2; exit 1; }
	@echo "raw files not found at $(RAW_DATA_DIR): the reports render from the committed data/processed (make data needs the raw files)"

# The README's test command (and CI's): lint, then every test. Tests that need the raw files are
# marked `raw`; without the files they are skipped with one line saying how to get them (CI fails).
test: lint
	$(BIN)/python -m pytest -q

# The tests that need neither the raw files nor a notebook or browser run nor model fitting
# (tests/publish and tests/models, all marked slow, are not even imported: nbformat and statsmodels
# take seconds to import).
test-fast: $(STAMPS)/setup
	$(BIN)/python -m pytest -q -m "not raw and not slow" --ignore=tests/publish --ignore=tests/models

lint: $(STAMPS)/setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: data
	$(BIN)/python bench/bench.py --repeat $(BENCH_REPEAT)

# JupyterLab refuses to run as root without --allow-root (CI and dev containers run as root).
lab: $(STAMPS)/setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

clean-reports:
	rm -rf reports/executed reports/html reports/index.html reports/manifest.json
