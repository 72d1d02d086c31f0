"""Ofsted's official statistics on LA inspection outcomes (ODS), and their agreement with the reports.

The file is "Local authority inspection outcomes as at 31 March 2025" (published 25 September 2025).
Two sheets are read, each with its header on spreadsheet row 3:
- `ILACS_inspection_history`: every ILACS standard and short inspection 2018-2025, all judgements;
- `Inspections_as_at_31_March`: the latest judgements of each of the 153 current authorities.

Each tidy row keeps `ods_row`, the 1-based spreadsheet row it came from. A header that lacks an
expected column raises OfficialDataError naming the file, the sheet, the missing column(s) and the
columns found, so a re-published file with renamed columns fails loudly instead of shifting values.

The second half pairs each parsed ILACS report with its ODS row (`match_reports`) and compares every
judgement (`agreement`). Where they differ the official file wins in the dataset; each difference is
listed with its explanation in KNOWN_DISAGREEMENTS.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from analysis import paths
from analysis.build.pdf_text import ILACS, Report
from analysis.build.records import ParsedReport
from analysis.vocab import GradeError, fold, normalise_grade

HISTORY_SHEET = "ILACS_inspection_history"
LATEST_SHEET = "Inspections_as_at_31_March"
COVER_SHEET = "Cover"
HEADER_ROW = 3  # 1-based spreadsheet row of the column names in both data sheets

#: The five ILACS judgement areas, in the ODS column order.
AREAS: tuple[str, ...] = ("overall", "leadership", "help_protection", "looked_after", "care_leavers")

#: area -> the ODS column header (the post-2023 wording: "children in care" covers the older
#: "children in care and care leavers" judgement too, as the ODS Notes sheet says).
AREA_COLUMNS: dict[str, str] = {
    "overall": "Overall effectiveness",
    "leadership": "The impact of leaders on social work practice with children and families",
    "help_protection": "The experiences and progress of children who need help and protection",
    "looked_after": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
}
_AREA_COLUMNS: dict[str, str] = {header: area for area, header in AREA_COLUMNS.items()}

#: ODS header -> tidy column, per sheet.
HISTORY_COLUMNS: dict[str, str] = {
    "Local authority area code": "la_code",
    "Local authority name": "la_name",
    "Local authority status": "la_status",
    "Ofsted region": "region",
    "Inspection date": "start_date",
    "Publication date": "published_date",
    "Inspection type": "inspection_type",
    **_AREA_COLUMNS,
}
LATEST_COLUMNS: dict[str, str] = {
    "Local authority area code": "la_code",
    "Local authority name": "la_name",
    "Ofsted region": "region",
    "Inspection date": "start_date",
    "Publication date": "published_date",
    **_AREA_COLUMNS,
}

INSPECTION_TYPES: dict[str, str] = {
    "ILACS Standard Inspection": "ILACS standard",
    "ILACS Short Inspection": "ILACS short",
}
_DATE_COLUMNS = ("start_date", "published_date")


class OfficialDataError(ValueError):
    """The official ODS is not laid out as expected (missing sheet or column, unreadable value)."""


# --- reading the ODS ------------------------------------------------------------------------------


def _sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    """All rows of a sheet, index 0 being spreadsheet row 1. Raises OfficialDataError if the sheet is absent."""
    workbook = CalamineWorkbook.from_path(str(path))
    if sheet not in workbook.sheet_names:
        raise OfficialDataError(f"{Path(path).name}: sheet {sheet!r} not found; sheets found: {workbook.sheet_names}")
    return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _column_positions(path: Path, sheet: str, header: list[object], expected: dict[str, str]) -> dict[str, int]:
    """Tidy column -> position in the header row. Raises OfficialDataError naming what is missing."""
    found = [fold(cell) for cell in header]
    missing = [name for name in expected if name not in found]
    if missing:
        raise OfficialDataError(
            f"{Path(path).name}, sheet {sheet!r}, header row {HEADER_ROW}: expected column(s) {missing} "
            f"not found; columns found: {[name for name in found if name]}"
        )
    return {tidy: found.index(name) for name, tidy in expected.items()}


def _as_date(value: object, where: str) -> dt.date:
    """A date cell as datetime.date (date cells or ISO / dd/mm/yyyy text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = fold(value)
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            pass
    raise OfficialDataError(f"{where}: expected a date, found {value!r}")


def _as_grade(value: object, where: str) -> str | None:
    """A grade cell normalised; a blank cell is missing (None)."""
    text = fold(value)
    if not text:
        return None
    try:
        return normalise_grade(text)
    except GradeError as error:
        raise OfficialDataError(f"{where}: {error}") from None


def _as_type(value: object, where: str) -> str:
    """'ILACS Standard Inspection' -> 'ILACS standard', 'ILACS Short Inspection' -> 'ILACS short'."""
    text = fold(value)
    if text not in INSPECTION_TYPES:
        raise OfficialDataError(f"{where}: expected an inspection type in {sorted(INSPECTION_TYPES)}, found {value!r}")
    return INSPECTION_TYPES[text]


def _read_table(path: Path, sheet: str, expected: dict[str, str]) -> pd.DataFrame:
    """One tidy row per non-blank spreadsheet row below the header, with `ods_row`."""
    path = Path(path)
    rows = _sheet_rows(path, sheet)
    if len(rows) < HEADER_ROW:
        raise OfficialDataError(
            f"{path.name}, sheet {sheet!r}: {len(rows)} rows, expected a header on row {HEADER_ROW}"
        )
    positions = _column_positions(path, sheet, rows[HEADER_ROW - 1], expected)
    records = []
    for index, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        if not any(fold(cell) for cell in row):
            continue
        record: dict[str, object] = {"ods_row": index}
        for tidy, position in positions.items():
            value = row[position] if position < len(row) else ""
            where = f"{path.name}, sheet {sheet!r}, row {index}, column {tidy}"
            if tidy in _DATE_COLUMNS:
                record[tidy] = _as_date(value, where)
            elif tidy in AREAS:
                record[tidy] = _as_grade(value, where)
            elif tidy == "inspection_type":
                record[tidy] = _as_type(value, where)
            else:
                record[tidy] = fold(value)
        records.append(record)
    columns = ["ods_row", *positions]
    return pd.DataFrame.from_records(records, columns=columns)


def read_ilacs_history(path: Path) -> pd.DataFrame:
    """Every ILACS inspection in the ODS history sheet, tidy: one row per inspection.

    Columns: ods_row, la_code, la_name, la_status, region, start_date (the ODS "Inspection date"),
    published_date, inspection_type ("ILACS standard" / "ILACS short"), overall, leadership,
    help_protection, looked_after, care_leavers (normalised grades; None where the ODS is blank).
    """
    table = _read_table(path, HISTORY_SHEET, HISTORY_COLUMNS)
    return table[
        [
            "ods_row",
            "la_code",
            "la_name",
            "la_status",
            "region",
            "start_date",
            "published_date",
            "inspection_type",
            *AREAS,
        ]
    ]


def read_latest(path: Path) -> pd.DataFrame:
    """The latest judgements per authority as at 31 March 2025, tidy (columns as the history, less status and type)."""
    table = _read_table(path, LATEST_SHEET, LATEST_COLUMNS)
    return table[["ods_row", "la_code", "la_name", "region", "start_date", "published_date", *AREAS]]


def read_cover(path: Path) -> dt.date:
    """The 'Published on:' date of the statistics, from the Cover sheet."""
    path = Path(path)
    for index, row in enumerate(_sheet_rows(path, COVER_SHEET), start=1):
        if row and fold(row[0]).lower() == "published on:":
            return _as_date(row[1] if len(row) > 1 else "", f"{path.name}, sheet {COVER_SHEET!r}, row {index}")
    raise OfficialDataError(f"{path.name}, sheet {COVER_SHEET!r}: no 'Published on:' row")


# --- matching reports to ODS rows -----------------------------------------------------------------

#: Largest gap (days) between a report's first inspection day and the ODS "Inspection date" that
#: still counts as the same inspection (a match by code and exact date is always tried first).
MAX_DAYS_APART = 14

#: (file, area) -> why the report and the ODS disagree. The ODS value is the one the dataset keeps.
KNOWN_DISAGREEMENTS: dict[tuple[str, str], str] = {}


def read_la_codes(lookup: Path | None = None) -> dict[str, str]:
    """Ofsted URN -> current ONS code (`la_code_new`) from la_lookup.csv; authorities without one are left out."""
    lookup = lookup or paths.raw_data_dir() / "lookups" / "la_lookup.csv"
    with Path(lookup).open(newline="", encoding="utf-8-sig") as handle:
        return {
            row["urn"].strip(): row["la_code_new"].strip()
            for row in csv.DictReader(handle)
            if row["la_code_new"].strip()
        }


def _match_one(
    code: str | None, start: dt.date | None, by_code: dict[str, pd.DataFrame]
) -> tuple[pd.Series | None, str, str]:
    """The ODS row for one report: (row or None, method, reason if unmatched). `by_code`: the history
    rows of each ONS code (built once by match_reports)."""
    if not code:
        return None, "", "the report's URN has no ONS code in la_lookup.csv"
    if start is None:
        return None, "", "the report's inspection dates could not be read"
    same_la = by_code.get(code)
    if same_la is None or same_la.empty:
        return None, "", f"no ODS history row for {code}"
    starts = same_la["start_date"].tolist()  # plain lists: a few rows per authority, 259 reports
    exact = [i for i, day in enumerate(starts) if day == start]
    if len(exact) == 1:
        return same_la.iloc[exact[0]], "code and start date", ""
    near = [i for i, day in enumerate(starts) if abs((day - start).days) <= MAX_DAYS_APART]
    if len(near) == 1:
        return same_la.iloc[near[0]], f"code and start date within {MAX_DAYS_APART} days", ""
    return (
        None,
        "",
        (
            f"no ODS row for {code} starting within {MAX_DAYS_APART} days of {start}; "
            f"ODS dates for {code}: {sorted(str(day) for day in same_la['start_date'])}"
        ),
    )


def match_reports(
    parsed: list[ParsedReport],
    reports: list[Report],
    history: pd.DataFrame,
    la_codes_by_urn: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Pair each parsed ILACS report with its ODS history row, by ONS code and inspection start date.

    The report's Ofsted URN (MANIFEST) gives the ONS code through la_lookup.csv (`la_codes_by_urn`,
    read from the default lookup when None). The ODS uses the current codes, including for inspections
    before a reorganisation was complete (North Yorkshire E06000065 for 2018), and keeps the former
    authorities (Bournemouth, Cumbria, Northamptonshire) under their own codes as "No longer exists";
    the successors (BCP, Dorset, Cumberland, Westmorland and Furness, North and West Northamptonshire)
    each have a URN of their own, so no name matching is needed.

    One row per ILACS report: file, urn, la_code, la_name (report), start_date, end_date,
    published_date (report, usually the MANIFEST listed date), parsed_<area> grades, and, where matched, ods_row, ods_la_name, ods_start_date,
    ods_published_date, inspection_type, ods_<area> grades, days_apart, match_method; `reason`
    explains a report left unmatched.
    """
    codes = read_la_codes() if la_codes_by_urn is None else la_codes_by_urn
    by_file = {report.file: report for report in reports}
    by_code = {str(code): rows for code, rows in history.groupby("la_code", sort=False)}
    rows = []
    for item in sorted(parsed, key=lambda p: p.file):
        if item.report_type != ILACS:
            continue
        report = by_file.get(item.file)
        urn = report.urn if report else ""
        code = codes.get(urn)
        ods, method, reason = _match_one(code, item.start_date, by_code)
        row: dict[str, object] = {
            "file": item.file,
            "urn": urn,
            "la_code": code,
            "la_name": item.la_name,
            "start_date": item.start_date,
            "end_date": item.end_date,
            "published_date": item.published_date,
            **{f"parsed_{area}": item.grade(area) for area in AREAS},
            "ods_row": None,
            "ods_la_name": None,
            "ods_start_date": None,
            "ods_published_date": None,
            "inspection_type": None,
            **{f"ods_{area}": None for area in AREAS},
            "days_apart": None,
            "match_method": method,
            "reason": reason,
        }
        if ods is not None:
            row.update(
                ods_row=int(ods["ods_row"]),
                ods_la_name=ods["la_name"],
                ods_start_date=ods["start_date"],
                ods_published_date=ods["published_date"],
                inspection_type=ods["inspection_type"],
                days_apart=(ods["start_date"] - item.start_date).days,
                **{f"ods_{area}": ods[area] for area in AREAS},
            )
        rows.append(row)
    matches = pd.DataFrame(rows)
    _flag_shared_rows(matches)
    if not matches.empty:
        matches = matches.astype({"ods_row": "Int64", "days_apart": "Int64"})
    return matches


def _flag_shared_rows(matches: pd.DataFrame) -> None:
    """Un-match reports that claim the same ODS row (none expected): each must be looked at by hand."""
    if matches.empty:
        return
    shared = matches["ods_row"].notna() & matches["ods_row"].duplicated(keep=False)
    for index in matches.index[shared]:
        row = matches.at[index, "ods_row"]
        others = sorted(matches.loc[shared & (matches["ods_row"] == row), "file"])
        matches.loc[index, "reason"] = f"ODS row {row} claimed by several reports: {others}"
        matches.loc[index, "match_method"] = ""
        for column in (
            "ods_row",
            "ods_la_name",
            "ods_start_date",
            "ods_published_date",
            "inspection_type",
            "days_apart",
            *(f"ods_{area}" for area in AREAS),
        ):
            matches.at[index, column] = None


def agreement(matches: pd.DataFrame) -> pd.DataFrame:
    """One row per (matched file, area) judged in the report or the ODS: parser grade, ODS grade, agree flag.

    Areas graded on neither side (care leavers before 2023) are left out. `explanation` quotes
    KNOWN_DISAGREEMENTS for a listed difference; the ODS grade is the one the dataset keeps.
    """
    rows = []
    for _, match in matches[matches["ods_row"].notna()].iterrows():
        for area in AREAS:
            parsed, ods = match[f"parsed_{area}"], match[f"ods_{area}"]
            parsed = parsed if isinstance(parsed, str) else None
            ods = ods if isinstance(ods, str) else None
            if parsed is None and ods is None:
                continue
            rows.append(
                {
                    "file": match["file"],
                    "area": area,
                    "ods_row": int(match["ods_row"]),
                    "inspection_type": match["inspection_type"],
                    "parsed_grade": parsed,
                    "ods_grade": ods,
                    "agree": parsed == ods,
                    "explanation": KNOWN_DISAGREEMENTS.get((match["file"], area), ""),
                }
            )
    columns = ["file", "area", "ods_row", "inspection_type", "parsed_grade", "ods_grade", "agree", "explanation"]
    return pd.DataFrame(rows, columns=columns)


def agreement_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per area (and 'all'): judgements compared, agreeing, and the agreement rate."""

    def summarise(part: pd.DataFrame) -> dict[str, object]:
        compared, agreeing = len(part), int(part["agree"].sum())
        return {"compared": compared, "agree": agreeing, "rate": agreeing / compared if compared else float("nan")}

    rows = [{"area": area, **summarise(table[table["area"] == area])} for area in AREAS]
    rows.append({"area": "all", **summarise(table)})
    return pd.DataFrame(rows)


def history_without_report(
    history: pd.DataFrame, matches: pd.DataFrame, collected_until: dt.date | None = None
) -> pd.DataFrame:
    """ODS history rows that no report in the collection was matched to, with the likely reason.

    `collected_until` is the last publication date the collection covers (default: the latest ODS
    publication date among the matched rows); inspections published later are named as such.
    """
    matched = set(matches["ods_row"].dropna().astype(int)) if not matches.empty else set()
    if collected_until is None and matched:
        collected_until = max(history.loc[history["ods_row"].isin(matched), "published_date"])
    missing = history[~history["ods_row"].isin(matched)].copy()
    missing["reason"] = [
        _missing_reason(status, published, collected_until)
        for status, published in zip(missing["la_status"], missing["published_date"])
    ]
    return missing.reset_index(drop=True)


def _missing_reason(status: str, published: dt.date, collected_until: dt.date | None) -> str:
    """Why an ODS inspection has no report in the collection."""
    if status == "No longer exists":
        return "authority no longer exists: the collection covers the 153 authorities of 2025 only"
    if collected_until is not None and published > collected_until:
        return f"published {published}, after the last report in the collection ({collected_until})"
    return "no report for this inspection in the collection"


def reports_without_row(matches: pd.DataFrame) -> pd.DataFrame:
    """Parsed ILACS reports that no ODS history row was matched to, with the reason."""
    return matches[matches["ods_row"].isna()][
        ["file", "urn", "la_code", "la_name", "start_date", "reason"]
    ].reset_index(drop=True)
