"""The models' inspection frame: one row per inspection of a framework, with its grade (the outcome)
and the covariates the models of issue 8 use; and the design, fitting, interval and bootstrap helpers
the model modules (cohorts, learning, deprivation, judgements) share. Their result rows are built by
analysis.models.results.

Where each value comes from (all from data/processed, through `analysis.data.load` and
`analysis.snapshots.judgements_for`; nothing here reads data/raw):

- `grade`, `grade_rank`: the inspection's grade in `area` (judgements.csv), with the pre-2013
  "Adequate" on RI's rank when `adequate_as_ri`. `good_or_better` is 1 for Outstanding or Good.
- `date`: the report's publication (`date_basis="published"`) or the first day on site
  (`"inspected"`). Rows that give no date get snapshots' estimate (flagged in `date_estimated`).
- `months_since_framework_start` / `years_since_framework_start`: from FRAMEWORK_START (the SIF came
  into force in November 2013, the ILACS framework in January 2018) to `date`; 30.4375 days a month.
- `reports_published_before`: the number of reports of the same framework (every inspection of it
  that graded overall effectiveness: first inspections and SIF re-inspections, primary, official
  and secondary rows alike, with snapshots' estimated publication date where none is printed)
  published strictly before this row's `date`. It counts every report of the framework, whatever
  the frame's own selection, because the question is what had been published by then.
- `cohort`: year and half-year of `date` ("2015H2"); `year`: calendar year of `date`;
  `cohort_year`: the calendar year of `date` as a cohort label ("2015"), for yearly cohorts
  (`COHORT_COLUMNS`: cohort="half-year" reads `cohort`, cohort="year" reads `cohort_year`).
- `prior_grade`, `prior_grade_rank`, `prior_grade_score`: the authority's last grade in the previous
  framework, in the order of time on site. For a SIF row, the headline grade of its last pre-SIF
  inspection that judged overall effectiveness or safeguarding (snapshots' headline preference:
  overall, else safeguarding; looked-after-only inspections are not used). For an ILACS row, its
  last SIF overall effectiveness grade (a re-inspection's grade when there was one). Authorities
  created after the previous framework (Dorset, BCP, the Northamptonshires, Cumberland, Westmorland
  and Furness) have none: the value stays missing. With `adequate_as_ri=False` a prior "Adequate"
  keeps its label and is placed between Good and RI (rank 2.5, the order of GRADE_ORDER_WITH_ADEQUATE);
  otherwise it has RI's rank 3. `prior_grade_score` = 5 - rank (4 = Outstanding, 1 = Inadequate),
  so an odds ratio > 1 on it means a better earlier grade goes with a better grade now.
- `imd_avg_rank`, `imd_decile`: IMD 2019 population-weighted average LSOA rank (la_context
  `imd_avg_rank`; 1 = most deprived LSOA). The decile is assumed to be taken among all the
  authorities la_context gives a rank for (abolished and new ones alike, 158), **10 = most
  deprived** tenth, 1 = least deprived (see `imd_deciles`). IMD 2019 is used for every year.
- `looked_after_rate` (children looked after per 10,000 children): for a SIF row, the figure the
  SIF report itself prints in its context statistics (la_context `sif_report_looked_after_rate`,
  matched to the report by its file stem = inspection_id); for an ILACS row, the DfE figure
  (`looked_after_rate`) for the collection year ending 31 March of the calendar year before the
  inspection began (`looked_after_rate_year`). The DfE series in data/processed starts in 2021, so
  ILACS inspections begun before 2022 have no value: it stays missing and is counted.
- `region`, `la_type`: local_authorities.csv.
- `lead_inspector` (only when inspections.csv has the column; `OPTIONAL_FRAME_COLUMNS`): the lead
  inspector the report names (inspections.csv `lead_inspector`, matched by inspection_id), as
  printed; an empty or blank name is missing. Many earlier and secondary rows name nobody.

Missing covariates stay missing: `covariate_coverage` counts them, and every model reports how many
rows it dropped (`complete_cases`). Each frame carries its options in `frame.attrs["options"]`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from analysis import snapshots
from analysis.data import Data
from analysis.vocab import ADEQUATE, GOOD, ILACS, OUTSTANDING, PRE_SIF, SIF

#: The day each framework came into force: the origin of `months_since_framework_start`.
FRAMEWORK_START: dict[str, pd.Timestamp] = {SIF: pd.Timestamp("2013-11-01"), ILACS: pd.Timestamp("2018-01-01")}
#: The framework before each one (the source of `prior_grade`).
PRIOR_FRAMEWORK: dict[str, str] = {SIF: PRE_SIF, ILACS: SIF}
#: Areas of the previous framework whose grade is the prior grade (headline preference order).
PRIOR_AREAS: dict[str, tuple[str, ...]] = {SIF: ("overall", "safeguarding"), ILACS: ("overall",)}
#: Rank given to a prior "Adequate" when adequate_as_ri=False (between Good 2 and RI 3).
ADEQUATE_APART_RANK = 2.5
DAYS_PER_MONTH = 30.4375
DATE_BASES: tuple[str, ...] = snapshots.DATE_BASES

#: Columns of an inspection frame, in order.
FRAME_COLUMNS: tuple[str, ...] = (
    "la_code",
    "la_name",
    "inspection_id",
    "framework",
    "inspection_type",
    "source_quality",
    "date",
    "date_estimated",
    "start_date",
    "published_date",
    "grade",
    "grade_rank",
    "good_or_better",
    "months_since_framework_start",
    "years_since_framework_start",
    "reports_published_before",
    "cohort",
    "year",
    "prior_framework",
    "prior_inspection_id",
    "prior_grade",
    "prior_grade_rank",
    "prior_grade_score",
    "imd_avg_rank",
    "imd_decile",
    "looked_after_rate",
    "looked_after_rate_year",
    "region",
    "la_type",
    "cohort_year",
)
#: Columns an inspection frame carries after FRAME_COLUMNS only when the data have them.
OPTIONAL_FRAME_COLUMNS: tuple[str, ...] = ("lead_inspector",)
#: Cohort choice (the models' `cohort` keyword) -> the frame column holding the cohort label.
COHORT_COLUMNS: dict[str, str] = {"half-year": "cohort", "year": "cohort_year"}
#: Fewest complete rows per estimated parameter before a model is fitted at all (learning, cohorts).
MIN_ROWS_PER_PARAMETER = 3
#: The covariates whose coverage is counted (model controls and the two clocks).
COVARIATES: tuple[str, ...] = (
    "date",
    "months_since_framework_start",
    "reports_published_before",
    "prior_grade_rank",
    "imd_decile",
    "looked_after_rate",
    "region",
    "la_type",
)

#: How a covariate or control is named in the reports' tables and captions (words, not column names).
COVARIATE_LABELS: dict[str, str] = {
    "date": "date",
    "months_since_framework_start": "months since the framework began",
    "reports_published_before": "reports of the framework already published",
    "prior_grade": "prior grade",
    "prior_grade_rank": "prior grade rank",
    "prior_grade_score": "prior grade",
    "imd_decile": "IMD 2019 decile",
    "imd_avg_rank": "IMD 2019 average rank",
    "looked_after_rate": "looked-after rate",
    "region": "region",
    "la_type": "LA type",
}

#: Control name (as the models' `controls` spell it) -> (frame column, kind). Numeric controls enter
#: linearly; categorical ones as indicators against their first level in sorted order.
CONTROL_COLUMNS: dict[str, tuple[str, str]] = {
    "prior_grade": ("prior_grade_score", "numeric"),
    "imd_decile": ("imd_decile", "numeric"),
    "looked_after_rate": ("looked_after_rate", "numeric"),
    "region": ("region", "categorical"),
    "la_type": ("la_type", "categorical"),
}
#: The controls of H01 (verdict_rule.yaml): prior grade, IMD decile, looked-after rate, region, LA type.
CONTROLS: tuple[str, ...] = ("prior_grade", "imd_decile", "looked_after_rate", "region", "la_type")

Z95 = float(stats.norm.ppf(0.975))


# ------------------------------------------------------------------------------------------------
# The frame


def imd_deciles(la_context: pd.DataFrame) -> pd.Series:
    """IMD 2019 decile of each authority (index la_code), 10 = most deprived, 1 = least deprived.

    Authorities are ordered from least to most deprived by la_context's `imd_avg_rank` (a higher
    average rank is less deprived); the one at position p of n (1-based) is in decile ceil(10 p / n).
    """
    imd = la_context[la_context["measure"] == "imd_avg_rank"].dropna(subset=["value"])
    ranks = imd.groupby("la_code")["value"].mean().sort_values(ascending=False, kind="mergesort")
    position = np.arange(1, len(ranks) + 1)
    return pd.Series(np.ceil(10 * position / max(len(ranks), 1)).astype(int), index=ranks.index, name="imd_decile")


def _cohort(dates: pd.Series) -> pd.Series:
    half = np.where(dates.dt.month <= 6, "H1", "H2")
    label = dates.dt.year.astype("Int64").astype(str) + pd.Series(half, index=dates.index)
    return label.where(dates.notna())


def _cohort_year(dates: pd.Series) -> pd.Series:
    """The calendar year of each date as a cohort label ("2015"), missing where the date is."""
    return dates.dt.year.astype("Int64").astype(str).where(dates.notna())


def cohort_column(cohort: str) -> str:
    """The frame column of a cohort choice: "half-year" -> `cohort`, "year" -> `cohort_year`."""
    if cohort not in COHORT_COLUMNS:
        raise ValueError(f"cohort must be one of {tuple(COHORT_COLUMNS)}, not {cohort!r}")
    return COHORT_COLUMNS[cohort]


def _lead_inspectors(inspections: pd.DataFrame, inspection_ids: pd.Series) -> pd.Series:
    """inspections.csv's `lead_inspector` of each inspection id (blank or empty names missing)."""
    names = inspections.drop_duplicates("inspection_id").set_index("inspection_id")["lead_inspector"]
    names = names.astype("string").str.strip()
    names = names.mask(names == "")
    return inspection_ids.map(names).astype("string")


def _prior_grades(data: Data, framework: str, include_secondary: bool, adequate_as_ri: bool) -> pd.DataFrame:
    """la_code -> the last grade of the previous framework (see the module docstring)."""
    prior = snapshots.judgements_for(
        data,
        area=snapshots.HEADLINE,
        framework=PRIOR_FRAMEWORK[framework],
        include_secondary=include_secondary,
        adequate_as_ri=adequate_as_ri,
    )
    prior = prior[prior["area"].isin(PRIOR_AREAS[framework]) & prior["grade_rank"].notna()]
    last = snapshots.latest_per_la(prior)
    rank = last["grade_rank"].astype(float)
    if not adequate_as_ri:
        rank = rank.mask(last["grade"] == ADEQUATE, ADEQUATE_APART_RANK)
    return pd.DataFrame(
        {
            "la_code": last["la_code"],
            "prior_framework": PRIOR_FRAMEWORK[framework],
            "prior_inspection_id": last["inspection_id"],
            "prior_grade": last["grade"],
            "prior_grade_rank": rank,
            "prior_grade_score": 5 - rank,
        }
    )


def _reports_before(data: Data, framework: str, dates: pd.Series) -> pd.Series:
    """Number of the framework's reports (every overall-graded inspection) published before each date."""
    every = snapshots.judgements_for(data, area="overall", framework=framework, include_secondary=True)
    published = np.sort(every["published_date"].dropna().to_numpy(dtype="datetime64[ns]"))
    counts = np.searchsorted(published, dates.to_numpy(dtype="datetime64[ns]"), side="left").astype(float)
    return pd.Series(counts, index=dates.index).where(dates.notna())


def _looked_after(data: Data, framework: str, rows: pd.DataFrame) -> pd.DataFrame:
    """looked_after_rate and the year it is for, per inspection (see the module docstring)."""
    context = data.la_context
    if framework == SIF:
        own = context[context["measure"] == "sif_report_looked_after_rate"].copy()
        own["inspection_id"] = own["source"].str.extract(r"([^/#]+)\.pdf", expand=False)
        own = own.dropna(subset=["inspection_id", "value"]).drop_duplicates("inspection_id")
        merged = rows[["inspection_id"]].merge(
            own[["inspection_id", "value", "year"]], on="inspection_id", how="left", validate="one_to_one"
        )
    else:
        dfe = context[context["measure"] == "looked_after_rate"].dropna(subset=["value"])
        dfe = dfe.drop_duplicates(["la_code", "year"])[["la_code", "year", "value"]]
        onsite = rows["start_date"].fillna(rows["date"])
        wanted = pd.DataFrame({"inspection_id": rows["inspection_id"], "la_code": rows["la_code"]})
        wanted["year"] = (onsite.dt.year - 1).astype("Int64").to_numpy()
        dfe = dfe.assign(year=dfe["year"].astype("Int64"))
        merged = wanted.merge(dfe, on=["la_code", "year"], how="left", validate="many_to_one")
        merged.loc[merged["value"].isna(), "year"] = pd.NA
    return pd.DataFrame(
        {
            "looked_after_rate": pd.to_numeric(merged["value"], errors="coerce").to_numpy(),
            "looked_after_rate_year": pd.array(merged["year"], dtype="Int64"),
        },
        index=rows.index,
    )


def inspection_frame(
    data: Data,
    framework: str,
    area: str = "overall",
    include_secondary: bool = True,
    adequate_as_ri: bool = True,
    date_basis: str = "published",
    first_only: bool = True,
) -> pd.DataFrame:
    """One row per inspection of `framework` ("SIF" or "ILACS") graded in `area`, with the outcome and
    the covariates (columns FRAME_COLUMNS, then `lead_inspector` when the inspections carry it; each
    described in the module docstring).

    first_only=True keeps each authority's first inspection of the framework (in the order of time on
    site); False keeps every one (SIF re-inspections, second ILACS inspections). Missing covariates
    stay missing. The options are kept in `frame.attrs["options"]`.
    """
    if framework not in FRAMEWORK_START:
        raise ValueError(f"framework must be one of {sorted(FRAMEWORK_START)}, not {framework!r}")
    if date_basis not in DATE_BASES:
        raise ValueError(f"date_basis must be one of {DATE_BASES}, not {date_basis!r}")
    graded = snapshots.judgements_for(
        data,
        area=area,
        framework=framework,
        include_secondary=include_secondary,
        date_basis=date_basis,
        adequate_as_ri=adequate_as_ri,
    )
    graded = graded[graded["grade_rank"].notna()]
    rows = snapshots.first_per_la(graded) if first_only else graded.reset_index(drop=True)
    rows = rows.copy()
    rows["source_quality"] = rows["inspection_source_quality"]
    estimated = rows["published_estimated"] if date_basis == "published" else rows["start_estimated"]
    rows["date_estimated"] = estimated.astype(bool)
    rows["good_or_better"] = rows["grade"].isin([OUTSTANDING, GOOD]).astype(int)
    elapsed = (rows["date"] - FRAMEWORK_START[framework]).dt.days
    rows["months_since_framework_start"] = elapsed / DAYS_PER_MONTH
    rows["years_since_framework_start"] = elapsed / 365.25
    rows["reports_published_before"] = _reports_before(data, framework, rows["date"])
    rows["cohort"] = _cohort(rows["date"])
    rows["year"] = rows["date"].dt.year.astype("Int64")
    rows["cohort_year"] = _cohort_year(rows["date"])
    rows = rows.merge(_prior_grades(data, framework, include_secondary, adequate_as_ri), on="la_code", how="left")
    rows["prior_framework"] = PRIOR_FRAMEWORK[framework]
    imd = data.la_context[data.la_context["measure"] == "imd_avg_rank"].groupby("la_code")["value"].mean()
    rows["imd_avg_rank"] = rows["la_code"].map(imd)
    rows["imd_decile"] = rows["la_code"].map(imd_deciles(data.la_context)).astype("Int64")
    rows = pd.concat([rows, _looked_after(data, framework, rows)], axis=1)
    authority = data.local_authorities.set_index("la_code")
    for column in ("region", "la_type"):
        rows[column] = rows["la_code"].map(authority[column]) if column in authority else pd.NA
    optional = []
    if "lead_inspector" in data.inspections:
        rows["lead_inspector"] = _lead_inspectors(data.inspections, rows["inspection_id"]).to_numpy()
        optional.append("lead_inspector")
    frame = rows[list(FRAME_COLUMNS) + optional].reset_index(drop=True)
    frame["grade_rank"] = frame["grade_rank"].astype(int)
    frame.attrs["options"] = {
        "framework": framework,
        "area": area,
        "include_secondary": include_secondary,
        "adequate_as_ri": adequate_as_ri,
        "date_basis": date_basis,
        "first_only": first_only,
    }
    return frame


def frame_options(frame: pd.DataFrame) -> dict[str, Any]:
    """The options the frame was built with ({} for a hand-made frame)."""
    return dict(frame.attrs.get("options", {}))


def covariate_coverage(frame: pd.DataFrame, covariates: Iterable[str] = COVARIATES) -> pd.DataFrame:
    """Rows with and without each covariate: covariate, n_present, n_missing, share_present."""
    rows = []
    for column in covariates:
        present = int(frame[column].notna().sum()) if column in frame else 0
        rows.append(
            {
                "covariate": column,
                "n_present": present,
                "n_missing": len(frame) - present,
                "share_present": present / len(frame) if len(frame) else math.nan,
            }
        )
    return pd.DataFrame(rows)


def complete_cases(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, int, dict[str, int]]:
    """(the rows with every column present, the number dropped, the number missing each column)."""
    columns = list(dict.fromkeys(columns))
    absent = [c for c in columns if c not in frame]
    if absent:
        raise KeyError(f"the frame has no column {absent}")
    missing = {c: int(frame[c].isna().sum()) for c in columns}
    keep = frame[columns].notna().all(axis=1)
    return frame[keep].reset_index(drop=True), int((~keep).sum()), missing


# ------------------------------------------------------------------------------------------------
# Designs and fits


def control_columns(controls: Iterable[str], first: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """(numeric columns, categorical columns) of the named controls (CONTROL_COLUMNS), the numeric
    ones after the columns `first` (the model's own terms; a control naming one is not repeated)."""
    numeric, categorical = list(first), []
    for name in controls:
        if name not in CONTROL_COLUMNS:
            raise ValueError(f"unknown control {name!r}: expected one of {sorted(CONTROL_COLUMNS)}")
        column, kind = CONTROL_COLUMNS[name]
        if column not in first:
            (numeric if kind == "numeric" else categorical).append(column)
    return numeric, categorical


def design_matrix(
    frame: pd.DataFrame,
    numeric: Sequence[str],
    categorical: Sequence[str] = (),
    references: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Float design matrix without a constant: numeric columns as they are, each categorical column as
    indicators of its levels other than the reference (`references[column]`, else the first level in
    sorted order). Columns constant in these rows, or collinear with earlier ones, are left out (they
    are not identified): `independent_columns`."""
    parts = [frame[list(numeric)].astype(float)] if numeric else []
    for column in categorical:
        levels = sorted(frame[column].dropna().astype(str).unique())
        reference = (references or {}).get(column, levels[0] if levels else None)
        values = frame[column].astype(str)
        for level in levels:
            if level != reference:
                parts.append(pd.Series((values == level).astype(float), index=frame.index, name=f"{column}[{level}]"))
    matrix = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)
    return matrix[independent_columns(matrix)]


def independent_columns(matrix: pd.DataFrame) -> list[str]:
    """The columns of `matrix`, in order, that are not constant and not a linear combination of a
    constant and the columns kept before them (e.g. la_type London Borough after region London)."""
    kept: list[str] = []
    basis = np.ones((len(matrix), 1))
    for column in matrix.columns:
        values = matrix[column].to_numpy(dtype=float)[:, None]
        if matrix[column].nunique() < 2:
            continue
        trial = np.hstack([basis, values])
        if np.linalg.matrix_rank(trial) > basis.shape[1]:
            kept.append(column)
            basis = trial
    return kept


@dataclass(frozen=True)
class Coefficient:
    """One coefficient of a fitted model, on the log-odds scale, with its odds ratio per `scale` units."""

    name: str  # design column
    coef: float  # log-odds per unit of the column
    se: float  # its standard error (the fit's covariance: cluster-robust by authority)
    scale: float  # units of the column the odds ratio is per (e.g. 10 reports)
    odds_ratio: float  # exp(scale * coef)
    ci_low: float  # exp(scale * (coef - 1.96 se))
    ci_high: float  # exp(scale * (coef + 1.96 se))
    p_value: float  # two-sided Wald (normal) p-value

    def odds_ratio_fields(self) -> dict[str, float]:
        """odds_ratio, ci_low, ci_high and p_value: the fields a model's result or table takes from it."""
        return {"odds_ratio": self.odds_ratio, "ci_low": self.ci_low, "ci_high": self.ci_high, "p_value": self.p_value}


def no_coefficient(name: str, scale: float = 1.0) -> Coefficient:
    """The Coefficient of a term with no estimate (not in the model, or no model fitted): all NaN."""
    nan = math.nan
    return Coefficient(name, nan, nan, scale, nan, nan, nan, nan)


def wald_coefficient(name: str, coef: float, se: float, scale: float = 1.0) -> Coefficient:
    """A log-odds estimate and its standard error as a Coefficient: the odds ratio per `scale` units,
    its 95% Wald interval and two-sided p-value (NaN when se is 0)."""
    p = float(2 * stats.norm.sf(abs(coef / se))) if se > 0 else math.nan
    return Coefficient(
        name=name,
        coef=coef,
        se=se,
        scale=scale,
        odds_ratio=math.exp(scale * coef),
        ci_low=math.exp(scale * (coef - Z95 * se)),
        ci_high=math.exp(scale * (coef + Z95 * se)),
        p_value=p,
    )


def coefficient(params: pd.Series, cov: pd.DataFrame, name: str, scale: float = 1.0) -> Coefficient:
    """The odds ratio of design column `name` per `scale` units, with a 95% Wald interval."""
    if name not in params.index:
        return no_coefficient(name, scale)
    return wald_coefficient(name, float(params[name]), float(np.sqrt(cov.loc[name, name])), scale)


def wald_test(params: pd.Series, cov: pd.DataFrame, names: Sequence[str]) -> tuple[float, int, float]:
    """(chi-square, degrees of freedom, p) of the joint Wald test that the named coefficients are 0."""
    names = [n for n in names if n in params.index]
    if not names:
        return math.nan, 0, math.nan
    b = params[names].to_numpy(dtype=float)
    v = cov.loc[names, names].to_numpy(dtype=float)
    chi2 = float(b @ np.linalg.pinv(v) @ b)
    df = int(np.linalg.matrix_rank(v))
    return chi2, df, float(stats.chi2.sf(chi2, df)) if df else math.nan


@dataclass(frozen=True)
class Fit:
    """A fitted ordinal or binary logit, in the form the model modules read."""

    kind: str  # "ordinal" (OrderedModel, logit link) or "logit" (good or better)
    params: pd.Series  # coefficients (ordinal: exog then threshold parameters; logit: const first)
    cov: pd.DataFrame  # covariance of params (cluster-robust by authority when clusters were given)
    exog: pd.DataFrame  # design matrix (no constant)
    levels: tuple[int, ...]  # outcome levels in model order (ordinal: grade scores, worst first; logit: 0, 1)
    n: int  # rows fitted
    n_clusters: int  # authorities (clusters)
    converged: bool  # the optimiser's own report
    llf: float  # log-likelihood
    result: Any  # the statsmodels results object


def _clusters(groups: pd.Series | None, n: int) -> tuple[dict[str, Any], int]:
    if groups is None:
        return {"cov_type": "nonrobust"}, n
    codes = pd.factorize(pd.Series(groups).astype(str))[0]
    return {"cov_type": "cluster", "cov_kwds": {"groups": codes}}, int(codes.max() + 1) if n else 0


def _fit(
    kind: str, model: Any, exog: pd.DataFrame, levels: tuple[int, ...], groups: pd.Series | None, **options: Any
) -> Fit:
    """Fit a statsmodels likelihood model with its warnings silenced, errors clustered by `groups` when
    given. Parameters are named by the model's design columns, then threshold_0, threshold_1, ..."""
    cov_args, n_clusters = _clusters(groups, len(exog))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.fit(**options, **cov_args)
    values = np.asarray(result.params)
    thresholds = [f"threshold_{i}" for i in range(len(values) - len(model.exog_names))]
    params = pd.Series(values, index=list(model.exog_names) + thresholds)
    cov = pd.DataFrame(np.asarray(result.cov_params()), index=params.index, columns=params.index)
    return Fit(
        kind=kind,
        params=params,
        cov=cov,
        exog=exog,
        levels=levels,
        n=len(exog),
        n_clusters=n_clusters,
        converged=bool(result.mle_retvals.get("converged", True)),
        llf=float(result.llf),
        result=result,
    )


class _LogitOrderedModel(OrderedModel):
    """statsmodels' OrderedModel with distr="logit", its logistic cdf and pdf computed by
    scipy.special.expit: the same numbers (scipy.stats.logistic's own _cdf is expit) without the
    per-call argument checks of scipy.stats, which took about 80% of a fit (a fit evaluates the
    likelihood some 4,000 times for its numerical derivatives)."""

    def cdf(self, x):
        return special.expit(x)

    def pdf(self, x):
        p = special.expit(x)
        return p * (1.0 - p)


def fit_ordinal(grade_rank: pd.Series, exog: pd.DataFrame, groups: pd.Series | None = None) -> Fit:
    """Ordinal logit (statsmodels OrderedModel, distr="logit") of the grade on `exog`.

    The outcome is the grade score 5 - grade_rank (1 = Inadequate .. 4 = Outstanding), on the levels
    observed, so exp(coefficient) is the odds ratio of a better grade (any cut-point). Errors are
    clustered by `groups` (the authority) when given.
    """
    score = (5 - pd.Series(grade_rank).astype(float)).to_numpy()
    levels = tuple(int(v) for v in sorted(np.unique(score)))
    endog = pd.Series(pd.Categorical(score.astype(int), categories=list(levels), ordered=True), index=exog.index)
    model = _LogitOrderedModel(endog, exog, distr="logit")
    return _fit("ordinal", model, exog, levels, groups, method="bfgs", disp=False, maxiter=5000, gtol=1e-7)


def fit_logit(outcome: pd.Series, exog: pd.DataFrame, groups: pd.Series | None = None) -> Fit:
    """Logit of a 0/1 outcome (good or better) on a constant and `exog`, errors clustered by `groups`."""
    design = sm.add_constant(exog, has_constant="add")
    model = sm.Logit(pd.Series(outcome, index=exog.index).astype(float), design)
    return _fit("logit", model, exog, (0, 1), groups, disp=0, maxiter=200)


def cut_points(fit: Fit, params: np.ndarray | None = None) -> np.ndarray:
    """The fit's cut-points on the latent scale, -inf and +inf included (P(level <= j) = F(cut_{j+1} - xb))."""
    values = np.asarray(fit.params if params is None else params, dtype=float)
    if fit.kind == "logit":
        return np.array([-np.inf, -values[0], np.inf])
    k = fit.exog.shape[1]
    raw = values[k:]
    inner = np.concatenate([[raw[0]], raw[0] + np.cumsum(np.exp(raw[1:]))]) if len(raw) else np.array([])
    return np.concatenate([[-np.inf], inner, [np.inf]])


def slopes(fit: Fit, params: np.ndarray | None = None) -> np.ndarray:
    """The coefficients of the design columns (without the logit's constant)."""
    values = np.asarray(fit.params if params is None else params, dtype=float)
    k = fit.exog.shape[1]
    return values[1 : k + 1] if fit.kind == "logit" else values[:k]


def level_probabilities(fit: Fit, exog: np.ndarray, params: np.ndarray | None = None) -> np.ndarray:
    """Probability of each outcome level (columns in fit.levels order) for each row of `exog`."""
    xb = np.asarray(exog, dtype=float) @ slopes(fit, params)
    cuts = cut_points(fit, params)
    cdf = stats.logistic.cdf(cuts[None, :] - xb[:, None])
    return np.diff(cdf, axis=1)


def good_or_better_levels(fit: Fit) -> np.ndarray:
    """Boolean mask of fit.levels that are Good or Outstanding (grade score >= 3; logit: level 1)."""
    levels = np.asarray(fit.levels)
    return levels == 1 if fit.kind == "logit" else levels >= 3


def numerical_gradient(function, params: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Jacobian of a vector function of the parameters by central differences (rows: outputs)."""
    params = np.asarray(params, dtype=float)
    base = np.atleast_1d(function(params))
    jac = np.empty((base.size, params.size))
    for i in range(params.size):
        h = step * max(1.0, abs(params[i]))
        up, down = params.copy(), params.copy()
        up[i] += h
        down[i] -= h
        jac[:, i] = (np.atleast_1d(function(up)) - np.atleast_1d(function(down))) / (2 * h)
    return jac


def delta_interval(function, fit: Fit, probability: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(estimate, 95% low, 95% high) of a vector function of the fit's parameters, by the delta method
    with the fit's (cluster-robust) covariance. With probability=True the interval is taken on the
    log-odds scale and transformed back, so it stays within 0 and 1."""
    params = fit.params.to_numpy(dtype=float)
    if probability:

        def target(values):
            p = np.clip(np.atleast_1d(function(values)), 1e-12, 1 - 1e-12)
            return np.log(p / (1 - p))

    else:
        target = function
    estimate = np.atleast_1d(target(params))
    jac = numerical_gradient(target, params)
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", jac, fit.cov.to_numpy(dtype=float), jac), 0))
    low, high = estimate - Z95 * se, estimate + Z95 * se
    if probability:
        return tuple(1 / (1 + np.exp(-v)) for v in (estimate, low, high))
    return estimate, low, high


def cluster_bootstrap_sums(
    values: Sequence[Any], groups: pd.Series, n_boot: int = 2000, seed: int = 0
) -> list[np.ndarray]:
    """For each of `values` (per-row weights, e.g. 0/1 hits or ones for a count), its total in each of
    `n_boot` resamples of whole clusters (authorities) drawn with replacement from numpy's
    default_rng(seed): one array of n_boot totals per weight, all from the same draws."""
    codes = pd.factorize(pd.Series(groups).astype(str))[0]
    per_cluster = [np.bincount(codes, weights=np.asarray(v, dtype=float)) for v in values]
    n_clusters = int(codes.max() + 1)
    rng = np.random.default_rng(seed)
    draw = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    return [totals[draw].sum(axis=1) for totals in per_cluster]


def cluster_bootstrap_share(
    hits: pd.Series, groups: pd.Series, n_boot: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """(share, 2.5th, 97.5th percentile) of the share of True in `hits`, resampling whole clusters
    (authorities) with replacement `n_boot` times from numpy's default_rng(seed)."""
    hits = pd.Series(hits).astype(float).to_numpy()
    if hits.size == 0:
        return math.nan, math.nan, math.nan
    k, m = cluster_bootstrap_sums([hits, np.ones(hits.size)], groups, n_boot, seed)
    low, high = np.percentile(k / m, [2.5, 97.5])
    return float(hits.mean()), float(low), float(high)


# ------------------------------------------------------------------------------------------------
# Simulation (for the models' tests and power checks)


def simulate_inspection_frame(
    n_authorities: int = 150,
    seed: int = 0,
    log_odds_per_year: float = 0.0,
    log_odds_prior_score: float = 0.0,
    log_odds_per_decile: float = 0.0,
    years: float = 4.0,
    framework: str = SIF,
) -> pd.DataFrame:
    """A made-up first-inspection frame with the columns of `inspection_frame`, from numpy's
    default_rng(seed): dates uniform over `years` from the framework's start, a latent logistic
    grade y* = slope * years + prior-score and decile effects + logistic noise, cut into four grades
    (about 5% Outstanding, 40% Good, 40% RI, 15% Inadequate at zero effects). Regions and LA types
    are drawn at random (no effect)."""
    rng = np.random.default_rng(seed)
    n = n_authorities
    start = FRAMEWORK_START[framework]
    elapsed = rng.uniform(0, years, n)
    prior_score = rng.choice([1, 2, 3, 4], size=n, p=[0.15, 0.35, 0.4, 0.1]).astype(float)
    decile = rng.integers(1, 11, n)
    latent = (
        log_odds_per_year * elapsed
        + log_odds_prior_score * (prior_score - prior_score.mean())
        + log_odds_per_decile * (decile - 5.5)
        + rng.logistic(size=n)
    )
    cuts = stats.logistic.ppf([0.15, 0.55, 0.95])  # Inadequate | RI | Good | Outstanding
    score = 1 + np.searchsorted(cuts, latent)
    grade_rank = 5 - score
    dates = start + pd.to_timedelta(elapsed * 365.25, unit="D")
    order = np.argsort(elapsed)
    published_before = np.empty(n)
    published_before[order] = np.arange(n)
    labels = {1: OUTSTANDING, 2: GOOD, 3: "Requires improvement to be good", 4: "Inadequate"}
    frame = pd.DataFrame(
        {
            "la_code": [f"E{idx:08d}" for idx in range(n)],
            "la_name": [f"Authority {idx}" for idx in range(n)],
            "inspection_id": [f"sim-{idx}" for idx in range(n)],
            "framework": framework,
            "inspection_type": framework,
            "source_quality": "primary",
            "date": pd.DatetimeIndex(dates).floor("D"),
            "date_estimated": False,
            "start_date": pd.DatetimeIndex(dates).floor("D") - pd.Timedelta(days=60),
            "published_date": pd.DatetimeIndex(dates).floor("D"),
            "grade": [labels[r] for r in grade_rank],
            "grade_rank": grade_rank.astype(int),
            "good_or_better": (grade_rank <= 2).astype(int),
            "months_since_framework_start": elapsed * 365.25 / DAYS_PER_MONTH,
            "years_since_framework_start": elapsed,
            "reports_published_before": published_before,
            "prior_framework": PRIOR_FRAMEWORK[framework],
            "prior_inspection_id": [f"sim-prior-{idx}" for idx in range(n)],
            "prior_grade": [labels[int(5 - s)] for s in prior_score],
            "prior_grade_rank": 5 - prior_score,
            "prior_grade_score": prior_score,
            "imd_avg_rank": (11 - decile) * 3000.0,
            "imd_decile": pd.array(decile, dtype="Int64"),
            "looked_after_rate": rng.normal(60, 20, n).round(0),
            "looked_after_rate_year": pd.array(np.full(n, start.year), dtype="Int64"),
            "region": rng.choice(["London", "North West", "South East", "West Midlands"], size=n),
            "la_type": rng.choice(["County", "London Borough", "Unitary Authority"], size=n),
        }
    )
    frame["cohort"] = _cohort(frame["date"])
    frame["year"] = frame["date"].dt.year.astype("Int64")
    frame["cohort_year"] = _cohort_year(frame["date"])
    frame = frame[list(FRAME_COLUMNS)]
    frame.attrs["options"] = {"framework": framework, "simulated": True, "seed": seed}
    return frame
