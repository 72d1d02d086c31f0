"""ILACS report parser: the authority, the inspection dates and the page-1 judgement table.

ILACS reports (2018-2025, standard and short inspections alike) open with a title, the inspection
dates and a two-column table "Judgement | Grade". PDF text extraction puts each label and its grade
one after the other, but both wrap over lines ("The experiences and progress of \\nchildren in care
and care leavers", "Requires improvement to be \\ngood"), so the table is read from the page text
with white space folded to single spaces.

Every value keeps the page it came from and the text it was read from. Anything that cannot be read
is named in ParsedReport.warnings, never dropped in silence.
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.build.parse_sif import read_lead_inspector
from analysis.build.patterns import REQUIRES_IMPROVEMENT, clip
from analysis.build.pdf_text import ILACS, Report
from analysis.build.records import Judgement, ParsedReport
from analysis.vocab import MONTHS, GradeError, fold, normalise_grade

#: The care leavers judgement starts with inspections from 1 January 2023 (Ofsted ODS, Notes sheet).
CARE_LEAVERS_FROM = dt.date(2023, 1, 1)


_APOS = "['’]"
_GRADE = rf"(Outstanding|Good|{REQUIRES_IMPROVEMENT}|Inadequate)"

#: harmonised area key -> regex for the label as printed, up to the grade that follows it.
#: Quirks seen in the collection:
#: - Cheshire East 2020 ends the leaders label with a full stop: "with children and families. Good".
#: - Isles of Scilly 2023 prints "Requires Improvement to be good" (capital I): matched case-blind.
#: - Wakefield 2018 lists the leaders judgement third, after children in care: order is not assumed.
#: - Before 2023 the looked-after label is "children in care and care leavers"; from 2023 it is
#:   "children in care" and care leavers have a row of their own.
JUDGEMENT_LABELS: dict[str, str] = {
    "leadership": r"The impact of leaders on social work practice with children and families\.?",
    "help_protection": r"The experiences and progress of children who need help and protection",
    "looked_after": r"The experiences and progress of children in care(?: and care leavers)?",
    "care_leavers": r"The experiences and progress of care leavers",
    "overall": r"Overall effectiveness",
}

_MONTH_RE = "|".join(name.capitalize() for name in MONTHS)
_DATE_TOKEN = re.compile(rf"(\d{{1,2}})(?:\s*(?:st|nd|rd|th))?(?:\s+({_MONTH_RE}))?(?:\s+(\d{{4}}))?", re.IGNORECASE)


# --- authority name -------------------------------------------------------------------------------


def _title_block(page: str) -> str:
    """The folded text of page 1 before 'Inspection date(s):' (title and authority name)."""
    folded = fold(page)
    cut = re.search(r"Inspection dates?\s*:", folded)
    return folded[: cut.start()] if cut else folded[:400]


def find_la_name(page: str) -> str | None:
    """The authority's name as the report's title prints it, or None.

    Two title styles exist:
    - from 2019/20: "Inspection of Dorset local authority children's services", "Inspection of
      Buckinghamshire Council children's services" (the name sits inside the title; a leading
      article is dropped: "Inspection of the Isle of Wight local authority ..." -> "Isle of Wight");
    - 2018-19: the name on its own line above "Inspection of children's social care services" or
      "Inspection of local authority children's services" ("Isle of Wight Council").
    Names are kept as printed, including the odd ones ("Bristol City of", "Medway Children's Services").
    """
    block = _title_block(page)
    inside = re.search(
        rf"Inspection of (?!local authority children|children{_APOS})(?:the )?(.+?)\s+"
        rf"(?:local authority children{_APOS}s services|children{_APOS}s services)",
        block,
    )
    if inside:
        return inside.group(1).strip(" ,")
    above = re.search(
        rf"^(?:\d+\s+)?(.+?)\s*Inspection of (?:local authority )?children{_APOS}s (?:social care )?services", block
    )
    if above and above.group(1).strip():
        return above.group(1).strip(" ,")
    return None


# --- inspection dates -----------------------------------------------------------------------------


def _dates_text(folded: str) -> tuple[str, str] | None:
    """(snippet, dates text) after 'Inspection date(s):' up to 'Lead inspector', or None."""
    found = re.search(r"Inspection dates?\s*:\s*(.*?)\s*(?:Lead inspector|Judgement|$)", folded)
    if not found:
        return None
    return clip(folded[found.start() : found.end(1)]), found.group(1)


def parse_date_range(text: str) -> list[dt.date]:
    """Every day named in a dates text, in order, with months and years filled in from the right.

    "27 September to 8 October 2021" -> [2021-09-27, 2021-10-08]; "10 to 21 July 2023" ->
    [2023-07-10, 2023-07-21]; "5 to 9 December 2022 and 14 to 15 February 2023" -> four days.
    A day that inherits the year of a later day but would then fall after it belongs to the year
    before ("29 December to 9 January 2020" -> 29 December 2019). Raises ValueError if a day has no
    month or year to inherit, or is not a real date.
    """
    tokens = [(int(d), m.lower() if m else None, int(y) if y else None) for d, m, y in _DATE_TOKEN.findall(text)]
    if not tokens:
        raise ValueError(f"no dates in {text!r}")
    days: list[dt.date] = []
    month: int | None = None
    year: int | None = None
    for day, month_name, year_number in reversed(tokens):
        inherited_year = year_number is None
        month = MONTHS[month_name] if month_name else month
        year = year_number if year_number else year
        if month is None or year is None:
            raise ValueError(f"day {day} in {text!r} has no month or year")
        date = dt.date(year, month, day)
        if inherited_year and days and date > days[0]:
            date = date.replace(year=year - 1)
        days.insert(0, date)
        year = date.year
    return days


# --- publication date -----------------------------------------------------------------------------


_PUBLISHED = re.compile(
    rf"(?:Date published|Published(?: on)?|Publication date)\s*:?\s*(\d{{1,2}}\s+(?:{_MONTH_RE})\s+\d{{4}})",
    re.IGNORECASE,
)


def find_published(pages: tuple[str, ...]) -> tuple[dt.date, int] | None:
    """A printed publication date and its 1-based page, or None (ILACS reports usually print none)."""
    for number, page in enumerate(pages, start=1):
        if "publi" not in page.lower():  # every form holds "publi": a quick first test
            continue
        found = _PUBLISHED.search(fold(page))
        if found:
            return parse_date_range(found.group(1))[0], number
    return None


# --- judgement table ------------------------------------------------------------------------------


def find_judgements(page: str, page_number: int) -> tuple[list[Judgement], list[str]]:
    """Every graded ILACS judgement on a page, and a warning for each label whose grade is unreadable."""
    folded = fold(page)
    judgements: list[Judgement] = []
    warnings: list[str] = []
    for area, label in JUDGEMENT_LABELS.items():
        found = re.search(rf"({label})\s*{_GRADE}", folded, re.IGNORECASE)
        if not found:
            continue
        try:
            grade = normalise_grade(found.group(2))
        except GradeError as error:
            warnings.append(f"{area}: {error}")
            continue
        judgements.append(Judgement(area, fold(found.group(1)), grade, page_number, clip(found.group(0))))
    return judgements, warnings


def _judgement_page(pages: tuple[str, ...]) -> int:
    """0-based index of the page holding the judgement table: the first of pages 1-2 naming 'Overall effectiveness'."""
    for index, page in enumerate(pages[:2]):
        if re.search(rf"Overall effectiveness\s*{_GRADE}", fold(page), re.IGNORECASE):
            return index
    return 0


def _expected_areas(start: dt.date | None) -> list[str]:
    """The ILACS judgements a report of this start date must have."""
    areas = ["overall", "leadership", "help_protection", "looked_after"]
    if start is not None and start >= CARE_LEAVERS_FROM:
        areas.append("care_leavers")
    return areas


def _check_framework(parsed: ParsedReport) -> None:
    """Warn when the judgements present do not fit the framework in force at the start date."""
    present = {j.area: j for j in parsed.judgements}
    for area in _expected_areas(parsed.start_date):
        if area not in present:
            parsed.warnings.append(f"no grade found for {area} on the judgement page")
    if parsed.start_date is None:
        return
    looked_after = present.get("looked_after")
    combined = looked_after is not None and "care leavers" in looked_after.area_label.lower()
    if parsed.start_date >= CARE_LEAVERS_FROM and combined:
        parsed.warnings.append(
            f"inspection from {parsed.start_date} prints the pre-2023 label {looked_after.area_label!r}"
        )
    if parsed.start_date < CARE_LEAVERS_FROM and ("care_leavers" in present or (looked_after and not combined)):
        parsed.warnings.append(f"inspection from {parsed.start_date} prints the 2023 care leavers judgement layout")


# --- the parser -----------------------------------------------------------------------------------


def _read_dates(parsed: ParsedReport, report: Report) -> None:
    """Fill start/end dates (and their page and snippet) from the first page that prints them."""
    for number, page in enumerate(report.pages[:2], start=1):
        found = _dates_text(fold(page))
        if not found:
            continue
        snippet, text = found
        parsed.dates_page, parsed.dates_snippet = number, snippet
        try:
            days = parse_date_range(text)
        except ValueError as error:
            parsed.warnings.append(f"inspection dates unreadable: {error}")
            return
        parsed.start_date, parsed.end_date = days[0], days[-1]
        if len(days) != 2:
            # Derbyshire 2019: "8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019";
            # South Tyneside 2022-23: "5 to 9 December 2022 and 14 to 15 February 2023".
            parsed.warnings.append(
                f"inspection split over {len(days) // 2 or 1} periods ({snippet!r}): start is the first day, end the last"
            )
        if parsed.end_date < parsed.start_date:
            parsed.warnings.append(f"inspection end {parsed.end_date} before start {parsed.start_date} in {snippet!r}")
        return
    parsed.warnings.append("no 'Inspection date(s):' line on pages 1-2")


def _read_published(parsed: ParsedReport, report: Report) -> None:
    """The printed publication date, else the MANIFEST listed date (flagged and warned)."""
    printed = find_published(report.pages)
    if printed:
        parsed.published_date, parsed.published_page = printed
        return
    if report.listed_date:
        parsed.published_date = dt.date.fromisoformat(report.listed_date)
        parsed.published_from_manifest = True
        parsed.warnings.append(
            f"no publication date printed: published_date is the MANIFEST listed date {report.listed_date}"
        )
    else:
        parsed.warnings.append("no publication date printed and no MANIFEST listed date")


def parse_ilacs(report: Report) -> ParsedReport:
    """Read the authority, inspection dates, publication date and judgements of one ILACS report."""
    parsed = ParsedReport(file=report.file, report_type=report.report_type)
    if report.report_type != ILACS:
        parsed.warnings.append(f"parsed as ILACS but classified as {report.report_type!r}")
    if not report.pages:
        parsed.warnings.append("report has no pages")
        return parsed
    parsed.la_name = find_la_name(report.pages[0])
    if parsed.la_name:
        parsed.la_name_page = 1
    else:
        parsed.warnings.append(f"authority name not found in the title {clip(_title_block(report.pages[0]), 120)!r}")
    _read_dates(parsed, report)
    _read_published(parsed, report)
    read_lead_inspector(parsed, report)  # the same line as in SIF reports ("Lead inspector: ...", page 1)
    index = _judgement_page(report.pages)
    parsed.judgements, problems = find_judgements(report.pages[index], index + 1)
    parsed.warnings.extend(problems)
    _check_framework(parsed)
    return parsed
