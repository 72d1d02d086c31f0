"""The registry of published claims (claims.yaml) and the computations that test them.

Each registry entry is one claim from a seed article: its source, a quote of at most one sentence,
its kind (figure, rule or hypothesis) and one or more *figures*. A figure names a computation in this
module (`COMPUTATIONS`) with its arguments, the published value, how the two are compared
(`compare`, `tolerance`) and why that tolerance. Nothing in the registry says whether a claim holds:
the verdict is computed here every time, from the data.

Verdicts
    reproduced      the computed value matches the published one within the stated tolerance;
    differs         it does not; the difference is given and `explain` searches the other bases
                    (published vs inspected date, with or without secondary sources, re-inspections
                    counted or not, first vs latest per authority, Adequate mapped or not, and any
                    extra values the figure lists under `alternatives`) for the ones that reproduce
                    the published value, naming the authorities or inspections that make the
                    difference;
    not testable    the computation raised NotTestable with the reason it found in the data;
    not yet tested  (hypotheses) the model notebook that tests the hypothesis has no result yet:
                    it does not exist, has not been run, or recorded nothing for this hypothesis.
                    A model notebook records its finding with `record_hypothesis`, and the verdict
                    it recorded ("supported", "not supported", "inconclusive") flows into the table.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis import snapshots
from analysis.clean import GradeError, normalise_grade
from analysis.paths import REPORTS, ROOT

REGISTRY: Path = Path(__file__).with_name("claims.yaml")
KINDS: tuple[str, ...] = ("figure", "rule", "hypothesis")
COMPARISONS: tuple[str, ...] = ("within", "greater", "less", "at_least", "at_most", "same_set", "equal")
FIGURE_VERDICTS: tuple[str, ...] = ("reproduced", "differs", "not testable")
HYPOTHESIS_VERDICTS: tuple[str, ...] = ("supported", "not supported", "inconclusive")
NOT_YET_TESTED = "not yet tested"
#: Record key under which a model notebook leaves its finding on a hypothesis.
HYPOTHESIS_RECORD_KEY = "hypothesis.{id}"
#: Keys a registry entry / figure may have. A stored verdict is refused: verdicts are computed.
ENTRY_KEYS = {"id", "source", "quote", "kind", "figures", "test_notebook", "note"}
FIGURE_KEYS = {
    "name", "computation", "published", "compare", "tolerance", "justification", "field",
    "alternatives", "operationalisation",
}
FORBIDDEN_KEYS = {"verdict", "result", "reproduced", "status", "computed"}


class NotTestable(Exception):
    """The data cannot test this figure; the message says why (computed from the data)."""


class RegistryError(ValueError):
    """claims.yaml breaks the registry's rules."""


@dataclass
class Result:
    """What a computation found: the value, and the rows it looked at (for explaining differences).

    `members` has one row per inspection (or authority) in the population with columns la_name,
    inspection_id, inspection_type, source_quality and `counted` (True for rows in the value).
    """

    value: Any
    members: pd.DataFrame | None = None
    note: str = ""
    #: fields of a dict value the data cannot determine, with the reason (asking for one is NotTestable)
    undetermined: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------


def _forbidden(node: Any, where: str) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).lower() in FORBIDDEN_KEYS:
                found.append(f"{where}.{key}")
            found += _forbidden(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _forbidden(value, f"{where}[{i}]")
    return found


def validate_registry(entries: list[dict]) -> None:
    """Raise RegistryError listing every rule an entry breaks (see the module docstring)."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        cid = entry.get("id", f"#{i}")
        problems += [f"{cid}: stored verdict-like key {k} (verdicts are computed)" for k in _forbidden(entry, cid)]
        if cid in seen:
            problems.append(f"{cid}: duplicate id")
        seen.add(cid)
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            problems.append(f"{cid}: unknown keys {sorted(unknown)}")
        for key in ("source", "quote", "kind", "figures"):
            if key not in entry:
                problems.append(f"{cid}: missing {key}")
        source = entry.get("source", {})
        if not all(source.get(k) for k in ("article", "outlet", "date")):
            problems.append(f"{cid}: source needs article, outlet and date")
        quote = str(entry.get("quote", ""))
        if len(re.findall(r"[.!?](?:\s|$)", quote.strip())) > 1:
            problems.append(f"{cid}: quote is more than one sentence")
        kind = entry.get("kind")
        if kind not in KINDS:
            problems.append(f"{cid}: kind must be one of {KINDS}")
        if kind == "hypothesis" and not entry.get("test_notebook"):
            problems.append(f"{cid}: a hypothesis needs test_notebook")
        for j, figure in enumerate(entry.get("figures") or []):
            fid = f"{cid}.{figure.get('name', j)}"
            unknown = set(figure) - FIGURE_KEYS
            if unknown:
                problems.append(f"{fid}: unknown keys {sorted(unknown)}")
            comp = figure.get("computation") or {}
            if comp.get("function") not in COMPUTATIONS:
                problems.append(f"{fid}: computation.function {comp.get('function')!r} is not in analysis.claims.COMPUTATIONS")
            if kind != "hypothesis":
                for key in ("published", "compare", "justification"):
                    if key not in figure:
                        problems.append(f"{fid}: missing {key}")
                if figure.get("compare") not in COMPARISONS:
                    problems.append(f"{fid}: compare must be one of {COMPARISONS}")
                if figure.get("compare") in ("within",) and not isinstance(figure.get("tolerance"), (int, float)):
                    problems.append(f"{fid}: compare 'within' needs a numeric tolerance")
        if not entry.get("figures"):
            problems.append(f"{cid}: no figures")
    if problems:
        raise RegistryError("claims registry:\n  " + "\n  ".join(problems))


def load_registry(path: Path | str = REGISTRY) -> list[dict]:
    """The registry entries, validated."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["claims"]
    validate_registry(entries)
    return entries


def windows(path: Path | str = REGISTRY) -> dict[str, dict[str, Any]]:
    """The named time windows of the registry (its `windows:` block), e.g. ``windows()["dec_2016"]``
    -> ``{"framework": "SIF", "as_at": "2016-12-31"}``: the windows the claims use, for reports that
    draw the same populations (so no date is typed twice)."""
    found = yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("windows") or {}
    return {name: dict(window) for name, window in found.items()}


# ---------------------------------------------------------------------------------------------
# Computations
# ---------------------------------------------------------------------------------------------

COMPUTATIONS: dict[str, Callable[..., Result]] = {}


def computation(function: Callable[..., Result]) -> Callable[..., Result]:
    """Register a computation under its name (what claims.yaml refers to)."""
    COMPUTATIONS[function.__name__] = function
    return function


#: Attribute of a snapshots.Data under which `_frame` keeps its memo. The memo lives on the data
#: object itself, so it goes when the object goes: a cache keyed by id(data) could hand a new object
#: that reuses a collected one's id the old object's frames.
_FRAME_CACHE_ATTRIBUTE = "_claims_frame_cache"


def _frame(data: snapshots.Data, **kwargs: Any) -> pd.DataFrame:
    """snapshots.judgements_for, memoised per data object and arguments (the explainer recomputes a lot)."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in kwargs.items()))
    try:
        cache = vars(data).setdefault(_FRAME_CACHE_ATTRIBUTE, {})  # Data is frozen: not via setattr
    except TypeError:  # an object without a __dict__ (e.g. slots): no memo
        return snapshots.judgements_for(data, **kwargs)
    if key not in cache:
        cache[key] = snapshots.judgements_for(data, **kwargs)
    return cache[key]


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
    columns = ["la_code", "la_name", "inspection_id", "inspection_type", "framework", "date", "grade", "inspection_source_quality"]
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
    data: snapshots.Data,
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
    frame = _frame(data, area=area, framework=spec.get("framework", "SIF"), include_secondary=include_secondary,
                   date_basis=date_basis, **basis)
    windowed = _window(frame, spec.get("as_at"), spec.get("year"), spec.get("start"), spec.get("end"))
    return snapshots.select(windowed, chosen)


@computation
def grade_count(
    data: snapshots.Data,
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
    frame = _frame(
        data, area=area, framework=framework, inspection_types=inspection_types,
        include_reinspections=include_reinspections, include_secondary=include_secondary,
        date_basis=date_basis, adequate_as_ri=adequate_as_ri,
    )
    note = ""
    if at_population is not None:
        as_at = _population_date(frame, int(at_population))
        note = f"snapshot dated {as_at:%Y-%m-%d}, the day the number of authorities with a result reached {at_population}"
    windowed = _window(frame, as_at, year, start, end)
    population = snapshots.select(windowed, selection)
    if min_las is not None and population["la_code"].nunique() < min_las:
        raise NotTestable(
            f"the data has {area} grades for {population['la_code'].nunique()} authorities here, not the {min_las} needed"
            + (f": {min_las_reason}" if min_las_reason else "")
        )
    wanted = _grades(grades)
    counted = population["grade"].isin(wanted) if wanted else pd.Series(True, index=population.index)
    members = _members(population, counted)
    undated = snapshots.undated(frame)
    if len(undated) and any(x is not None for x in (as_at, year, start, end)):
        names = ", ".join(sorted(set(undated["la_name"])))
        note = (note + "; " if note else "") + f"{len(undated)} row(s) with no date of {'publication' if date_basis == 'published' else 'inspection'} left out ({names})"
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
            note = (note + "; " if note else "") + f"authorities with no dated row cannot be placed: {', '.join(unplaced)}"
        frame = dated
        value = len(everyone - inside)
        rest = frame[~frame["la_code"].isin(inside)]
        members = _members(snapshots.first_per_la(rest), pd.Series(True, index=snapshots.first_per_la(rest).index))
    else:
        raise ValueError(f"measure must be count, share, las, las_share or las_remaining, not {measure!r}")
    return Result(value, members, note)


@computation
def named_las(data: snapshots.Data, *, grades: list[str] | str | None = None, **basis: Any) -> Result:
    """Names of the authorities with a judgement in `grades` under a basis (arguments as grade_count)."""
    result = grade_count(data, grades=grades, measure="count", **basis)
    counted = result.members[result.members["counted"]]
    return Result(sorted(set(counted["la_name"])), result.members, result.note)


def _la_code(data: snapshots.Data, name: str) -> str:
    from analysis import las

    try:
        return las.la_code_for_name(name, data.local_authorities)
    except Exception:  # fall back on the names as printed in the table
        wanted = re.sub(r"[^a-z]", "", name.lower())
        for code, la_name in zip(data.local_authorities["la_code"], data.local_authorities["la_name"]):
            if re.sub(r"[^a-z]", "", str(la_name).lower()) == wanted:
                return code
        raise NotTestable(f"no authority called {name!r} in local_authorities.csv") from None


def _pick_inspection(data: snapshots.Data, la: str, framework: str | None, inspection_types, which, include_secondary: bool) -> pd.Series:
    code = _la_code(data, la)
    rows = data.inspections[data.inspections["la_code"] == code]
    if framework is not None:
        rows = rows[rows["framework"] == framework]
    if inspection_types is not None:
        rows = rows[rows["inspection_type"].isin(inspection_types)]
    if not include_secondary:
        rows = rows[rows["source_quality"] != snapshots.SECONDARY]
    if rows.empty:
        raise NotTestable(f"no {framework or ''} inspection of {la} in the data" + ("" if include_secondary else " without secondary sources"))
    rows = rows.assign(_order=rows["start_date"].fillna(rows["published_date"])).sort_values(["_order", "inspection_id"], na_position="last")
    index = {"first": 0, "latest": -1}.get(which, which)
    try:
        return rows.iloc[int(index)]
    except IndexError:
        raise NotTestable(f"{la} has {len(rows)} such inspection(s), no number {which}") from None


def _month(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m")


@computation
def la_judgements(
    data: snapshots.Data,
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
        "start_month": _month(row["start_date"]), "end_month": _month(row["end_date"]),
        "published_month": _month(row["published_date"]), "inspection_type": row["inspection_type"],
    }
    members = pd.DataFrame([{"la_name": row["la_name"], "inspection_id": row["inspection_id"], "inspection_type": row["inspection_type"],
                             "source_quality": row["source_quality"], "counted": True}])
    return Result(value, members, f"inspection {row['inspection_id']}")


def _transitions(data: snapshots.Data, include_secondary: bool, date_basis: str, adequate_as_ri: bool = True) -> pd.DataFrame:
    frame = _frame(
        data, area=snapshots.HEADLINE, framework=None, include_secondary=include_secondary,
        date_basis=date_basis, adequate_as_ri=adequate_as_ri,
    )
    return snapshots.transitions(frame[frame["inspection_type"] != "LSCB review"])


@computation
def transition_count(
    data: snapshots.Data,
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
    return [p.strftime("%Y-%m") for p in pd.period_range(pd.Timestamp(start).to_period("M"), pd.Timestamp(end).to_period("M"), freq="M")]


@computation
def la_transition(
    data: snapshots.Data,
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
    history = history[(history["la_code"] == code) & (history["inspection_type"] != "LSCB review")].sort_values(["order_date", "inspection_id"])
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
    change = {-1: "improved", 0: "same", 1: "declined"}[int(max(-1, min(1, row["grade_rank"] - prev["grade_rank"])))]
    value = {
        "grade": row["grade"], "previous_grade": prev["grade"], "previous_type": prev["inspection_type"], "change": change,
        "start_date": None if pd.isna(row["start_date"]) else row["start_date"].strftime("%Y-%m-%d"),
        "start_month": _month(row["start_date"]), "published_month": _month(row["published_date"]),
        "published_date": None if pd.isna(row["published_date"]) else row["published_date"].strftime("%Y-%m-%d"),
        "previous_start_month": _month(prev["start_date"]),
        "previous_months_on_site": _months_between(prev["start_date"], prev["end_date"]),
        "years_between": None if pd.isna(prev["start_date"]) else round((row["start_date"] - prev["start_date"]).days / 365.25, 1),
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
    data: snapshots.Data,
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
    data: snapshots.Data,
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
    return Result(_month(first["date"]), _members(hits.head(1), pd.Series([True])), f"{first['la_name']} ({first['inspection_id']})")


@computation
def cycle(
    data: snapshots.Data,
    *,
    framework: str = "SIF",
    inspection_types: list[str] = ("SIF",),
    include_secondary: bool = True,
) -> Result:
    """When a framework's cycle of first inspections started (season and year of the first day on
    site) and how many years it took (first start to last end, rounded)."""
    frame = _frame(data, area="overall", framework=framework, inspection_types=list(inspection_types), include_secondary=include_secondary)
    firsts = snapshots.first_per_la(frame)
    starts = firsts["start_date"].dropna()
    ends = firsts["end_date"].fillna(firsts["start_date"]).dropna()
    first = starts.min()
    season = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
              6: "summer", 7: "summer", 8: "summer"}.get(first.month, "autumn")
    years = (ends.max() - first).days / 365.25
    return Result(
        {"start": f"{season} {first.year}", "years": round(years), "years_exact": round(years, 2), "last_end_month": _month(ends.max())},
        _members(firsts, pd.Series(True, index=firsts.index)),
        f"first day on site {first:%Y-%m-%d}, last {ends.max():%Y-%m-%d}",
    )


@computation
def modal_grade_by_year(
    data: snapshots.Data,
    *,
    years: list[int],
    area: str = "overall",
    framework: str = "SIF",
    include_secondary: bool = True,
    include_reinspections: bool = True,
    date_basis: str = "published",
) -> Result:
    """The most common grade in `area` among inspections dated in each of `years` (ties joined by ' / ')."""
    frame = _frame(data, area=area, framework=framework, include_secondary=include_secondary,
                   include_reinspections=include_reinspections, date_basis=date_basis)
    value, notes = {}, []
    for year in years:
        counts = snapshots.grade_counts(snapshots.in_year(frame, year))["count"]
        if counts.sum() == 0:
            raise NotTestable(f"no {area} judgements dated in {year}")
        top = counts[counts == counts.max()].index.tolist()
        value[year] = " / ".join(top)
        notes.append(f"{year}: {', '.join(f'{g} {n}' for g, n in counts.items())}")
    return Result(value, None, "; ".join(notes))


def _records_file(notebook: str, reports_dir: Path) -> Path:
    return Path(reports_dir) / "executed" / f"{Path(notebook).name.removesuffix('.ipynb')}.record.json"


@computation
def model_verdict(data: snapshots.Data, *, notebook: str, hypothesis: str, reports_dir: str | None = None) -> Result:
    """The verdict a model notebook recorded on a hypothesis (record key 'hypothesis.<id>'), or
    "not yet tested" with the reason: the notebook does not exist, has not run, or recorded nothing."""
    path = ROOT / notebook
    candidates = [path, path.with_suffix(".ipynb"), path.with_suffix(".py")]
    if not any(p.exists() for p in candidates):
        return Result(NOT_YET_TESTED, None, f"{notebook} does not exist yet")
    records = _records_file(notebook, Path(reports_dir) if reports_dir else REPORTS)
    if not records.exists():
        return Result(NOT_YET_TESTED, None, f"{notebook} has not been run (no {records.relative_to(ROOT) if records.is_relative_to(ROOT) else records})")
    found = json.loads(records.read_text()).get(HYPOTHESIS_RECORD_KEY.format(id=hypothesis))
    if not found:
        return Result(NOT_YET_TESTED, None, f"{notebook} recorded no result for {hypothesis}")
    verdict = found.get("verdict")
    if verdict not in HYPOTHESIS_VERDICTS:
        raise RegistryError(f"{notebook} recorded verdict {verdict!r} for {hypothesis}; expected one of {HYPOTHESIS_VERDICTS}")
    return Result(verdict, None, str(found.get("evidence", "")))


def record_hypothesis(hypothesis: str, verdict: str, evidence: str) -> dict:
    """For model notebooks: record the finding on a registered hypothesis so 01_cited_figures shows it."""
    from analysis import report

    if verdict not in HYPOTHESIS_VERDICTS:
        raise ValueError(f"verdict must be one of {HYPOTHESIS_VERDICTS}, not {verdict!r}")
    return report.record(HYPOTHESIS_RECORD_KEY.format(id=hypothesis), {"verdict": verdict, "evidence": evidence})


# ---------------------------------------------------------------------------------------------
# Comparing and explaining
# ---------------------------------------------------------------------------------------------


def _norm(value: Any) -> Any:
    """Grades to canonical labels, other text lower-cased without punctuation; numbers as they are."""
    if isinstance(value, str):
        try:
            return normalise_grade(value)
        except GradeError:
            return re.sub(r"[^a-z0-9]", "", value.lower())
    return value


def compare(computed: Any, published: Any, how: str, tolerance: float | None = None) -> tuple[bool, Any]:
    """(matches, difference). Numbers: within +-tolerance, or greater/less/at_least/at_most than the
    published value. same_set: sets of authority names (difference = missing and extra names).
    equal: scalars, or dicts compared on the published keys only (difference = the keys that differ);
    a published month matches a computed list of months when it is one of them (e.g. on site)."""
    if how in ("within", "greater", "less", "at_least", "at_most"):
        if computed is None or (isinstance(computed, float) and math.isnan(computed)):
            return False, None
        diff = round(float(computed) - float(published), 2)
        ok = {
            "within": abs(diff) <= float(tolerance or 0) + 1e-9, "greater": diff > 0, "less": diff < 0,
            "at_least": diff >= 0, "at_most": diff <= 0,
        }[how]
        return ok, diff
    if how == "same_set":
        have = {_norm(x): x for x in computed}
        want = {_norm(x): x for x in published}
        missing = sorted(want[k] for k in want.keys() - have.keys())
        extra = sorted(have[k] for k in have.keys() - want.keys())
        return not missing and not extra, ({"missing": missing, "extra": extra} if missing or extra else None)
    if how == "equal":
        if isinstance(published, dict):
            def same(have: Any, want: Any) -> bool:
                if isinstance(have, list) and not isinstance(want, list):  # a month within a period
                    return _norm(want) in [_norm(x) for x in have]
                return _norm(have) == _norm(want)

            diffs = {k: {"published": v, "computed": (computed or {}).get(k)} for k, v in published.items()
                     if not same((computed or {}).get(k), v)}
            return not diffs, (diffs or None)
        return _norm(computed) == _norm(published), (None if _norm(computed) == _norm(published) else {"computed": computed})
    raise RegistryError(f"unknown comparison {how!r}")


#: The bases tried when a figure differs, for every computation that takes the argument.
BASIS_AXES: dict[str, list[Any]] = {
    "date_basis": ["published", "inspected"],
    "include_secondary": [True, False],
    "include_reinspections": [True, False],
    "selection": ["all", "first", "latest"],
    "adequate_as_ri": [True, False],
}
#: Run-level defaults (the notebook's parameters) applied to arguments a figure does not fix.
RUN_DEFAULT_KEYS = ("include_secondary", "date_basis")


def _describe(axis: str, value: Any) -> str:
    return {
        ("date_basis", "published"): "dating inspections by publication",
        ("date_basis", "inspected"): "dating inspections by their first day on site",
        ("include_secondary", True): "with the press-sourced (secondary) rows",
        ("include_secondary", False): "without the press-sourced (secondary) rows",
        ("include_reinspections", True): "counting SIF re-inspections",
        ("include_reinspections", False): "leaving out SIF re-inspections",
        ("selection", "all"): "counting every inspection",
        ("selection", "first"): "counting each authority's first inspection only",
        ("selection", "latest"): "counting each authority's latest inspection only",
        ("adequate_as_ri", True): "with Adequate counted as RI",
        ("adequate_as_ri", False): "with Adequate kept apart from RI",
    }.get((axis, value), f"with {axis} = {value}")


def _accepts(function: Callable, name: str) -> bool:
    parameters = inspect.signature(function).parameters
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _value(result: Result, field_name: str | None) -> Any:
    if field_name is None:
        return result.value
    if not isinstance(result.value, dict) or field_name not in result.value:
        raise NotTestable(f"the computation gives no {field_name!r}")
    if field_name in result.undetermined:
        raise NotTestable(result.undetermined[field_name])
    return result.value[field_name]


def _member_diff(base: Result, other: Result, limit: int = 8) -> str:
    """Which counted rows enter or leave between two bases, named (e.g. '+ Bournemouth (secondary)')."""
    if base.members is None or other.members is None or "counted" not in base.members:
        return ""

    def keyed(members: pd.DataFrame) -> dict[str, str]:
        counted = members[members["counted"]]
        labels = {}
        for _, row in counted.iterrows():
            label = str(row.get("la_name"))
            if row.get("inspection_type") not in (None, "SIF") and not pd.isna(row.get("inspection_type")):
                label += f" ({row['inspection_type']})"
            if row.get("source_quality") == snapshots.SECONDARY:
                label += " [secondary]"
            labels[str(row.get("inspection_id"))] = label
        return labels

    a, b = keyed(base.members), keyed(other.members)
    plus = sorted(b[k] for k in b.keys() - a.keys())
    minus = sorted(a[k] for k in a.keys() - b.keys())

    def short(names: list[str]) -> str:
        return "; ".join(names[:limit]) + (f"; and {len(names) - limit} more" if len(names) > limit else "")

    parts = []
    if plus:
        parts.append(f"adds: {short(plus)}")
    if minus:
        parts.append(f"drops: {short(minus)}")
    return " | ".join(parts)


@dataclass
class Evaluation:
    """The outcome of one figure of one claim."""

    claim_id: str
    figure: str
    kind: str
    published: Any
    computed: Any = None
    verdict: str = ""
    difference: Any = None
    explanation: str = ""
    basis: dict[str, Any] = field(default_factory=dict)
    reproducing_bases: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def _arguments(figure: dict, defaults: dict[str, Any]) -> tuple[Callable, dict[str, Any]]:
    spec = figure["computation"]
    function = COMPUTATIONS[spec["function"]]
    args = dict(spec.get("args") or {})
    for key, value in defaults.items():
        if key not in args and _accepts(function, key):
            args[key] = value
    return function, args


def _untestable_note(reasons: list[str]) -> str:
    """'; N other bases not testable (first reason)', or '' when every basis could be computed."""
    if not reasons:
        return ""
    distinct = list(dict.fromkeys(reasons))
    example = distinct[0] + (f"; and {len(distinct) - 1} other reason(s)" if len(distinct) > 1 else "")
    return f"; {len(reasons)} other {'basis' if len(reasons) == 1 else 'bases'} not testable ({example})"


def explain(function: Callable, args: dict[str, Any], figure: dict, data: snapshots.Data, base: Result) -> tuple[str, list[dict]]:
    """Try the other bases; say which reproduce the published value (fewest changes first) and which
    authorities or inspections make the difference. If none does, give the nearest."""
    axes = {a: v for a, v in BASIS_AXES.items() if _accepts(function, a) and (a in args or a in inspect.signature(function).parameters)}
    for axis, values in (figure.get("alternatives") or {}).items():
        axes[axis] = list(dict.fromkeys([args.get(axis), *values]))
    stated = {a: args.get(a, inspect.signature(function).parameters[a].default if a in inspect.signature(function).parameters else None) for a in axes}
    tried: list[tuple[dict, Any, Result | None]] = []
    untestable: list[str] = []  # the reasons of the bases the data cannot compute
    names = list(axes)
    for combo in itertools.product(*(axes[a] for a in names)):
        changed = {a: v for a, v in zip(names, combo) if v != stated[a]}
        if not changed:
            continue
        try:
            result = function(data, **(args | changed))
            value = _value(result, figure.get("field"))
        except NotTestable as reason:
            untestable.append(str(reason))
            continue
        ok, diff = compare(value, figure["published"], figure["compare"], figure.get("tolerance"))
        tried.append((changed, (ok, diff, value), result))
    hits = [t for t in tried if t[1][0]]
    if hits:
        fewest = min(len(t[0]) for t in hits)
        best = [t for t in hits if len(t[0]) == fewest]
        phrases = []
        for changed, _, result in best[:3]:
            phrase = " and ".join(_describe(a, v) for a, v in changed.items())
            delta = _member_diff(base, result)
            phrases.append(phrase + (f" ({delta})" if delta else ""))
        more = f" (or {len(best) - 3} other bases)" if len(best) > 3 else ""
        return "reproduces " + "; or ".join(phrases) + more + _untestable_note(untestable), [t[0] for t in best]
    numeric = [t for t in tried if isinstance(t[1][1], (int, float))]
    text = f"no other basis tried reproduces it ({len(tried)} tried)" + _untestable_note(untestable)
    if numeric:
        changed, (_, diff, value), result = min(numeric, key=lambda t: (abs(t[1][1]), len(t[0])))
        own = compare(_value(base, figure.get("field")), figure["published"], figure["compare"], figure.get("tolerance"))[1]
        if isinstance(own, (int, float)) and abs(diff) < abs(own):
            delta = _member_diff(base, result)
            text += f"; nearest: {' and '.join(_describe(a, v) for a, v in changed.items())} gives {value}" + (f" ({delta})" if delta else "")
    return text, []


def evaluate_figure(entry: dict, figure: dict, data: snapshots.Data, defaults: dict[str, Any] | None = None) -> Evaluation:
    """Compute one figure and its verdict (and, if it differs, the explanation)."""
    defaults = {k: v for k, v in (defaults or {}).items() if k in RUN_DEFAULT_KEYS}
    function, args = _arguments(figure, defaults)
    evaluation = Evaluation(entry["id"], str(figure.get("name", "")), entry["kind"], figure.get("published"), basis=args)
    try:
        result = function(data, **args)
        value = _value(result, figure.get("field"))
    except NotTestable as reason:
        evaluation.verdict, evaluation.explanation = "not testable", str(reason)
        return evaluation
    evaluation.computed, evaluation.note = value, result.note
    if entry["kind"] == "hypothesis":
        evaluation.verdict = value
        evaluation.explanation = result.note
        return evaluation
    ok, diff = compare(value, figure["published"], figure["compare"], figure.get("tolerance"))
    evaluation.difference = diff
    if ok:
        evaluation.verdict = "reproduced"
        evaluation.explanation = result.note
    else:
        evaluation.verdict = "differs"
        text, bases = explain(function, args, figure, data, result)
        evaluation.explanation = text + (f". {result.note}" if result.note else "")
        evaluation.reproducing_bases = bases
    return evaluation


def evaluate(entries: list[dict], data: snapshots.Data, defaults: dict[str, Any] | None = None) -> list[Evaluation]:
    """Every figure of every entry."""
    return [evaluate_figure(entry, figure, data, defaults) for entry in entries for figure in entry["figures"]]


def format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def verdict_table(evaluations: list[Evaluation], entries: list[dict] | None = None) -> pd.DataFrame:
    """One row per figure: claim, figure, kind, published, computed, verdict, difference, explanation."""
    tolerance = {}
    for entry in entries or []:
        for figure in entry["figures"]:
            tolerance[(entry["id"], str(figure.get("name", "")))] = (figure.get("compare"), figure.get("tolerance"))
    rows = []
    for e in evaluations:
        how, tol = tolerance.get((e.claim_id, e.figure), (None, None))
        rows.append({
            "claim": e.claim_id, "figure": e.figure, "kind": e.kind,
            "published": format_value(e.published), "computed": format_value(e.computed),
            "test": "" if how is None else (f"within ±{tol:g}" if how == "within" else how),
            "verdict": e.verdict, "difference": format_value(e.difference), "explanation": e.explanation,
        })
    return pd.DataFrame(rows)


def claim_verdicts(evaluations: list[Evaluation]) -> pd.DataFrame:
    """One row per claim: reproduced if every figure is, differs if any differs, else not testable /
    the hypothesis verdict."""
    rows = []
    for cid, group in itertools.groupby(evaluations, key=lambda e: e.claim_id):
        verdicts = [e.verdict for e in group]
        if "differs" in verdicts:
            verdict = "differs"
        elif all(v == "reproduced" for v in verdicts):
            verdict = "reproduced"
        elif "reproduced" in verdicts:
            verdict = "partly testable: tested figures reproduced"
        else:
            verdict = verdicts[0]
        rows.append({"claim": cid, "figures": len(verdicts), "verdict": verdict})
    return pd.DataFrame(rows)
