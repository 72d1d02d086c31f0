"""`make bench`: wall-clock timings, printed (never asserted in tests).

1. Extraction of all report PDFs with the project's reader (pypdfium2, both cores) and parsers,
   and, in the same run, a plain single-process pypdf reading of the same pages; both and the ratio.
   Target: at most 10 s wall for all 431 on the 2-core machine.
2. Report builds: a cold `analysis.publish --force` (every notebook) and a warm no-change rerun.
   Targets: cold at most 120 s, warm at most 5 s.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from analysis import paths
from analysis.build.pdf_text import read_reports
from analysis.build.tables import parse_all


def time_extraction(report_dir: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    read, _ = read_reports(report_dir)
    parse_all(read)
    return time.perf_counter() - start, len(read), sum(len(r.pages) for r in read)


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


def main() -> int:
    report_dir = paths.DATA_RAW / "ofsted" / "reports"
    seconds, reports, pages = time_extraction(report_dir)
    print(
        f"extraction (pypdfium2, 2 processes, with parsing): {reports} reports, {pages} pages in {seconds:.2f} s (target <= 10 s)"
    )
    if "--skip-pypdf" not in sys.argv:
        plain, plain_pages = time_pypdf(report_dir)
        print(f"plain pypdf text of the same files (1 process):   {plain_pages} pages in {plain:.2f} s")
        print(f"ratio pypdf / project reader: {plain / seconds:.1f}x")
    if "--skip-reports" not in sys.argv:
        cold = time_command([sys.executable, "-m", "analysis.publish", "--force"])
        warm = time_command([sys.executable, "-m", "analysis.publish"])
        print(f"reports cold (every notebook, after make data): {cold:.1f} s (target <= 120 s)")
        print(f"reports warm (nothing changed):                 {warm:.2f} s (target <= 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
