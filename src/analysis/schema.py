"""The public contract of data/processed: one data dictionary, from which come both the pandera
schemas enforced at build time and the Frictionless `datapackage.json` describing every column.

Writing the dictionary once keeps the schema, the documentation and the checks from drifting apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.clean import AREA_LABELS, GRADE_RANK, NOT_JUDGED

FRAMEWORKS = ["pre-SIF", "SIF", "ILACS"]
INSPECTION_TYPES = [
    "child protection",
    "looked after children",
    "safeguarding and looked after children",
    "SIF",
    "SIF re-inspection",
    "LSCB review",
    "ILACS standard",
    "ILACS short",
]
SOURCE_QUALITIES = ["primary", "official", "secondary"]
GRADES = [*GRADE_RANK, NOT_JUDGED]


@dataclass(frozen=True)
class Field:
    """One column: name, Frictionless type, description, and the checks it must pass."""

    name: str
    type: str  # Frictionless: string, integer, number, date, boolean
    description: str
    required: bool = True  # no missing values allowed
    enum: tuple[str, ...] | None = None
    unique: bool = False


TABLES: dict[str, dict] = {
    "inspections": dict(
        description="One row per inspection of a local authority's children's services (2013-2025), "
        "from the report PDFs, the official ILACS history, earlier inspections named in SIF reports, "
        "and (flagged secondary) press reports for the five authorities whose SIF reports are missing.",
        primary_key=["inspection_id"],
        fields=[
            Field("inspection_id", "string", "Stable identifier: the report file stem, or 'ods-<la_code>-<start>' for official-only rows, '<report stem>-prev-<type>' for earlier inspections named in a report, 'secondary-<la_code>-<n>' for press-sourced rows.", unique=True),
            Field("la_code", "string", "Canonical ONS code of the authority inspected (see local_authorities.csv)."),
            Field("la_name", "string", "Authority name (canonical, from local_authorities.csv)."),
            Field("framework", "string", "Inspection framework: pre-SIF (before Nov 2013), SIF (Nov 2013-2018), ILACS (2018-).", enum=tuple(FRAMEWORKS)),
            Field("inspection_type", "string", "Kind of inspection within the framework.", enum=tuple(INSPECTION_TYPES)),
            Field("start_date", "date", "First day on site (the first of the month, or 1 January, when the source gives only a month or a year; see date_precision).", required=False),
            Field("end_date", "date", "Last day on site.", required=False),
            Field("date_precision", "string", "Precision of the dates given in this row: 'day', 'month' or 'year' (earlier inspections named in a SIF report often only by month or year), or 'unknown'.", enum=("day", "month", "year", "unknown")),
            Field("published_date", "date", "Date the report was published.", required=False),
            Field("published_date_source", "string", "'report' (printed in it), 'official' (ODS), 'manifest' (the date on Ofsted's listing page, used when the report prints none), 'later report' (an earlier inspection's publication month as a SIF report names it), 'secondary' or 'none'.", enum=("report", "official", "manifest", "later report", "secondary", "none")),
            Field("source", "string", "Where the row comes from: raw file path with #page=N, or ODS sheet and row, or a press URL."),
            Field("source_quality", "string", "primary (the report itself), official (Ofsted's statistics ODS), secondary (press or council pages).", enum=tuple(SOURCE_QUALITIES)),
            Field("official_source", "string", "For ILACS reports matched to the official ODS: its sheet and row.", required=False),
            Field("previous_inspection_id", "string", "For a SIF re-inspection: the inspection_id of the SIF inspection it follows.", required=False),
        ],
    ),
    "judgements": dict(
        description="One row per graded judgement of an inspection, on harmonised judgement areas.",
        primary_key=["inspection_id", "area"],
        fields=[
            Field("inspection_id", "string", "Inspection (inspections.csv)."),
            Field("area", "string", "Harmonised judgement area; the crosswalk is in data/processed/README.md.", enum=tuple(AREA_LABELS)),
            Field("area_label", "string", "The source's own wording of the judgement."),
            Field("grade", "string", "Grade label. 'Adequate' (pre-2013 frameworks) keeps its label.", enum=tuple(GRADES)),
            Field("grade_rank", "integer", "1 Outstanding, 2 Good, 3 Requires improvement (and the old Adequate), 4 Inadequate; empty for Not judged.", required=False),
            Field("page", "integer", "Page of the report the grade was read from (1-based); empty for official or secondary rows.", required=False),
            Field("snippet", "string", "The report text the grade was read from (white space folded, at most 200 characters); for secondary rows the press quote; empty for official rows.", required=False),
            Field("source_quality", "string", "As in inspections.csv, for this value: an ILACS grade that the official ODS gives differently is 'official'.", enum=tuple(SOURCE_QUALITIES)),
        ],
    ),
    "local_authorities": dict(
        description="One row per local authority with children's services responsibilities since 2013.",
        primary_key=["la_code"],
        fields=[],  # filled from analysis.las at build time (see las.LA_FIELDS)
    ),
    "la_context": dict(
        description="Context statistics by authority and year (long format): DfE children in need, referrals, child protection plans, workforce, population, looked-after children; IMD 2019; and the statistics printed in SIF reports.",
        primary_key=["la_code", "year", "measure", "source"],
        fields=[
            Field("la_code", "string", "Canonical ONS code."),
            Field("year", "integer", "Year: DfE collection year ending 31 March; 2019 for IMD; the inspection's start year for report statistics."),
            Field("measure", "string", "What is measured (see data/processed/README.md)."),
            Field("value", "number", "The value."),
            Field("source", "string", "File the value comes from (with #page=N for report statistics)."),
        ],
    ),
    "extraction_log": dict(
        description="One row per raw report file: read and parsed, or skipped with the reason.",
        primary_key=["file"],
        fields=[
            Field("file", "string", "Report file name.", unique=True),
            Field("sha256", "string", "SHA-256 of the file."),
            Field("report_type", "string", "Classification from the title.", required=False),
            Field("status", "string", "parsed; skipped (unreadable: not a PDF, truncated); failed (the parser raised: see reason); not used (a report of a type the dataset does not take).", enum=("parsed", "skipped", "failed", "not used")),
            Field("reason", "string", "Why skipped, or warnings raised while parsing.", required=False),
        ],
    ),
}

_PANDERA_TYPES = {"string": str, "integer": "Int64", "number": float, "date": str, "boolean": bool}


def pandera_schema(table: str, fields: list[Field]) -> pa.DataFrameSchema:
    """A strict pandera schema for one table from its fields."""
    columns = {}
    for field in fields:
        checks = []
        if field.enum:
            checks.append(pa.Check.isin(list(field.enum)))
        if field.type == "date":
            checks.append(pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"))
        columns[field.name] = pa.Column(
            _PANDERA_TYPES[field.type], checks=checks, nullable=not field.required, unique=field.unique, coerce=False
        )
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=table)


def validate_table(table: str, frame: pd.DataFrame, fields: list[Field]) -> pd.DataFrame:
    """Enforce a table's schema and primary key; raise pandera's error naming every failing value."""
    frame = pandera_schema(table, fields).validate(frame, lazy=True)
    key = TABLES[table]["primary_key"]
    duplicated = frame[frame.duplicated(key, keep=False)]
    if not duplicated.empty:
        raise ValueError(f"{table}: primary key {key} is not unique:\n{duplicated.head(20).to_string()}")
    return frame


def datapackage(fields_by_table: dict[str, list[Field]]) -> dict:
    """A Frictionless Data Package descriptor for data/processed."""
    resources = []
    for table, spec in TABLES.items():
        resources.append(
            {
                "name": table.replace("_", "-"),
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "description": spec["description"],
                "schema": {
                    "fields": [
                        {
                            "name": f.name,
                            "type": f.type,
                            "description": f.description,
                            "constraints": {
                                k: v
                                for k, v in (("required", f.required), ("unique", f.unique), ("enum", list(f.enum) if f.enum else None))
                                if v
                            },
                        }
                        for f in fields_by_table[table]
                    ],
                    "primaryKey": spec["primary_key"],
                    "missingValues": [""],
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "ofsted-la-childrens-services-judgements",
        "title": "Ofsted judgements of English local authority children's services, 2013-2025",
        "licenses": [{"name": "OGL-UK-3.0", "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "title": "Open Government Licence v3.0"}],
        "sources": [{"title": "See data/raw/sources.yaml"}],
        "resources": resources,
    }


def write_datapackage(path: Path, fields_by_table: dict[str, list[Field]]) -> None:
    """Write datapackage.json (sorted, stable) for the given table fields."""
    path.write_text(json.dumps(datapackage(fields_by_table), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
