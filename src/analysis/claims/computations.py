"""The computations that test the registry's figures: each takes the processed `Data` and the
figure's arguments and returns a `Result` (the value and the rows it looked at, for explaining a
difference). claims.yaml refers to them by name (`COMPUTATIONS`).

Every choice a figure may silently have made is an argument with one spelling everywhere
(`include_secondary`, `date_basis`, `adequate_as_ri`, ...), so that `analysis.claims.compare.explain`
can recompute it on each basis.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import las, snapshots
from analysis.claims.registry import (
    HYPOTHESIS_RECORD_KEY,
    HYPOTHESIS_VERDICTS,
    NOT_YET_TESTED,
    REGISTRY,
    NotTestable,
    RegistryError,
    Result,
    windows,
)
from analysis.data import Data
from analysis.paths import ROOT
from analysis.publish.records import current_reports_dir, record_file
from analysis.vocab import CHANGE_LABELS, SECONDARY, normalise_grade

COMPUTATIONS: dict[str, Callable[..., Result]] = {}


def computation(function: Callable[..., Result]) -> Callable[..., Result]:
    """Register a computation under its name (what claims.yaml refers to)."""
    COMPUTATIONS[function.__name__] = function
    return function


#: Attribute of a Data under which `_frame` keeps its memo. The memo lives on the data
#: object itself, so it goes when the object goes: a cache keyed by id(data) could hand a new object
#: that reuses a collected one's id the old object's frames.
_FRAME_CACHE_ATTRIBUTE = "_claims_frame_cache"


def _memo(data: Data, key: tuple, compute: Callable[[], Any]) -> Any:
    """compute(), memoised on the data object under `key` (the explainer recomputes a lot). Callers
    treat what it returns as read-only."""
    try:
        cache = vars(data).setdefault(_FRAME_CACHE_ATTRIBUTE, {})  # Data is frozen: not via setattr
    except TypeError:  # an object without a __dict__ (e.g. slots): no memo
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _key(kwargs: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in kwargs.items()))


def _frame(data: Data, **kwargs: Any) -> pd.DataFrame:
    """snapshots.judgements_for, memoised per data object and arguments."""
    return _memo(data, ("frame", _key(kwargs)), lambda: snapshots.judgements_for(data, **kwargs))


def _selected(data: Data, frame_kwargs: dict[str, Any], window: tuple, selection: str) -> pd.DataFrame:
    """_window then snapshots.select on _frame(data, **frame_kwargs), memoised likewise."""
    return _memo(
        data,
        ("selected", _key(frame_kwargs), tuple(str(w) for w in window), selection),
        lambda: snapshots.select(_window(_frame(data, **frame_kwargs), *window), selection),
    )


def _grades(grades: list[str] | str | None) -> list[str] | None:
    if grades is None:
        return None
    return [normalise_grade(g) for g in ([grades] if isinstance(grades, str) else grades)]


def _window(frame: pd.DataFrame, as_at=None, year=None, start=None, end=None) -> pd.DataFrame:
    if as_at is not None:
        frame = snapshots.dated_until(frame, as_at)
    if year is not None:
        frame = snapshots.in_year(frame, year)
    if start is not None or end is not None:
        frame = snapshots.in_window(frame, start, end)
    return frame


def _members(frame: pd.DataFrame, counted: pd.Series) -> pd.DataFrame:
    columns = [
        "la_code",
        "la_name",
        "inspection_id",
        "inspection_type",
        "framework",
        "date",
        "grade",
        "inspection_source_quality",
    ]
    members = frame[[c for c in columns if c in frame]].copy()
    members["counted"] = counted.to_numpy(dtype=bool)
    return members.rename(columns={"inspection_source_quality": "source_quality"})


def _population_date(frame: pd.DataFrame, n: int) -> pd.Timestamp:
    """The first date by which `n` authorities have a dated row (used when a figure gives a
    population size but no date, e.g. "31 of the 123 councils inspected")."""
    dated = frame[frame["date"].notna()].sort_values("date")
    firsts = dated.groupby("la_code")["date"].min().sort_values()
    if len(firsts) < n:
        raise NotTestable(f"only {len(firsts)} authorities have dated results, fewer than the {n} the figure describes")
    return firsts.iloc[n - 1]


def _share(numerator: int, denominator: int) -> float:
    if denominator == 0:
        raise NotTestable("no graded rows in the population")
    return round(100 * numerator / denominator, 1)


#: Keys a registry window may have (the window arguments of grade_count, plus framework and selection).
WINDOW_KEYS = {"framework", "selection", "as_at", "year", "start", "end"}


def population(
    data: Data,
    window: str | dict[str, Any],
    *,
    area: str = "overall",
    include_secondary: bool = True,
    date_basis: str = "published",
    selection: str | None = None,
    registry: Path | str = REGISTRY,
    **basis: Any,
) -> pd.DataFrame:
    """The judgements a registry window covers (a name from `windows()`, or such a dict), windowed and
    selected as grade_count does for the claims that use the window: one row per inspection (or per
    authority when the window, or `selection`, says first/latest). For reports that chart the same
    populations as the claims, without typing the windows' dates again."""
    spec = dict(windows(registry)[window] if isinstance(window, str) else window)
    unknown = set(spec) - WINDOW_KEYS
    if unknown:
        raise RegistryError(f"window {window!r}: unknown keys {sorted(unknown)}")
    chosen = selection if selection is not None else spec.get("selection", "all")
    frame = _frame(
        data,
        area=area,
        framework=spec.get("framework", "SIF"),
        include_secondary=include_secondary,
        date_basis=date_basis,
        **basis,
    )
    windowed = _window(frame, spec.get("as_at"), spec.get("year"), spec.get("start"), spec.get("end"))
    return snapshots.select(windowed, chosen)


@computation
def grade_count(
    data: Data,
    *,
    area: str = "overall",
    framework: str | list[str] | None = "SIF",
    inspection_types: list[str] | None = None,
    include_reinspections: bool = True,
    include_secondary: bool = True,
    date_basis: str = "published",
    adequate_as_ri: bool = True,
    selection: str = "all",
    as_at: str | None = None,
    year: int | None = None,
    start: str | None = None,
    end: str | None = None,
    at_population: int | None = None,
    grades: list[str] | str | None = None,
    measure: str = "count",
    min_las: int | None = None,
    min_las_reason: str = "",
) -> Result:
    """Count or share of judgements in `grades` (None: every graded row) under a basis.

    Window: `as_at` (dated on or before), `year` (dated in), `start`/`end`, or `at_population`
    (dated on or before the day the N-th authority got its first result). `selection` keeps every
    row, or each authority's first or latest within the window.

    measure: "count" rows in grades; "share" percent of graded rows in grades; "las" distinct
    authorities with a row in grades; "las_share" those as a percent of the authorities in the
    population; "las_remaining" authorities with a row under the same filters at
    any time but none in the window (e.g. still to be inspected).
    `min_las`: raise NotTestable when the population covers fewer authorities (coverage check).
    """
    frame_kwargs = dict(
        area=area,
        framework=framework,
        inspection_types=inspection_types,
        include_reinspections=include_reinspections,
        include_secondary=include_secondary,
        date_basis=date_basis,
        adequate_as_ri=adequate_as_ri,
    )
    frame = _frame(data, **frame_kwargs)
    note = ""
    if at_population is not None:
        as_at = _population_date(frame, int(at_population))
        note = (
            f"snapshot dated {as_at:%Y-%m-%d}, the day the number of authorities with a result reached {at_population}"
        )
    population = _selected(data, frame_kwargs, (as_at, year, start, end), selection)
    if min_las is not None and population["la_code"].nunique() < min_las:
        raise NotTestable(
            f"the data has {area} grades for {population['la_code'].nunique()} authorities here, not the {min_las} needed"
            + (f": {min_las_reason}" if min_las_reason else "")
        )
    wanted = _grades(grades)
    counted = population["grade"].isin(wanted) if wanted else pd.Series(True, index=population.index)
    members = _members(population, counted)
    undated = _memo(data, ("undated", _key(frame_kwargs)), lambda: snapshots.undated(frame))
    if len(undated) and any(x is not None for x in (as_at, year, start, end)):
        names = ", ".join(sorted(set(undated["la_name"])))
        note = (
            (note + "; " if note else "")
            + f"{len(undated)} row(s) with no date of {'publication' if date_basis == 'published' else 'inspection'} left out ({names})"
        )
    if measure == "count":
        value = int(counted.sum())
    elif measure == "share":
        value = _share(int(counted.sum()), len(population))
    elif measure == "las":
        value = int(population.loc[counted, "la_code"].nunique())
    elif measure == "las_share":
        value = _share(int(population.loc[counted, "la_code"].nunique()), int(population["la_code"].nunique()))
    elif measure == "las_remaining":
        dated = frame[frame["date"].notna()]
        everyone = set(dated["la_code"])
        inside = set(population["la_code"])
        unplaced = sorted(set(frame.loc[~frame["la_code"].isin(everyone), "la_name"]))
        if unplaced:
            note = (
                note + "; " if note else ""
            ) + f"authorities with no dated row cannot be placed: {', '.join(unplaced)}"
        frame = dated
        value = len(everyone - inside)
        rest = frame[~frame["la_code"].isin(inside)]
        members = _members(snapshots.first_per_la(rest), pd.Series(True, index=snapshots.first_per_la(rest).index))
    else:
        raise ValueError(f"measure must be count, share, las, las_share or las_remaining, not {measure!r}")
    return Result(value, members, note)


@computation
def named_las(data: Data, *, grades: list[str] | str | None = None, **basis: Any) -> Result:
    """Names of the authorities with a judgement in `grades` under a basis (arguments as grade_count)."""
    result = grade_count(data, grades=grades, measure="count", **basis)
    counted = result.members[result.members["counted"]]
    return Result(sorted(set(counted["la_name"])), result.members, result.note)


def _la_code(data: Data, name: str) -> str:
    """The authority's code from its name as a claim prints it (local_authorities.csv names and
    la_aliases.yaml); an unknown name makes the figure not testable, with the name."""
    try:
        return las.la_code_for_name(name, data.local_authorities)
    except las.LocalAuthorityError:
        raise NotTestable(f"no authority called {name!r} in local_authorities.csv or la_aliases.yaml") from None


def _pick_inspection(
    data: Data, la: str, framework: str | None, inspection_types, which, include_secondary: bool
) -> pd.Series:
    code = _la_code(data, la)
    rows = data.inspections[data.inspections["la_code"] == code]
    if framework is not None:
        rows = rows[rows["framework"] == framework]
    if inspection_types is not None:
        rows = rows[rows["inspection_type"].isin(inspection_types)]
    if not include_secondary:
        rows = rows[rows["source_quality"] != SECONDARY]
    if rows.empty:
        raise NotTestable(
            f"no {framework or ''} inspection of {la} in the data"
            + ("" if include_secondary else " without secondary sources")
        )
    rows = rows.assign(_order=rows["start_date"].fillna(rows["published_date"])).sort_values(
        ["_order", "inspection_id"], na_position="last"
    )
    index = {"first": 0, "latest": -1}.get(which, which)
    try:
        return rows.iloc[int(index)]
    except IndexError:
        raise NotTestable(f"{la} has {len(rows)} such inspection(s), no number {which}") from None


def _month(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m")


@computation
def la_judgements(
    data: Data,
    *,
    la: str,
    framework: str | None = "SIF",
    inspection_types: list[str] | None = None,
    which: str | int = "first",
    areas: list[str] = ("overall",),
    include_secondary: bool = True,
) -> Result:
    """One inspection of a named authority: its grades by area, and the months it started, ended and
    was published (keys start_month, end_month, published_month)."""
    row = _pick_inspection(data, la, framework, inspection_types, which, include_secondary)
    judged = data.judgements[data.judgements["inspection_id"] == row["inspection_id"]]
    grades = dict(zip(judged["area"], judged["grade"]))
    value: dict[str, Any] = {area: grades.get(area) for area in areas}
    value |= {
        "start_month": _month(row["start_date"]),
        "end_month": _month(row["end_date"]),
        "published_month": _month(row["published_date"]),
        "inspection_type": row["inspection_type"],
    }
    members = pd.DataFrame(
        [
            {
                "la_name": row["la_name"],
                "inspection_id": row["inspection_id"],
                "inspection_type": row["inspection_type"],
                "source_quality": row["source_quality"],
                "counted": True,
            }
        ]
    )
    return Result(value, members, f"inspection {row['inspection_id']}")


def _transitions(data: Data, include_secondary: bool, date_basis: str, adequate_as_ri: bool = True) -> pd.DataFrame:
    frame = _frame(
        data,
        area=snapshots.HEADLINE,
        framework=None,
        include_secondary=include_secondary,
        date_basis=date_basis,
        adequate_as_ri=adequate_as_ri,
    )
    return snapshots.transitions(frame[frame["inspection_type"] != "LSCB review"])


@computation
def transition_count(
    data: Data,
    *,
    framework: str = "ILACS",
    inspection_types: list[str] | None = None,
    include_secondary: bool = True,
    date_basis: str = "published",
    selection: str = "all",
    as_at: str | None = None,
    year: int | None = None,
    start: str | None = None,
    end: str | None = None,
    previous_grades: list[str] | str | None = None,
    change: str | list[str] | None = None,
    measure: str = "count",
) -> Result:
    """Inspections compared with the same authority's previous inspection (headline grades, any
    framework before): count, share (percent) or names of those whose change is `change`
    ("improved", "same", "declined"), among the `framework` inspections in the window whose previous
    grade is in `previous_grades` (None: any)."""
    moves = _transitions(data, include_secondary, date_basis)
    moves = moves[moves["framework"] == framework]
    if inspection_types is not None:
        moves = moves[moves["inspection_type"].isin(inspection_types)]
    moves = snapshots.select(_window(moves, as_at, year, start, end), selection)
    wanted = _grades(previous_grades)
    if wanted:
        moves = moves[moves["prev_grade"].isin(wanted)]
    changes = [change] if isinstance(change, str) else change
    counted = moves["change"].isin(changes) if changes else pd.Series(True, index=moves.index)
    members = _members(moves, counted)
    members["previous"] = (moves["prev_inspection_type"] + ": " + moves["prev_grade"]).to_numpy()
    if measure == "count":
        value: Any = int(counted.sum())
    elif measure == "share":
        value = _share(int(counted.sum()), len(moves))
    elif measure == "names":
        value = sorted(set(moves.loc[counted, "la_name"]))
    else:
        raise ValueError(f"measure must be count, share or names, not {measure!r}")
    return Result(value, members, f"{len(moves)} inspections with a previous graded inspection")


def _months_between(start, end) -> list[str]:
    if pd.isna(start):
        return []
    end = start if pd.isna(end) else end
    return [
        p.strftime("%Y-%m")
        for p in pd.period_range(pd.Timestamp(start).to_period("M"), pd.Timestamp(end).to_period("M"), freq="M")
    ]


@computation
def la_transition(
    data: Data,
    *,
    la: str,
    framework: str = "ILACS",
    which: str | int = "first",
    include_secondary: bool = True,
) -> Result:
    """A named authority's inspection (the first/latest/n-th under `framework`, by time on site)
    against its previous graded inspection: headline grades, dates, months on site, years between,
    and how many years the headline grade had been the previous grade without a break
    (`years_at_previous_grade`, undetermined when that run reaches back to the authority's earliest
    inspection in the data)."""
    code = _la_code(data, la)
    history = _frame(data, area=snapshots.HEADLINE, framework=None, include_secondary=include_secondary)
    history = history[(history["la_code"] == code) & (history["inspection_type"] != "LSCB review")].sort_values(
        ["order_date", "inspection_id"]
    )
    mine = history[history["framework"] == framework]
    if mine.empty:
        raise NotTestable(f"no graded {framework} inspection of {la} in the data")
    index = {"first": 0, "latest": -1}.get(which, which)
    try:
        row = mine.iloc[int(index)]
    except (IndexError, ValueError, TypeError):
        raise NotTestable(f"{la} has {len(mine)} graded {framework} inspection(s), no number {which}") from None
    position = history.index.get_loc(row.name)
    if position == 0:
        raise NotTestable(
            f"{la}'s {framework} inspection {row['inspection_id']} ({row['grade']}) is its earliest graded inspection in the data: "
            f"no earlier inspection to compare with (pre-SIF inspections of {la} in the data: "
            f"{int((history['framework'] == 'pre-SIF').sum())})"
        )
    prev = history.iloc[position - 1]
    run = history.iloc[:position]
    run_start, censored = None, False
    for i in range(len(run) - 1, -1, -1):
        if run.iloc[i]["grade"] != prev["grade"]:
            break
        run_start = run.iloc[i]["order_date"]
        censored = i == 0
    when = row["published_date"] if pd.notna(row["published_date"]) else row["start_date"]
    unranked = [r for r in (prev, row) if pd.isna(r["grade_rank"])]
    if unranked:
        raise NotTestable(
            "no grade rank to compare for "
            + " and ".join(f"{r['inspection_id']} (grade {r['grade']!r})" for r in unranked)
            + f": {la}'s change of grade cannot be computed"
        )
    change = CHANGE_LABELS[int(max(-1, min(1, row["grade_rank"] - prev["grade_rank"])))]
    value = {
        "grade": row["grade"],
        "previous_grade": prev["grade"],
        "previous_type": prev["inspection_type"],
        "change": change,
        "start_date": None if pd.isna(row["start_date"]) else row["start_date"].strftime("%Y-%m-%d"),
        "start_month": _month(row["start_date"]),
        "published_month": _month(row["published_date"]),
        "published_date": None if pd.isna(row["published_date"]) else row["published_date"].strftime("%Y-%m-%d"),
        "previous_start_month": _month(prev["start_date"]),
        "previous_months_on_site": _months_between(prev["start_date"], prev["end_date"]),
        "years_between": None
        if pd.isna(prev["start_date"])
        else round((row["start_date"] - prev["start_date"]).days / 365.25, 1),
        "years_at_previous_grade": None if run_start is None else round((when - run_start).days / 365.25, 1),
    }
    undetermined = {}
    if censored:
        undetermined["years_at_previous_grade"] = (
            f"the run of {prev['grade']} grades reaches back to {la}'s earliest inspection in the data "
            f"({run.iloc[0]['inspection_id']}, on site from {run.iloc[0]['order_date']:%Y-%m-%d}): it lasted at least "
            f"{value['years_at_previous_grade']} years, and the data cannot say how much longer"
        )
    members = _members(pd.DataFrame([row]), pd.Series([True]))
    return Result(value, members, f"{prev['inspection_id']} -> {row['inspection_id']}", undetermined)


@computation
def rule_exceptions(
    data: Data,
    *,
    framework: str = "SIF",
    if_area: str = "leadership",
    if_grades: list[str] | str = "Inadequate",
    then_area: str = "overall",
    then_grades: list[str] | str = "Inadequate",
    include_secondary: bool = True,
    include_reinspections: bool = True,
) -> Result:
    """Number of inspections graded `if_grades` in `if_area` but not `then_grades` in `then_area`."""
    args = dict(framework=framework, include_secondary=include_secondary, include_reinspections=include_reinspections)
    left = _frame(data, area=if_area, **args)
    right = _frame(data, area=then_area, **args)
    left = left[left["grade"].isin(_grades(if_grades))]
    merged = left.merge(right[["inspection_id", "grade"]], on="inspection_id", how="inner", suffixes=("", "_then"))
    counted = ~merged["grade_then"].isin(_grades(then_grades))
    members = _members(merged, counted)
    return Result(int(counted.sum()), members, f"{len(merged)} inspections graded {if_grades} for {if_area}")


@computation
def first_month_with_grade(
    data: Data,
    *,
    framework: str = "SIF",
    area: str = "overall",
    grade: str = "Outstanding",
    include_secondary: bool = True,
    date_basis: str = "published",
) -> Result:
    """Month (YYYY-MM) of the first judgement of `grade` in `area` under `framework`."""
    frame = _frame(data, area=area, framework=framework, include_secondary=include_secondary, date_basis=date_basis)
    hits = frame[(frame["grade"] == normalise_grade(grade)) & frame["date"].notna()].sort_values("date")
    if hits.empty:
        raise NotTestable(f"no {grade} {area} judgement under {framework} in the data")
    first = hits.iloc[0]
    return Result(
        _month(first["date"]),
        _members(hits.head(1), pd.Series([True])),
        f"{first['la_name']} ({first['inspection_id']})",
    )


@computation
def cycle(
    data: Data,
    *,
    framework: str = "SIF",
    inspection_types: list[str] = ("SIF",),
    include_secondary: bool = True,
) -> Result:
    """When a framework's cycle of first inspections started (season and year of the first day on
    site) and how many years it took (first start to last end, rounded)."""
    frame = _frame(
        data,
        area="overall",
        framework=framework,
        inspection_types=list(inspection_types),
        include_secondary=include_secondary,
    )
    firsts = snapshots.first_per_la(frame)
    starts = firsts["start_date"].dropna()
    ends = firsts["end_date"].fillna(firsts["start_date"]).dropna()
    first = starts.min()
    season = {
        12: "winter",
        1: "winter",
        2: "winter",
        3: "spring",
        4: "spring",
        5: "spring",
        6: "summer",
        7: "summer",
        8: "summer",
    }.get(first.month, "autumn")
    years = (ends.max() - first).days / 365.25
    return Result(
        {
            "start": f"{season} {first.year}",
            "years": round(years),
            "years_exact": round(years, 2),
            "last_end_month": _month(ends.max()),
        },
        _members(firsts, pd.Series(True, index=firsts.index)),
        f"first day on site {first:%Y-%m-%d}, last {ends.max():%Y-%m-%d}",
    )


@computation
def modal_grade_by_year(
    data: Data,
    *,
    years: list[int],
    area: str = "overall",
    framework: str = "SIF",
    include_secondary: bool = True,
    include_reinspections: bool = True,
    date_basis: str = "published",
) -> Result:
    """The most common grade in `area` among inspections dated in each of `years` (ties joined by ' / ')."""
    frame = _frame(
        data,
        area=area,
        framework=framework,
        include_secondary=include_secondary,
        include_reinspections=include_reinspections,
        date_basis=date_basis,
    )
    value, notes = {}, []
    for year in years:
        counts = snapshots.grade_counts(snapshots.in_year(frame, year))["count"]
        if counts.sum() == 0:
            raise NotTestable(f"no {area} judgements dated in {year}")
        top = counts[counts == counts.max()].index.tolist()
        value[year] = " / ".join(top)
        notes.append(f"{year}: {', '.join(f'{g} {n}' for g, n in counts.items())}")
    return Result(value, None, "; ".join(notes))


@computation
def model_verdict(data: Data, *, notebook: str, hypothesis: str, reports_dir: str | None = None) -> Result:
    """The verdict a model notebook recorded on a hypothesis (record key 'hypothesis.<id>'), or
    "not yet tested" with the reason: the notebook does not exist, has not run, or recorded nothing."""
    path = ROOT / notebook
    candidates = [path, path.with_suffix(".ipynb"), path.with_suffix(".py")]
    if not any(p.exists() for p in candidates):
        return Result(NOT_YET_TESTED, None, f"{notebook} does not exist yet")
    records = record_file(
        Path(notebook).name.removesuffix(".ipynb"), Path(reports_dir) if reports_dir else current_reports_dir()
    )
    if not records.exists():
        return Result(
            NOT_YET_TESTED,
            None,
            f"{notebook} has not been run (no {records.relative_to(ROOT) if records.is_relative_to(ROOT) else records})",
        )
    found = json.loads(records.read_text()).get(HYPOTHESIS_RECORD_KEY.format(id=hypothesis))
    if not found:
        return Result(NOT_YET_TESTED, None, f"{notebook} recorded no result for {hypothesis}")
    verdict = found.get("verdict")
    if verdict not in HYPOTHESIS_VERDICTS:
        raise RegistryError(
            f"{notebook} recorded verdict {verdict!r} for {hypothesis}; expected one of {HYPOTHESIS_VERDICTS}"
        )
    return Result(verdict, None, str(found.get("evidence", "")))
