"""Raw intake: copy the publishers' files into data/raw/ and verify every SHA-256.

`data/raw/sources.yaml` (committed) is the provenance record: one entry per source with its title,
publisher, publication page, licence, access date and every file with its checksum. The raw files
themselves are never committed; `make data` copies them from RAW_DATA_DIR (default
../shared/data/raw) and stops with one clear message if anything is missing or altered.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis import paths
from analysis.checksums import sha256_of


class RawDataError(RuntimeError):
    """A raw file or folder is missing or is not the file the provenance record names."""


@dataclass(frozen=True)
class RawFile:
    """One raw file as recorded in sources.yaml."""

    source_id: str
    path: str  # relative to the raw folder, e.g. "ofsted/reports/80418_norfolk_2015-10-20.pdf"
    sha256: str
    url: str


def load_sources(sources_yaml: Path = paths.SOURCES_YAML) -> dict[str, Any]:
    """The provenance record as a dict keyed by source id."""
    with sources_yaml.open(encoding="utf-8") as handle:
        record = yaml.safe_load(handle)
    return record["sources"]


def raw_files(sources_yaml: Path = paths.SOURCES_YAML) -> list[RawFile]:
    """Every raw file named in the provenance record, in record order."""
    files: list[RawFile] = []
    for source_id, source in load_sources(sources_yaml).items():
        for entry in source["files"]:
            files.append(RawFile(source_id, entry["path"], entry["sha256"], source["url"]))
    return files


def _check_folder(raw_dir: Path) -> None:
    if not raw_dir.is_dir():
        raise RawDataError(
            f"Raw data folder not found: {raw_dir}\n"
            "  expected: the folder holding ofsted/, dfe/, imd2019/, lookups/ and secondary/\n"
            "  fix: set RAW_DATA_DIR=/path/to/raw (default ../shared/data/raw beside the repo); "
            f"each file's publisher page is listed in {paths.SOURCES_YAML.relative_to(paths.ROOT)}"
        )


def verify_file(raw_dir: Path, item: RawFile) -> Path:
    """Check one raw file exists under raw_dir with its recorded checksum; return its path."""
    path = raw_dir / item.path
    if not path.is_file():
        raise RawDataError(
            f"Raw file missing: {path}\n"
            f"  expected sha256: {item.sha256}\n  found: no file\n"
            f"  get it from: {item.url} (source '{item.source_id}')"
        )
    found = sha256_of(path)
    if found != item.sha256:
        raise RawDataError(
            f"Checksum mismatch: {path}\n  expected sha256: {item.sha256}\n  found sha256:    {found}\n"
            f"  the file is not the one the project was built on; get it from: {item.url} "
            f"(source '{item.source_id}')"
        )
    return path


def intake(
    source_dir: Path | None = None,
    dest_dir: Path = paths.DATA_RAW,
    sources_yaml: Path = paths.SOURCES_YAML,
) -> list[Path]:
    """Verify every recorded file in source_dir, then copy it into dest_dir and verify the copy.

    All source files are checked before anything is copied, so a bad raw folder changes nothing.
    Files already in dest_dir with the right checksum are left as they are.
    """
    source_dir = (source_dir or paths.raw_data_dir()).resolve()
    _check_folder(source_dir)
    items = raw_files(sources_yaml)
    for item in items:
        verify_file(source_dir, item)
    copied: list[Path] = []
    for item in items:
        target = dest_dir / item.path
        if not (target.is_file() and sha256_of(target) == item.sha256):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_dir / item.path, target)
            target.chmod(0o444)  # raw data is immutable
        copied.append(verify_file(dest_dir, item))
    return copied


def main() -> int:
    """`python -m analysis.build.sources`: intake with a one-line error instead of a traceback."""
    try:
        files = intake()
    except RawDataError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    print(f"raw intake: {len(files)} files verified against {paths.SOURCES_YAML.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
