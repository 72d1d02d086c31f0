"""The learning slope: did grades improve as a framework's cycle went on (councils learning what the
inspectors wanted), and did an authority do better once its statistical neighbours had been inspected?

Inputs: an inspection frame (analysis.models.frame.inspection_frame: one row per inspection, first
inspections by default). The slope is the odds ratio of a better grade per year since the framework
began (`years_since_framework_start`) or per 10 of the framework's reports already published
(`reports_published_before`), from

- an ordinal logit of the grade (statsmodels OrderedModel, logit link; odds of a better grade at any
  cut-point), or a logit of good or better;
- raw (the clock alone) or controlled (CONTROLS: prior-framework grade score, IMD decile,
  looked-after rate, region, LA type; see frame.CONTROL_COLUMNS);
- errors clustered by authority (with first inspections only, one row per authority: the
  heteroskedasticity-robust sandwich).

H01's statistic (verdict_rule.yaml) is `h01_learning_slope`: the odds ratio per year since the SIF
began, ordinal logit of the first SIF overall grade, with the five controls. Rows missing a
covariate are dropped from that model only and counted (`n_dropped`, `dropped_by`).

Assumed: the clock enters linearly on the log-odds scale; with first inspections only, the order in
which authorities were inspected is taken as given (Ofsted's scheduling is not modelled: see
analysis.models.cohorts.balance_check for whether early and late cohorts differed beforehand).
Predicted probabilities and marginal effects are averages over the fitted rows with the clock set,
with delta-method intervals from the cluster-robust covariance (no random step).

Peer learning (`peer_learning`): for each inspection, how many of the authority's statistical
neighbours (a table la_code, neighbour_code[, rank]) had had their report of the same framework
published before it; its odds ratio is estimated with the clock as a control, so it is learning from
neighbours over and above the general drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.data import Data
from analysis.models.frame import (
    CONTROLS,
    MIN_ROWS_PER_PARAMETER,
    Z95,
    Fit,
    coefficient,
    complete_cases,
    control_columns,
    cut_points,
    delta_interval,
    design_matrix,
    fit_logit,
    fit_ordinal,
    frame_options,
    good_or_better_levels,
    inspection_frame,
    level_probabilities,
    no_coefficient,
    slopes,
)
from analysis.models.results import estimate_row
from analysis.vocab import GRADE_ORDER, ILACS, SIF

#: The clock a slope is per: name -> (frame column, units the odds ratio is per, label).
TIMES: dict[str, tuple[str, float, str]] = {
    "years": ("years_since_framework_start", 1.0, "per year since the framework began"),
    "reports": ("reports_published_before", 10.0, "per 10 reports of the framework already published"),
}
OUTCOMES: tuple[str, ...] = ("ordinal", "good_or_better")
#: Control sets of the side-by-side table: none; the H01 controls; the H01 controls without the
#: looked-after rate (the DfE series begins in 2021, so most first ILACS inspections lack it).
CONTROL_SETS: dict[str, tuple[str, ...]] = {
    "raw": (),
    "controlled": CONTROLS,
    "controlled_without_looked_after_rate": tuple(c for c in CONTROLS if c != "looked_after_rate"),
}
H01_STATISTIC = (
    "odds ratio per year since the SIF began, ordinal logit of the first SIF overall grade, with controls "
    "(prior grade, IMD decile, looked-after rate, region, LA type)"
)
#: Grade labels by grade score (5 - rank): the ordinal outcome's levels.
SCORE_LABELS: dict[int, str] = {5 - rank: label for rank, label in enumerate(GRADE_ORDER, start=1)}
GOOD_OR_BETTER = "Good or better"


def control_set_name(controls: Sequence[str]) -> str:
    """The CONTROL_SETS name of a tuple of controls, else "controls=a,b"."""
    for name, members in CONTROL_SETS.items():
        if tuple(controls) == members:
            return name
    return "controls=" + ",".join(controls)


def _odds_of(outcome: str) -> str:
    return "odds ratio of a better grade" if outcome == "ordinal" else "odds ratio of good or better"


def _check(outcome: str, time: str) -> None:
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    if time not in TIMES:
        raise ValueError(f"time must be one of {tuple(TIMES)}, not {time!r}")


@dataclass(frozen=True)
class _Prepared:
    rows: pd.DataFrame  # complete cases
    exog: pd.DataFrame  # design (clock first)
    n_dropped: int
    dropped_by: dict[str, int]


def _prepare(
    frame: pd.DataFrame, outcome: str, clock: str, controls: Sequence[str], extra: Sequence[str] = ()
) -> _Prepared:
    numeric, categorical = control_columns(controls, first=[*extra, clock])
    target = "grade_rank" if outcome == "ordinal" else "good_or_better"
    rows, n_dropped, missing = complete_cases(frame, [target, "la_code", *numeric, *categorical])
    exog = design_matrix(rows, numeric, categorical)
    return _Prepared(rows, exog, n_dropped, {k: v for k, v in missing.items() if v})


def _fit(prepared: _Prepared, outcome: str) -> Fit | None:
    """The model of the prepared rows, or None when there are too few of them (or one outcome only)."""
    n_parameters = prepared.exog.shape[1] + (3 if outcome == "ordinal" else 1)
    if len(prepared.rows) < MIN_ROWS_PER_PARAMETER * n_parameters or prepared.rows["grade_rank"].nunique() < 2:
        return None
    if outcome == "ordinal":
        return fit_ordinal(prepared.rows["grade_rank"], prepared.exog, prepared.rows["la_code"])
    if prepared.rows["good_or_better"].nunique() < 2:
        return None
    return fit_logit(prepared.rows["good_or_better"], prepared.exog, prepared.rows["la_code"])


@dataclass(frozen=True)
class LearningSlope:
    """The odds ratio of a better grade per unit of a framework's clock."""

    framework: str  # SIF or ILACS (from the frame's options; "" for a hand-made frame)
    outcome: str  # "ordinal" (odds of a better grade) or "good_or_better" (logit)
    time: str  # "years" or "reports"
    unit: str  # what the odds ratio is per
    controls: tuple[str, ...]  # control names (frame.CONTROL_COLUMNS)
    odds_ratio: float  # exp(scale * coefficient of the clock); > 1: later inspections did better
    ci_low: float  # 95% interval, cluster-robust by authority
    ci_high: float
    p_value: float  # two-sided Wald p-value of the clock's coefficient
    coef: float  # log-odds per unit of the clock column
    se: float  # its cluster-robust standard error
    n: int  # rows fitted
    n_authorities: int  # clusters
    n_dropped: int  # frame rows left out for a missing outcome, clock or control
    dropped_by: dict[str, int] = field(default_factory=dict)  # rows missing each column (a row may miss several)
    converged: bool = True  # the optimiser's report (False: read with care)
    note: str = ""  # why no estimate, when there is none
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        """One row for analysis.models.results.tidy."""
        label = f"{self.framework} {self.outcome} {self.time} {control_set_name(self.controls)}".strip()
        statistic = f"{_odds_of(self.outcome)} {self.unit}"
        return [estimate_row("learning_slope", label, statistic, self, self.n, self.parameters)]


def learning_slope(
    frame: pd.DataFrame, outcome: str = "ordinal", time: str = "years", controls: Sequence[str] = CONTROLS
) -> LearningSlope:
    """The learning slope of one frame (see the module docstring); `controls=()` gives the raw slope."""
    _check(outcome, time)
    clock, scale, unit = TIMES[time]
    options = frame_options(frame)
    prepared = _prepare(frame, outcome, clock, controls)
    fit = _fit(prepared, outcome)
    fitted = fit is not None and clock in fit.exog
    c = coefficient(fit.params, fit.cov, clock, scale) if fitted else no_coefficient(clock, scale)
    why = f"not fitted: {len(prepared.rows)} complete rows for {prepared.exog.shape[1]} covariates"
    return LearningSlope(
        framework=options.get("framework", ""),
        outcome=outcome,
        time=time,
        unit=unit,
        controls=tuple(controls),
        **c.odds_ratio_fields(),
        coef=c.coef,
        se=c.se,
        n=len(prepared.rows),
        n_authorities=fit.n_clusters if fitted else prepared.rows["la_code"].nunique(),
        n_dropped=prepared.n_dropped,
        dropped_by=prepared.dropped_by,
        converged=fitted and fit.converged,
        note="" if fitted else why,
        parameters={**options, "outcome": outcome, "time": time, "controls": list(controls), "cluster": "la_code"},
    )


def h01_learning_slope(
    data: Data, include_secondary: bool = True, adequate_as_ri: bool = True, date_basis: str = "published"
) -> LearningSlope:
    """H01's statistic: odds ratio per year since the SIF began, ordinal logit of the first SIF overall
    grade, controls prior grade, IMD decile, looked-after rate, region and LA type."""
    frame = inspection_frame(
        data, SIF, "overall", include_secondary=include_secondary, adequate_as_ri=adequate_as_ri, date_basis=date_basis
    )
    return learning_slope(frame, outcome="ordinal", time="years", controls=CONTROLS)


@dataclass(frozen=True)
class LearningSlopes:
    """Learning slopes of several frameworks, outcomes, clocks and control sets, side by side."""

    slopes: tuple[LearningSlope, ...]  # one per framework x outcome x clock x control set
    control_sets: dict[str, tuple[str, ...]]  # control-set name -> controls

    def table(self) -> pd.DataFrame:
        """One row per slope: framework, outcome, time, control_set, odds_ratio, ci_low, ci_high, p_value, n, n_dropped."""
        return pd.DataFrame(
            [
                {
                    "framework": s.framework,
                    "outcome": s.outcome,
                    "time": s.time,
                    "control_set": next(
                        (k for k, v in self.control_sets.items() if v == s.controls), control_set_name(s.controls)
                    ),
                    "odds_ratio": s.odds_ratio,
                    "ci_low": s.ci_low,
                    "ci_high": s.ci_high,
                    "p_value": s.p_value,
                    "n": s.n,
                    "n_dropped": s.n_dropped,
                    "note": s.note,
                }
                for s in self.slopes
            ]
        )

    def side_by_side(self) -> pd.DataFrame:
        """ "OR (low-high)" per outcome, clock and control set (rows) and framework (columns)."""
        table = self.table()
        table["value"] = [
            f"{r.odds_ratio:.2f} ({r.ci_low:.2f}-{r.ci_high:.2f}), n={r.n}"
            if np.isfinite(r.odds_ratio)
            else "not fitted"
            for r in table.itertuples()
        ]
        return table.pivot(index=["outcome", "time", "control_set"], columns="framework", values="value")

    def rows(self) -> list[dict[str, Any]]:
        return [row for s in self.slopes for row in s.rows()]


def learning_slopes(
    data: Data,
    frameworks: Sequence[str] = (SIF, ILACS),
    area: str = "overall",
    include_secondary: bool = True,
    adequate_as_ri: bool = True,
    date_basis: str = "published",
    first_only: bool = True,
    outcomes: Sequence[str] = OUTCOMES,
    times: Sequence[str] = tuple(TIMES),
    control_sets: dict[str, tuple[str, ...]] | None = None,
) -> LearningSlopes:
    """Raw and controlled slopes per year and per 10 reports, ordinal and good-or-better, for each framework."""
    sets = dict(CONTROL_SETS if control_sets is None else control_sets)
    found = []
    for framework in frameworks:
        frame = inspection_frame(data, framework, area, include_secondary, adequate_as_ri, date_basis, first_only)
        for outcome in outcomes:
            for time in times:
                for controls in sets.values():
                    found.append(learning_slope(frame, outcome, time, controls))
    return LearningSlopes(tuple(found), sets)


# ------------------------------------------------------------------------------------------------
# Predicted probabilities and marginal effects


def _fitted(
    frame: pd.DataFrame, outcome: str, time: str, controls: Sequence[str]
) -> tuple[_Prepared, Fit, dict[str, Any]]:
    """The prepared rows and the model of the clock `time` and `controls` (too few rows are an error),
    with the fields PredictedProbabilities and MarginalEffects take from them."""
    _check(outcome, time)
    prepared = _prepare(frame, outcome, TIMES[time][0], controls)
    fit = _fit(prepared, outcome)
    if fit is None:
        raise ValueError(f"too few complete rows ({len(prepared.rows)}) to fit the model")
    options = frame_options(frame)
    fields = {
        "framework": options.get("framework", ""),
        "outcome": outcome,
        "time": time,
        "controls": tuple(controls),
        "n": fit.n,
        "n_dropped": prepared.n_dropped,
        "parameters": {**options, "outcome": outcome, "time": time, "controls": list(controls)},
    }
    return prepared, fit, fields


def _levels(fit: Fit, outcome: str) -> list[str]:
    if outcome == "good_or_better":
        return ["Below good", GOOD_OR_BETTER]
    return [SCORE_LABELS[level] for level in fit.levels]


@dataclass(frozen=True)
class PredictedProbabilities:
    """Average predicted probability of each grade with the clock set to each point of the cycle."""

    framework: str  # from the frame's options
    outcome: str  # "ordinal" or "good_or_better"
    time: str  # "years" or "reports"
    controls: tuple[str, ...]  # control names
    table: pd.DataFrame  # time_value, grade, probability, ci_low, ci_high (delta method, 95%)
    n: int  # rows fitted (the rows averaged over)
    n_dropped: int  # rows left out for a missing value
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        return [
            estimate_row(
                "predicted_probability",
                f"{self.framework} {r.grade} at {self.time}={r.time_value:g}",
                "average predicted probability",
                r,
                self.n,
                {**self.parameters, "time_value": float(r.time_value), "grade": r.grade},
                value="probability",
            )
            for r in self.table.itertuples()
        ]


def predicted_probabilities(
    frame: pd.DataFrame,
    outcome: str = "ordinal",
    time: str = "years",
    controls: Sequence[str] = CONTROLS,
    points: Sequence[float] | None = None,
) -> PredictedProbabilities:
    """Average predicted grade probabilities over the cycle: for each point of the clock (default:
    9 evenly spaced from its minimum to its maximum in the fitted rows), every fitted row is given that
    clock value and its predicted probabilities averaged; 95% intervals by the delta method on the
    log-odds scale (so within 0 and 1). For the
    ordinal outcome a "Good or better" row (Good + Outstanding) is added."""
    prepared, fit, fields = _fitted(frame, outcome, time, controls)
    clock, _, _ = TIMES[time]
    values = prepared.exog[clock]
    grid = np.linspace(values.min(), values.max(), 9) if points is None else np.asarray(points, dtype=float)
    position = list(fit.exog.columns).index(clock)
    base = fit.exog.to_numpy(dtype=float)
    labels = _levels(fit, outcome)
    good = good_or_better_levels(fit)
    records = []
    for point in grid:
        exog = base.copy()
        exog[:, position] = point

        def average(params, exog=exog):
            p = level_probabilities(fit, exog, params).mean(axis=0)
            return p if outcome == "good_or_better" else np.append(p, p[good].sum())

        estimate, low, high = delta_interval(average, fit, probability=True)
        names = labels if outcome == "good_or_better" else [*labels, GOOD_OR_BETTER]
        for name, e, lo, hi in zip(names, estimate, low, high):
            records.append({"time_value": float(point), "grade": name, "probability": e, "ci_low": lo, "ci_high": hi})
    return PredictedProbabilities(**fields, table=pd.DataFrame(records))


@dataclass(frozen=True)
class MarginalEffects:
    """Average marginal effect of the clock on the probability of each grade (per unit of the clock)."""

    framework: str  # from the frame's options
    outcome: str  # "ordinal" or "good_or_better"
    time: str  # "years" or "reports"
    unit: str  # what the effect is per (a year; 10 reports)
    controls: tuple[str, ...]  # control names
    table: pd.DataFrame  # grade, effect (change in probability per unit), ci_low, ci_high, p_value
    n: int  # rows fitted
    n_dropped: int  # rows left out for a missing value
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        return [
            estimate_row(
                "marginal_effect",
                f"{self.framework} {r.grade}",
                f"average marginal effect on the probability {self.unit}",
                r,
                self.n,
                {**self.parameters, "grade": r.grade},
                value="effect",
            )
            for r in self.table.itertuples()
        ]


def marginal_effects(
    frame: pd.DataFrame, outcome: str = "ordinal", time: str = "years", controls: Sequence[str] = CONTROLS
) -> MarginalEffects:
    """Average over the fitted rows of d P(grade) / d clock, times the clock's unit (1 year or 10
    reports), for each grade (and good or better), with delta-method 95% intervals and Wald p-values."""
    prepared, fit, fields = _fitted(frame, outcome, time, controls)
    clock, scale, unit = TIMES[time]
    position = list(fit.exog.columns).index(clock)
    exog = fit.exog.to_numpy(dtype=float)
    good = good_or_better_levels(fit)

    def effect(params):
        from_clock = slopes(fit, params)[position]
        xb = exog @ slopes(fit, params)
        cuts = cut_points(fit, params)
        density = _logistic_pdf(cuts[None, :] - xb[:, None])
        # d/dt [F(c_{j+1} - xb) - F(c_j - xb)] = -b_t [f(c_{j+1} - xb) - f(c_j - xb)]
        per_level = (-from_clock * np.diff(density, axis=1)).mean(axis=0) * scale
        return per_level if outcome == "good_or_better" else np.append(per_level, per_level[good].sum())

    estimate, low, high = delta_interval(effect, fit)
    se = (high - low) / (2 * Z95)
    p = 2 * stats.norm.sf(np.abs(estimate / np.where(se > 0, se, np.nan)))
    names = _levels(fit, outcome) if outcome == "good_or_better" else [*_levels(fit, outcome), GOOD_OR_BETTER]
    table = pd.DataFrame({"grade": names, "effect": estimate, "ci_low": low, "ci_high": high, "p_value": p})
    return MarginalEffects(**fields, unit=unit, table=table)


def _logistic_pdf(x: np.ndarray) -> np.ndarray:
    """Logistic density, 0 at +-inf."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-np.abs(x))
        out = e / (1 + e) ** 2
    return np.where(np.isfinite(x), out, 0.0)


# ------------------------------------------------------------------------------------------------
# Peer learning


PEER_MEASURES: dict[str, tuple[float, str]] = {
    "neighbours_inspected_before": (1.0, "per neighbour whose report was published before"),
    "neighbours_good_before": (1.0, "per neighbour already graded good or better"),
    "share_neighbours_inspected_before": (0.1, "per 10 percentage points of neighbours already inspected"),
}


def neighbour_exposure(frame: pd.DataFrame, neighbours: pd.DataFrame, max_rank: int | None = None) -> pd.DataFrame:
    """The frame with, per row, its authority's neighbours in the frame (`neighbours_in_frame`), how
    many of them had their report published before the row's `date` (`neighbours_inspected_before`),
    how many of those were good or better (`neighbours_good_before`) and the share inspected before.

    `neighbours` has columns la_code, neighbour_code and optionally rank (kept when rank <= max_rank);
    an authority listed as its own neighbour is ignored. Neighbours' rows are the frame's own rows
    (with first_only, their first inspection); an authority with no neighbour in the frame gets
    missing values (counted by the models, never dropped silently).
    """
    missing = {"la_code", "neighbour_code"} - set(neighbours)
    if missing:
        raise KeyError(f"the neighbours table needs columns la_code and neighbour_code (missing {sorted(missing)})")
    pairs = neighbours.copy()
    if max_rank is not None:
        if "rank" not in pairs:
            raise KeyError("max_rank needs a rank column in the neighbours table")
        pairs = pairs[pairs["rank"] <= max_rank]
    pairs = pairs[pairs["la_code"] != pairs["neighbour_code"]][["la_code", "neighbour_code"]].drop_duplicates()
    theirs = frame[["la_code", "published_date", "good_or_better"]].rename(
        columns={
            "la_code": "neighbour_code",
            "published_date": "neighbour_published",
            "good_or_better": "neighbour_good",
        }
    )
    rows = (
        frame[["inspection_id", "la_code", "date"]]
        .merge(pairs, on="la_code", how="inner")
        .merge(theirs, on="neighbour_code", how="inner")
    )
    rows["before"] = rows["neighbour_published"] < rows["date"]
    rows["good_before"] = rows["before"] & (rows["neighbour_good"] == 1)
    counts = rows.groupby("inspection_id").agg(
        neighbours_in_frame=("neighbour_code", "nunique"),
        neighbours_inspected_before=("before", "sum"),
        neighbours_good_before=("good_before", "sum"),
    )
    out = frame.merge(counts, left_on="inspection_id", right_index=True, how="left")
    undated = out["date"].isna()
    for column in ("neighbours_inspected_before", "neighbours_good_before"):
        out[column] = out[column].astype(float).mask(undated)
    out["share_neighbours_inspected_before"] = out["neighbours_inspected_before"] / out["neighbours_in_frame"]
    out.attrs = dict(frame.attrs)
    return out


@dataclass(frozen=True)
class PeerLearning:
    """Odds ratio of a better grade per unit of exposure to neighbours' published reports."""

    framework: str  # from the frame's options
    measure: str  # PEER_MEASURES key
    unit: str  # what the odds ratio is per
    outcome: str  # "ordinal" or "good_or_better"
    controls: tuple[str, ...]  # controls besides the clock
    odds_ratio: float  # exp(scale * coefficient of the measure), net of the clock
    ci_low: float  # 95% interval, cluster-robust by authority
    ci_high: float
    p_value: float  # two-sided Wald p-value
    clock_odds_ratio: float  # the clock's odds ratio per year in the same model
    n: int  # rows fitted
    n_dropped: int  # rows left out (no neighbour in the frame, missing date or control)
    n_without_neighbours: int  # rows whose authority has no neighbour in the frame
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        return [
            estimate_row(
                "peer_learning",
                f"{self.framework} {self.measure}",
                f"{_odds_of(self.outcome)} {self.unit}, net of the clock",
                self,
                self.n,
                self.parameters,
            )
        ]


def peer_learning(
    frame: pd.DataFrame,
    neighbours: pd.DataFrame,
    measure: str = "neighbours_inspected_before",
    outcome: str = "good_or_better",
    controls: Sequence[str] = (),
    max_rank: int | None = None,
) -> PeerLearning:
    """Did authorities do better once more of their statistical neighbours had been inspected?

    A logit of good or better (or ordinal logit) on the exposure `measure` (PEER_MEASURES), the years
    since the framework began and `controls`, errors clustered by authority.
    """
    if measure not in PEER_MEASURES:
        raise ValueError(f"measure must be one of {tuple(PEER_MEASURES)}, not {measure!r}")
    _check(outcome, "years")
    scale, unit = PEER_MEASURES[measure]
    clock, _, _ = TIMES["years"]
    exposed = neighbour_exposure(frame, neighbours, max_rank)
    prepared = _prepare(exposed, outcome, clock, controls, extra=[measure])
    fit = _fit(prepared, outcome)
    options = frame_options(frame)
    if fit is None:
        c, on_clock = no_coefficient(measure, scale), no_coefficient(clock)
    else:
        c, on_clock = coefficient(fit.params, fit.cov, measure, scale), coefficient(fit.params, fit.cov, clock)
    return PeerLearning(
        framework=options.get("framework", ""),
        measure=measure,
        unit=unit,
        outcome=outcome,
        controls=tuple(controls),
        **c.odds_ratio_fields(),
        clock_odds_ratio=on_clock.odds_ratio,
        n=len(prepared.rows),
        n_dropped=prepared.n_dropped,
        n_without_neighbours=int(exposed["neighbours_in_frame"].isna().sum()),
        parameters={
            **options,
            "measure": measure,
            "outcome": outcome,
            "controls": list(controls),
            "max_rank": max_rank,
        },
    )
