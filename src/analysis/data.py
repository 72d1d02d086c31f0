"""The processed dataset, read with proper types: the analysis half's one door to data/processed.

Reads inspections.csv, judgements.csv, local_authorities.csv, la_context.csv and validation.json
(written by `python -m analysis.build`; columns documented in data/processed/README.md) and hands
them over as one `Data` object. Dates become datetimes (missing dates stay NaT), grade ranks and
pages nullable integers, ONS codes and inspection ids stay text. Nothing here reads data/raw: a
notebook needs only the committed data/processed, and importing this module loads no PDF, ODS or
schema library.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.paths import DATA_PROCESSED
from analysis.vocab import (
    ADEQUATE,
    FRAMEWORKS,
    GRADE_ORDER,
    GRADE_ORDER_WITH_ADEQUATE,
    HEADLINE_AREAS,
    NOT_JUDGED,
    REQUIRES_IMPROVEMENT,
    SECONDARY,
)

DATE_COLUMNS: tuple[str, ...] = ("start_date", "end_date", "published_date")
#: local_authorities.csv columns read as dates: the day an authority came into being / its last day.
LA_DATE_COLUMNS: tuple[str, ...] = ("valid_from", "valid_to")


@dataclass(frozen=True)
class Data:
    """The processed tables, typed (see the load_* functions)."""

    inspections: pd.DataFrame  # inspections.csv, dates as datetimes
    judgements: pd.DataFrame  # judgements.csv, grade_rank and page as Int64
    local_authorities: pd.DataFrame  # local_authorities.csv, valid_from / valid_to as datetimes
    la_context: pd.DataFrame = field(default_factory=pd.DataFrame)  # la_context.csv (long format)
    validation: dict[str, Any] = field(default_factory=dict)  # validation.json


def load(data_dir: Path = DATA_PROCESSED) -> Data:
    """Every processed table of `data_dir` (default data/processed) as one Data object."""
    return Data(
        inspections=load_inspections(data_dir),
        judgements=load_judgements(data_dir),
        local_authorities=load_local_authorities(data_dir),
        la_context=load_la_context(data_dir),
        validation=load_validation(data_dir),
    )


def _read_csv(name: str, data_dir: Path) -> pd.DataFrame:
    """One processed table, with empty cells as missing and codes kept as text."""
    return pd.read_csv(Path(data_dir) / f"{name}.csv", dtype={"la_code": "str", "inspection_id": "str"})


def load_inspections(data_dir: Path = DATA_PROCESSED) -> pd.DataFrame:
    """inspections.csv with its date columns as datetimes (missing dates stay NaT)."""
    frame = _read_csv("inspections", data_dir)
    for column in DATE_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    return frame


def load_judgements(data_dir: Path = DATA_PROCESSED) -> pd.DataFrame:
    """judgements.csv with grade_rank and page as nullable integers."""
    frame = _read_csv("judgements", data_dir)
    for column in ("grade_rank", "page"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


def load_local_authorities(data_dir: Path = DATA_PROCESSED) -> pd.DataFrame:
    """local_authorities.csv, with valid_from / valid_to as datetimes (missing: no such bound)."""
    frame = _read_csv("local_authorities", data_dir)
    for column in LA_DATE_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    return frame


def load_la_context(data_dir: Path = DATA_PROCESSED) -> pd.DataFrame:
    """la_context.csv (long format: la_code, year, measure, value, source)."""
    return _read_csv("la_context", data_dir)


def load_validation(data_dir: Path = DATA_PROCESSED) -> dict[str, Any]:
    """validation.json (the build's validation numbers), or {} if it is not there."""
    path = Path(data_dir) / "validation.json"
    return json.loads(path.read_text()) if path.exists() else {}


def parse_as_at(as_at: str) -> pd.Timestamp | None:
    """The `as_at` parameter as a date: "" means no date filter (None); anything else must be YYYY-MM-DD."""
    if as_at in ("", None):
        return None
    try:
        return pd.Timestamp(dt.date.fromisoformat(str(as_at)))
    except ValueError:
        raise ValueError(f"as_at must be a date 'YYYY-MM-DD' or '' (no filter), not {as_at!r}") from None


def select_inspections(
    inspections: pd.DataFrame, framework: str = "all", include_secondary: bool = True
) -> pd.DataFrame:
    """Inspections of one framework ("all" keeps every one), with or without secondary-source rows."""
    if framework != "all" and framework not in FRAMEWORKS:
        raise ValueError(f"framework must be 'all' or one of {FRAMEWORKS}, not {framework!r}")
    keep = pd.Series(True, index=inspections.index)
    if framework != "all":
        keep &= inspections["framework"] == framework
    if not include_secondary:
        keep &= inspections["source_quality"] != SECONDARY
    return inspections[keep].copy()


def join_judgements(
    judgements: pd.DataFrame, inspections: pd.DataFrame, include_secondary: bool = True
) -> pd.DataFrame:
    """Judgements of the given inspections, with each inspection's authority, framework, type and dates.

    The judgement's own source_quality is kept as `source_quality`; with include_secondary=False,
    judgements whose value comes from a secondary source are dropped as well.
    """
    columns = ["inspection_id", "la_code", "la_name", "framework", "inspection_type", *DATE_COLUMNS]
    joined = judgements.merge(inspections[[c for c in columns if c in inspections]], on="inspection_id", how="inner")
    if not include_secondary and "source_quality" in joined:
        joined = joined[joined["source_quality"] != SECONDARY]
    return joined.reset_index(drop=True)


def headline_judgements(judged: pd.DataFrame) -> pd.DataFrame:
    """One graded judgement per inspection: overall effectiveness, else safeguarding, else looked-after."""
    graded = judged[judged["area"].isin(HEADLINE_AREAS) & (judged["grade"] != NOT_JUDGED)]
    preference = graded["area"].map({area: i for i, area in enumerate(HEADLINE_AREAS)})
    ordered = graded.assign(_preference=preference).sort_values(["inspection_id", "_preference"])
    return ordered.drop_duplicates("inspection_id").drop(columns="_preference").reset_index(drop=True)


def grade_category(grades: pd.Series, adequate_as_ri: bool = True) -> pd.Series:
    """Grades as an ordered pandas Categorical, worst last.

    adequate_as_ri=True folds the old "Adequate" into "Requires improvement to be good" (the
    assumption most commentary makes); False keeps it as its own level between Good and RI.
    """
    if adequate_as_ri:
        return pd.Categorical(grades.replace({ADEQUATE: REQUIRES_IMPROVEMENT}), categories=GRADE_ORDER, ordered=True)
    return pd.Categorical(grades, categories=GRADE_ORDER_WITH_ADEQUATE, ordered=True)


def source_line(inspections: pd.DataFrame, include_secondary: bool, extra: str = "") -> str:
    """The "Source:" of a report's figure, its counts read from the data: "Ofsted inspection reports (431
    PDFs), Ofsted's official outcomes file and the press-sourced SIF grades of 5 councils; <extra>;
    data/processed". `inspections`: inspections.csv (all of it: the files the dataset rests on);
    the secondary sources are named only when `include_secondary` lets them in."""
    reports = inspections["source"].dropna().str.extract(r"^([^#]+\.pdf)")[0].nunique()
    secondary = inspections.loc[inspections["source_quality"] == SECONDARY, "la_code"].nunique()
    return (
        f"Ofsted inspection reports ({reports} PDFs), Ofsted's official outcomes file"
        + (f" and the press-sourced SIF grades of {secondary} councils" if include_secondary and secondary else "")
        + (f"; {extra}" if extra else "")
        + "; data/processed"
    )
