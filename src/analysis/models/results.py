"""Tidy results shared by the models of issue 8: one long table, one row per statistic.

Every model result (transitions, cohorts, learning effect, deprivation, judgements, verdict) turns
into rows of the same frame, with the columns of `COLUMNS`:

- ``model``: the model's name ("transitions", "penalty", ...);
- ``comparison``: what the statistic is about (e.g. "last SIF -> first ILACS, overall");
- ``statistic``: its name (``tau_b``, ``kappa_quadratic``, ``share_improved``, ``stuart_maxwell``,
  ``bowker``, ``quasi_symmetry_lr``, ``mh_given_qs_lr``, ``penalty``, ...);
- ``estimate``, ``ci_low``, ``ci_high``, ``p_value``: the value and, where the model gives them, its
  interval and two-sided p-value (missing where it has none);
- ``n``: the number of units it rests on (pairs, authorities, inspections);
- ``parameters``: the options that produced it (filters, seed, bootstrap size) as a compact JSON
  object with sorted keys, so that rows of several runs (e.g. the robustness table) stay apart.

`result_row` builds one complete row (the model modules' `rows()` methods; `estimate_row` reads the
estimate, interval and p-value off a result or a table row), `row` one without model, comparison and
parameters (the transitions model's, which `tidy` completes), and `tidy` the frame of such rows.

`write_table` writes such a frame deterministically: sorted rows, one float format, "\\n" line
endings, written to a temporary file and moved into place, so a reader never sees half a file and
an unchanged result rewrites identical bytes. Nothing here computes a statistic or reads data.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

#: The tidy frame's columns, in order.
COLUMNS: tuple[str, ...] = (
    "model",
    "comparison",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "n",
    "parameters",
)
#: Row order of a written table.
SORT_KEYS: tuple[str, ...] = ("model", "comparison", "parameters", "statistic")
#: Float format of a written table: six significant digits (small p-values keep their size).
FLOAT_FORMAT = "%.6g"
NAN = float("nan")


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its interval and p-value (NaN where the model gives none)."""

    estimate: float = NAN  # the point estimate (NaN: none, e.g. a test with only a p-value)
    ci_low: float = NAN  # lower end of its two-sided interval (NaN: no interval)
    ci_high: float = NAN  # upper end of its two-sided interval
    p_value: float = NAN  # two-sided p-value of the test that it is zero (NaN: no test)

    @property
    def known(self) -> bool:
        """Whether there is a point estimate."""
        return not math.isnan(self.estimate)

    def row(self, statistic: str, n: int | None = None) -> dict[str, Any]:
        """This estimate as one tidy row (without model, comparison and parameters)."""
        return row(statistic, self.estimate, self.ci_low, self.ci_high, self.p_value, n)


@dataclass(frozen=True)
class ChiSquare:
    """A chi-square test: its statistic, degrees of freedom and p-value."""

    statistic: float  # the chi-square (or likelihood-ratio G^2) statistic
    df: int  # degrees of freedom of the reference chi-square distribution
    p_value: float  # upper-tail p-value (NaN when df is 0: nothing to test)

    def rows(self, statistic: str, n: int | None = None) -> list[dict[str, Any]]:
        """Two tidy rows: the statistic with its p-value, and `<statistic>_df` with its degrees of freedom."""
        return [row(statistic, self.statistic, p_value=self.p_value, n=n), row(f"{statistic}_df", self.df, n=n)]


def row(
    statistic: str,
    estimate: float,
    ci_low: float = NAN,
    ci_high: float = NAN,
    p_value: float = NAN,
    n: int | None = None,
) -> dict[str, Any]:
    """One tidy row without model, comparison and parameters (which `tidy` adds). A missing value
    (None, NA) is NaN, a missing `n` None."""
    return {
        "statistic": statistic,
        "estimate": _float(estimate),
        "ci_low": _float(ci_low),
        "ci_high": _float(ci_high),
        "p_value": _float(p_value),
        "n": None if pd.isna(n) else int(n),
    }


def _float(value: Any) -> float:
    return NAN if value is None or value is pd.NA else float(value)


def result_row(
    model: str,
    comparison: str,
    statistic: str,
    estimate: float,
    ci_low: float = NAN,
    ci_high: float = NAN,
    p_value: float = NAN,
    n: int | None = None,
    parameters: Mapping[str, Any] | str | None = None,
) -> dict[str, Any]:
    """One complete tidy row (keys `COLUMNS`); `parameters` a mapping (see `parameters_json`) or a
    JSON string already."""
    return {
        "model": model,
        "comparison": comparison,
        **row(statistic, estimate, ci_low, ci_high, p_value, n),
        "parameters": parameters if isinstance(parameters, str) else parameters_json(parameters),
    }


def estimate_row(
    model: str,
    comparison: str,
    statistic: str,
    source: Any,
    n: int | None = None,
    parameters: Mapping[str, Any] | str | None = None,
    value: str = "odds_ratio",
) -> dict[str, Any]:
    """The `result_row` of `source` (a model's result, or a row of its table from itertuples): its
    attribute `value` as the estimate, its `ci_low` and `ci_high`, and its `p_value` (NaN if it has none)."""
    return result_row(
        model,
        comparison,
        statistic,
        getattr(source, value),
        source.ci_low,
        source.ci_high,
        getattr(source, "p_value", NAN),
        n,
        parameters,
    )


def parameters_json(parameters: Mapping[str, Any] | None) -> str:
    """Parameters as a compact JSON object with sorted keys ("{}" for none); tuples become lists,
    numpy scalars plain numbers, anything else its str()."""
    return json.dumps(
        {str(k): _jsonable(v) for k, v in (parameters or {}).items()}, sort_keys=True, separators=(",", ":")
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    return str(value)  # dates, paths and the like


def tidy(
    model: str | None,
    comparison: str | None,
    rows: Iterable[Mapping[str, Any]],
    parameters: Mapping[str, Any] | str | None = None,
) -> pd.DataFrame:
    """The long-format frame (columns `COLUMNS`) of `rows`: mappings with key `statistic` and any of
    estimate, ci_low, ci_high, p_value, n (see `row`; missing ones are NaN). A row that carries its
    own model, comparison or parameters (a mapping, or a JSON string already) keeps them; the others
    take the arguments."""
    records = [
        result_row(
            given.get("model", model),
            given.get("comparison", comparison),
            given["statistic"],
            given.get("estimate", NAN),
            given.get("ci_low", NAN),
            given.get("ci_high", NAN),
            given.get("p_value", NAN),
            given.get("n"),
            given.get("parameters", parameters),
        )
        for given in rows
    ]
    missing = [r["statistic"] for r in records if r["model"] is None or r["comparison"] is None]
    if missing:
        raise ValueError(f"rows without a model or comparison: {missing}")
    return _typed(pd.DataFrame.from_records(records, columns=list(COLUMNS)))


def from_rows(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The tidy frame of complete rows (each with model, comparison, statistic, ...; parameters a
    mapping or a JSON string)."""
    return tidy(None, None, rows)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("model", "comparison", "statistic", "parameters"):
        frame[column] = frame[column].astype(str)
    for column in ("estimate", "ci_low", "ci_high", "p_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["n"] = pd.to_numeric(frame["n"], errors="coerce").astype("Int64")
    return frame


def combine(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several tidy frames as one, sorted as `write_table` writes it."""
    parts = [f for f in frames if len(f)]
    if not parts:
        return _typed(pd.DataFrame(columns=list(COLUMNS)))
    return sort_rows(pd.concat(parts, ignore_index=True))


def sort_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame in the written order (model, comparison, parameters, statistic), index reset."""
    missing = [c for c in COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"not a tidy results frame: missing columns {missing}")
    ordered = _typed(frame[list(COLUMNS)])
    return ordered.sort_values(list(SORT_KEYS), kind="mergesort").reset_index(drop=True)


def write_table(frame: pd.DataFrame, path: Path | str, float_format: str = FLOAT_FORMAT) -> Path:
    """Write a tidy frame as CSV: rows sorted, floats in `float_format`, missing values empty, "\\n"
    line endings, UTF-8; atomically (a temporary file in the same folder, then moved into place)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = sort_rows(frame).to_csv(index=False, float_format=float_format, lineterminator="\n", na_rep="")
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
