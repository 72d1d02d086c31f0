"""Report reader: every file is read or logged with a reason; classification counts on the real set."""

from __future__ import annotations

import collections
import re
import shutil
from pathlib import Path

import pytest

from analysis.build import extract, tables
from analysis.build import pdf_text as reports
from analysis.build.records import Inputs


@pytest.fixture(scope="module")
def all_reports(read_all) -> tuple[list[reports.Report], list[dict[str, str]]]:
    return read_all


def test_all_431_files_accounted_for(all_reports) -> None:
    read, log = all_reports
    assert len(log) == 431 and len({row["file"] for row in log}) == 431
    assert len(read) == 431
    assert all(row["status"] == "read" for row in log)
    noted = sorted(row["file"] for row in log if row["reason"])
    assert noted == [
        "80458_darlington_2018-05-21.pdf",
        "80482_leicester_2017-09-04.pdf",
        "80506_lambeth_2018-05-09.pdf",
        "80553_slough_2016-02-17.pdf",
    ]
    assert all(row["reason"].startswith("re-inspection: titled as a full SIF") for row in log if row["reason"])


def test_classification_counts(all_reports) -> None:
    read, _ = all_reports
    counts = collections.Counter(r.report_type for r in read)
    assert counts == {
        reports.ILACS: 259,
        reports.SIF: 147,
        reports.SIF_REINSPECTION: 20,
        reports.LAC_2013: 4,
        reports.LSCB_REVIEW: 1,
    }


def test_reinspections_identified(all_reports) -> None:
    read, _ = all_reports
    reinspected = {r.la_name_listed for r in read if r.report_type == reports.SIF_REINSPECTION}
    assert {"darlington", "lambeth", "leicester", "slough"} <= reinspected
    # every report titled "Re-inspection ..." (or "Reinspection") is a re-inspection (16), plus the
    # 4 second SIFs titled as full inspections
    titled = {r.file for r in read if re.search("re-?inspection of services", reports._flat(r.text(0, 1))[:1500])}
    assert len(titled) == 16
    assert titled <= {r.file for r in read if r.report_type == reports.SIF_REINSPECTION}
    # one first SIF per authority: 147 authorities have a primary SIF report
    first = [r.urn for r in read if r.report_type == reports.SIF]
    assert len(first) == len(set(first)) == 147


def _mini_collection(tmp_path: Path, report_dir: Path) -> Path:
    """A report folder with one good PDF, an HTML error page saved as .pdf and a truncated PDF."""
    folder = tmp_path / "reports"
    folder.mkdir()
    good = "80418_norfolk_2015-10-20.pdf"
    shutil.copyfile(report_dir / good, folder / good)
    (folder / "80419_isle-of-wight_2012-01-01.pdf").write_text(
        "<!DOCTYPE html><html><head><title>Error</title></head><body>Page not found</body></html>"
    )
    data = (report_dir / "80426_barnsley_2014-08-08.pdf").read_bytes()
    (folder / "80426_barnsley_2014-08-08.pdf").write_bytes(data[: len(data) // 3])
    lines = (report_dir / "MANIFEST.csv").read_text().splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] in {good, "80426_barnsley_2014-08-08.pdf"}]
    (folder / "MANIFEST.csv").write_text("\n".join(keep) + "\n")
    return folder


def test_bad_files_are_logged_not_fatal(tmp_path: Path, report_dir: Path) -> None:
    folder = _mini_collection(tmp_path, report_dir)
    read, log = reports.read_reports(folder, workers=1)
    by_file = {row["file"]: row for row in log}
    assert [r.file for r in read] == ["80418_norfolk_2015-10-20.pdf"]
    assert read[0].report_type == reports.SIF and read[0].urn == "80418"
    html = by_file["80419_isle-of-wight_2012-01-01.pdf"]
    assert html["status"] == "skipped" and "not a PDF" in html["reason"] and "<!DOCTYPE html>" in html["reason"]
    truncated = by_file["80426_barnsley_2014-08-08.pdf"]
    assert truncated["status"] == "skipped" and "truncated or damaged" in truncated["reason"]
    assert len(log) == 3


def test_read_pdf_pages_error_names_file(tmp_path: Path) -> None:
    fake = tmp_path / "error.pdf"
    fake.write_text("<html>Service unavailable</html>")
    with pytest.raises(
        reports.ReportReadError, match=r"error\.pdf: not a PDF \(expected the '%PDF-' header, found '<html>"
    ):
        reports.read_pdf_pages(fake)


#: A second SIF titled as a full inspection (read_reports retypes it after every file is read), its
#: authority's first SIF, an ILACS report and the 2013 looked after children inspection of Norfolk.
PARSE_SAMPLE = [
    "80458_darlington_2015-09-01.pdf",
    "80458_darlington_2018-05-21.pdf",
    "80458_darlington_2022-12-02.pdf",
    "80418_norfolk_2013-08-16.pdf",
    "80418_norfolk_2015-10-20.pdf",
]


def _sample(tmp_path: Path, report_dir: Path, names: list[str]) -> Path:
    folder = tmp_path / "sample"
    folder.mkdir()
    for name in names:
        shutil.copyfile(report_dir / name, folder / name)
    lines = (report_dir / "MANIFEST.csv").read_text().splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] in names]
    (folder / "MANIFEST.csv").write_text("\n".join(keep) + "\n")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_parse_in_the_reading_worker_equals_parsing_after(tmp_path: Path, report_dir: Path, workers: int) -> None:
    """read_reports(parse=...) gives what parsing the finished reports gives, retyped ones included."""
    folder = _sample(tmp_path, report_dir, PARSE_SAMPLE)
    read, log = reports.read_reports(folder, workers=workers)
    read_parsing, log_parsing, parsed = reports.read_reports(folder, workers=workers, parse=extract.parse_one)
    assert read_parsing == read and log_parsing == log
    assert list(parsed) == [r.file for r in read] == sorted(PARSE_SAMPLE)
    assert parsed == {report.file: extract.parse_one(report) for report in read}
    retyped = parsed["80458_darlington_2018-05-21.pdf"]
    assert retyped.report_type == reports.SIF_REINSPECTION
    assert parsed["80458_darlington_2015-09-01.pdf"].report_type == reports.SIF


def test_parse_skips_unreadable_files(tmp_path: Path, report_dir: Path) -> None:
    folder = _mini_collection(tmp_path, report_dir)
    read, log, parsed = reports.read_reports(folder, workers=2, parse=extract.parse_one)
    assert list(parsed) == [r.file for r in read] == ["80418_norfolk_2015-10-20.pdf"]
    assert [row["status"] for row in log] == ["read", "skipped", "skipped"]
    assert not parsed["80418_norfolk_2015-10-20.pdf"].warnings


def test_parser_crash_in_the_worker_is_logged_as_failed(
    tmp_path: Path, report_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parser that raises in the reading worker: the report is read, its log row says 'failed' and why."""

    def broken(report: reports.Report):
        raise RuntimeError(f"cannot read {report.file}")

    monkeypatch.setitem(extract.PARSERS, reports.SIF, broken)
    folder = _sample(tmp_path, report_dir, PARSE_SAMPLE[:2])
    read, log, parsed = reports.read_reports(folder, workers=1, parse=extract.parse_one)
    inputs = Inputs(read, log, parsed, None, None, None, None, None)
    rows = tables._extraction_log(inputs).set_index("file")
    first = rows.loc["80458_darlington_2015-09-01.pdf"]
    assert first["status"] == "failed"
    assert first["reason"] == "parser failed: RuntimeError('cannot read 80458_darlington_2015-09-01.pdf')"
    # the retyped second SIF goes to parse_sif as a re-inspection, which is not patched
    assert rows.loc["80458_darlington_2018-05-21.pdf", "status"] == "parsed"
