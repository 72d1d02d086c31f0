"""Snapshots of the judgement dataset: what was in force at a date, what was first or latest, what
was published or inspected in a year, and the mix of grades in any judgement area.

Every choice a published figure may silently have made is an argument here, so that a figure can be
recomputed on each basis and the bases compared:

- ``date_basis``: ``"published"`` dates an inspection by the publication of its report,
  ``"inspected"`` by the first day inspectors were on site;
- ``include_secondary``: keep or drop inspections and grades known only from press or council pages
  (the five authorities whose SIF reports are missing from the collection);
- ``include_reinspections``: keep or drop SIF re-inspections;
- ``selection``: every inspection (``"all"``), the first or the latest per authority;
- ``adequate_as_ri``: fold the pre-2013 "Adequate" into "Requires improvement to be good" or keep it.

Typical use::

    data = analysis.data.load()
    frame = snapshots.judgements_for(data, area="leadership", framework="SIF")
    snapshots.grade_counts(snapshots.as_at(frame, "2016-12-31"))

A row whose date on the chosen basis is unknown cannot be placed in time: date filters leave it out
and `undated` lists it. Rows that give no publication date (secondary rows, and most earlier
inspections named in SIF reports, which give only the month of the visit) get an estimated one
(inspection end, else start, plus the median lag of the reports of the same framework), and rows with a
publication date but no inspection date an estimated start, unless ``estimate_missing_dates=False``;
the columns ``published_estimated`` and ``start_estimated`` flag them.
"""

from __future__ import annotations

import pandas as pd

from analysis.data import Data, headline_judgements, join_judgements
from analysis.vocab import (
    ADEQUATE,
    CHANGE_LABELS,
    GRADE_ORDER,
    GRADE_ORDER_WITH_ADEQUATE,
    GRADE_RANK,
    NOT_JUDGED,
    REQUIRES_IMPROVEMENT,
    SECONDARY,
    SIF_REINSPECTION,
)

DATE_BASES: tuple[str, ...] = ("published", "inspected")
SELECTIONS: tuple[str, ...] = ("all", "first", "latest")
#: Pseudo-area: an inspection's headline grade (overall effectiveness; pre-SIF: safeguarding, else
#: looked-after services), the grade that "rating" means when inspections of different frameworks
#: are compared.
HEADLINE = "headline"


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, not {value!r}")


def publication_lag(inspections: pd.DataFrame) -> pd.Series:
    """Median days from the end of inspection (else its start) to publication, per framework, over
    the inspections whose report gives both dates (primary and official rows)."""
    known = inspections[(inspections["source_quality"] != SECONDARY) & inspections["published_date"].notna()]
    onsite = known["end_date"].fillna(known["start_date"])
    lag = (known["published_date"] - onsite).dt.days
    return lag.groupby(known["framework"]).median().dropna()


def start_lag(inspections: pd.DataFrame) -> pd.Series:
    """Median days from the first day on site to publication, per framework (primary and official rows)."""
    known = inspections[
        (inspections["source_quality"] != SECONDARY)
        & inspections["published_date"].notna()
        & inspections["start_date"].notna()
    ]
    return (known["published_date"] - known["start_date"]).dt.days.groupby(known["framework"]).median().dropna()


def with_event_dates(inspections: pd.DataFrame, estimate_missing_dates: bool = True) -> pd.DataFrame:
    """Inspections with `published_estimated` and `start_estimated` flags and, if asked, estimated
    dates where one of the two is missing: publication = end (else start) + the framework's median
    lag; start = publication - the median lag from start to publication (flagged, never silent)."""
    frame = inspections.copy()
    frame["published_estimated"] = False
    frame["start_estimated"] = False
    if estimate_missing_dates:
        lag = publication_lag(inspections)
        onsite = frame["end_date"].fillna(frame["start_date"])
        missing = frame["published_date"].isna() & onsite.notna() & frame["framework"].isin(lag.index)
        days = frame.loc[missing, "framework"].map(lag)
        frame.loc[missing, "published_date"] = onsite[missing] + pd.to_timedelta(days, unit="D")
        frame.loc[missing, "published_estimated"] = True
        back = start_lag(inspections)
        missing = (
            frame["start_date"].isna()
            & frame["published_date"].notna()
            & ~frame["published_estimated"]
            & frame["framework"].isin(back.index)
        )
        days = frame.loc[missing, "framework"].map(back)
        frame.loc[missing, "start_date"] = frame.loc[missing, "published_date"] - pd.to_timedelta(days, unit="D")
        frame.loc[missing, "start_estimated"] = True
    return frame


def judgements_for(
    data: Data,
    area: str = "overall",
    framework: str | list[str] | None = "SIF",
    inspection_types: list[str] | None = None,
    include_reinspections: bool = True,
    include_secondary: bool = True,
    date_basis: str = "published",
    adequate_as_ri: bool = True,
    include_not_judged: bool = False,
    estimate_missing_dates: bool = True,
) -> pd.DataFrame:
    """One row per inspection graded in `area`, with its authority, framework, type, dates and grade.

    `area` is a harmonised area key (analysis.vocab.AREA_LABELS) or "headline". `framework` is one
    framework, a list, or None for all. The column `date` holds the inspection's date on
    `date_basis`; `grade` is mapped (Adequate -> RI) when `adequate_as_ri`; `grade_rank` is 1..4.
    """
    _check_choice("date_basis", date_basis, DATE_BASES)
    inspections = with_event_dates(data.inspections, estimate_missing_dates)
    if framework is not None:
        frameworks = [framework] if isinstance(framework, str) else list(framework)
        inspections = inspections[inspections["framework"].isin(frameworks)]
    if inspection_types is not None:
        inspections = inspections[inspections["inspection_type"].isin(inspection_types)]
    if not include_reinspections:
        inspections = inspections[inspections["inspection_type"] != SIF_REINSPECTION]
    if not include_secondary:
        inspections = inspections[inspections["source_quality"] != SECONDARY]
    judged = join_judgements(data.judgements, inspections.drop(columns=["source_quality"]), include_secondary)
    judged = judged.merge(
        inspections[["inspection_id", "published_estimated", "start_estimated", "source_quality"]].rename(
            columns={"source_quality": "inspection_source_quality"}
        ),
        on="inspection_id",
        how="left",
    )
    if area == HEADLINE:
        judged = headline_judgements(judged)
    else:
        judged = judged[judged["area"] == area]
        if not include_not_judged:
            judged = judged[judged["grade"] != NOT_JUDGED]
    judged = judged.copy()
    if adequate_as_ri:
        judged["grade"] = judged["grade"].replace({ADEQUATE: REQUIRES_IMPROVEMENT})
    judged["grade_rank"] = judged["grade"].map(GRADE_RANK).astype("Int64")
    judged["date"] = judged["published_date"] if date_basis == "published" else judged["start_date"]
    # Chronological order within an authority: time on site first (known for almost every row).
    judged["order_date"] = judged["start_date"].fillna(judged["published_date"])
    # Region and the authority's lifetime (valid_from / valid_to: `as_at` keeps only the authorities
    # that exist on its date).
    # A table without valid_from / valid_to (a hand-made one) gives every authority an open lifetime.
    authority = [c for c in ("la_code", "region", "valid_from", "valid_to") if c in data.local_authorities]
    if "la_code" in authority and len(authority) > 1:
        judged = judged.merge(data.local_authorities[authority], on="la_code", how="left")
    for column in ("valid_from", "valid_to"):
        judged[column] = pd.to_datetime(judged[column]) if column in judged else pd.NaT
    return judged.sort_values(["la_code", "order_date", "inspection_id"], na_position="last").reset_index(drop=True)


def undated(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a `judgements_for` frame whose date on its basis is unknown (left out of date filters)."""
    return frame[frame["date"].isna()]


def _timestamp(date) -> pd.Timestamp:
    return pd.Timestamp(date)


def exists_on(frame: pd.DataFrame, date) -> pd.Series:
    """True for the rows whose authority exists on `date`: valid_from (if any) on or before it and
    valid_to (if any) on or after it. Bournemouth, Poole and Dorset County end on 2019-03-31,
    Northamptonshire on 2021-03-31, Cumbria on 2023-03-31; their successors begin the next day.

    The frame must carry valid_from and valid_to (judgements_for adds them from local_authorities);
    a frame without them raises, rather than silently counting abolished authorities.
    """
    missing = [c for c in ("valid_from", "valid_to") if c not in frame]
    if missing:
        raise ValueError(
            f"as_at needs the authorities' valid_from / valid_to (missing: {missing}): build the frame with "
            "snapshots.judgements_for on a Data whose local_authorities has them (analysis.data.load())"
        )
    cutoff = _timestamp(date)
    valid_from = pd.to_datetime(frame["valid_from"])
    valid_to = pd.to_datetime(frame["valid_to"])
    return (valid_from.isna() | (valid_from <= cutoff)) & (valid_to.isna() | (valid_to >= cutoff))


def as_at(frame: pd.DataFrame, date) -> pd.DataFrame:
    """The most recent row per authority dated on or before `date` (on the frame's date basis),
    among the authorities that exist on `date` (exists_on).

    On the published basis this is the judgement in force at `date`. Ties on the date go to the
    later inspection (time on site, then id). An abolished authority's last grade is not in force
    after its last day, and a new authority has nothing in force before its first inspection.
    """
    cutoff = _timestamp(date)
    dated = frame[frame["date"].notna() & (frame["date"] <= cutoff) & exists_on(frame, cutoff)]
    ordered = dated.sort_values(["la_code", "date", "order_date", "inspection_id"])
    return ordered.groupby("la_code", sort=True).tail(1).reset_index(drop=True)


def dated_until(frame: pd.DataFrame, date) -> pd.DataFrame:
    """Every row dated on or before `date` (all inspections so far, not only the latest)."""
    cutoff = _timestamp(date)
    return frame[frame["date"].notna() & (frame["date"] <= cutoff)].reset_index(drop=True)


def in_window(frame: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Rows dated within [start, end] (either bound may be None)."""
    keep = frame["date"].notna()
    if start is not None:
        keep &= frame["date"] >= _timestamp(start)
    if end is not None:
        keep &= frame["date"] <= _timestamp(end)
    return frame[keep].reset_index(drop=True)


def in_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows dated in calendar `year`: published in it, or inspected in it, per the frame's basis."""
    return frame[frame["date"].dt.year == int(year)].reset_index(drop=True)


def first_per_la(frame: pd.DataFrame) -> pd.DataFrame:
    """Each authority's first row in the frame, in the order of time on site (e.g. its first SIF)."""
    return (
        frame.sort_values(["la_code", "order_date", "inspection_id"], na_position="last")
        .groupby("la_code")
        .head(1)
        .reset_index(drop=True)
    )


def latest_per_la(frame: pd.DataFrame) -> pd.DataFrame:
    """Each authority's latest row in the frame, in the order of time on site."""
    return (
        frame.sort_values(["la_code", "order_date", "inspection_id"], na_position="first")
        .groupby("la_code")
        .tail(1)
        .reset_index(drop=True)
    )


def select(frame: pd.DataFrame, selection: str = "all") -> pd.DataFrame:
    """Every row ("all"), or the first or latest per authority."""
    _check_choice("selection", selection, SELECTIONS)
    if selection == "first":
        return first_per_la(frame)
    if selection == "latest":
        return latest_per_la(frame)
    return frame.reset_index(drop=True)


def grade_counts(frame: pd.DataFrame, adequate_as_ri: bool = True) -> pd.DataFrame:
    """Count and share (percent of graded rows) of each grade, best first.

    With adequate_as_ri=False "Adequate" is its own row (it is kept apart only if the frame was
    built with adequate_as_ri=False too). "Not judged" rows are not counted.
    """
    order = GRADE_ORDER if adequate_as_ri else GRADE_ORDER_WITH_ADEQUATE
    graded = frame[frame["grade"] != NOT_JUDGED]["grade"]
    if adequate_as_ri:
        graded = graded.replace({ADEQUATE: REQUIRES_IMPROVEMENT})
    counts = graded.value_counts().reindex(order, fill_value=0).astype(int)
    total = int(counts.sum())
    shares = (100 * counts / total) if total else counts.astype(float) * float("nan")
    return pd.DataFrame({"count": counts, "share": shares.round(1)}).rename_axis("grade")


def grade_mix_by(frame: pd.DataFrame, by: str, adequate_as_ri: bool = True) -> pd.DataFrame:
    """Long table of count and share of each grade within each value of column `by`."""
    parts = []
    for key, group in frame.groupby(by, sort=True):
        counts = grade_counts(group, adequate_as_ri).reset_index()
        counts.insert(0, by, key)
        counts["total"] = int(counts["count"].sum())
        parts.append(counts)
    if not parts:
        return pd.DataFrame(columns=[by, "grade", "count", "share", "total"])
    return pd.concat(parts, ignore_index=True)


def transitions(frame: pd.DataFrame) -> pd.DataFrame:
    """Each row of the frame beside the same authority's previous row (in order of time on site).

    Use a frame of several frameworks with area="headline" to compare, e.g., an ILACS grade with the
    SIF grade before it. `change` is "improved", "same" or "declined" (by grade rank; "Adequate"
    ranks with RI); the first row per authority has no previous and is left out.
    """
    ordered = frame.sort_values(["la_code", "order_date", "inspection_id"], na_position="last").copy()
    columns = ["inspection_id", "framework", "inspection_type", "start_date", "published_date", "grade", "grade_rank"]
    previous = ordered.groupby("la_code")[columns].shift(1)
    previous.columns = [f"prev_{c}" for c in columns]
    joined = pd.concat([ordered, previous], axis=1)
    joined = joined[joined["prev_inspection_id"].notna()].copy()
    step = (joined["grade_rank"] - joined["prev_grade_rank"]).astype("Int64")
    joined["change"] = step.clip(-1, 1).map(CHANGE_LABELS)
    joined["months_between"] = ((joined["start_date"] - joined["prev_start_date"]).dt.days / 30.44).round(1)
    return joined.reset_index(drop=True)
