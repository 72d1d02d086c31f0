"""Fetch the raw files from where they are published: `python -m analysis.build.fetch` (`make raw`
runs it when RAW_DATA_DIR does not exist, then takes the fetched folder in as usual).

What is fetched from where (data/raw/sources.yaml, each source's `download`):

- the 431 report PDFs from the public collection they were taken from: the GitHub repository
  data-to-insight/ofsted-ilacs-scrape-tool at a pinned commit (the source's `download.base`), each at
  its file entry's `archive_path` (percent-encoded; scripts/make_sources_yaml.py records it from
  report_origins.csv, which stays beside the raw folder in ../shared/data);
- a source whose record gives no direct download address (the Ofsted ODS, the DfE and IMD files,
  the lookups, the press-sourced table, the collector's MANIFEST.csv) is not guessed at: the fetch
  names the page to get it from, the file and where to put it.

Every download goes to `<file>.part` and is renamed only once its SHA-256 is the recorded one; an
interrupted download resumes from the bytes it has (HTTP Range), a server that ignores the Range
starts the file again, and each file is tried `RETRIES` times. A file already in the folder with its
recorded checksum is not downloaded again. Every failure is named with its address and reason (a 404,
a checksum that differs, a connection that broke every time) and the fetch exits 1 after trying them
all; when the first files cannot connect at all (UNREACHABLE_AFTER in a row) the network is taken to
be down and the rest are listed as not tried. Progress: one tqdm bar over the files, on a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path

from tqdm import tqdm

from analysis import paths
from analysis.build.sources import load_sources, raw_files
from analysis.checksums import sha256_of

DEFAULT_DEST = paths.ROOT / "data" / "download"  # where `make raw` fetches to (not committed)
RETRIES = 4  # attempts per file (an interrupted download resumes from what it has)
UNREACHABLE_AFTER = 3  # files in a row that could not connect at all: the network is down, stop there
CHUNK = 1 << 16
TIMEOUT = 60  # seconds without data before an attempt is given up


@dataclass(frozen=True)
class Item:
    """One raw file to fetch: where it goes, its recorded checksum, and its address or page."""

    path: str  # relative to the raw folder
    sha256: str
    url: str | None  # direct download address; None: the publisher gives none (see `page`)
    page: str  # the publisher's page for the file


@dataclass
class Outcome:
    """What a fetch did, file by file."""

    present: list[str] = field(default_factory=list)  # already there with the right checksum
    fetched: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason with the address)
    manual: list[Item] = field(default_factory=list)  # no download address: get it by hand

    @property
    def complete(self) -> bool:
        return not self.failed and not self.manual


def items(sources_yaml: Path = paths.SOURCES_YAML) -> list[Item]:
    """Every raw file of sources.yaml with its download address where the record gives one: the
    source's `download.base` and the file entry's `archive_path`, percent-encoded."""
    addresses: dict[str, str] = {}
    for source_id, source in load_sources(sources_yaml).items():
        download = source.get("download")
        if not download:
            continue
        # Every report PDF of the source was taken from the collection; its MANIFEST.csv was not.
        missing = [e["path"] for e in source["files"] if e["path"].endswith(".pdf") and not e.get("archive_path")]
        if missing:
            raise ValueError(
                f"{sources_yaml}: source {source_id!r} has a download base, so every PDF needs its archive_path; "
                f"none for {missing[:3]}{' ...' if len(missing) > 3 else ''} (regenerate with scripts/make_sources_yaml.py)"
            )
        for entry in source["files"]:
            if entry.get("archive_path"):
                addresses[entry["path"]] = download["base"] + urllib.parse.quote(entry["archive_path"])
    return [Item(f.path, f.sha256, addresses.get(f.path), f.url) for f in raw_files(sources_yaml)]


def _attempt(item: Item, part: Path, opener: Callable) -> None:
    """One try at the rest of a file into `part` (resuming from its size when the server allows)."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(item.url, headers={"Range": f"bytes={have}-"} if have else {})
    with opener(request, timeout=TIMEOUT) as response:
        resumed = have and response.status == 206
        expected = response.headers.get("Content-Length")
        received = 0
        with part.open("ab" if resumed else "wb") as out:
            while chunk := response.read(CHUNK):
                out.write(chunk)
                out.flush()
                received += len(chunk)
    if expected is not None and received < int(expected):  # read(n) returns b"" when the server hangs up
        raise ConnectionError(f"the connection closed after {received} of {expected} bytes")


class Unreachable(OSError):
    """Not one byte of a file arrived: the host could not be reached at all."""


def fetch_one(item: Item, dest: Path, opener: Callable = urllib.request.urlopen, retries: int = RETRIES) -> str | None:
    """Fetch one file into dest; None on success, else the reason (naming the address).

    Raises Unreachable when every attempt failed before the server answered (no name resolution,
    connection refused), so that fetch() can stop instead of trying every file of a network that is down."""
    target = dest / item.path
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    if part.exists() and sha256_of(part) == item.sha256:  # a whole file left by an interrupted rename
        os.replace(part, target)
        return None
    last = ""
    answered = False
    for _ in range(retries):
        try:
            _attempt(item, part, opener)
            answered = True
        except urllib.error.HTTPError as error:
            answered = True
            if error.code == 416:  # the part file is already whole (or longer than the file): start again
                part.unlink(missing_ok=True)
                last = f"HTTP 416 from {item.url}"
                continue
            part.unlink(missing_ok=True)
            return f"HTTP {error.code} {error.reason} from {item.url}"
        except (urllib.error.URLError, HTTPException, OSError, TimeoutError) as error:
            answered = answered or not isinstance(error, urllib.error.URLError) or part.exists()
            last = f"download broke off ({type(error).__name__}: {error}) from {item.url}"
            continue  # resume from what has arrived
        found = sha256_of(part)
        if found == item.sha256:
            os.replace(part, target)
            return None
        size = part.stat().st_size
        part.unlink(missing_ok=True)
        return f"checksum mismatch: expected sha256 {item.sha256}, found {found} ({size} bytes) from {item.url}"
    if not answered:
        raise Unreachable(last)
    return f"{last} ({retries} attempts; the {part.stat().st_size if part.exists() else 0} bytes so far are kept in {part.name})"


def fetch(
    wanted: list[Item],
    dest: Path = DEFAULT_DEST,
    opener: Callable = urllib.request.urlopen,
    retries: int = RETRIES,
    progress: bool = True,
) -> Outcome:
    """Fetch every item not already in dest with its checksum (see the module docstring)."""
    outcome = Outcome()
    unreachable = 0  # files in a row that could not connect
    # The bar only on a terminal (None: tqdm's own check), so a log is not filled with redraws.
    with tqdm(total=len(wanted), unit="file", desc="fetching raw files", disable=None if progress else True) as bar:
        for item in wanted:
            target = dest / item.path
            if target.is_file() and sha256_of(target) == item.sha256:
                outcome.present.append(item.path)
            elif item.url is None:
                outcome.manual.append(item)
            elif unreachable >= UNREACHABLE_AFTER:
                outcome.failed.append(
                    (
                        item.path,
                        f"not tried: the network looks down ({UNREACHABLE_AFTER} files in a row could not connect)",
                    )
                )
            else:
                try:
                    reason = fetch_one(item, dest, opener, retries)
                    unreachable = 0
                except Unreachable as error:
                    reason, unreachable = f"could not connect: {error}", unreachable + 1
                if reason is None:
                    outcome.fetched.append(item.path)
                else:
                    outcome.failed.append((item.path, reason))
            bar.update(1)
    return outcome


def report(outcome: Outcome, dest: Path) -> str:
    """The fetch's summary and every failure and by-hand file, one line each."""
    lines = [
        f"raw fetch into {dest}: {len(outcome.fetched)} downloaded, {len(outcome.present)} already there, "
        f"{len(outcome.failed)} failed, {len(outcome.manual)} to get by hand"
    ]
    lines += [f"  FAILED {path}: {reason}" for path, reason in outcome.failed]
    lines += [
        f"  BY HAND {item.path}: the publisher gives no download address; "
        + (
            f"get it from {item.page}"
            if item.page.startswith("http")
            else f"it is published at no one address ({item.page}): take it from the project's raw bundle"
        )
        + f" and put it at {dest / item.path} (sha256 {item.sha256})"
        for item in outcome.manual
    ]
    if not outcome.complete:
        lines.append("  then run `make raw` again: what is there is checked and kept, and only the rest is fetched")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.build.fetch",
        description="Download the raw files data/raw/sources.yaml names from their published addresses, "
        "verifying every SHA-256 (resumes; names every failure).",
    )
    parser.add_argument(
        "--dest", type=Path, default=DEFAULT_DEST, help=f"folder to fetch into (default {DEFAULT_DEST})"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        wanted = items()
    except (OSError, ValueError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    outcome = fetch(wanted, args.dest, progress=not args.no_progress)
    print(report(outcome, args.dest), file=sys.stdout if outcome.complete else sys.stderr)
    return 0 if outcome.complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
