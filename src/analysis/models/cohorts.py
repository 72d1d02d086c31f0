"""Cohorts of a framework's cycle: the grade mix of the authorities inspected (or published) in each
half-year (or, with cohort="year", each calendar year), an ordinal logit of the grade on the cohort with controls, and a balance check of whether
early and late cohorts already differed before they were inspected.

Inputs: an inspection frame (analysis.models.frame.inspection_frame; `cohort` is the year and
half-year of `date` on the frame's date basis, `cohort_year` its calendar year). Every function
that uses cohorts takes `cohort="half-year"` (the default: the frame's `cohort`) or `"year"` (its
`cohort_year`, derived from `date` for a frame without that column); the choice is recorded in the
results' parameters as `cohort_length` only when it is "year", so default outputs are unchanged.
Assumed and chosen:

- The ordinal model is statsmodels OrderedModel (distr="logit") of the grade score (odds ratios are
  of a better grade) on cohort indicators against the first cohort, plus `controls` (by default the
  H01 controls, frame.CONTROLS), errors clustered by authority. A cohort with fewer than
  `min_cohort_size` rows is pooled with the cohort before it (the first with the one after), and
  the pooling is reported; the joint Wald test of the cohort terms asks whether the cohorts differ.
  As in analysis.models.learning, the model is fitted only with at least
  frame.MIN_ROWS_PER_PARAMETER (3) complete rows per estimated parameter (design columns plus 3
  cut-points) and more than one grade; otherwise every estimate is NaN and `note` says why.
- The balance check splits the frame at the median `date`: early = on or before it, late = after.
  Numeric covariates (prior-framework grade rank, IMD decile and average rank, looked-after rate)
  get a Welch t-test of the difference in means and the standardised difference (difference over
  the pooled standard deviation); categorical ones (region, LA type) a chi-square test of
  independence. A row missing the covariate is left out of that covariate's test only and counted.
  These covariates are measured before, or independently of, the inspection's grade. The split is
  by date, not by cohort label, so the `cohort` keyword does not change it (it is accepted so that
  the three functions take the same options).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis import snapshots
from analysis.models.frame import (
    CONTROLS,
    MIN_ROWS_PER_PARAMETER,
    coefficient,
    cohort_column,
    complete_cases,
    control_columns,
    design_matrix,
    fit_ordinal,
    frame_options,
    wald_test,
)
from analysis.models.results import estimate_row, result_row


@dataclass(frozen=True)
class GradeMixByCohort:
    """Count and share of each grade within each cohort."""

    framework: str  # from the frame's options
    table: pd.DataFrame  # cohort, grade, count, share (percent of the cohort's graded rows), total
    n: int  # rows with a cohort (dated)
    n_undated: int  # rows without a date, hence without a cohort (left out)
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options

    def rows(self) -> list[dict[str, Any]]:
        return [
            result_row(
                "grade_mix_by_cohort",
                f"{self.framework} {r.cohort} {r.grade}",
                "share of the cohort's inspections (percent)",
                r.share,
                n=r.total,
                parameters={**self.parameters, "cohort": r.cohort, "grade": r.grade, "count": int(r.count)},
            )
            for r in self.table.itertuples()
        ]


def _cohort_parameters(cohort: str) -> dict[str, str]:
    """The parameters a cohort choice adds: none for the default half-years (so outputs are unchanged)."""
    return {} if cohort == "half-year" else {"cohort_length": cohort}


def with_cohort(frame: pd.DataFrame, cohort: str = "half-year") -> pd.DataFrame:
    """The frame with its `cohort` column holding the chosen cohort labels: the frame itself for
    "half-year"; for "year", `cohort` replaced by `cohort_year` (computed from `date` when absent)."""
    column = cohort_column(cohort)
    if column == "cohort":
        return frame
    labels = frame[column] if column in frame else frame["date"].dt.year.astype("Int64").astype(str)
    labels = labels.where(frame["date"].notna()) if "date" in frame else labels
    out = frame.assign(cohort=labels.to_numpy())
    out.attrs = dict(frame.attrs)
    return out


def grade_mix_by_cohort(frame: pd.DataFrame, cohort: str = "half-year") -> GradeMixByCohort:
    """Grade mix of each cohort (snapshots.grade_mix_by on `cohort`; cohort="year": calendar years)."""
    options = frame_options(frame)
    frame = with_cohort(frame, cohort)
    dated = frame[frame["cohort"].notna()]
    table = snapshots.grade_mix_by(dated, "cohort", adequate_as_ri=options.get("adequate_as_ri", True))
    return GradeMixByCohort(
        framework=options.get("framework", ""),
        table=table,
        n=len(dated),
        n_undated=len(frame) - len(dated),
        parameters={**options, **_cohort_parameters(cohort)},
    )


def pool_cohorts(cohorts: pd.Series, min_cohort_size: int) -> tuple[pd.Series, dict[str, str]]:
    """Cohort labels with every cohort smaller than `min_cohort_size` pooled into the one before it (the
    first into the one after), repeatedly; returns (labels, {original: pooled label})."""
    counts = cohorts.value_counts().sort_index()
    groups = [[label] for label in counts.index]
    sizes = [int(counts[label]) for label in counts.index]
    while len(groups) > 1 and min(sizes) < min_cohort_size:
        i = int(np.argmin(sizes))
        j = i - 1 if i > 0 else 1
        low, high = sorted((i, j))
        groups[low] = groups[low] + groups[high]
        sizes[low] += sizes[high]
        del groups[high], sizes[high]
    mapping = {}
    for group in groups:
        label = group[0] if len(group) == 1 else f"{group[0]}-{group[-1]}"
        mapping.update({member: label for member in group})
    return cohorts.map(mapping), mapping


@dataclass(frozen=True)
class CohortModel:
    """Ordinal logit of the grade on cohort indicators (against the first cohort) and controls."""

    framework: str  # from the frame's options
    reference_cohort: str  # the cohort the odds ratios are against
    odds_ratios: pd.DataFrame  # cohort, odds_ratio (of a better grade vs the reference), ci_low, ci_high, p_value, n
    wald_chi2: float  # joint Wald test that every cohort term is 0 (cluster-robust)
    wald_df: int  # its degrees of freedom
    wald_p: float  # its p-value
    controls: tuple[str, ...]  # control names
    pooled: dict[str, str]  # original cohort -> cohort label used (after pooling small cohorts)
    n: int  # rows fitted
    n_dropped: int  # rows left out for a missing cohort or control
    dropped_by: dict[str, int]  # rows missing each column
    converged: bool  # the optimiser's report
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices
    note: str = ""  # why no estimate, when there is none (too few rows: see the module docstring)

    def rows(self) -> list[dict[str, Any]]:
        found = [
            estimate_row(
                "cohort_model",
                f"{self.framework} {r.cohort} vs {self.reference_cohort}",
                "odds ratio of a better grade",
                r,
                self.n,
                {**self.parameters, "cohort": r.cohort},
            )
            for r in self.odds_ratios.itertuples()
        ]
        found.append(
            result_row(
                "cohort_model",
                f"{self.framework} cohort terms jointly",
                "Wald chi-square of the cohort terms",
                self.wald_chi2,
                p_value=self.wald_p,
                n=self.n,
                parameters={**self.parameters, "df": self.wald_df, **({"note": self.note} if self.note else {})},
            )
        )
        return found


#: Cut-points counted as parameters of the ordinal model in the minimum-rows rule (as learning does).
ORDINAL_THRESHOLDS = 3


def cohort_model(
    frame: pd.DataFrame, controls: Sequence[str] = CONTROLS, min_cohort_size: int = 5, cohort: str = "half-year"
) -> CohortModel:
    """Ordinal logit of the grade on cohort (see the module docstring); cohort="year" for calendar years.
    With fewer than MIN_ROWS_PER_PARAMETER complete rows per parameter (or one grade only) nothing is
    fitted: NaN estimates and a `note`."""
    options = frame_options(frame)
    frame = with_cohort(frame, cohort)
    numeric, categorical = control_columns(controls)
    rows, n_dropped, missing = complete_cases(frame, ["grade_rank", "la_code", "cohort", *numeric, *categorical])
    labels, mapping = pool_cohorts(rows["cohort"].astype(str), min_cohort_size)
    rows = rows.assign(cohort_pooled=labels.to_numpy())
    reference = sorted(labels.unique())[0] if len(rows) else ""
    if len(rows):
        exog = design_matrix(rows, numeric, ["cohort_pooled", *categorical], references={"cohort_pooled": reference})
    else:
        exog = pd.DataFrame(index=rows.index)
    # cohort terms first, as the reader expects
    cohort_terms = [c for c in exog.columns if c.startswith("cohort_pooled[")]
    exog = exog[cohort_terms + [c for c in exog.columns if c not in cohort_terms]]
    n_parameters = exog.shape[1] + ORDINAL_THRESHOLDS
    enough = len(rows) >= MIN_ROWS_PER_PARAMETER * n_parameters and rows["grade_rank"].nunique() >= 2
    fit = fit_ordinal(rows["grade_rank"], exog, rows["la_code"]) if enough else None
    sizes = rows["cohort_pooled"].value_counts()
    records = []
    for term in cohort_terms:
        label = term[len("cohort_pooled[") : -1]
        fields = (
            coefficient(fit.params, fit.cov, term).odds_ratio_fields()
            if fit is not None
            else dict.fromkeys(("odds_ratio", "ci_low", "ci_high", "p_value"), math.nan)
        )
        records.append({"cohort": label, **fields, "n": int(sizes.get(label, 0))})
    chi2, df, p = wald_test(fit.params, fit.cov, cohort_terms) if fit is not None else (math.nan, 0, math.nan)
    note = (
        ""
        if fit is not None
        else f"not fitted: {len(rows)} complete rows for {n_parameters} parameters "
        f"(at least {MIN_ROWS_PER_PARAMETER} per parameter and two grades needed)"
    )
    return CohortModel(
        framework=options.get("framework", ""),
        reference_cohort=reference,
        odds_ratios=pd.DataFrame(records, columns=["cohort", "odds_ratio", "ci_low", "ci_high", "p_value", "n"]),
        wald_chi2=chi2,
        wald_df=df,
        wald_p=p,
        controls=tuple(controls),
        pooled={k: v for k, v in mapping.items() if k != v},
        n=fit.n if fit is not None else len(rows),
        n_dropped=n_dropped,
        dropped_by={k: v for k, v in missing.items() if v},
        converged=fit.converged if fit is not None else False,
        parameters={
            **options,
            "controls": list(controls),
            "min_cohort_size": min_cohort_size,
            "reference_cohort": reference,
            "cluster": "la_code",
            **_cohort_parameters(cohort),
        },
        note=note,
    )


#: Covariates of the balance check: frame column -> "numeric" or "categorical".
BALANCE_COVARIATES: dict[str, str] = {
    "prior_grade_rank": "numeric",
    "imd_decile": "numeric",
    "imd_avg_rank": "numeric",
    "looked_after_rate": "numeric",
    "region": "categorical",
    "la_type": "categorical",
}


@dataclass(frozen=True)
class BalanceCheck:
    """Did early and late cohorts differ before inspection? One test per covariate."""

    framework: str  # from the frame's options
    split_date: pd.Timestamp  # early = date on or before it (the median date), late = after
    table: pd.DataFrame  # covariate, test, early, late, difference, std_difference, statistic, p_value,
    #   n_early, n_late, n_missing (early/late: means, or for a categorical covariate its most common level's share)
    n_undated: int  # rows without a date (in neither group)
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options

    def rows(self) -> list[dict[str, Any]]:
        return [
            result_row(
                "balance_check",
                f"{self.framework} {r.covariate}: late vs early",
                "difference in means (late - early)" if r.test == "Welch t" else "chi-square of independence",
                r.difference if r.test == "Welch t" else r.statistic,
                p_value=r.p_value,
                n=r.n_early + r.n_late,
                parameters={
                    **self.parameters,
                    "covariate": r.covariate,
                    "test": r.test,
                    "split_date": str(self.split_date.date()),
                },
            )
            for r in self.table.itertuples()
        ]


def balance_check(
    frame: pd.DataFrame, covariates: dict[str, str] | Sequence[str] | None = None, cohort: str = "half-year"
) -> BalanceCheck:
    """Early vs late cohorts (split at the median date) on each covariate (see the module docstring).
    `cohort` is checked and recorded (as `cohort_length` when "year") but does not move the split."""
    cohort_column(cohort)
    if covariates is None:
        covariates = BALANCE_COVARIATES
    elif not isinstance(covariates, dict):
        covariates = {c: BALANCE_COVARIATES.get(c, "numeric") for c in covariates}
    dated = frame[frame["date"].notna()]
    split = dated["date"].median()
    late = dated["date"] > split
    records = []
    for column, kind in covariates.items():
        values = dated[column]
        present = values.notna()
        a, b = values[present & ~late], values[present & late]
        record = {"covariate": column, "n_early": len(a), "n_late": len(b), "n_missing": int((~present).sum())}
        if kind == "numeric":
            a, b = a.astype(float), b.astype(float)
            pooled = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2) if len(a) > 1 and len(b) > 1 else math.nan
            test = stats.ttest_ind(b, a, equal_var=False) if len(a) > 1 and len(b) > 1 else None
            record.update(
                test="Welch t",
                early=a.mean(),
                late=b.mean(),
                difference=b.mean() - a.mean(),
                std_difference=(b.mean() - a.mean()) / pooled if pooled else math.nan,
                statistic=float(test.statistic) if test is not None else math.nan,
                p_value=float(test.pvalue) if test is not None else math.nan,
            )
        else:
            table = pd.crosstab(values[present].astype(str), late[present])
            chi2, p = (math.nan, math.nan)
            if table.shape[0] > 1 and table.shape[1] > 1:
                chi2, p, _, _ = stats.chi2_contingency(table.to_numpy(), correction=False)
            top = values[present].astype(str).value_counts().index[0] if present.any() else None
            record.update(
                test="chi-square",
                early=float((a.astype(str) == top).mean()) if len(a) else math.nan,
                late=float((b.astype(str) == top).mean()) if len(b) else math.nan,
                difference=math.nan,
                std_difference=math.nan,
                statistic=float(chi2),
                p_value=float(p),
            )
        records.append(record)
    columns = [
        "covariate",
        "test",
        "early",
        "late",
        "difference",
        "std_difference",
        "statistic",
        "p_value",
        "n_early",
        "n_late",
        "n_missing",
    ]
    options = frame_options(frame)
    return BalanceCheck(
        framework=options.get("framework", ""),
        split_date=pd.Timestamp(split),
        table=pd.DataFrame(records)[columns],
        n_undated=len(frame) - len(dated),
        parameters={**options, **_cohort_parameters(cohort)},
    )
