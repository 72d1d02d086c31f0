# Build graph of the compendium. `make reports` does everything; `make test` checks it.
# Every target creates the virtual environment it needs, so a fresh clone needs only python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Absolute, so that notebooks (run with the notebooks folder as working directory) see the same folder.
RAW_DATA_DIR ?= ../shared/data/raw
override RAW_DATA_DIR := $(abspath $(RAW_DATA_DIR))
export RAW_DATA_DIR
KERNEL_NAME := ofsted-analysis
STAMPS := .stamps

# Code the processed data depends on: the build half and the shared modules it imports
# (tests/test_layout.py checks this list against the build's imports).
SHARED_CODE := src/analysis/__init__.py src/analysis/paths.py src/analysis/vocab.py src/analysis/schema.py \
	src/analysis/las.py src/analysis/checksums.py src/analysis/la_changes.yaml src/analysis/la_aliases.yaml
DATA_CODE := $(wildcard src/analysis/build/*.py src/analysis/build/*.yaml) $(SHARED_CODE)

.PHONY: all setup data reports test bench lab clean-reports help
all: reports

help:
	@echo "make reports   build everything: environment, data, executed notebooks, HTML reports (FORCE=1 reruns all)"
	@echo "make test      run the test suite on the real raw files"
	@echo "make data      build only the processed dataset"
	@echo "make lab       start JupyterLab with the project's kernel"
	@echo "make bench     time extraction and report builds"

setup: $(STAMPS)/setup
$(STAMPS)/setup: pyproject.toml requirements.lock
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (Ofsted LA analysis)" >/dev/null
	@touch $@

# Raw intake runs whenever the provenance record changes or data/raw was never filled.
$(STAMPS)/raw: data/raw/sources.yaml $(STAMPS)/setup
	$(BIN)/python -m analysis.build.sources
	@touch $@

$(STAMPS)/data: $(STAMPS)/raw $(DATA_CODE)
	$(BIN)/python -m analysis.build
	@touch $@

data: $(STAMPS)/data

reports: $(STAMPS)/data
	$(BIN)/python -m analysis.publish $(if $(FORCE),--force,)

test: $(STAMPS)/setup
	$(BIN)/python -m pytest -q

bench: $(STAMPS)/data
	$(BIN)/python bench/bench.py

# JupyterLab refuses to run as root without --allow-root (CI and dev containers run as root).
lab: $(STAMPS)/setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

clean-reports:
	rm -rf reports/executed reports/html reports/index.html reports/manifest.json
