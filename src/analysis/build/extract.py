"""The extract stage: read every report PDF and parse it in the worker process that read it.

`parse_one` runs the parser for a report's type (parse_sif, parse_ilacs, ...); `start` checks the raw
files against sources.yaml and starts the reading, for `python -m analysis.build`, which starts it
before importing the rest of the build (pandas, pandera, python-calamine: about 1 s of imports that
then overlap the reading instead of delaying it; `make bench` measures the build against its floor).
The same worker splits the report's text into sentences (analysis.build.language), so each PDF is
read once. This module and the parsers import neither pandas nor the ODS or schema libraries, so the workers
forked from it are small.
"""

from __future__ import annotations

from pathlib import Path

from analysis import paths
from analysis.build import language, pdf_text
from analysis.build.parse_ilacs import parse_ilacs
from analysis.build.parse_sif import parse_lac_2013, parse_lscb_review, parse_sif
from analysis.build.records import ParsedReport
from analysis.build.sources import RawDataError, verify_raw

#: The parser of each report type.
PARSERS = {
    pdf_text.SIF: parse_sif,
    pdf_text.SIF_REINSPECTION: parse_sif,
    pdf_text.ILACS: parse_ilacs,
    pdf_text.LAC_2013: parse_lac_2013,
    pdf_text.LSCB_REVIEW: parse_lscb_review,
}

#: Where the report PDFs are under the raw folder.
REPORTS_FOLDER = Path("ofsted") / "reports"


def parse_one(report: pdf_text.Report) -> ParsedReport:
    """Run the parser for a report's type, then split the same page texts into sentences
    (analysis.build.language); a crash of either becomes a warning on that report.

    Module-level, so that the reader's worker processes can be handed it."""
    parser = PARSERS.get(report.report_type)
    if parser is None:
        return ParsedReport(report.file, report.report_type, warnings=["no parser for this report type"])
    try:
        parsed = parser(report)
    except Exception as error:  # noqa: BLE001 - logged per file, the build goes on
        parsed = ParsedReport(report.file, report.report_type, warnings=[f"parser failed: {error!r}"])
    try:
        parsed.text = language.read_text_cached(report)
    except Exception as error:  # noqa: BLE001 - logged per file (report_text.csv then has no row for it)
        parsed.warnings.append(f"sentence splitting failed: {error!r}")
    return parsed


def start(raw_dir: Path = paths.DATA_RAW) -> pdf_text.Reading | None:
    """Check every raw file against sources.yaml, then start reading and parsing the reports.

    None when the raw folder is missing or a file fails its check: the build then checks again and
    stops with the intake's message, as it does when started without a reading."""
    if not raw_dir.is_dir():
        return None
    try:
        verify_raw(raw_dir)
    except RawDataError:
        return None
    return pdf_text.start_reading(raw_dir / REPORTS_FOLDER, parse=parse_one)
