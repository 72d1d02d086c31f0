"""Project paths, anchored on this file so nothing depends on the working directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

ROOT: Path = Path(__file__).resolve().parents[2]
DATA_RAW: Path = ROOT / "data" / "raw"
DATA_PROCESSED: Path = ROOT / "data" / "processed"
DATA_INTERIM: Path = ROOT / "data" / "interim"  # large build outputs, not committed (sentences.parquet)
SOURCES_YAML: Path = DATA_RAW / "sources.yaml"
REPORTS: Path = ROOT / "reports"
NOTEBOOKS: Path = ROOT / "notebooks"

#: Where the publishers' files live before intake. CI and every developer have them beside the repo.
DEFAULT_RAW_DATA_DIR: Path = ROOT.parent / "shared" / "data" / "raw"


def raw_data_dir() -> Path:
    """The folder the raw files are copied from: `RAW_DATA_DIR` if set, else ../shared/data/raw."""
    return Path(os.environ.get("RAW_DATA_DIR", DEFAULT_RAW_DATA_DIR)).resolve()


#: libyaml's safe loader where PyYAML was built with it (about ten times quicker on sources.yaml), else
#: the pure-Python one; both build the same plain objects.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A project YAML file (sources.yaml, la_changes.yaml, ...), loaded safely."""
    with Path(path).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
