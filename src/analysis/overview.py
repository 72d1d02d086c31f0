"""The tables of the data-overview notebook (notebooks/00_data_overview): what the dataset holds,
what was in force at a date, grade shares and mixes, and coverage against the official counts.

Every function reads the typed tables of `analysis.data`; the dates placed in time are those of
`analysis.snapshots.with_event_dates`, and "in force" is `snapshots.as_at` on the published basis
(one implementation for every notebook). Nothing here plots; the notebook does that.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis import snapshots
from analysis.data import Data, grade_category, headline_judgements, join_judgements, parse_as_at, select_inspections
from analysis.vocab import FRAMEWORKS, GRADE_ORDER_WITH_ADEQUATE, NOT_JUDGED, SIF_ERA_AUTHORITIES

__all__ = [
    "FRAMEWORKS",
    "coverage",
    "grade_shares",
    "headline_judgements",
    "in_force_inspections",
    "inspection_year",
    "inspections_per_year",
    "judgement_mix",
    "judgements_in_force",
    "overview_tables",
]


def in_force_inspections(
    inspections: pd.DataFrame,
    judgements: pd.DataFrame,
    local_authorities: pd.DataFrame,
    as_at: str,
    include_secondary: bool = True,
) -> pd.DataFrame:
    """Each authority existing at `as_at` with its inspection in force: its latest graded inspection
    published by then. Authorities abolished before `as_at` (valid_to in local_authorities) are not
    in force, and an authority created later has nothing in force before its own first inspection.

    A graded inspection is one with a headline grade (see headline_judgements), of any framework: a
    later inspection replaces every judgement of the one before, including areas it does not grade
    (pre-SIF safeguarding, SIF adoption or LSCB), so those are no longer in force. Inspections without
    a headline grade (the lone SIF LSCB review) replace nothing. One implementation, shared with the
    cited-figures notebook: analysis.snapshots.judgements_for(area="headline", framework=None) then
    snapshots.as_at on the published basis.

    Dates are those of snapshots.with_event_dates: an inspection whose report gives no publication
    date (the secondary SIF rows and most pre-SIF inspections) gets an estimated one (end of inspection,
    else start, plus the framework's median lag), flagged in `published_estimated`; a row with no date
    at all cannot be placed in time and is never in force. Ties on the date go to the later inspection.

    Limitation: before SIF, child protection and looked-after children inspections ran side by side;
    the latest of them replaces the other here, as any later inspection does.

    Returns one row per authority: la_code, inspection_id, framework, in_force_from (the publication
    date used) and published_estimated.
    """
    cutoff = parse_as_at(as_at)
    if cutoff is None:
        raise ValueError("in_force_inspections needs a date; use the inspections as they are for no filter")
    data = Data(inspections=inspections, judgements=judgements, local_authorities=local_authorities)
    headline = snapshots.judgements_for(
        data,
        area=snapshots.HEADLINE,
        framework=None,
        include_secondary=include_secondary,
        date_basis="published",
        adequate_as_ri=False,
    )
    latest = snapshots.as_at(headline, cutoff)
    return latest[["la_code", "inspection_id", "framework", "date", "published_estimated"]].rename(
        columns={"date": "in_force_from"}
    )


def judgements_in_force(
    inspections: pd.DataFrame,
    judgements: pd.DataFrame,
    local_authorities: pd.DataFrame,
    as_at: str,
    include_secondary: bool = True,
) -> pd.DataFrame:
    """The graded judgements in force at `as_at`: every graded judgement of each authority's
    in-force inspection (in_force_inspections), joined as by join_judgements, with `in_force_from`
    and `published_estimated`. "Not judged" rows are not judgements, so they are left out."""
    in_force = in_force_inspections(inspections, judgements, local_authorities, as_at, include_secondary)
    chosen = select_inspections(inspections, include_secondary=include_secondary)
    chosen = chosen[chosen["inspection_id"].isin(in_force["inspection_id"])]
    judged = join_judgements(judgements, chosen, include_secondary)
    judged = judged[judged["grade"] != NOT_JUDGED]
    extra = in_force[["inspection_id", "in_force_from", "published_estimated"]]
    return judged.merge(extra, on="inspection_id", how="left").sort_values(["la_code", "area"]).reset_index(drop=True)


def overview_tables(
    inspections: pd.DataFrame,
    judgements: pd.DataFrame,
    local_authorities: pd.DataFrame,
    framework: str = "all",
    include_secondary: bool = True,
    as_at: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inspections and judgements the overview notebook describes, after its three parameters.

    With `as_at` set, judgements are the ones in force at that date (judgements_in_force: those of
    each authority's latest graded inspection published by then, whatever its framework) and
    inspections are those in-force inspections; `framework` then keeps the authorities whose
    in-force inspection is of that framework (a SIF grade replaced by an ILACS one is not in force).
    """
    chosen = select_inspections(inspections, framework, include_secondary)
    if parse_as_at(as_at) is None:
        return chosen.reset_index(drop=True), join_judgements(judgements, chosen, include_secondary)
    judged = judgements_in_force(inspections, judgements, local_authorities, as_at, include_secondary)
    judged = judged[judged["inspection_id"].isin(chosen["inspection_id"])].reset_index(drop=True)
    in_force = in_force_inspections(inspections, judgements, local_authorities, as_at, include_secondary)
    chosen = chosen.merge(
        in_force[["inspection_id", "in_force_from", "published_estimated"]], on="inspection_id", how="inner"
    )
    return chosen.reset_index(drop=True), judged


def inspection_date(inspections: pd.DataFrame) -> pd.Series:
    """The date of each inspection: its start date, or its publication when the start is unknown (dates or ISO text)."""
    return pd.to_datetime(inspections["start_date"]).fillna(pd.to_datetime(inspections["published_date"]))


def inspection_year(inspections: pd.DataFrame) -> pd.Series:
    """Calendar year of each inspection: of its start date, or of publication when the start is unknown."""
    return inspection_date(inspections).dt.year.astype("Int64")


def inspections_per_year(inspections: pd.DataFrame) -> pd.DataFrame:
    """Count of inspections per year (rows) and framework (columns), frameworks in historical order."""
    dated = inspections.assign(year=inspection_year(inspections)).dropna(subset=["year"])
    counts = dated.groupby(["year", "framework"]).size().unstack("framework", fill_value=0)
    order = [f for f in FRAMEWORKS if f in counts.columns]
    return counts.reindex(columns=order).astype(int)


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


def coverage(
    inspections: pd.DataFrame, validation: dict[str, Any], as_at: str = "", all_inspections: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The dataset's coverage against the official counts, one row per check.

    - SIF: authorities with a (first) SIF inspection against the 152 authorities inspected under SIF;
    - ILACS: ILACS inspections in the dataset against the rows of Ofsted's official ILACS history
      (from validation.json; missing if the build did not record it).

    `inspections` is the selection described (every inspection of it, not only those in force).
    With `as_at` set both sides are dated to it: only inspections published by then count (dates as
    in in_force_inspections, estimated where the report gives none); the official ILACS count is the
    number of rows of the official history (rows of `all_inspections`, default `inspections`, with
    an `official_source`) published by then; the SIF count of 152 applies only once every SIF
    inspection in `all_inspections` was published by then, and is missing before.
    """
    cutoff = parse_as_at(as_at)
    every = inspections if all_inspections is None else all_inspections
    sif_expected = validation.get("sif", {}).get("authorities_in_sif_era", SIF_ERA_AUTHORITIES)
    official_ilacs = validation.get("ilacs", {}).get("official_history_rows")
    chosen = inspections
    if cutoff is not None:
        dates = snapshots.with_event_dates(every).set_index("inspection_id")["published_date"]
        chosen = inspections[inspections["inspection_id"].map(dates) <= cutoff]
        is_sif = (every["framework"] == "SIF") & (every["inspection_type"] == "SIF")
        sif_end = every.loc[is_sif, "inspection_id"].map(dates).max()
        sif_expected = sif_expected if pd.notna(sif_end) and sif_end <= cutoff else None
        if "official_source" in every:
            official = every[(every["framework"] == "ILACS") & every["official_source"].notna()]
            official_ilacs = int((official["published_date"] <= cutoff).sum())
        else:
            official_ilacs = None
    sif = chosen[(chosen["framework"] == "SIF") & (chosen["inspection_type"] == "SIF")]
    ilacs = chosen[chosen["framework"] == "ILACS"]
    rows = [
        {"check": "SIF: authorities inspected", "in_dataset": int(sif["la_code"].nunique()), "official": sif_expected},
        {"check": "ILACS: inspections", "in_dataset": int(len(ilacs)), "official": official_ilacs},
    ]
    frame = pd.DataFrame(rows).set_index("check")
    frame["official"] = frame["official"].astype("Int64")
    frame["share"] = (frame["in_dataset"] / frame["official"]).astype("Float64").round(3)
    return frame
