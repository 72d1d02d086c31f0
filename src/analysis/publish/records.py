"""What a notebook hands over: `record(key, value)` writes a JSON sidecar beside the executed
notebook (the runner passes its path in ANALYSIS_RECORD_PATH), and where every run's outputs live
(`Layout`). Also the helpers each notebook's first and last cells call (seed, package versions,
data checksum). Light on purpose: importing it loads no notebook, PDF or plotting library.
"""

from __future__ import annotations

import json
import os
import random
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from analysis.checksums import data_checksum
from analysis.paths import REPORTS

__all__ = [
    "TIDY_KEY",
    "Layout",
    "current_reports_dir",
    "data_checksum",
    "package_versions",
    "read_records",
    "record",
    "record_file",
    "record_table",
    "recorded",
    "seed_everything",
]

#: Environment variable through which the runner tells a notebook where to write its records.
RECORD_ENV = "ANALYSIS_RECORD_PATH"
#: Packages whose versions go into the manifest, the index and each notebook's last cell.
KEY_PACKAGES: tuple[str, ...] = (
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "scipy",
    "statsmodels",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jupytext",
)


@dataclass(frozen=True)
class Layout:
    """Where a build writes: executed notebooks, HTML, manifest and index, all under `out_dir`."""

    out_dir: Path

    @property
    def executed(self) -> Path:
        return self.out_dir / "executed"

    @property
    def html(self) -> Path:
        return self.out_dir / "html"

    @property
    def manifest(self) -> Path:
        return self.out_dir / "manifest.json"

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"

    def executed_notebook(self, name: str) -> Path:
        return self.executed / f"{name}.ipynb"

    def failed_notebook(self, name: str) -> Path:
        return self.executed / f"{name}.FAILED.ipynb"

    def record_file(self, name: str) -> Path:
        return self.executed / f"{name}.record.json"

    @property
    def tables(self) -> Path:
        return self.out_dir / "tables"

    def table_file(self, name: str) -> Path:
        """The tidy results of the run `name` (from its record TIDY_KEY), for others to reuse."""
        return self.tables / f"{name}.csv"

    def html_file(self, name: str) -> Path:
        return self.html / f"{name}.html"


def record_file(name: str, reports_dir: Path = REPORTS) -> Path:
    """Where the run `name` (notebook stem, plus "--SET") leaves its records under `reports_dir`."""
    return Layout(Path(reports_dir)).record_file(name)


_RECORDED: dict[str, Any] = {}


def _jsonable(value: Any) -> Any:
    """A plain JSON value for numpy / pandas scalars, arrays, dates and paths."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        items = sorted(value) if isinstance(value, set) else value
        return [_jsonable(v) for v in items]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _jsonable(value.tolist())
    if hasattr(value, "isoformat"):  # dates, datetimes, pandas Timestamps
        return value.isoformat()
    return str(value)


def record(key: str, value: Any) -> Any:
    """Keep `value` under `key` in the run's record sidecar and return it unchanged.

    The sidecar path comes from ANALYSIS_RECORD_PATH, set by the runner. Outside the runner (e.g. in
    JupyterLab) the value is only kept in memory, in `recorded()`.
    """
    _RECORDED[key] = _jsonable(value)
    path = os.environ.get(RECORD_ENV)
    if path:
        target = Path(path)
        current = json.loads(target.read_text()) if target.exists() else {}
        current[key] = _RECORDED[key]
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(current, indent=2, sort_keys=True))
        os.replace(tmp, target)
    return value


#: Record key of a run's tidy results (rows of analysis.models.results.COLUMNS); the runner writes
#: them to reports/tables/NAME.csv.
TIDY_KEY = "tidy_table"


def record_table(frame: Any) -> Any:
    """Record a tidy results frame (one row per statistic) under TIDY_KEY, and return it unchanged."""
    record(TIDY_KEY, frame.to_dict(orient="records"))
    return frame


def current_reports_dir() -> Path:
    """The report folder of the build running this notebook (the runner's output folder, from
    RECORD_ENV: <out>/executed/NAME.running.PID.record.json), else the project's reports/."""
    path = os.environ.get(RECORD_ENV)
    return Path(path).resolve().parent.parent if path else REPORTS


def read_records(name: str, reports_dir: Path | None = None) -> dict[str, Any]:
    """The records another run left (for a notebook whose run `needs:` it) in `reports_dir` (default:
    current_reports_dir()), with a clear error when that run has not left any."""
    path = record_file(name, reports_dir or current_reports_dir())
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: expected the records of the run {name!r}, found no file; run `make reports` "
            f"(and list {name!r} under `needs:` of this run in notebooks/params.yaml)"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def recorded() -> dict[str, Any]:
    """Everything recorded in this Python session so far."""
    return dict(_RECORDED)


def seed_everything(seed: int) -> None:
    """Seed Python's and numpy's random number generators so a run is repeatable."""
    import numpy as np  # numpy is heavy; only a notebook that seeds pays for it

    random.seed(seed)
    np.random.seed(seed)


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str]:
    """Installed versions of the key packages (and Python), read without importing them."""
    versions = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions
