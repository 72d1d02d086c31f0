"""Comparing computed values with the published ones, explaining differences, and the verdict tables.

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
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.claims.computations import COMPUTATIONS
from analysis.claims.registry import (
    REGISTRY,
    NotTestable,
    RegistryError,
    Result,
    read_entries,
    validate_registry,
)
from analysis.data import Data
from analysis.vocab import SECONDARY, GradeError, normalise_grade


def load_registry(path: Path | str = REGISTRY) -> list[dict]:
    """The registry entries, validated against its rules and the known computations."""
    entries = read_entries(path)
    validate_registry(entries, COMPUTATIONS)
    return entries


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
            "within": abs(diff) <= float(tolerance or 0) + 1e-9,
            "greater": diff > 0,
            "less": diff < 0,
            "at_least": diff >= 0,
            "at_most": diff <= 0,
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

            diffs = {
                k: {"published": v, "computed": (computed or {}).get(k)}
                for k, v in published.items()
                if not same((computed or {}).get(k), v)
            }
            return not diffs, (diffs or None)
        return _norm(computed) == _norm(published), (
            None if _norm(computed) == _norm(published) else {"computed": computed}
        )
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
            if row.get("source_quality") == SECONDARY:
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


def explain(function: Callable, args: dict[str, Any], figure: dict, data: Data, base: Result) -> tuple[str, list[dict]]:
    """Try the other bases; say which reproduce the published value (fewest changes first) and which
    authorities or inspections make the difference. If none does, give the nearest."""
    axes = {
        a: v
        for a, v in BASIS_AXES.items()
        if _accepts(function, a) and (a in args or a in inspect.signature(function).parameters)
    }
    for axis, values in (figure.get("alternatives") or {}).items():
        axes[axis] = list(dict.fromkeys([args.get(axis), *values]))
    stated = {
        a: args.get(
            a,
            inspect.signature(function).parameters[a].default if a in inspect.signature(function).parameters else None,
        )
        for a in axes
    }
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
        own = compare(
            _value(base, figure.get("field")), figure["published"], figure["compare"], figure.get("tolerance")
        )[1]
        if isinstance(own, (int, float)) and abs(diff) < abs(own):
            delta = _member_diff(base, result)
            text += f"; nearest: {' and '.join(_describe(a, v) for a, v in changed.items())} gives {value}" + (
                f" ({delta})" if delta else ""
            )
    return text, []


def evaluate_figure(entry: dict, figure: dict, data: Data, defaults: dict[str, Any] | None = None) -> Evaluation:
    """Compute one figure and its verdict (and, if it differs, the explanation)."""
    defaults = {k: v for k, v in (defaults or {}).items() if k in RUN_DEFAULT_KEYS}
    function, args = _arguments(figure, defaults)
    evaluation = Evaluation(
        entry["id"], str(figure.get("name", "")), entry["kind"], figure.get("published"), basis=args
    )
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


def evaluate(entries: list[dict], data: Data, defaults: dict[str, Any] | None = None) -> list[Evaluation]:
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
        rows.append(
            {
                "claim": e.claim_id,
                "figure": e.figure,
                "kind": e.kind,
                "published": format_value(e.published),
                "computed": format_value(e.computed),
                "test": "" if how is None else (f"within ±{tol:g}" if how == "within" else how),
                "verdict": e.verdict,
                "difference": format_value(e.difference),
                "explanation": e.explanation,
            }
        )
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
