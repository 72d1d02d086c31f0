"""Report reader: the text of every Ofsted report PDF, page by page, and what kind of report it is.

Text comes from pypdfium2 (PDFium), in parallel over the machine's cores. A file that is not a PDF
(downloads of HTML error pages saved as .pdf exist in the wild) or is truncated is logged with the
reason and skipped; it never stops the build nor vanishes from the log.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, overload

import pypdfium2 as pdfium

from analysis.checksums import sha256_of
from analysis.vocab import ILACS, LAC_2013, LSCB_REVIEW, REPORT_TYPES, SIF, SIF_REINSPECTION, UNKNOWN_REPORT

__all__ = [
    "ILACS",
    "LAC_2013",
    "LSCB_REVIEW",
    "REPORT_TYPES",
    "SIF",
    "SIF_REINSPECTION",
    "Reading",
    "Report",
    "read_reports",
    "start_reading",
]

# Report types, in the words the dataset uses (analysis.vocab).
UNKNOWN = UNKNOWN_REPORT
T = TypeVar("T")


class ReportReadError(ValueError):
    """A report file could not be read as a PDF."""


@dataclass(frozen=True)
class Report:
    """One report file: its identity from the MANIFEST, its text by page and its type."""

    file: str
    sha256: str
    urn: str
    la_name_listed: str
    listed_date: str  # the date on Ofsted's listing page (YYYY-MM-DD), not always the publication date
    pages: tuple[str, ...] = field(repr=False)
    report_type: str = UNKNOWN

    def text(self, first: int = 0, last: int | None = None) -> str:
        """Pages first..last (0-based, inclusive) joined by newlines."""
        return "\n".join(self.pages[first : None if last is None else last + 1])


def read_pdf_pages(path: Path) -> list[str]:
    """Text of each page of a PDF. Raises ReportReadError naming the file if it is not a readable PDF."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head.startswith(b"%PDF-"):
        snippet = head[:40].decode("latin-1", errors="replace").strip().replace("\n", " ")
        raise ReportReadError(f"{path.name}: not a PDF (expected the '%PDF-' header, found {snippet!r})")
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise ReportReadError(f"{path.name}: unreadable PDF (truncated or damaged): {error}") from error
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        document.close()
    if not pages or not any(p.strip() for p in pages):
        raise ReportReadError(
            f"{path.name}: PDF has no text layer (expected report text, found {len(pages)} empty pages)"
        )
    return pages


def _flat(text: str) -> str:
    """Lower-case text with every run of white space folded to one space (titles wrap over lines)."""
    return re.sub(r"\s+", " ", text).lower()


def classify(pages: list[str] | tuple[str, ...]) -> str:
    """What kind of report this is, from its title on the first page(s)."""
    head = _flat("\n".join(pages[:2]))[:1500]
    # "Re-inspection of services for children in need of help and protection, children looked after
    # and care leavers": check before the plain SIF title it contains. Somerset 2018 prints
    # "Reinspection" without the hyphen.
    if re.search(r"re-?inspection of services for children", head):
        return SIF_REINSPECTION
    if "inspection of services for children in need of help and protection" in head:
        return SIF
    # ILACS titles vary and wrap: "Inspection of Dorset local authority \nchildren's services",
    # "Inspection of Buckinghamshire Council children's services", "Inspection of children's social
    # care services" (2018-19). The judgement table names the ILACS leadership judgement.
    ilacs_title = re.search(
        r"inspection of [a-z ,.&'’-]*(local authority children[’']s services|council children[’']s services"
        r"|children[’']s social care services|children[’']s services)",
        head,
    )
    if ilacs_title and "impact of leaders on social work practice" in head:
        return ILACS
    if "inspection of looked after children services" in head:
        return LAC_2013
    if "review of the effectiveness of the local safeguarding children board" in head:
        return LSCB_REVIEW
    return UNKNOWN


def mark_reinspections(reports: list[Report]) -> tuple[list[Report], dict[str, str]]:
    """Mark as re-inspections the SIF reports that follow an earlier SIF report of the same authority.

    Most SIF re-inspections are titled "Re-inspection of services for children in need of help and
    protection...", but four are titled as a full SIF inspection although the authority had one
    already (Darlington 2018, Leicester 2017, Lambeth 2018, Slough 2016). Reports are
    ordered by Ofsted's listed date within each URN. Returns the reports and a note per changed file.
    """
    first_sif: dict[str, str] = {}
    notes: dict[str, str] = {}
    marked: list[Report] = []
    for report in sorted(reports, key=lambda r: (r.urn, r.listed_date, r.file)):
        if report.report_type in (SIF, SIF_REINSPECTION) and report.urn:
            earlier = first_sif.setdefault(report.urn, report.file)
            if report.report_type == SIF and earlier != report.file:
                notes[report.file] = (
                    f"re-inspection: titled as a full SIF inspection but follows {earlier} for the same authority"
                )
                report = replace(report, report_type=SIF_REINSPECTION)
        marked.append(report)
    return sorted(marked, key=lambda r: r.file), notes


def read_manifest(report_dir: Path) -> dict[str, dict[str, str]]:
    """MANIFEST.csv rows keyed by file name."""
    manifest = report_dir / "MANIFEST.csv"
    if not manifest.is_file():
        raise ReportReadError(f"{manifest}: missing (expected the collector's list of report files)")
    with manifest.open(newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def _read_one(
    path: Path, row: dict[str, str] | None, parse: Callable[[Report], Any] | None = None
) -> tuple[str, str, Report | None, str, Any]:
    """Worker: (file, sha256, classified Report or None, reason, parse(report) or None).

    The report is parsed here, in the process that read its text, so its pages are gone over once
    and only the Report and what its parser found travel back to the parent."""
    digest = sha256_of(path)
    try:
        pages = read_pdf_pages(path)
    except ReportReadError as error:
        return path.name, digest, None, str(error), None
    report = Report(
        file=path.name,
        sha256=digest,
        urn=(row or {}).get("ofsted_urn", ""),
        la_name_listed=(row or {}).get("la_name_as_listed", ""),
        listed_date=(row or {}).get("listed_date", ""),
        pages=tuple(pages),
        report_type=classify(pages),
    )
    reason = "" if row is not None else "not in MANIFEST.csv: URN and listed date unknown"
    return path.name, digest, report, reason, None if parse is None else parse(report)


class Reading:
    """Report files being read (and, with `parse`, parsed) by worker processes.

    Made by start_reading, ended by finish(); what the caller does in between overlaps the reading
    (`python -m analysis.build` imports the rest of the build meanwhile). cancel() ends it without
    waiting for the files still queued, for a caller that stops before finish().
    """

    def __init__(self, report_dir: Path, workers: int | None, parse: Callable[[Report], Any] | None) -> None:
        self.parse = parse
        self.manifest = read_manifest(report_dir)
        self.files = sorted(report_dir.glob("*.pdf"))
        rows = [self.manifest.get(path.name) for path in self.files]
        workers = workers or min(len(self.files), os.cpu_count() or 1) or 1
        self._pool = ProcessPoolExecutor(workers) if workers > 1 else None
        self._run = map if self._pool is None else self._pool.map
        # Parsing (and splitting into sentences) costs roughly in proportion to a file's size, several
        # times more for a long SIF report than a short ILACS one: the files are handed out one at a
        # time, largest first, so that neither worker is left with a long one at the end while the other
        # idles (finish() puts the results back in file order; the order changes no result).
        self._order = list(range(len(self.files)))
        extra = {}
        if self._pool is not None:
            extra = {"chunksize": 1 if parse else 8}
            if parse:
                self._order.sort(key=lambda i: -self.files[i].stat().st_size)
        self._pending = self._run(
            partial(_read_one, parse=parse),
            [self.files[i] for i in self._order],
            [rows[i] for i in self._order],
            **extra,
        )

    def cancel(self) -> None:
        """Stop the workers; files not yet started are not read."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def finish(
        self, meanwhile: Callable[[], Any] | None = None
    ) -> tuple[list[Report], list[dict[str, str]], dict[str, Any]]:
        """(readable reports, log rows, file -> parse(report)); see read_reports."""
        try:
            failure: BaseException | None = None
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException as error:  # noqa: BLE001 - raised below, once the workers are done
                    failure = error
            results: list = [None] * len(self.files)
            for i, result in zip(self._order, self._pending):
                results[i] = result
            if failure is not None:
                raise failure
            read: list[Report] = []
            parsed: dict[str, Any] = {}
            log: list[dict[str, str]] = []
            for name, digest, report, reason, result in results:
                if report is None:
                    log.append(dict(file=name, sha256=digest, report_type="", status="skipped", reason=reason))
                    continue
                read.append(report)
                parsed[name] = result
                log.append(dict(file=name, sha256=digest, report_type=report.report_type, status="read", reason=reason))
            read, notes = mark_reinspections(read)
            retyped = [report for report in read if report.file in notes]
            if self.parse is not None:
                parsed.update(zip((report.file for report in retyped), self._run(self.parse, retyped)))
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
        by_file = {report.file: report for report in retyped}
        for row in log:
            if row["file"] in notes:
                row["report_type"] = by_file[row["file"]].report_type
                row["reason"] = "; ".join(filter(None, [row["reason"], notes[row["file"]]]))
        missing = sorted(set(self.manifest) - {path.name for path in self.files})
        for name in missing:
            log.append(
                dict(
                    file=name,
                    sha256="",
                    report_type="",
                    status="skipped",
                    reason="listed in MANIFEST.csv but no such file",
                )
            )
        return read, log, {report.file: parsed[report.file] for report in read} if self.parse is not None else {}


def start_reading(
    report_dir: Path, workers: int | None = None, parse: Callable[[Report], Any] | None = None
) -> Reading:
    """Start reading every *.pdf in report_dir in worker processes (forked now); see read_reports."""
    return Reading(report_dir, workers, parse)


@overload
def read_reports(
    report_dir: Path, workers: int | None = None, parse: None = None, meanwhile: Callable[[], Any] | None = None
) -> tuple[list[Report], list[dict[str, str]]]: ...


@overload
def read_reports(
    report_dir: Path,
    workers: int | None = None,
    parse: Callable[[Report], T] = ...,
    meanwhile: Callable[[], Any] | None = None,
) -> tuple[list[Report], list[dict[str, str]], dict[str, T]]: ...


def read_reports(
    report_dir: Path,
    workers: int | None = None,
    parse: Callable[[Report], T] | None = None,
    meanwhile: Callable[[], Any] | None = None,
):
    """Read and classify every *.pdf in report_dir.

    Returns the readable reports (sorted by file name) and one log row per file:
    file, sha256, report_type, status ("read" or "skipped"), reason. Files absent from the
    MANIFEST are still read, and logged with the reason.

    With `parse` (a module-level function of a Report, such as analysis.build.extract.parse_one), every
    readable report is also parsed in the worker that read it, and a third item is returned: file ->
    parse(report) for the report as finally classified. The few reports that mark_reinspections
    retypes after all are read (a second SIF of an authority) are parsed again, with their final
    type (over the same workers).

    `meanwhile` (no arguments) is called in this process once every file has been handed to the
    workers (they are forked by then), so the caller's other work overlaps the reading; an error
    it raises is raised once the reading has ended. start_reading(...).finish(meanwhile) is the same
    in two steps.
    """
    read, log, parsed = start_reading(report_dir, workers, parse).finish(meanwhile)
    if parse is None:
        return read, log
    return read, log, parsed
