"""Build data/processed from data/raw: load -> process -> validate -> save.

`python -m analysis.build` (or `make data`). Every raw report ends in extraction_log.csv; every
table is checked against its schema (analysis.schema) before anything is written; the new folder
replaces the old one in one rename, so a failed build leaves the previous processed data intact.
Row order, float formatting and JSON key order are fixed, so two builds give byte-identical files.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

import analysis
from analysis import paths, schema
from analysis.build import authorities as las
from analysis.build import covariates, extract, official, text_tables, validate
from analysis.build import pdf_text as reports
from analysis.build.parse_sif_context import merge_earlier
from analysis.build.records import Inputs, PreviousInspection
from analysis.build.sources import RawDataError, load_sources, verify_raw
from analysis.checksums import sha256_of
from analysis.las import ofsted_page
from analysis.vocab import (
    AREA_LABELS,
    CHILD_PROTECTION,
    ILACS,
    LOOKED_AFTER_CHILDREN,
    LSCB_REVIEW,
    PRE_SIF,
    SIF,
    SIF_REINSPECTION,
    SLAC,
    grade_rank,
    normalise_grade,
)

ODS_NAME = "ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"
SECONDARY_NAME = "secondary/sif_judgements_from_press.csv"
FLOAT_FORMAT = "%.10g"

FRAMEWORK_OF = {
    reports.SIF: SIF,
    reports.SIF_REINSPECTION: SIF,
    reports.LSCB_REVIEW: SIF,
    reports.ILACS: ILACS,
    reports.LAC_2013: PRE_SIF,
}
TYPE_OF = {
    reports.SIF: SIF,
    reports.SIF_REINSPECTION: SIF_REINSPECTION,
    reports.LSCB_REVIEW: LSCB_REVIEW,
    # The 2013 inspections of looked after children services are the same kind of inspection that
    # SIF reports name as "the previous inspection of ... services for looked after children".
    reports.LAC_2013: LOOKED_AFTER_CHILDREN,
}


# ---------------------------------------------------------------- load


def load(raw_dir: Path = paths.DATA_RAW, reading: reports.Reading | None = None) -> Inputs:
    """Read every raw input (build() has checked every file against sources.yaml first).

    Each report is parsed in the worker process that read its text (one pass over the pages; the
    reading started here, or earlier by extract.start and handed in); this process reads the
    structured files (ODS, authorities, DfE / IMD, secondary) meanwhile."""
    structured: dict[str, pd.DataFrame] = {}

    def read_structured() -> None:
        structured["ods_history"] = official.read_ilacs_history(raw_dir / ODS_NAME)
        structured["local_authorities"] = las.build_local_authorities(raw_dir)
        structured["la_context"] = covariates.build_la_context(raw_dir, structured["local_authorities"])
        structured["secondary"] = pd.read_csv(raw_dir / SECONDARY_NAME, dtype=str, keep_default_na=False)
        structured["statistical_neighbours"] = las.read_statistical_neighbours(raw_dir, structured["local_authorities"])

    if reading is None:
        reading = reports.start_reading(raw_dir / extract.REPORTS_FOLDER, parse=extract.parse_one)
    read, read_log, parsed = reading.finish(meanwhile=read_structured)
    return Inputs(reports=read, read_log=read_log, parsed=parsed, **structured)


# ---------------------------------------------------------------- process


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _page_source(file: str, page: int | None) -> str:
    return f"ofsted/reports/{file}" + (f"#page={page}" if page else "")


def _ods_source(row: pd.Series) -> str:
    """Where an official ILACS value comes from: the ODS file, sheet and spreadsheet row."""
    return f"{ODS_NAME}#ILACS_inspection_history!row={row['ods_row']}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _report_rows(inputs: Inputs, matches: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """Inspection and judgement rows for every parsed report (ILACS grades: the official file wins)."""
    by_file = matches.set_index("file") if not matches.empty else pd.DataFrame()
    history = inputs.ods_history
    position_of_row: dict[int, int] = {}  # ODS row number -> its first position in history (built once)
    for position, number in enumerate(history["ods_row"]):
        position_of_row.setdefault(int(number), position)
    inspections: list[dict] = []
    judgements: list[dict] = []
    earlier_sif: dict[str, str] = {}
    for report in sorted(inputs.reports, key=lambda r: (r.urn, r.listed_date, r.file)):
        parsed = inputs.parsed[report.file]
        if report.report_type not in FRAMEWORK_OF:
            continue
        la_code = las.la_code_for_urn(report.urn, inputs.local_authorities)
        inspection_id = Path(report.file).stem
        inspection_type = TYPE_OF.get(report.report_type)
        official_row = None
        if (
            report.report_type == reports.ILACS
            and report.file in by_file.index
            and pd.notna(by_file.at[report.file, "ods_row"])
        ):
            official_row = history.iloc[position_of_row[int(by_file.at[report.file, "ods_row"])]]
            inspection_type = official_row["inspection_type"]
        elif report.report_type == reports.ILACS:
            # Not in the official history: the text does not say standard or short; a short inspection
            # is one week on site, a standard one two (see validation report for how many this decides).
            days = (parsed.end_date - parsed.start_date).days if parsed.start_date and parsed.end_date else None
            inspection_type = "ILACS short" if days is not None and days <= 7 else "ILACS standard"
        previous_id = None
        if report.report_type in (reports.SIF, reports.SIF_REINSPECTION):
            previous_id = earlier_sif.get(report.urn)  # the SIF inspection just before this one
            earlier_sif[report.urn] = inspection_id
        if parsed.published_date and not parsed.published_from_manifest:
            published, published_source = parsed.published_date, "report"
        elif official_row is not None:
            published, published_source = official_row["published_date"], "official"
        elif parsed.published_date:
            published, published_source = parsed.published_date, "manifest"
        else:
            published, published_source = None, "none"
        inspections.append(
            dict(
                inspection_id=inspection_id,
                la_code=la_code,
                framework=FRAMEWORK_OF[report.report_type],
                inspection_type=inspection_type,
                start_date=_iso(parsed.start_date),
                end_date=_iso(parsed.end_date),
                date_precision="day" if parsed.start_date else "unknown",
                published_date=_iso(published),
                published_date_source=published_source,
                source=_page_source(report.file, parsed.dates_page or 1),
                source_quality="primary",
                official_source=None if official_row is None else _ods_source(official_row),
                previous_inspection_id=previous_id,
                lead_inspector=parsed.lead_inspector,
            )
        )
        if official_row is not None:
            # Official wins, also where the parser found no grade for an area the ODS grades.
            for area in official.AREAS:
                if pd.notna(official_row[area]) and parsed.grade(area) is None:
                    judgements.append(
                        dict(
                            inspection_id=inspection_id,
                            area=area,
                            area_label=official.AREA_COLUMNS[area],
                            grade=official_row[area],
                            page=None,
                            snippet=None,
                            source_quality="official",
                        )
                    )
        for judgement in parsed.judgements:
            grade, quality = judgement.grade, "primary"
            if (
                official_row is not None
                and judgement.area in official_row.index
                and pd.notna(official_row[judgement.area])
            ):
                if official_row[judgement.area] != grade:
                    grade, quality = official_row[judgement.area], "official"
            judgements.append(
                dict(
                    inspection_id=inspection_id,
                    area=judgement.area,
                    area_label=judgement.area_label,
                    grade=grade,
                    page=judgement.page,
                    snippet=judgement.snippet,
                    source_quality=quality,
                )
            )
    return inspections, judgements


def _previous_rows(inputs: Inputs) -> tuple[list[dict], list[dict], dict]:
    """Earlier (pre-SIF) inspections named in SIF reports: one row per inspection, typed SLAC, child
    protection or looked after children (parse_sif_context.earlier_type), each mention of one
    inspection merged into it (parse_sif_context.merge_earlier). Also returns what the validation
    report lists: the merges, the typing rules used, recap statements, grades in conflict."""
    inspections: list[dict] = []
    judgements: list[dict] = []
    log: dict = {
        "merges": [],
        "into_own_report": [],
        "conflicts": [],
        "recaps": [],
        "rules": collections.Counter(),
        "edge_cases": [],
    }
    # Earlier inspections that are reports of their own in the collection (the four 2013 looked
    # after children inspections) are not added again. A SIF report may date them by the visit or by
    # publication (Kent: on site 15-19 July 2013, named as "August 2013"): within 62 days is the same.
    own_reports = [
        (
            las.la_code_for_urn(r.urn, inputs.local_authorities),
            TYPE_OF[r.report_type],
            inputs.parsed[r.file].start_date,
            Path(r.file).stem,
        )
        for r in inputs.reports
        if r.report_type == reports.LAC_2013 and inputs.parsed[r.file].start_date
    ]
    named: dict[str, list[tuple[str, PreviousInspection]]] = {}
    for report in sorted(inputs.reports, key=lambda r: (r.urn, r.listed_date, r.file)):
        if report.report_type not in (reports.SIF, reports.SIF_REINSPECTION):
            continue
        la_code = las.la_code_for_urn(report.urn, inputs.local_authorities)
        named.setdefault(la_code, []).extend((report.file, record) for record in inputs.parsed[report.file].previous)
        log["recaps"] += [
            {"file": report.file, "page": recap.page, "statement": recap.snippet}
            for recap in inputs.parsed[report.file].previous_recaps
        ]
    used_ids: set[str] = set()
    for la_code, records in named.items():
        for earlier in merge_earlier(records):
            file, first = earlier.records[0]
            by_statement: dict[tuple[str, int], PreviousInspection] = {}
            for f, record in earlier.records:
                by_statement.setdefault((f, record.statement), record)
            statements = [
                {"file": f, "page": r.page, "typed_by": r.rule, "snippet": r.snippet}
                for (f, _), r in by_statement.items()
            ]
            own = next(
                (
                    stem
                    for code, kind, start, stem in own_reports
                    if (code, kind) == (la_code, earlier.inspection_type)
                    and first.start_date
                    and abs((first.start_date - start).days) <= 62
                ),
                None,
            )
            if own:
                log["into_own_report"].append({"inspection_id": own, "statements": statements})
                continue
            inspection_id = f"{Path(file).stem}-prev-{_slug(earlier.inspection_type)}"
            if inspection_id in used_ids:
                inspection_id += f"-{first.start_date}"
            used_ids.add(inspection_id)
            rules = sorted({r.rule for _, r in earlier.records})
            for rule in rules:
                log["rules"][(earlier.inspection_type, rule)] += 1
            if any(rule.endswith("(edge)") for rule in rules):
                log["edge_cases"].append(inspection_id)
            if len(statements) > 1:
                log["merges"].append({"inspection_id": inspection_id, "statements": statements})
            log["conflicts"] += [{"inspection_id": inspection_id, "conflict": c} for c in earlier.conflicts]
            # "The previous inspection ... was published in February 2013": a publication date,
            # not the visit: it goes into published_date and the start date stays unknown.
            published = first.date_precision.startswith("published")
            inspections.append(
                dict(
                    inspection_id=inspection_id,
                    la_code=la_code,
                    framework=PRE_SIF,
                    inspection_type=earlier.inspection_type,
                    start_date=None if published else _iso(first.start_date),
                    end_date=None if published else _iso(first.end_date),
                    date_precision=first.date_precision.removeprefix("published ") if first.start_date else "unknown",
                    published_date=_iso(first.start_date) if published else None,
                    published_date_source="later report" if published else "none",
                    source=_page_source(file, first.page),
                    source_quality="primary",
                    official_source=None,
                    previous_inspection_id=None,
                    lead_inspector=None,
                )
            )
            for grade_file, record in earlier.grades:
                # The page is of the report in `source`: one SIF report per authority names earlier
                # inspections (a re-inspection names the SIF), so every grade of a row is from it.
                if grade_file != file:
                    raise ValueError(
                        f"{inspection_id}: grades from two reports ({file}, {grade_file}); judgements.csv pages "
                        "refer to the row's source report"
                    )
                judgements.append(
                    dict(
                        inspection_id=inspection_id,
                        area=record.area,
                        area_label=PREVIOUS_LABELS[(earlier.inspection_type, record.area)],
                        grade=record.grade,
                        page=record.page,
                        snippet=record.snippet,
                        source_quality="primary",
                    )
                )
    log["rules"] = [
        {"inspection_type": kind, "rule": rule, "inspections": n} for (kind, rule), n in sorted(log["rules"].items())
    ]
    return inspections, judgements, log


def _official_only_rows(inputs: Inputs, matches: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """ILACS inspections in the official history that no report in the collection covers."""
    matched = set(matches["ods_row"].dropna().astype(int)) if not matches.empty else set()
    inspections, judgements = [], []
    for _, row in inputs.ods_history.iterrows():
        if int(row["ods_row"]) in matched:
            continue
        inspection_id = f"ods-{row['la_code']}-{row['start_date'].isoformat()}"
        inspections.append(
            dict(
                inspection_id=inspection_id,
                la_code=las.canonical_code(row["la_code"], inputs.local_authorities),
                framework="ILACS",
                inspection_type=row["inspection_type"],
                start_date=_iso(row["start_date"]),
                end_date=None,
                date_precision="day",
                published_date=_iso(row["published_date"]),
                published_date_source="official",
                source=_ods_source(row),
                source_quality="official",
                official_source=_ods_source(row),
                previous_inspection_id=None,
                lead_inspector=None,
            )
        )
        for area in official.AREAS:
            if pd.notna(row[area]):
                judgements.append(
                    dict(
                        inspection_id=inspection_id,
                        area=area,
                        area_label=official.AREA_COLUMNS[area],
                        grade=row[area],
                        page=None,
                        snippet=None,
                        source_quality="official",
                    )
                )
    return inspections, judgements


#: How an earlier inspection's grade is labelled: SIF reports name it in a sentence, not a table.
PREVIOUS_LABELS = {
    (SLAC, "safeguarding"): "SLAC inspection: safeguarding services (as named in a SIF report)",
    (SLAC, "looked_after"): "SLAC inspection: services for looked after children (as named in a SIF report)",
    (
        SLAC,
        "overall",
    ): "SLAC inspection: overall effectiveness, or one grade for both services (as named in a SIF report)",
    (
        CHILD_PROTECTION,
        "safeguarding",
    ): "inspection of arrangements for the protection of children (as named in a SIF report)",
    (
        LOOKED_AFTER_CHILDREN,
        "looked_after",
    ): "inspection of services for looked after children (as named in a SIF report)",
}

SECONDARY_AREAS = {
    "overall": "overall",
    "help_and_protection": "help_protection",
    "children_looked_after": "looked_after",
    "adoption": "adoption",
    "care_leavers": "care_leavers",
    "leadership": "leadership",
    "lscb": "lscb",
}


def _secondary_period(period: str) -> tuple[str | None, str | None, str]:
    """Dates from the secondary table's inspection_period: '2016-02-22/2016-03-17', '2014-04', '2015',
    '2017 (month uncertain)'. A month gives its first day. A year alone gives no date (precision
    'unknown'): placing it on 1 January would put it before events it may have followed in date-based
    snapshots. The period as printed stays in the secondary CSV."""
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", period):
        return match.group(1), match.group(2), "day"
    if match := re.fullmatch(r"(\d{4}-\d{2})", period):
        return f"{match.group(1)}-01", None, "month"
    if re.match(r"\d{4}\b", period):
        return None, None, "unknown"
    raise ValueError(f"{SECONDARY_NAME}: inspection_period {period!r} is none of YYYY-MM-DD/YYYY-MM-DD, YYYY-MM, YYYY")


def _secondary_rows(inputs: Inputs) -> tuple[list[dict], list[dict]]:
    """Press-sourced SIF judgements for the five authorities whose reports are missing."""
    inspections, judgements = [], []
    for number, row in enumerate(inputs.secondary.to_dict("records"), start=1):
        la_code = las.canonical_code(row["ons_code"], inputs.local_authorities)
        inspection_id = f"secondary-{la_code}-{number}"
        start, end, precision = _secondary_period(row["inspection_period"])
        inspections.append(
            dict(
                inspection_id=inspection_id,
                la_code=la_code,
                framework="SIF",
                inspection_type=row["inspection"],
                start_date=start,
                end_date=end,
                date_precision=precision,
                published_date=row["published"] or None,
                published_date_source="secondary" if row["published"] else "none",
                source=row["source_url"],
                source_quality="secondary",
                official_source=None,
                previous_inspection_id=None,
                lead_inspector=None,
            )
        )
        for column, area in SECONDARY_AREAS.items():
            if row[column]:
                judgements.append(
                    dict(
                        inspection_id=inspection_id,
                        area=area,
                        area_label=f"{column} (as reported: {row['confidence']})",
                        grade=normalise_grade(row[column]),
                        page=None,
                        snippet=row["quote"] or None,
                        source_quality="secondary",
                    )
                )
    return inspections, judgements


def _context_from_reports(inputs: Inputs) -> pd.DataFrame:
    """Statistics printed in SIF reports, as la_context rows (measure prefixed 'sif_report_')."""
    rows = []
    for report in inputs.reports:
        parsed = inputs.parsed[report.file]
        if report.report_type not in (reports.SIF, reports.SIF_REINSPECTION) or not parsed.start_date:
            continue
        for stat in parsed.context:
            measure = f"sif_report_{stat.measure}"
            if stat.measure == "poverty_pct":
                # Two different measures hide under one heading: "living in poverty" (most reports)
                # and "living in low-income families" (HMRC's measure): kept apart.
                measure += "_low_income_families" if stat.note.startswith("low-income") else "_in_poverty"
            rows.append(
                dict(
                    la_code=las.la_code_for_urn(report.urn, inputs.local_authorities),
                    year=parsed.start_date.year,
                    measure=measure,
                    value=float(stat.value),
                    source=_page_source(report.file, stat.page),
                )
            )
    return pd.DataFrame(rows, columns=["la_code", "year", "measure", "value", "source"])


def _extraction_log(inputs: Inputs) -> pd.DataFrame:
    """One row per report file: parsed (with any warnings as the reason) or skipped."""
    rows = []
    for entry in inputs.read_log:
        row = dict(entry)
        if row["status"] == "read":
            warnings = inputs.parsed[row["file"]].warnings
            if row["report_type"] not in FRAMEWORK_OF:
                row["status"] = "not used"  # read, but of no type the dataset takes (e.g. 'unknown')
                warnings = [f"report type {row['report_type']!r}: not parsed", *warnings]
            elif any(w.startswith("parser failed") for w in warnings):
                row["status"] = "failed"
            else:
                row["status"] = "parsed"
            row["reason"] = "; ".join(filter(None, [row["reason"], *warnings])) or None
        rows.append(row)
    return pd.DataFrame(rows, columns=["file", "sha256", "report_type", "status", "reason"]).replace({"": None})


def _inspections_wide(inspections: pd.DataFrame, judgements: pd.DataFrame, authorities: pd.DataFrame) -> pd.DataFrame:
    """inspections.csv with each area's grade as a column and the authority's public report page."""
    grades = judgements.pivot(index="inspection_id", columns="area", values="grade")
    urn = authorities.set_index("la_code")["ofsted_urn"]
    names = [f.name for f in schema.TABLES["inspections_wide"]["fields"]]
    wide = inspections[[name for name in names if name in inspections.columns]].copy()  # its inspections.csv columns
    wide["report_page"] = wide["la_code"].map(urn).map(ofsted_page)
    for area in AREA_LABELS:
        wide[f"grade_{area}"] = wide["inspection_id"].map(grades[area]) if area in grades else None
    return (
        wide.astype({c: "str" for c in wide.columns if c.startswith("grade_")})
        .replace({"nan": None})
        .reset_index(drop=True)
    )


def process(inputs: Inputs) -> tuple[dict[str, pd.DataFrame], dict]:
    """The public tables and the validation summary."""
    matches = official.match_reports(
        [p for p in inputs.parsed.values() if p.report_type == reports.ILACS],
        [r for r in inputs.reports if r.report_type == reports.ILACS],
        inputs.ods_history,
        {
            str(urn): code
            for urn, code in zip(inputs.local_authorities["ofsted_urn"], inputs.local_authorities["la_code"])
            if pd.notna(urn)
        },
    )
    *earlier_rows, earlier = _previous_rows(inputs)
    parts = [
        _report_rows(inputs, matches),
        earlier_rows,
        _official_only_rows(inputs, matches),
        _secondary_rows(inputs),
    ]
    inspections = pd.DataFrame([row for part in parts for row in part[0]])
    judgements = pd.DataFrame([row for part in parts for row in part[1]])
    names = inputs.local_authorities.set_index("la_code")["la_name"]
    inspections.insert(2, "la_name", inspections["la_code"].map(names))
    inspections = inspections.sort_values(["la_code", "start_date", "inspection_id"], na_position="first").reset_index(
        drop=True
    )
    judgements["grade_rank"] = judgements["grade"].map(grade_rank).astype("Int64")
    judgements["page"] = judgements["page"].astype("Int64")
    judgements = judgements[
        ["inspection_id", "area", "area_label", "grade", "grade_rank", "page", "snippet", "source_quality"]
    ]
    judgements = judgements.sort_values(["inspection_id", "area"]).reset_index(drop=True)
    context = pd.concat([inputs.la_context, _context_from_reports(inputs)], ignore_index=True)
    context["year"] = context["year"].astype("Int64")
    context["value"] = context["value"].astype(float)
    context = context.sort_values(["la_code", "year", "measure", "source"]).reset_index(drop=True)
    tables = {
        "inspections": inspections,
        "judgements": judgements,
        "local_authorities": inputs.local_authorities.sort_values("la_code").reset_index(drop=True),
        "la_context": context,
        "extraction_log": _extraction_log(inputs).sort_values("file").reset_index(drop=True),
        "statistical_neighbours": inputs.statistical_neighbours,
    }
    tables["inspections_wide"] = _inspections_wide(inspections, judgements, tables["local_authorities"])
    # Load inputs: the sentences the workers split. Process data: the language tables.
    sentences = text_tables.sentences(inputs)
    grouping = text_tables.groups(tables)
    tables["report_text"] = text_tables.report_text(inputs, sentences)
    tables["report_terms"], missing_grade = text_tables.report_terms(inputs, grouping)
    tables["report_quotes"] = text_tables.report_quotes(sentences, grouping, tables["report_terms"])
    summary = validate.summarise(inputs, tables, matches, earlier)
    summary["text"] = text_tables.summary(inputs, sentences, tables["report_text"], missing_grade)
    tables["sentences"] = sentences  # written to data/interim (save)
    return tables, summary


# ---------------------------------------------------------------- save


def fields_by_table(tables: dict[str, pd.DataFrame]) -> dict[str, list[schema.Field]]:
    """Schema fields per table (analysis.schema.TABLES)."""
    return {name: spec["fields"] for name, spec in schema.TABLES.items()}


def save(
    tables: dict[str, pd.DataFrame],
    summary: dict,
    out_dir: Path = paths.DATA_PROCESSED,
    validation_report: Path = paths.REPORTS / "validation.md",
    interim_dir: Path | None = None,
) -> None:
    """Validate every table, write them to a new folder, then swap it in for out_dir in one step.

    The interim tables (schema.INTERIM_TABLES: every sentence) go to interim_dir (default: the
    folder `interim` beside out_dir) once the processed folder is in place."""
    interim_dir = out_dir.with_name("interim") if interim_dir is None else interim_dir
    interim = {name: tables[name] for name in schema.INTERIM_TABLES if name in tables}
    tables = {name: frame for name, frame in tables.items() if name not in interim}
    fields = fields_by_table(tables)
    for name, frame in tables.items():
        validate.validate_table(name, frame, fields[name])
    for name, frame in interim.items():
        validate.validate_table(name, frame, schema.INTERIM_TABLES[name]["fields"])
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the data folder is for everyone to read
    try:
        for name, frame in tables.items():
            frame.to_csv(staging / f"{name}.csv", index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        sources = load_sources()
        schema.write_datapackage(
            staging / "datapackage.json",
            fields,
            sources=sources,
            files={
                name: (sha256_of(staging / f"{name}.csv"), (staging / f"{name}.csv").stat().st_size) for name in tables
            },
            version=analysis.__version__,
            # The newest access date of the raw files: the same inputs give the same descriptor.
            created=max(str(source["accessed"]) for source in sources.values() if "accessed" in source) + "T00:00:00Z",
        )
        (staging / "validation.json").write_text(json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n")
        (staging / "README.md").write_text(validate.data_dictionary_markdown(fields))
        old = out_dir.with_name(out_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)  # a leftover from an interrupted build
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for name, frame in interim.items():
        save_interim(frame, interim_dir / f"{name}.parquet")
    validate.write_validation_report(summary, validation_report)


def save_interim(frame: pd.DataFrame, path: Path) -> None:
    """Write one interim table as Parquet (pyarrow, no index), through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    frame.to_parquet(partial, engine="pyarrow", index=False, compression="zstd")
    os.replace(partial, path)


def recover(out_dir: Path) -> None:
    """Clean up after a killed build: remove its staging folders (data/.processed-*), and restore
    data/processed from data/processed.old when a build was killed between its two renames."""
    for staging in out_dir.parent.glob(".processed-*"):
        shutil.rmtree(staging, ignore_errors=True)
    old = out_dir.with_name(out_dir.name + ".old")
    if not out_dir.exists() and old.is_dir():
        os.replace(old, out_dir)
        print(f"restored {out_dir} from {old.name} (a build was interrupted while swapping folders)", file=sys.stderr)


def build(
    raw_dir: Path = paths.DATA_RAW,
    out_dir: Path = paths.DATA_PROCESSED,
    validation_report: Path = paths.REPORTS / "validation.md",
    verify: bool = True,
    reading: reports.Reading | None = None,
) -> dict:
    """Load, process, validate and save; returns the validation summary.

    `reading`: the reports' reading already started by extract.start(raw_dir), which checked the raw
    files first (so they are not checked again here)."""
    try:
        if not raw_dir.is_dir():
            raise RawDataError(
                f"Raw data folder not found: {raw_dir}\n  fix: run `make data` (it copies and checks the raw files)"
            )
        recover(out_dir)
        # Trust nothing not checked: every raw file against sources.yaml (fast path: analysis.build.sources).
        # `verify=False` is for tests that feed a deliberately altered copy to reach the checks behind it.
        if verify and reading is None:
            verify_raw(raw_dir)
        inputs = load(raw_dir, reading)
    finally:
        if reading is not None:
            reading.cancel()  # nothing left to stop once load has finished it
    tables, summary = process(inputs)
    save(tables, summary, out_dir, validation_report)
    return summary


def main(argv: list[str] | None = None, reading: reports.Reading | None = None) -> int:
    """`python -m analysis.build`: one summary line, or one clear error (no traceback) and exit 1.

    `reading`: see build(); ended here whatever happens (finished by the build, or cancelled)."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.build",
        description="Build data/processed from data/raw (run `make data`, which does the raw intake first). "
        "Every raw file is checked against data/raw/sources.yaml before anything is read; "
        "data/processed is replaced in one step only when the whole build succeeds.",
    )
    try:
        parser.parse_args(argv)
        summary = build(reading=reading)
    except SystemExit:  # --help, or an unknown argument
        if reading is not None:
            reading.cancel()
        raise
    except (RawDataError, official.OfficialDataError, las.LocalAuthorityError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as error:  # a raw file the checks above did not foresee
        print(
            f"ERROR: the build stopped: {type(error).__name__}: {error}\n  data/processed is unchanged", file=sys.stderr
        )
        return 1
    print(validate.one_line(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
