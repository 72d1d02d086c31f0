"""SIF report parser: authority, inspection dates, publication date and the graded judgements.

The single inspection framework (SIF, November 2013 - 2018) reports, and the SIF re-inspections,
open with the same page: the authority's name, the title, "Inspection date: ...", "Report
published: ...", a headline sentence with the overall judgement ("Children's services in Norfolk
are inadequate") and a numbered table of the five other judgements. Where the Local Safeguarding
Children Board (LSCB) was reviewed at the same time its grade is printed on page 1 (2013-14
reports) or at the head of the LSCB section further on.

The same module reads the two older kinds of report kept in the collection: the 2013 inspections
of looked after children services (parse_lac_2013) and the one standalone LSCB review
(parse_lscb_review).

Every value keeps the page it was read from and the text around it. Whatever cannot be read is
named in ParsedReport.warnings, never dropped in silence, and a normal report raises nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.build.parse_sif_context import parse_context, read_previous
from analysis.build.patterns import REQUIRES_IMPROVEMENT, clip
from analysis.build.pdf_text import LAC_2013, LSCB_REVIEW, SIF, SIF_REINSPECTION, Report
from analysis.build.records import Judgement, ParsedReport
from analysis.vocab import MONTHS, GradeError, fold, normalise_grade

#: Every grade spelling the SIF-era reports print: "Require improvement" (sic, Isle of Wight 2014,
#: Thurrock 2016), "Requires \nimprovement to be \ngood" wrapped over three lines (Darlington
#: 2018), "Requires Improvement" (capital I, Lambeth 2018), "requires improvement to be Good"
#: (Redcar and Cleveland 2017), "Not judged" (City of London 2016, no adoptions; "Not Judged",
#: Isles of Scilly 2016) and the pre-2013 "Adequate". "inadequate" comes before
#: "adequate" so that the longer word wins. The grade may be followed by a footnote digit
#: ("improvement1"), so callers end it with (?![a-z]) rather than \b.
GRADE = rf"{REQUIRES_IMPROVEMENT}|inadequate|good|outstanding|not\s+judged|adequate"

_APOS = "['’]"

#: harmonised area key -> label of the row in the page-1 judgement table (white space between words
#: may be a line break: "2. Children looked after and achieving \npermanence").
SIF_TABLE_ROWS: dict[str, str] = {
    "help_protection": r"Children\s+who\s+need\s+help\s+and\s+protection",
    "looked_after": r"Children\s+looked\s+after\s+and\s+achieving\s+permanence",
    "adoption": r"Adoption\s+performance",
    "care_leavers": r"Experiences\s+and\s+progress\s+of\s+care\s+leavers",
    "leadership": r"Leadership,?\s+management\s+and\s+governance",
}

#: The five judgements every SIF report grades (besides the overall one).
SIF_AREAS: tuple[str, ...] = tuple(SIF_TABLE_ROWS)


# --- small text helpers ---------------------------------------------------------------------------


def _grade_or_warning(text: str, where: str, warnings: list[str]) -> str | None:
    """The normalised grade for `text`, or None with a warning naming where it was read."""
    try:
        return normalise_grade(text)
    except GradeError as error:
        warnings.append(f"{where}: {error}")
        return None


# --- authority name ------------------------------------------------------------------------------


def find_la_name(page: str) -> str | None:
    """The authority's name: the lines of page 1 above the report title.

    Page 1 starts with the page number "1" (not always: Kingston upon Hull 2015 has none), then the
    name, which may wrap ("Norfolk County Council", "London Borough of \\nLambeth"), then the title
    "Inspection of services for children ..." or "Re-inspection of services ..." (Somerset 2018:
    "Reinspection", no hyphen). The 2013 looked
    after children reports put the title first and the name after it; see parse_lac_2013.
    """
    title = re.search(r"(?:Re-?)?inspection\s+of\s+services\s+for\s+children", page, re.IGNORECASE)
    if not title:
        return None
    head = page[: title.start()]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    if lines and re.fullmatch(r"\d+", lines[0]):
        lines = lines[1:]
    name = fold(" ".join(lines))
    return name or None


# --- dates ---------------------------------------------------------------------------------------


_DATE_ITEM = re.compile(
    r"(?P<dmy>(?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>\d{4}))"
    r"|(?P<year>\d{4})"
    r"|(?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\d/])"
    r"|(?P<word>[A-Za-z]+)",
)


def _month_number(word: str) -> int | None:
    """1-12 for a month name or its usual abbreviation ("Feb", "Sept"), else None."""
    word = word.lower().rstrip(".")
    if len(word) < 3:
        return None
    for name, number in MONTHS.items():
        if name.startswith(word) or (word == "sept" and number == 9):
            return number
    return None


def parse_date_list(text: str) -> list[dt.date]:
    """Every day named in a date phrase, completing day-only and day-month items from later ones.

    Ofsted writes inspection dates in many ways; all of these occur on SIF page 1:
    - "6 July 2015 – 30 July 2015" (full dates, dash or "to"; "05 July 2016–27 July 2016" glued);
    - "6 to 30 July 2015", "9–24 November 2017": the first day borrows month and year from the last;
    - "14 January – 5 February 2014": the first date borrows the year;
    - "18 Feb 2014 – 12 March 2014" (Bradford): abbreviated month;
    - "12/09/2016 to 06/10/2016" (Redbridge), "1/06/2015 – 25/06/2015" (Stoke): day/month/year;
    - "19 November-11 December 2013 and 28 – 30 \\nJanuary 2014" (Sheffield): a split inspection.
    Returns the dates in the order written; [] if none can be completed.
    """
    items: list[list[int | None]] = []  # [day, month, year]
    for match in _DATE_ITEM.finditer(text):
        if match.group("dmy"):
            items.append([int(match.group("d1")), int(match.group("m1")), int(match.group("y1"))])
        elif match.group("year"):
            if items and items[-1][2] is None:
                items[-1][2] = int(match.group("year"))
        elif match.group("day"):
            items.append([int(match.group("day")), None, None])
        else:
            month = _month_number(match.group("word"))
            if month and items and items[-1][1] is None:
                items[-1][1] = month
    # Fill a missing month or year from the next item that has one ("6 to 30 July 2015").
    for index in range(len(items) - 2, -1, -1):
        for part in (1, 2):
            if items[index][part] is None:
                items[index][part] = items[index + 1][part]
    dates = []
    for day, month, year in items:
        if day is None or month is None or year is None:
            continue
        try:
            dates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return dates


def _dates_phrase(page: str) -> tuple[str, str] | None:
    """(snippet, date text) after "Inspection date(s):" on page 1, up to the next heading.

    The phrase can wrap onto the next line (Sheffield 2014: "... and 28 – 30 \\nJanuary 2014"), so it
    runs until "Report published", "Reporting inspector", the headline judgement or a blank line.
    """
    match = re.search(
        r"Inspection\s+dates?\s*:?\s*(?P<text>.*?)"
        r"(?=Report\s+published|Reporting\s+inspector|Published\s*:|Children|The\s+overall|The\s+sections"
        r"|The\s+Local|\n\s*\n|$)",
        page,
        re.IGNORECASE | re.DOTALL,
    )
    if not match:
        return None
    return clip(match.group(0)), fold(match.group("text"))


def read_inspection_dates(parsed: ParsedReport, report: Report) -> None:
    """Fill start_date and end_date (first and last day named) from page 1, or warn."""
    found = _dates_phrase(report.pages[0])
    if not found:
        parsed.warnings.append("inspection dates: no 'Inspection date:' line on page 1")
        return
    snippet, text = found
    dates = parse_date_list(text)
    if not dates:
        parsed.warnings.append(f"inspection dates: cannot read a date in {snippet!r}")
        return
    parsed.start_date, parsed.end_date = min(dates), max(dates)
    parsed.dates_page, parsed.dates_snippet = 1, snippet
    if len(dates) == 1:
        # City of London 2016 prints a single day, "Inspection date: 28 July 2016".
        parsed.warnings.append(f"inspection dates: only one day printed ({snippet!r}); start and end set to it")
    if dates != sorted(dates):
        parsed.warnings.append(f"inspection dates: days not in order in {snippet!r}; first and last by date used")


# --- publication date ----------------------------------------------------------------------------


_PUBLISHED = re.compile(
    r"(?:Report\s+published|^\s*Published|originally\s+published\s+on)\s*:?\s*"
    r"(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+[A-Za-z]+\.?\s+\d{4})",
    re.IGNORECASE | re.MULTILINE,
)


def find_published(pages: tuple[str, ...]) -> list[tuple[dt.date, int, str]]:
    """Every printed publication date: (date, 1-based page, snippet), in page order.

    Forms seen: "Report published: 19 October 2015", "Report Published: 17 August 2018" (Lancashire
    2018), "Report published: 25/11/2016" (Redbridge), "Published: 16 August 2013" (2013 looked after
    children reports) and, in Slough 2014, a footnote "The sections of this report that are about the
    local authority were originally published on 11 \\nFebruary 2014".
    """
    found = []
    for number, page in enumerate(pages, start=1):
        if "published" not in page.lower():  # every form holds the word: a quick first test
            continue
        for match in _PUBLISHED.finditer(page):
            dates = parse_date_list(match.group("date"))
            if dates:
                found.append((dates[0], number, clip(match.group(0))))
    return found


def read_published(parsed: ParsedReport, report: Report) -> None:
    """Fill published_date from the report, else from the MANIFEST listing date (flagged).

    About a dozen early SIF reports (January - May 2014: Bolton, Bradford, Coventry, ...) print no
    publication date at all; then the date on Ofsted's listing page stands in, with
    published_from_manifest=True and a warning. Hull 2015 prints two dates, one per part (local
    authority 3 February 2015, LSCB review 10 February 2015): the first is kept, the other named.
    """
    found = find_published(report.pages)
    if found:
        date, page, snippet = found[0]
        parsed.published_date, parsed.published_page = date, page
        if "originally" in snippet.lower():
            parsed.warnings.append(
                f"published date: the report prints only when its local authority sections were first "
                f"published ({snippet!r}); that date is used (MANIFEST lists {report.listed_date})"
            )
        others = sorted({str(other) for other, _, _ in found[1:] if other != date})
        if others:
            parsed.warnings.append(
                f"published date: {date} on page {page} used; the report also prints {', '.join(others)}"
            )
        return
    if report.listed_date:
        parsed.published_date = dt.date.fromisoformat(report.listed_date)
        parsed.published_from_manifest = True
        parsed.warnings.append(
            f"published date: none printed in the report; the MANIFEST listing date {report.listed_date} is used"
        )
    else:
        parsed.warnings.append("published date: none printed and no MANIFEST listing date")


# --- judgements ----------------------------------------------------------------------------------


_OVERALL = re.compile(
    # "Children’s services in Norfolk are inadequate", "Children's services in Darlington require
    # improvement to be \ngood", "Children’s services in Norfolk requires improvement to be good".
    # The place wraps: "Children’s services in the Royal Borough of Kingston upon \nThames are good"
    # (so no full stop or colon inside, but line breaks are allowed); Luton 2016 names no place:
    # "Children’s services require improvement to be good".
    rf"(?P<label>Children{_APOS}s\s+services\s+(?:in\s+(?P<place>[^.:]{{1,90}}?)\s+)?(?:(?:is|are)\s+)?)(?P<grade>{GRADE})(?![a-z])"
    # 2013-15 wording: "The overall judgement is inadequate", "The overall judgement is requires
    # improvement", "The overall judgement is that children’s services require improvement",
    # "... that children’s service requires improvement" (singular, sic: Newham 2014).
    rf"|(?P<label2>The\s+overall\s+judgement\s+is\s+(?:that\s+children{_APOS}s\s+services?\s+)?(?:(?:is|are)\s+)?)(?P<grade2>{GRADE})(?![a-z])",
    re.IGNORECASE,
)


def find_overall(page: str, page_number: int, warnings: list[str]) -> Judgement | None:
    """The overall judgement from the headline sentence on page 1 (the SIF table has no overall row)."""
    match = _OVERALL.search(page)
    if not match:
        return None
    grade_text = match.group("grade") or match.group("grade2")
    grade = _grade_or_warning(grade_text, f"overall judgement (page {page_number})", warnings)
    if grade is None:
        return None
    # The label is the sentence before the grade, without its verb: "Children’s services in Norfolk".
    label = fold(match.group("label") if match.group("grade") else match.group("label2"))
    label = re.sub(r"\s+(?:is|are)$", "", label, flags=re.IGNORECASE)
    return Judgement("overall", label, grade, page_number, clip(match.group(0)))


def _table_row(label: str) -> re.Pattern[str]:
    """A numbered row of the page-1 table: "2.1 Adoption performance Requires improvement".

    The row must start a line with its number, which keeps the prose out: Oldham 2015 writes
    "Leadership, management and governance require improvement when any widespread ..." in the
    text above the table, and the executive summary repeats the labels. Any number is accepted,
    because Wirral 2016 numbers the leadership row "1." instead of "3.".
    """
    return re.compile(
        rf"^[ \t]*\d(?:\.\d)?\.?\s*(?P<label>{label})\s+(?P<grade>{GRADE})(?![a-z])", re.IGNORECASE | re.MULTILINE
    )


def find_table_judgements(pages: tuple[str, ...], warnings: list[str]) -> list[Judgement]:
    """The five numbered judgements of the page-1 table, looking on page 2 where it spills over.

    Oldham 2015 prints rows 1 to 2.1 on page 1 and, after the footnote, rows 2.2 and 3 at the top of
    page 2. A grade may wrap over lines ("Requires \\nimprovement to be \\ngood", Darlington 2018).
    """
    judgements = []
    for area, label in SIF_TABLE_ROWS.items():
        pattern = _table_row(label)
        for number, page in enumerate(pages[:2], start=1):
            match = pattern.search(page)
            if match:
                grade = _grade_or_warning(match.group("grade"), f"{area} (page {number})", warnings)
                if grade:
                    judgements.append(Judgement(area, fold(match.group("label")), grade, number, clip(match.group(0))))
                break
        else:
            warnings.append(f"{area}: no numbered row '{fold(label)}' with a grade in the table on pages 1-2")
    return judgements


#: The LSCB grade, as a line of its own:
#: - page 1 of 2013-14 reports: "The effectiveness of the Local Safeguarding Children Board (LSCB) is
#:   requires improvement" / "(LSCB) \nrequires improvement";
#: - head of the LSCB section from late 2014: "The Local Safeguarding Children Board is good";
#: - Derbyshire and Hartlepool 2014: "The judgement for the effectiveness of the Local Safeguarding
#:   Children \nBoard (LSCB) is requires improvement.";
#: - Somerset 2015 drops a word: "The Local Safeguarding Children is inadequate".
#: Anchored at a line start, so "An LSCB requires improvement ..." in the closing "what the
#: judgements mean" pages and the prose are not read; the footnote digit "Board1" is allowed.
_LSCB = re.compile(
    rf"^[ \t]*(?P<label>The\s+(?:judgement\s+for\s+the\s+)?(?:effectiveness\s+of\s+the\s+)?Local\s+Safeguarding\s+Children(?:\s+Board)?\d?"
    rf"(?:\s+\(LSCB\))?)\s+(?:(?:is|are)\s+)?(?P<grade>{GRADE})(?![a-z])",
    re.IGNORECASE | re.MULTILINE,
)


def find_lscb(pages: tuple[str, ...], warnings: list[str]) -> Judgement | None:
    """The LSCB judgement where the board was reviewed: the first grade line, in page order."""
    for number, page in enumerate(pages, start=1):
        match = _LSCB.search(page)
        if match:
            grade = _grade_or_warning(match.group("grade"), f"lscb (page {number})", warnings)
            if grade:
                return Judgement("lscb", fold(match.group("label")), grade, number, clip(match.group(0)))
    return None


def mentions_lscb_review(pages: tuple[str, ...]) -> bool:
    """True when the title says the report includes a review of the LSCB."""
    head = fold(" ".join(pages[:2])).lower()[:800]
    return "review of the effectiveness of the local safeguarding" in head


#: Section headings inside the report that restate a table grade, e.g. "The experiences and
#: progress of children who need help and protection Good" (2015-18) or "... are good" (2013-14).
#: Used only to cross-check the table; the table is what parse_sif returns.
SECTION_HEADINGS: dict[str, str] = {
    "help_protection": r"The\s+experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help\s+and\s+protection",
    "looked_after": r"The\s+experiences\s+and\s+progress\s+of\s+children\s+looked\s+after\s+and\s+achieving\s+permanence",
    "leadership": r"Leadership,?\s+management\s+and\s+governance",
}


def cross_check_sections(pages: tuple[str, ...], judgements: list[Judgement], warnings: list[str]) -> None:
    """Warn where a section heading after the table grades an area differently from the table."""
    table = {j.area: j for j in judgements}
    for area, label in SECTION_HEADINGS.items():
        if area not in table:
            continue
        pattern = re.compile(
            rf"^[ \t]*(?:{label})\s+(?:(?:is|are)\s+)?(?P<grade>{GRADE})(?![a-z])", re.IGNORECASE | re.MULTILINE
        )
        for number, page in enumerate(pages[2:], start=3):
            match = pattern.search(page)
            if not match:
                continue
            try:
                heading_grade = normalise_grade(match.group("grade"))
            except GradeError:
                break
            if heading_grade != table[area].grade:
                warnings.append(
                    f"{area}: table on page {table[area].page} says {table[area].grade!r} but the section heading "
                    f"on page {number} says {heading_grade!r} ({clip(match.group(0), 120)!r}); the table is used"
                )
            break


# --- lead inspector ------------------------------------------------------------------------------

#: "Lead inspector: Neil Penswick HMI" (SIF: the inspection team, near the end), "Lead inspector:
#: Steve Lowe, Her Majesty's Inspector" (ILACS: page 1), "Reporting inspector Gary Lamb HMI" (the 2013
#: looked after children reports, page 1). "Deputy lead inspector" (lower case, or "Deputy Lead
#: inspector" in two SIF reports) is not the lead.
_LEAD = re.compile(
    r"(?<!Deputy )\b(?P<label>Lead inspectors?(?: on site)?|Reporting inspector)\b[ \t]*:?[ \t]*(?P<name>[^\n]*)(?:\n(?P<more>[^\n]*))?"
)
#: Titles printed after a name: "HMI", "(HMI)" (Rutland 2017), "Senior HMI", "Her Majesty's Inspector"
#: / "His Majesty's Inspector" (from September 2022), with or without a comma, and a full stop.
_INSPECTOR_TITLE = re.compile(r"[,\s]*\(?(?:Senior\s+)?(?:HMI|(?:Her|His)\s+Majesty['’]s\s+Inspector)\)?\.?\s*$")


def _inspector_name(text: str) -> str:
    """A name as printed without the titles that follow it."""
    text = fold(text).strip(" ,;")
    while (stripped := _INSPECTOR_TITLE.sub("", text).strip(" ,;")) != text:
        text = stripped
    return text


def find_lead_inspector(pages: tuple[str, ...]) -> tuple[str, int] | None:
    """(lead inspector as printed without titles, page) from the first page naming one, or None.

    Quirks: Hammersmith and Fulham 2016 names the "Lead inspector on site" (taken) and a "Report
    author"; Stoke-on-Trent 2022 has two, "Lead inspectors: Rebecca Quested, His Majesty's Inspector,
    and Matthew Reed, His Majesty's Inspector" over two lines: both are kept, joined by "; ". In the ILACS reports
    of 2018-19 the title is on the next line ("Lead inspector: Alison Smale" / "Her Majesty's Inspector").
    """
    for number, page in enumerate(pages, start=1):
        if "Lead inspector" not in page and "Reporting inspector" not in page:  # a quick first test
            continue
        match = _LEAD.search(page)
        if not match:
            continue
        if match.group("label") == "Lead inspectors":
            both = re.split(r",?\s+and\s+", fold(match.group("name") + " " + (match.group("more") or "")))
            names = [_inspector_name(name) for name in both]
            return "; ".join(name for name in names if name), number
        name = _inspector_name(match.group("name"))
        if name:
            return name, number
    return None


def read_lead_inspector(parsed: ParsedReport, report: Report) -> None:
    """Set parsed.lead_inspector and its page, or add a warning."""
    found = find_lead_inspector(report.pages)
    if found:
        parsed.lead_inspector, parsed.lead_inspector_page = found
    else:
        parsed.warnings.append("lead inspector: no 'Lead inspector: ...' (or 'Reporting inspector') line")


# --- the parsers ---------------------------------------------------------------------------------


def parse_sif(report: Report) -> ParsedReport:
    """Read a SIF or SIF re-inspection report: name, dates, publication, judgements, context.

    Returns a ParsedReport; every value it could not read is None and named in warnings.
    """
    parsed = ParsedReport(file=report.file, report_type=report.report_type)
    if report.report_type not in (SIF, SIF_REINSPECTION):
        parsed.warnings.append(f"parse_sif: report type is {report.report_type!r}, not a SIF report; read anyway")
    first = report.pages[0]
    parsed.la_name = find_la_name(first)
    if parsed.la_name:
        parsed.la_name_page = 1
    else:
        parsed.warnings.append("la_name: no authority name above the title on page 1")
    read_inspection_dates(parsed, report)
    read_published(parsed, report)
    overall = find_overall(first, 1, parsed.warnings)
    if overall:
        parsed.judgements.append(overall)
    else:
        parsed.warnings.append(
            "overall: no 'Children's services in ... are ...' or 'The overall judgement is ...' on page 1"
        )
    table = find_table_judgements(report.pages, parsed.warnings)
    parsed.judgements.extend(table)
    cross_check_sections(report.pages, table, parsed.warnings)
    lscb = find_lscb(report.pages, parsed.warnings)
    if lscb:
        parsed.judgements.append(lscb)
    elif mentions_lscb_review(report.pages):
        parsed.warnings.append("lscb: the title includes an LSCB review but no LSCB grade line was found")
    read_lead_inspector(parsed, report)
    parsed.previous, parsed.previous_recaps = read_previous(report)
    parsed.context = parse_context(report)
    return parsed


#: 2013 looked after children inspections: a heading then "Grade 4 (inadequate)" on the next line.
_LAC_JUDGEMENTS: dict[str, str] = {
    "looked_after": r"Overall\s+effectiveness\s+of\s+services\s+for\s+looked\s+after\s+children\s+and\s+young\s+people",
    "capacity": r"Capacity\s+to\s+improve",
}


def find_la_name_lac_2013(page: str) -> str | None:
    """The authority's name on page 1 of a 2013 looked after children report: the lines between
    the title "Inspection of looked after children \\nservices" and "Inspection dates"."""
    match = re.search(
        r"Inspection\s+of\s+looked\s+after\s+children\s+services\s*(?P<name>.*?)\s*Inspection\s+dates?",
        page,
        re.IGNORECASE | re.DOTALL,
    )
    return fold(match.group("name")) or None if match else None


def parse_lac_2013(report: Report) -> ParsedReport:
    """Read a 2013 inspection of looked after children services (pre-SIF framework).

    Two graded judgements are kept: the overall effectiveness of services for looked after children
    (area "looked_after") and the capacity to improve (area "capacity"). The grades use the old
    four-point scale with "Adequate" for grade 3. Each is printed under its own heading as "Grade 3
    (Adequate)"; the contents page lists the same headings with page numbers, so the heading must be
    followed directly by "Grade n (...)".
    """
    parsed = ParsedReport(file=report.file, report_type=report.report_type)
    if report.report_type != LAC_2013:
        parsed.warnings.append(f"parse_lac_2013: report type is {report.report_type!r}; read anyway")
    parsed.la_name = find_la_name_lac_2013(report.pages[0])
    if parsed.la_name:
        parsed.la_name_page = 1
    else:
        parsed.warnings.append("la_name: no authority name between the title and the dates on page 1")
    read_inspection_dates(parsed, report)
    read_published(parsed, report)
    read_lead_inspector(parsed, report)
    for area, label in _LAC_JUDGEMENTS.items():
        pattern = re.compile(
            rf"^[ \t]*(?P<label>{label})\s*\n\s*Grade\s+\d\s*\((?P<grade>[A-Za-z ]+)\)", re.IGNORECASE | re.MULTILINE
        )
        for number, page in enumerate(report.pages, start=1):
            match = pattern.search(page)
            if match:
                grade = _grade_or_warning(match.group("grade"), f"{area} (page {number})", parsed.warnings)
                if grade:
                    parsed.judgements.append(
                        Judgement(area, fold(match.group("label")), grade, number, clip(match.group(0)))
                    )
                break
        else:
            parsed.warnings.append(f"{area}: no heading '{fold(label)}' followed by 'Grade n (...)'")
    cross_check_lac_findings(report.pages, parsed.judgements, parsed.warnings)
    return parsed


#: The closing "Record of main findings" table of the 2013 reports restates both grades:
#: "Overall effectiveness Inadequate" / "Capacity to improve Adequate Grade 3" (Medway adds the number).
_LAC_FINDINGS: dict[str, str] = {"looked_after": r"Overall\s+effectiveness", "capacity": r"Capacity\s+to\s+improve"}


def cross_check_lac_findings(pages: tuple[str, ...], judgements: list[Judgement], warnings: list[str]) -> None:
    """Warn where the 'Record of main findings' table disagrees with the graded headings."""
    graded = {j.area: j for j in judgements}
    for area, label in _LAC_FINDINGS.items():
        if area not in graded:
            continue
        pattern = re.compile(rf"^[ \t]*{label}\s+(?P<grade>{GRADE})(?![a-z])", re.IGNORECASE | re.MULTILINE)
        for number in range(len(pages) - 1, graded[area].page - 1, -1):  # the table is near the end
            match = pattern.search(pages[number])
            if match:
                if normalise_grade(match.group("grade")) != graded[area].grade:
                    warnings.append(
                        f"{area}: heading on page {graded[area].page} says {graded[area].grade!r} but the record of "
                        f"main findings on page {number + 1} says {clip(match.group(0), 80)!r}; the heading is used"
                    )
                break
        else:
            warnings.append(f"{area}: not restated in a 'Record of main findings' table; not cross-checked")


def parse_lscb_review(report: Report) -> ParsedReport:
    """Read a standalone review of a Local Safeguarding Children Board (Surrey, June 2015).

    Page 1: the board's name ("Surrey Safeguarding Children Board"), the title, the dates, the
    publication date and "The Local Safeguarding Children Board requires improvement".
    """
    parsed = ParsedReport(file=report.file, report_type=report.report_type)
    if report.report_type != LSCB_REVIEW:
        parsed.warnings.append(f"parse_lscb_review: report type is {report.report_type!r}; read anyway")
    first = report.pages[0]
    title = re.search(r"Review\s+of\s+the\s+effectiveness", first, re.IGNORECASE)
    lines = [line.strip() for line in first[: title.start()].splitlines() if line.strip()] if title else []
    if lines and re.fullmatch(r"\d+", lines[0]):
        lines = lines[1:]
    if lines:
        parsed.la_name, parsed.la_name_page = fold(" ".join(lines)), 1
    else:
        parsed.warnings.append("la_name: no board name above the title on page 1")
    read_inspection_dates(parsed, report)
    read_published(parsed, report)
    read_lead_inspector(parsed, report)
    lscb = find_lscb(report.pages[:1], parsed.warnings)
    if lscb:
        parsed.judgements.append(lscb)
    else:
        parsed.warnings.append("lscb: no 'The Local Safeguarding Children Board is ...' line on page 1")
    return parsed
