"""Loading and slicing the processed dataset for the notebooks.

Small functions over the tables in data/processed (inspections.csv, judgements.csv,
local_authorities.csv, validation.json): read them with proper types, keep one framework or drop the
secondary (press-sourced) rows, take the most recent judgement per authority as at a date, and count
inspections and grades for the overview charts. Nothing here plots; the notebooks do that.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.clean import GRADE_ORDER_WITH_ADEQUATE, NOT_JUDGED, grade_category
from analysis.paths import DATA_PROCESSED

FRAMEWORKS: list[str] = ["pre-SIF", "SIF", "ILACS"]
DATE_COLUMNS: tuple[str, ...] = ("start_date", "end_date", "published_date")
#: Area giving an inspection's headline grade, in order of preference: SIF and ILACS have an overall
#: effectiveness judgement; pre-SIF safeguarding inspections judged safeguarding, and pre-SIF
#: looked-after inspections looked-after services.
HEADLINE_AREAS: tuple[str, ...] = ("overall", "safeguarding", "looked_after")
#: Authorities inspected under the single inspection framework (SIF, 2013-2018).
SIF_AUTHORITIES = 152


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
    """local_authorities.csv as it is."""
    return _read_csv("local_authorities", data_dir)


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


def select_inspections(inspections: pd.DataFrame, framework: str = "all", include_secondary: bool = True) -> pd.DataFrame:
    """Inspections of one framework ("all" keeps every one), with or without secondary-source rows."""
    if framework != "all" and framework not in FRAMEWORKS:
        raise ValueError(f"framework must be 'all' or one of {FRAMEWORKS}, not {framework!r}")
    keep = pd.Series(True, index=inspections.index)
    if framework != "all":
        keep &= inspections["framework"] == framework
    if not include_secondary:
        keep &= inspections["source_quality"] != "secondary"
    return inspections[keep].copy()


def join_judgements(judgements: pd.DataFrame, inspections: pd.DataFrame, include_secondary: bool = True) -> pd.DataFrame:
    """Judgements of the given inspections, with each inspection's authority, framework, type and dates.

    The judgement's own source_quality is kept as `source_quality`; with include_secondary=False,
    judgements whose value comes from a secondary source are dropped as well.
    """
    columns = ["inspection_id", "la_code", "la_name", "framework", "inspection_type", *DATE_COLUMNS]
    joined = judgements.merge(inspections[[c for c in columns if c in inspections]], on="inspection_id", how="inner")
    if not include_secondary and "source_quality" in joined:
        joined = joined[joined["source_quality"] != "secondary"]
    return joined.reset_index(drop=True)


def latest_judgements(judged: pd.DataFrame, as_at: str) -> pd.DataFrame:
    """The most recent graded judgement per authority and area published on or before `as_at`.

    `judged` is the output of join_judgements. "Not judged" rows and rows without a publication
    date are not judgements in force, so they are left out. Ties on the publication date go to
    the later inspection (end date, then inspection id), so the result is deterministic.
    """
    cutoff = parse_as_at(as_at)
    if cutoff is None:
        raise ValueError("latest_judgements needs a date; use the judgements as they are for no filter")
    graded = judged[(judged["grade"] != NOT_JUDGED) & judged["published_date"].notna() & (judged["published_date"] <= cutoff)]
    ordered = graded.sort_values(["la_code", "area", "published_date", "end_date", "inspection_id"], na_position="first")
    return ordered.groupby(["la_code", "area"], sort=True).tail(1).reset_index(drop=True)


def overview_tables(
    inspections: pd.DataFrame,
    judgements: pd.DataFrame,
    framework: str = "all",
    include_secondary: bool = True,
    as_at: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inspections and judgements the overview notebook describes, after its three parameters.

    With `as_at` set, judgements are the ones in force at that date (latest per authority and area)
    and inspections are those that supplied them.
    """
    chosen = select_inspections(inspections, framework, include_secondary)
    judged = join_judgements(judgements, chosen, include_secondary)
    if parse_as_at(as_at) is not None:
        judged = latest_judgements(judged, as_at)
        chosen = chosen[chosen["inspection_id"].isin(judged["inspection_id"])]
    return chosen.reset_index(drop=True), judged


def inspection_year(inspections: pd.DataFrame) -> pd.Series:
    """Calendar year of each inspection: of its start date, or of publication when the start is unknown."""
    return inspections["start_date"].fillna(inspections["published_date"]).dt.year.astype("Int64")


def inspections_per_year(inspections: pd.DataFrame) -> pd.DataFrame:
    """Count of inspections per year (rows) and framework (columns), frameworks in historical order."""
    dated = inspections.assign(year=inspection_year(inspections)).dropna(subset=["year"])
    counts = dated.groupby(["year", "framework"]).size().unstack("framework", fill_value=0)
    order = [f for f in FRAMEWORKS if f in counts.columns]
    return counts.reindex(columns=order).astype(int)


def headline_judgements(judged: pd.DataFrame) -> pd.DataFrame:
    """One graded judgement per inspection: overall effectiveness, else safeguarding, else looked-after."""
    graded = judged[judged["area"].isin(HEADLINE_AREAS) & (judged["grade"] != NOT_JUDGED)]
    preference = graded["area"].map({area: i for i, area in enumerate(HEADLINE_AREAS)})
    ordered = graded.assign(_preference=preference).sort_values(["inspection_id", "_preference"])
    return ordered.drop_duplicates("inspection_id").drop(columns="_preference").reset_index(drop=True)


def grade_shares(judged: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Share of each grade (columns, best first, Adequate kept apart) within each group of `by`.

    Rows sum to 1. "Not judged" rows are left out.
    """
    graded = judged[judged["grade"] != NOT_JUDGED].copy()
    graded["grade"] = grade_category(graded["grade"], adequate_as_ri=False)
    counts = graded.groupby([*by, "grade"], observed=False).size().unstack("grade", fill_value=0)
    counts = counts.reindex(columns=GRADE_ORDER_WITH_ADEQUATE, fill_value=0)
    counts = counts[counts.sum(axis=1) > 0]
    return counts.div(counts.sum(axis=1), axis=0)


def judgement_mix(judged: pd.DataFrame) -> pd.DataFrame:
    """Count of judgements per area (rows) and grade (columns, best first; "Not judged" last)."""
    columns = [*GRADE_ORDER_WITH_ADEQUATE, NOT_JUDGED]
    counts = judged.groupby(["area", "grade"]).size().unstack("grade", fill_value=0)
    return counts.reindex(columns=columns, fill_value=0).astype(int)


def coverage(inspections: pd.DataFrame, validation: dict[str, Any]) -> pd.DataFrame:
    """The dataset's coverage against the official counts, one row per check.

    - SIF: authorities with a (first) SIF inspection against the 152 authorities inspected under SIF;
    - ILACS: ILACS inspections in the dataset against the rows of Ofsted's official ILACS history
      (from validation.json; missing if the build did not record it).
    """
    sif = inspections[(inspections["framework"] == "SIF") & (inspections["inspection_type"] == "SIF")]
    ilacs = inspections[inspections["framework"] == "ILACS"]
    official_ilacs = validation.get("ilacs", {}).get("official_history_rows")
    sif_expected = validation.get("sif", {}).get("authorities_in_sif_era", SIF_AUTHORITIES)
    rows = [
        {"check": "SIF: authorities inspected", "in_dataset": int(sif["la_code"].nunique()), "official": sif_expected},
        {"check": "ILACS: inspections", "in_dataset": int(len(ilacs)), "official": official_ilacs},
    ]
    frame = pd.DataFrame(rows).set_index("check")
    frame["official"] = frame["official"].astype("Int64")
    frame["share"] = (frame["in_dataset"] / frame["official"]).astype("Float64").round(3)
    return frame
