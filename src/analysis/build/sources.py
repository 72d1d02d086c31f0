"""Raw intake: copy the publishers' files into data/raw/ and verify every SHA-256.

`data/raw/sources.yaml` (committed) is the provenance record: one entry per source with its title,
publisher, publication page, licence, access date and every file with its checksum. The raw files
themselves are never committed; `make data` copies them from RAW_DATA_DIR (default
../shared/data/raw) and stops with one clear message if anything is missing or altered.

Fast path, stated: hashing all 446 files takes a few seconds, so the intake writes
`data/raw/.intake.json` with each copied file's SHA-256, size and modification time (and those of
the source file it came from, with the source folder). A later check of a file whose size and
modification time (in nanoseconds) are unchanged trusts the recorded hash; any other file is hashed
again. The build (`verify_raw`) checks every file it reads this way, so a file changed, truncated or
replaced in data/raw after intake stops it with the same message as the intake. The state file is
rewritten only when its content changes, so make can depend on it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    return paths.read_yaml(sources_yaml)["sources"]


def _url(template: str, path: str) -> str:
    """A source's page for one file: `{URN}` in the template (the Ofsted reports) is the report's URN,
    the number its file name starts with (e.g. 80418 in 80418_norfolk_2015-10-20.pdf; the collector's
    MANIFEST.csv gives the same URN for all 431 files). A file of the source with no URN (that
    MANIFEST.csv) gets the listing of all providers of the type, the template without `/{URN}`."""
    urn = Path(path).name.split("_", 1)[0]
    return template.replace("{URN}", urn) if urn.isdigit() else template.replace("/{URN}", "")


def raw_files(sources_yaml: Path = paths.SOURCES_YAML) -> list[RawFile]:
    """Every raw file named in the provenance record, in record order."""
    files: list[RawFile] = []
    for source_id, source in load_sources(sources_yaml).items():
        for entry in source["files"]:
            files.append(RawFile(source_id, entry["path"], entry["sha256"], _url(source["url"], entry["path"])))
    return files


def _check_folder(raw_dir: Path) -> None:
    if not raw_dir.is_dir():
        raise RawDataError(
            f"Raw data folder not found: {raw_dir}\n"
            "  expected: the folder holding ofsted/, dfe/, imd2019/, lookups/ and secondary/\n"
            "  fix: set RAW_DATA_DIR=/path/to/raw (default ../shared/data/raw beside the repo); "
            f"each file's publisher page is listed in {paths.SOURCES_YAML.relative_to(paths.ROOT)}"
        )


#: Intake state beside the raw files (see the module docstring): never committed.
STATE_NAME = ".intake.json"


def _stat(path: Path) -> dict[str, int]:
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def read_state(raw_dir: Path) -> dict[str, Any]:
    """The intake state of a raw folder ({} if there is none or it is unreadable)."""
    try:
        state = json.loads((raw_dir / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _known_hash(path: Path, recorded: dict[str, Any] | None) -> str | None:
    """The recorded hash if the file's size and modification time are the recorded ones."""
    if recorded and path.is_file() and _stat(path) == {k: recorded.get(k) for k in ("size", "mtime_ns")}:
        return recorded.get("sha256")
    return None


def verify_file(raw_dir: Path, item: RawFile, recorded: dict[str, Any] | None = None) -> Path:
    """Check one raw file exists under raw_dir with its recorded checksum; return its path.

    `recorded` is the file's entry in an intake state ({sha256, size, mtime_ns}): when the file's
    size and modification time match it, its hash is not recomputed.
    """
    path = raw_dir / item.path
    if not path.is_file():
        raise RawDataError(
            f"Raw file missing: {path}\n"
            f"  expected sha256: {item.sha256}\n  found: no file\n"
            f"  get it from: {item.url} (source '{item.source_id}')"
        )
    found = _known_hash(path, recorded) or sha256_of(path)
    if found != item.sha256:
        raise RawDataError(
            f"Checksum mismatch: {path}\n  expected sha256: {item.sha256}\n  found sha256:    {found} "
            f"({path.stat().st_size} bytes)\n"
            f"  the file is not the one the project was built on; get it from: {item.url} "
            f"(source '{item.source_id}')"
        )
    return path


def verify_raw(raw_dir: Path = paths.DATA_RAW, sources_yaml: Path = paths.SOURCES_YAML) -> list[Path]:
    """What the build runs before it reads anything: every file sources.yaml names is in `raw_dir`
    with its recorded checksum (fast path on size and modification time, see the module docstring),
    and every file under data/raw's source folders is one that sources.yaml names (an extra file,
    e.g. a stray download, is an error rather than silently read or silently ignored)."""
    _check_folder(raw_dir)
    state = read_state(raw_dir).get("files", {})
    items = raw_files(sources_yaml)
    checked = [verify_file(raw_dir, item, state.get(item.path)) for item in items]
    listed = {item.path for item in items}
    extra = sorted(
        p.relative_to(raw_dir).as_posix()
        for p in raw_dir.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.relative_to(raw_dir).as_posix() not in listed
        and p.relative_to(raw_dir).parts[0] not in ("sources.yaml", "README.md")
    )
    if extra:
        raise RawDataError(
            f"Raw file not in the provenance record: {raw_dir / extra[0]}"
            + (
                f" (and {len(extra) - 1} more: {', '.join(extra[1:4])}{', ...' if len(extra) > 4 else ''})"
                if len(extra) > 1
                else ""
            )
            + f"\n  expected: only the {len(items)} files {sources_yaml.name} lists\n  found: {len(extra)} other file(s)\n"
            f"  fix: remove it, or record it in {sources_yaml.relative_to(paths.ROOT) if sources_yaml.is_relative_to(paths.ROOT) else sources_yaml} with its source and SHA-256"
        )
    return checked


def intake(
    source_dir: Path | None = None,
    dest_dir: Path = paths.DATA_RAW,
    sources_yaml: Path = paths.SOURCES_YAML,
) -> list[Path]:
    """Verify every recorded file in source_dir, then copy it into dest_dir and verify the copy.

    All source files are checked before anything is copied, so a bad raw folder changes nothing.
    Files already in dest_dir with the right checksum are left as they are. Source files whose size
    and modification time match the last intake from the same folder are not hashed again.
    """
    source_dir = (source_dir or paths.raw_data_dir()).resolve()
    _check_folder(source_dir)
    items = raw_files(sources_yaml)
    state = read_state(dest_dir)
    same_source = state.get("source_dir") == str(source_dir)
    previous = state.get("files", {}) if same_source else {}
    for item in items:
        verify_file(source_dir, item, (previous.get(item.path) or {}).get("source"))
    copied: list[Path] = []
    files: dict[str, Any] = {}
    for item in items:
        target = dest_dir / item.path
        if not (
            target.is_file()
            and (_known_hash(target, state.get("files", {}).get(item.path)) or sha256_of(target)) == item.sha256
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.chmod(0o644)
            shutil.copyfile(source_dir / item.path, target)
            target.chmod(0o444)  # raw data is immutable
        copied.append(verify_file(dest_dir, item, state.get("files", {}).get(item.path)))
        files[item.path] = {
            "sha256": item.sha256,
            **_stat(target),
            "source": {"sha256": item.sha256, **_stat(source_dir / item.path)},
        }
    new_state = json.dumps({"source_dir": str(source_dir), "files": files}, indent=1, sort_keys=True) + "\n"
    state_path = dest_dir / STATE_NAME
    if not state_path.exists() or state_path.read_text(encoding="utf-8") != new_state:
        tmp = state_path.with_name(state_path.name + ".tmp")
        tmp.write_text(new_state, encoding="utf-8")
        os.replace(tmp, state_path)
    return copied


def main(argv: list[str] | None = None) -> int:
    """`python -m analysis.build.sources`: intake with a one-line error instead of a traceback."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.build.sources",
        description="Raw intake: verify every file data/raw/sources.yaml names in RAW_DATA_DIR "
        "(default ../shared/data/raw) against its SHA-256, then copy it into data/raw/.",
    )
    parser.parse_args(argv)
    try:
        files = intake()
    except RawDataError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    print(f"raw intake: {len(files)} files from {paths.raw_data_dir()} verified against {paths.SOURCES_YAML.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
