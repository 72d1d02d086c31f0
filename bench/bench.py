"""`make bench` (after `make data`): wall-clock timings, printed (never asserted in tests).

1. Extraction, in one run, against its floor:
   a. the text floor: pypdfium2 text of every page of every report PDF, 2 processes, nothing else;
   b. the project's read and parse (analysis.build.pdf_text.read_reports with extract.parse_one: text,
      checksum, classification and parsing, each report parsed in the worker that read it);
   c. the whole `python -m analysis.build` (raw checks, every input, tables, validation, save) as a
      subprocess; it rewrites data/processed with identical files.
   Each with its ratio to the floor. Target: the whole build within 1.3x of the floor on 2 cores.
   d. the report-language cost inside it (issue 9; target: at most 15 s added to `make data`): (b)
      again with the parsers only (no sentences), the difference being the sentence splitting and
      scoring in the workers; plus the language tables and the Parquet file in the main process
      (analysis.build.text_tables and tables.save_interim, timed in an in-process build into a
      temporary folder). (b), (c) and (d) are timed cold (the sentence cache off:
      ANALYSIS_LANGUAGE_CACHE=off, every report split and scored, as on a machine's first build) and
      warm (the cache filled by the run before, as on every later build with the same reports and code).
   `--repeat N` runs the three in turn N times and prints the best of each (a shared machine is noisy).
   `--pypdf` adds a plain single-process pypdf reading of the same pages (about 3 minutes).
2. Report builds: a cold `analysis.publish --force` (every notebook) and a warm no-change rerun
   (`--skip-reports` leaves them out), then each run's own time in the cold build. Targets: cold at
   most 120 s, warm at most 5 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium

from analysis import paths
from analysis.build import language, tables, text_tables
from analysis.build.extract import PARSERS, parse_one
from analysis.build.pdf_text import read_reports
from analysis.build.records import ParsedReport

WORKERS = 2
USAGE = "usage: python bench/bench.py [--repeat N] [--skip-reports] [--pypdf] [--skip-pypdf (the default)]"


def _floor_one(path: Path) -> int:
    """Text of every page of one PDF, thrown away; the page count."""
    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(document)
    finally:
        document.close()


def time_floor(report_dir: Path) -> tuple[float, int, int]:
    """(a) pypdfium2 text of every page, 2 processes, nothing else."""
    files = sorted(report_dir.glob("*.pdf"))
    start = time.perf_counter()
    with ProcessPoolExecutor(WORKERS) as pool:
        pages = sum(pool.map(_floor_one, files, chunksize=8))
    return time.perf_counter() - start, len(files), pages


def time_extraction(report_dir: Path) -> tuple[float, int, int]:
    """(b) the project's read and parse, as the build does it."""
    start = time.perf_counter()
    read, _, parsed = read_reports(report_dir, workers=WORKERS, parse=parse_one)
    seconds = time.perf_counter() - start
    assert len(parsed) == len(read)
    return seconds, len(read), sum(len(r.pages) for r in read)


def parse_without_text(report):
    """parse_one without the sentences: the parsers only (module-level, for the workers)."""
    parser = PARSERS.get(report.report_type)
    return ParsedReport(report.file, report.report_type) if parser is None else parser(report)


@contextmanager
def language_cache(setting: str):
    """The sentence cache as `setting` ("off" or a folder) for what runs inside, worker processes included."""
    before = os.environ.get(language.CACHE_ENV)
    os.environ[language.CACHE_ENV] = setting
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(language.CACHE_ENV, None)
        else:
            os.environ[language.CACHE_ENV] = before


def time_parsers_only(report_dir: Path) -> float:
    """(d) read and parse as (b), without splitting the reports into sentences."""
    start = time.perf_counter()
    read_reports(report_dir, workers=WORKERS, parse=parse_without_text)
    return time.perf_counter() - start


def time_language_tables(raw_dir: Path) -> float:
    """(d) the language tables' share of an in-process build (into a temporary folder)."""
    spent = [0.0]

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        return wrapper

    names = ("sentences", "groups", "report_text", "report_terms", "report_quotes", "summary")
    originals = {name: getattr(text_tables, name) for name in names}
    save_interim = tables.save_interim
    try:
        for name, function in originals.items():
            setattr(text_tables, name, timed(function))
        tables.save_interim = timed(save_interim)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "processed"
            tables.build(raw_dir, out, Path(folder) / "validation.md")
    finally:
        for name, function in originals.items():
            setattr(text_tables, name, function)
        tables.save_interim = save_interim
    return spent[0]


def time_pypdf(report_dir: Path) -> tuple[float, int]:
    from pypdf import PdfReader

    start = time.perf_counter()
    pages = 0
    for path in sorted(report_dir.glob("*.pdf")):
        for page in PdfReader(path).pages:
            page.extract_text()
            pages += 1
    return time.perf_counter() - start, pages


def time_command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, cwd=paths.ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _repeats(argv: list[str]) -> int | None:
    """N from `--repeat N` (1 when absent), or None when it is not a positive whole number."""
    if "--repeat" not in argv:
        return 1
    index = argv.index("--repeat")
    value = argv[index + 1] if index + 1 < len(argv) else ""
    return int(value) if value.isdigit() and int(value) > 0 else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    repeats = _repeats(argv)
    options = [arg for i, arg in enumerate(argv) if arg != "--repeat" and (i == 0 or argv[i - 1] != "--repeat")]
    unknown = set(options) - {"--skip-reports", "--pypdf", "--skip-pypdf"}
    if unknown or repeats is None:
        print(f"{USAGE}\nunknown or malformed option(s): {' '.join(argv)}", file=sys.stderr)
        return 2
    report_dir = paths.DATA_RAW / "ofsted" / "reports"
    # (a), (b), (c) in turn, `--repeat N` times; the best of each (a shared machine's noise only adds).
    floor = seconds = warm_seconds = build = warm_build = parsers = language_tables = float("inf")
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(repeats):
            run_floor, files, floor_pages = time_floor(report_dir)
            with language_cache("off"):
                run_seconds, reports, pages = time_extraction(report_dir)
                run_build = time_command([sys.executable, "-m", "analysis.build"])
            with language_cache(cache):
                time_extraction(report_dir)  # fills the cache (the first time)
                run_warm, _, _ = time_extraction(report_dir)
                run_warm_build = time_command([sys.executable, "-m", "analysis.build"])
            floor, seconds, build = min(floor, run_floor), min(seconds, run_seconds), min(build, run_build)
            warm_seconds, warm_build = min(warm_seconds, run_warm), min(warm_build, run_warm_build)
            parsers = min(parsers, time_parsers_only(report_dir))
            language_tables = min(language_tables, time_language_tables(paths.DATA_RAW))
    best = f" (best of {repeats})" if repeats > 1 else ""
    print(
        f"(a) text floor, pypdfium2 text only ({WORKERS} proc.): {files} files, {floor_pages} pages: {floor:6.2f} s{best}"
    )
    print(
        f"(b) read + parse, project reader ({WORKERS} proc.):     {reports} reports, {pages} pages: {seconds:6.2f} s"
        f" cold, {warm_seconds:6.2f} s warm{best}"
    )
    print(
        f"(c) whole `python -m analysis.build` (subprocess):                        {build:6.2f} s cold, {warm_build:6.2f} s warm{best}"
    )
    print(f"ratios to the floor (cold): (b) {seconds / floor:.2f}x, (c) {build / floor:.2f}x (target for (c): <= 1.3x)")
    print(f"(d) read + parse without sentences ({WORKERS} proc.):                      {parsers:6.2f} s{best}")
    for label, read in (("cold", seconds), ("warm", warm_seconds)):
        print(
            f"    report language, {label}: sentences in the workers {read - parsers:.2f} s + tables and Parquet "
            f"{language_tables:.2f} s = {read - parsers + language_tables:.2f} s added (target <= 15 s)"
        )
    if "--pypdf" in argv:
        plain, plain_pages = time_pypdf(report_dir)
        print(f"plain pypdf text of the same files (1 process):      {plain_pages} pages in {plain:.2f} s")
        print(f"ratio pypdf / project read + parse: {plain / seconds:.1f}x")
    if "--skip-reports" not in argv:
        cold = time_command([sys.executable, "-m", "analysis.publish", "--force"])
        warm = time_command([sys.executable, "-m", "analysis.publish"])
        print(f"reports cold (every notebook, after make data): {cold:.1f} s (target <= 120 s)")
        print(f"reports warm (nothing changed):                 {warm:.2f} s (target <= 5 s)")
        # Each run's own time in the cold build (runs go two at a time, so they add up to more than it).
        manifest = json.loads((paths.REPORTS / "manifest.json").read_text(encoding="utf-8"))
        for name, run in sorted(manifest["runs"].items(), key=lambda item: -(item[1].get("elapsed_s") or 0)):
            print(f"  run {name:<45} {run.get('elapsed_s', float('nan')):6.1f} s  {run.get('status', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
