"""Deprivation, region and inspection consistency: the odds of good or better per IMD decile in each
framework (set beside the published estimate of Webb, Bennett and Bywaters 2022), region effects
(H09), the gap between the least- and most-deprived authorities, and the share of grade variance
that lies between lead inspectors.

Inputs: inspection frames (analysis.models.frame.inspection_frame). `imd_decile` is the IMD 2019
decile among authorities, **10 = most deprived** (frame.imd_deciles), so the odds ratio is per
decile *more* deprived, as in the published estimate. Assumed and chosen:

- Every inspection of the framework is used by the `*_by_framework` / `h09_*` helpers
  (first_only=False: SIF re-inspections and second ILACS inspections included), because the errors
  are clustered by authority and the published estimate pooled repeated inspections; pass a
  first-only frame to the model functions for the other choice.
- Year effects are indicators of the calendar year of `date` (the frame's date basis); a year with
  fewer than `min_year_size` inspections is pooled with its neighbour (cohorts.pool_cohorts).
- The logit is statsmodels Logit with errors clustered by authority. Webb, Bennett and Bywaters
  fitted a multilevel (random-intercept) logit with spending controls on 374 inspections 2011-19, so
  the comparison is of like statistics on overlapping, not identical, populations. Their standard
  error is recovered from their interval on the log scale; the difference test assumes the two
  estimates are independent.
- H09 (verdict_rule.yaml): the region terms of the logit of good or better with IMD decile and year
  effects, errors clustered by authority, tested jointly by a Wald test (`wald_p`); the unclustered
  likelihood-ratio test of the same terms is reported beside it (`lr_p`).
- Least-deprived 40% = deciles 1-4, most-deprived 40% = deciles 7-10; the difference in the share
  good or better has a cluster-bootstrap interval (authorities resampled, seeded).
- Lead inspectors: a random-intercept model (statsmodels MixedLM, REML) of `grade_rank` (or a linear
  probability model of good or better) with one intercept per inspector; the share is the
  between-inspector variance over the total. Its interval is a parametric bootstrap (simulate from
  the fitted model, refit) or a cluster bootstrap over inspectors, seeded; the refits maximise the
  same REML from the groups' sums (`reml_share`, equal to MixedLM's to 1e-5 in the tests). Only the
  share is reported, never inspectors' names or a ranking of them. The inspector column is
  inspections.csv's `lead_inspector`; the function takes any frame that has one.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats

from analysis.data import Data
from analysis.models.cohorts import pool_cohorts
from analysis.models.frame import (
    Z95,
    Coefficient,
    cluster_bootstrap_sums,
    coefficient,
    complete_cases,
    control_columns,
    design_matrix,
    fit_logit,
    frame_options,
    inspection_frame,
    no_coefficient,
    wald_coefficient,
    wald_test,
)
from analysis.models.results import estimate_row, result_row
from analysis.vocab import ILACS, SIF


@dataclass(frozen=True)
class PublishedEstimate:
    """An estimate from the literature, as published."""

    odds_ratio: float  # point estimate
    ci_low: float  # 95% interval as published
    ci_high: float
    per: str  # what the odds ratio is per
    population: str  # what it was estimated on
    citation: str  # full reference

    @property
    def log_se(self) -> float:
        """Standard error of the log odds ratio recovered from the interval."""
        return (math.log(self.ci_high) - math.log(self.ci_low)) / (2 * Z95)


#: Webb, Bennett and Bywaters (2022): "a one-decile increase in deprivation was associated with a 16
#: per cent (95 per cent CI: -25 per cent, -5.7 per cent) decrease" in the odds of good or outstanding.
WEBB_BENNETT_BYWATERS_2022 = PublishedEstimate(
    odds_ratio=0.84,
    ci_low=0.75,
    ci_high=0.94,
    per="IMD decile more deprived",
    population=(
        "374 inspection outcomes of English local authority children's services, 2011-2019; multilevel "
        "logistic regression of good or outstanding, with preventative and safeguarding spending"
    ),
    citation=(
        "Webb, C. J. R., Bennett, D. L. and Bywaters, P. (2022) 'Austerity, poverty, and children's services "
        "quality in England: consequences for child welfare and public services', Social Policy and Society, "
        "published online 3 March 2022. doi:10.1017/S147474642200001X"
    ),
)

LEAST_DEPRIVED: tuple[int, ...] = (1, 2, 3, 4)
MOST_DEPRIVED: tuple[int, ...] = (7, 8, 9, 10)


def _year_column(rows: pd.DataFrame, min_year_size: int) -> tuple[pd.DataFrame, dict[str, str]]:
    labels, mapping = pool_cohorts(rows["year"].astype(int).astype(str), min_year_size)
    return rows.assign(year_pooled=labels.to_numpy()), {k: v for k, v in mapping.items() if k != v}


def _logit_rows(
    frame: pd.DataFrame, numeric: Sequence[str], categorical: Sequence[str], year_effects: bool, min_year_size: int
):
    needed = ["good_or_better", "la_code", *numeric, *categorical, *(["year"] if year_effects else [])]
    rows, n_dropped, missing = complete_cases(frame, needed)
    pooled: dict[str, str] = {}
    if year_effects:
        rows, pooled = _year_column(rows, min_year_size)
    return rows, n_dropped, {k: v for k, v in missing.items() if v}, pooled


@dataclass(frozen=True)
class DeprivationGradient:
    """Odds ratio of good or better per IMD decile more deprived, beside the published estimate."""

    framework: str  # from the frame's options
    odds_ratio: float  # exp(coefficient of imd_decile); < 1: more deprived, less often good
    ci_low: float  # 95% interval, errors clustered by authority
    ci_high: float
    p_value: float  # two-sided Wald p-value
    year_effects: bool  # calendar-year indicators included
    controls: tuple[str, ...]  # further controls (frame.CONTROL_COLUMNS names)
    pooled_years: dict[str, str]  # year -> pooled label, where small years were pooled
    published: PublishedEstimate  # WEBB_BENNETT_BYWATERS_2022
    published_within_ci: bool  # the published point estimate lies in this interval
    difference_z: float  # (log OR - published log OR) / sqrt(se^2 + published se^2)
    difference_p: float  # its two-sided p-value (independence assumed)
    n: int  # rows fitted
    n_authorities: int  # clusters
    n_dropped: int  # rows left out for a missing decile, year or control
    dropped_by: dict[str, int]  # rows missing each column
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        return [
            estimate_row(
                "deprivation_gradient",
                f"{self.framework} per IMD decile more deprived",
                "odds ratio of good or better",
                self,
                self.n,
                self.parameters,
            ),
            result_row(
                "deprivation_gradient",
                f"{self.framework} vs Webb, Bennett and Bywaters (2022)",
                "z of the difference in log odds ratio from the published 0.84",
                self.difference_z,
                p_value=self.difference_p,
                n=self.n,
                parameters={**self.parameters, "published_or": self.published.odds_ratio},
            ),
        ]


def deprivation_gradient(
    frame: pd.DataFrame, year_effects: bool = True, controls: Sequence[str] = (), min_year_size: int = 10
) -> DeprivationGradient:
    """Logit of good or better on IMD decile (10 = most deprived), year effects and `controls`,
    errors clustered by authority."""
    numeric, categorical = control_columns(controls, first=["imd_decile"])
    rows, n_dropped, missing, pooled = _logit_rows(frame, numeric, categorical, year_effects, min_year_size)
    exog = design_matrix(rows, numeric, [*categorical, *(["year_pooled"] if year_effects else [])])
    fit = fit_logit(rows["good_or_better"], exog, rows["la_code"])
    c = coefficient(fit.params, fit.cov, "imd_decile")
    published = WEBB_BENNETT_BYWATERS_2022
    z = (c.coef - math.log(published.odds_ratio)) / math.sqrt(c.se**2 + published.log_se**2)
    options = frame_options(frame)
    return DeprivationGradient(
        framework=options.get("framework", ""),
        **c.odds_ratio_fields(),
        year_effects=year_effects,
        controls=tuple(controls),
        pooled_years=pooled,
        published=published,
        published_within_ci=bool(c.ci_low <= published.odds_ratio <= c.ci_high),
        difference_z=float(z),
        difference_p=float(2 * stats.norm.sf(abs(z))),
        n=fit.n,
        n_authorities=fit.n_clusters,
        n_dropped=n_dropped,
        dropped_by=missing,
        parameters={
            **options,
            "year_effects": year_effects,
            "controls": list(controls),
            "min_year_size": min_year_size,
            "cluster": "la_code",
        },
    )


@dataclass(frozen=True)
class DeprivationByFramework:
    """The deprivation gradient of each framework."""

    gradients: tuple[DeprivationGradient, ...]  # one per framework

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "framework": g.framework,
                    "odds_ratio": g.odds_ratio,
                    "ci_low": g.ci_low,
                    "ci_high": g.ci_high,
                    "p_value": g.p_value,
                    "n": g.n,
                    "published_or": g.published.odds_ratio,
                    "published_within_ci": g.published_within_ci,
                    "difference_p": g.difference_p,
                }
                for g in self.gradients
            ]
        )

    def rows(self) -> list[dict[str, Any]]:
        return [row for g in self.gradients for row in g.rows()]


def deprivation_by_framework(
    data: Data,
    frameworks: Sequence[str] = (SIF, ILACS),
    area: str = "overall",
    include_secondary: bool = True,
    adequate_as_ri: bool = True,
    date_basis: str = "published",
    first_only: bool = False,
    year_effects: bool = True,
) -> DeprivationByFramework:
    """`deprivation_gradient` for each framework (every inspection by default)."""
    return DeprivationByFramework(
        tuple(
            deprivation_gradient(
                inspection_frame(data, fw, area, include_secondary, adequate_as_ri, date_basis, first_only),
                year_effects=year_effects,
            )
            for fw in frameworks
        )
    )


# ------------------------------------------------------------------------------------------------
# Regions (H09)


@dataclass(frozen=True)
class RegionEffects:
    """Region terms of the logit of good or better with IMD decile and year effects (H09)."""

    framework: str  # from the frame's options
    reference_region: str  # the region the odds ratios are against
    odds_ratios: pd.DataFrame  # region, odds_ratio (vs the reference), ci_low, ci_high, p_value, n, share_good
    wald_chi2: float  # joint Wald test of the region terms, cluster-robust by authority (H09's test)
    wald_df: int  # its degrees of freedom
    wald_p: float  # its p-value
    lr_chi2: float  # likelihood-ratio statistic of the same terms (unclustered), same rows
    lr_p: float  # its p-value
    london_vs_west_midlands: float  # odds ratio of good or better, London vs West Midlands (model)
    london_vs_west_midlands_ci: tuple[float, float]  # its 95% interval
    london_vs_west_midlands_p: float  # its p-value
    share_good_london: float  # raw share good or better in London (fitted rows)
    share_good_west_midlands: float  # and in the West Midlands
    n: int  # rows fitted
    n_dropped: int  # rows left out for a missing region, decile or year
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        low, high = self.london_vs_west_midlands_ci
        return [
            result_row(
                "region_effects",
                f"{self.framework} region terms jointly",
                "Wald chi-square of the region terms (clustered by authority)",
                self.wald_chi2,
                p_value=self.wald_p,
                n=self.n,
                parameters={**self.parameters, "df": self.wald_df, "lr_chi2": self.lr_chi2, "lr_p": self.lr_p},
            ),
            result_row(
                "region_effects",
                f"{self.framework} London vs West Midlands",
                "odds ratio of good or better",
                self.london_vs_west_midlands,
                low,
                high,
                self.london_vs_west_midlands_p,
                self.n,
                self.parameters,
            ),
            *(
                estimate_row(
                    "region_effects",
                    f"{self.framework} {r.region} vs {self.reference_region}",
                    "odds ratio of good or better",
                    r,
                    r.n,
                    {**self.parameters, "region": r.region},
                )
                for r in self.odds_ratios.itertuples()
                if r.region != self.reference_region
            ),
        ]


def region_effects(
    frame: pd.DataFrame, year_effects: bool = True, reference_region: str = "London", min_year_size: int = 10
) -> RegionEffects:
    """Logit of good or better on region, IMD decile and year effects, errors clustered by authority."""
    rows, n_dropped, _, pooled = _logit_rows(frame, ["imd_decile"], ["region"], year_effects, min_year_size)
    years = ["year_pooled"] if year_effects else []
    exog = design_matrix(rows, ["imd_decile"], ["region", *years], references={"region": reference_region})
    fit = fit_logit(rows["good_or_better"], exog, rows["la_code"])
    terms = [c for c in exog.columns if c.startswith("region[")]
    chi2, df, p = wald_test(fit.params, fit.cov, terms)
    reduced = fit_logit(rows["good_or_better"], exog.drop(columns=terms), None)
    lr = max(2 * (fit.llf - reduced.llf), 0.0)
    share = rows.groupby("region")["good_or_better"].agg(["mean", "size"])

    def record(region: str, fields: dict[str, float]) -> dict[str, Any]:
        n, good = int(share["size"].get(region, 0)), float(share["mean"].get(region, math.nan))
        return {"region": region, **fields, "n": n, "share_good": good}

    nan = math.nan
    records = [record(reference_region, {"odds_ratio": 1.0, "ci_low": nan, "ci_high": nan, "p_value": nan})]
    records += [record(t[len("region[") : -1], coefficient(fit.params, fit.cov, t).odds_ratio_fields()) for t in terms]
    gap = _contrast(fit.params, fit.cov, reference_region, "London", "West Midlands")
    options = frame_options(frame)
    return RegionEffects(
        framework=options.get("framework", ""),
        reference_region=reference_region,
        odds_ratios=pd.DataFrame(records),
        wald_chi2=chi2,
        wald_df=df,
        wald_p=p,
        lr_chi2=float(lr),
        lr_p=float(stats.chi2.sf(lr, len(terms))) if terms else math.nan,
        london_vs_west_midlands=gap.odds_ratio,
        london_vs_west_midlands_ci=(gap.ci_low, gap.ci_high),
        london_vs_west_midlands_p=gap.p_value,
        share_good_london=float(share["mean"].get("London", math.nan)),
        share_good_west_midlands=float(share["mean"].get("West Midlands", math.nan)),
        n=fit.n,
        n_dropped=n_dropped,
        parameters={
            **options,
            "year_effects": year_effects,
            "reference_region": reference_region,
            "pooled_years": pooled,
            "cluster": "la_code",
        },
    )


def _contrast(params: pd.Series, cov: pd.DataFrame, reference: str, a: str, b: str) -> Coefficient:
    """The odds ratio of region a against region b (95% Wald interval) from treatment-coded region terms."""
    label = f"region[{a}] - region[{b}]"
    weights = pd.Series(0.0, index=params.index)
    for region, sign in ((a, 1.0), (b, -1.0)):
        if region != reference:
            name = f"region[{region}]"
            if name not in params.index:
                return no_coefficient(label)
            weights[name] += sign
    return wald_coefficient(label, float(weights @ params), float(np.sqrt(weights @ cov @ weights)))


def h09_region(
    data: Data,
    framework: str,
    include_secondary: bool = True,
    adequate_as_ri: bool = True,
    date_basis: str = "published",
    first_only: bool = False,
) -> RegionEffects:
    """H09's statistic for one framework (every inspection by default): the Wald test of the region terms."""
    frame = inspection_frame(data, framework, "overall", include_secondary, adequate_as_ri, date_basis, first_only)
    return region_effects(frame)


# ------------------------------------------------------------------------------------------------
# Least- vs most-deprived


@dataclass(frozen=True)
class DeprivationGap:
    """Good or better in the least-deprived 40% of authorities against the most-deprived 40%."""

    framework: str  # from the frame's options
    share_least: float  # share good or better, IMD deciles 1-4
    share_most: float  # share good or better, IMD deciles 7-10
    difference: float  # share_least - share_most
    ci_low: float  # 95% cluster-bootstrap interval of the difference
    ci_high: float
    odds_ratio: float  # odds of good or better, most- vs least-deprived (logit, clustered)
    odds_ratio_ci: tuple[float, float]  # its 95% interval
    p_value: float  # Wald p-value of the odds ratio
    n_least: int  # inspections in deciles 1-4
    n_most: int  # inspections in deciles 7-10
    n_dropped: int  # rows without a decile
    n_boot: int  # bootstrap resamples
    seed: int  # numpy default_rng seed
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and choices

    def rows(self) -> list[dict[str, Any]]:
        low, high = self.odds_ratio_ci
        return [
            result_row(
                "deprivation_gap",
                f"{self.framework} least-deprived 40% - most-deprived 40%",
                "difference in share good or better",
                self.difference,
                self.ci_low,
                self.ci_high,
                self.p_value,
                self.n_least + self.n_most,
                self.parameters,
            ),
            result_row(
                "deprivation_gap",
                f"{self.framework} most-deprived 40% vs least-deprived 40%",
                "odds ratio of good or better",
                self.odds_ratio,
                low,
                high,
                self.p_value,
                self.n_least + self.n_most,
                self.parameters,
            ),
        ]


def least_vs_most_deprived(frame: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> DeprivationGap:
    """Share good or better in deciles 1-4 against 7-10, with a cluster bootstrap of the difference."""
    rows, n_dropped, _ = complete_cases(frame, ["good_or_better", "la_code", "imd_decile"])
    decile = rows["imd_decile"].astype(int)
    rows = rows[decile.isin(LEAST_DEPRIVED + MOST_DEPRIVED)].reset_index(drop=True)
    most = rows["imd_decile"].astype(int).isin(MOST_DEPRIVED)
    good = rows["good_or_better"].astype(float)
    # good and rows in each group, resampling authorities (an authority is in one group: IMD is fixed)
    k_least, n_least, k_most, n_most = cluster_bootstrap_sums(
        [good * ~most, ~most, good * most, most], rows["la_code"], n_boot, seed
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = k_least / n_least - k_most / n_most
    low, high = np.nanpercentile(boot, [2.5, 97.5])
    fit = fit_logit(good, pd.DataFrame({"most_deprived": most.astype(float)}), rows["la_code"])
    c = coefficient(fit.params, fit.cov, "most_deprived")
    share_least, share_most = float(good[~most].mean()), float(good[most].mean())
    options = frame_options(frame)
    return DeprivationGap(
        framework=options.get("framework", ""),
        share_least=share_least,
        share_most=share_most,
        difference=share_least - share_most,
        ci_low=float(low),
        ci_high=float(high),
        odds_ratio=c.odds_ratio,
        odds_ratio_ci=(c.ci_low, c.ci_high),
        p_value=c.p_value,
        n_least=int((~most).sum()),
        n_most=int(most.sum()),
        n_dropped=n_dropped,
        n_boot=n_boot,
        seed=seed,
        parameters={
            **options,
            "least": list(LEAST_DEPRIVED),
            "most": list(MOST_DEPRIVED),
            "n_boot": n_boot,
            "seed": seed,
        },
    )


# ------------------------------------------------------------------------------------------------
# Inspection consistency: lead inspectors


@dataclass(frozen=True)
class VarianceShare:
    """Share of the outcome's variance lying between lead inspectors (a random-intercept model)."""

    column: str  # the inspector column of the frame
    outcome: str  # "grade_rank" (linear mixed model) or "good_or_better" (linear probability)
    share: float  # between-inspector variance / (between + within)
    ci_low: float  # 95% bootstrap percentile interval
    ci_high: float
    variance_between: float  # random-intercept variance
    variance_within: float  # residual variance
    interval: str  # "parametric" or "cluster" bootstrap
    n_boot: int  # bootstrap resamples (refits)
    seed: int  # numpy default_rng seed
    controls: tuple[str, ...]  # fixed-effect controls (frame.CONTROL_COLUMNS names)
    n: int  # inspections fitted
    n_inspectors: int  # distinct inspectors (names are never reported)
    n_dropped: int  # rows left out for a missing inspector, outcome or control
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        return [
            result_row(
                "lead_inspector_variance_share",
                f"{self.parameters.get('framework', '')} {self.outcome} between {self.column}".strip(),
                "share of variance between inspectors (random intercept)",
                self.share,
                self.ci_low,
                self.ci_high,
                math.nan,
                self.n,
                {**self.parameters, "n_inspectors": self.n_inspectors},
            )
        ]


def _mixed_share(y: np.ndarray, exog: np.ndarray, groups: np.ndarray) -> tuple[float, float, float, np.ndarray]:
    """(share, between variance, within variance, fixed effects) of a REML random-intercept fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.MixedLM(y, exog, groups=groups).fit(reml=True)
    between = max(float(np.asarray(result.cov_re)[0, 0]), 0.0)
    within = float(result.scale)
    total = between + within
    return (between / total if total > 0 else math.nan), between, within, np.asarray(result.fe_params)


def reml_share(y: np.ndarray, exog: np.ndarray, groups: np.ndarray) -> float:
    """The between-group share of variance of a random-intercept model by REML, as `_mixed_share` (statsmodels
    MixedLM) gives it, computed from group sums: the same restricted likelihood, profiled over
    gamma = between / within variance and maximised over log gamma in [-20, 5] (a share from 2e-9 to
    0.993; 0 at the lower end, where MixedLM's boundary fit also gives 0). With V_g = within * (I + gamma J)
    for a group of n_g rows, V_g^-1 = (I - c_g J) / within, c_g = gamma / (1 + n_g gamma), so X'V^-1 X,
    X'V^-1 y and y'V^-1 y need only the groups' sums of X and y. About a millisecond a fit (MixedLM: a
    quarter to half a second), so the bootstrap refits use it (tests/models/test_deprivation.py checks
    the two agree)."""
    n, p = exog.shape
    n_groups = int(groups.max()) + 1
    counts = np.bincount(groups, minlength=n_groups).astype(float)
    x_sums = np.zeros((n_groups, p))
    np.add.at(x_sums, groups, exog)
    y_sums = np.bincount(groups, weights=y, minlength=n_groups)
    xtx, xty, yty = exog.T @ exog, exog.T @ y, float(y @ y)

    def minus_reml(log_gamma: float) -> float:
        gamma = math.exp(log_gamma)
        c = gamma / (1.0 + counts * gamma)
        a = xtx - (x_sums * c[:, None]).T @ x_sums
        b = xty - x_sums.T @ (c * y_sums)
        beta = np.linalg.solve(a, b)
        residual = yty - float(np.sum(c * y_sums * y_sums)) - float(beta @ b)
        return 0.5 * (
            (n - p) * math.log(residual / (n - p)) + float(np.sum(np.log1p(counts * gamma))) + np.linalg.slogdet(a)[1]
        )

    best = optimize.minimize_scalar(minus_reml, bounds=(-20.0, 5.0), method="bounded", options={"xatol": 1e-6})
    gamma = math.exp(best.x)
    return 0.0 if best.x <= -19.99 else gamma / (1.0 + gamma)


def lead_inspector_variance_share(
    frame: pd.DataFrame,
    column: str = "lead_inspector",
    outcome: str = "grade_rank",
    controls: Sequence[str] = (),
    interval: str = "parametric",
    n_boot: int = 200,
    seed: int = 0,
) -> VarianceShare:
    """Between-inspector share of the variance of `outcome` (see the module docstring)."""
    if outcome not in ("grade_rank", "good_or_better"):
        raise ValueError(f"outcome must be 'grade_rank' or 'good_or_better', not {outcome!r}")
    if interval not in ("parametric", "cluster"):
        raise ValueError(f"interval must be 'parametric' or 'cluster', not {interval!r}")
    if column not in frame:
        raise KeyError(f"the frame has no column {column!r} (add it from the inspections table's lead_inspector)")
    numeric, categorical = control_columns(controls)
    rows, n_dropped, _ = complete_cases(frame, [outcome, column, *numeric, *categorical])
    exog = sm.add_constant(design_matrix(rows, numeric, categorical), has_constant="add").to_numpy(dtype=float)
    y = rows[outcome].astype(float).to_numpy()
    groups = pd.factorize(rows[column].astype(str))[0]
    share, between, within, fe = _mixed_share(y, exog, groups)  # statsmodels MixedLM
    rng = np.random.default_rng(seed)  # refits by reml_share: the same REML, from group sums
    n_groups = int(groups.max() + 1)
    shares = np.empty(n_boot)
    for b in range(n_boot):
        if interval == "parametric":
            y_star = exog @ fe + rng.normal(0, math.sqrt(between), n_groups)[groups]
            y_star = y_star + rng.normal(0, math.sqrt(within), len(y))
            shares[b] = reml_share(y_star, exog, groups)
        else:
            chosen = rng.integers(0, n_groups, n_groups)
            index = np.concatenate([np.flatnonzero(groups == g) for g in chosen])
            relabel = np.repeat(np.arange(n_groups), [np.sum(groups == g) for g in chosen])
            shares[b] = reml_share(y[index], exog[index], relabel)
    low, high = np.nanpercentile(shares, [2.5, 97.5]) if n_boot else (math.nan, math.nan)
    options = frame_options(frame)
    return VarianceShare(
        column=column,
        outcome=outcome,
        share=share,
        ci_low=float(low),
        ci_high=float(high),
        variance_between=between,
        variance_within=within,
        interval=interval,
        n_boot=n_boot,
        seed=seed,
        controls=tuple(controls),
        n=len(rows),
        n_inspectors=n_groups,
        n_dropped=n_dropped,
        parameters={
            **options,
            "column": column,
            "outcome": outcome,
            "controls": list(controls),
            "interval": interval,
            "n_boot": n_boot,
            "seed": seed,
        },
    )
