"""Sub-judgements and single grades: how well one overall grade describes an inspection's key
judgements (H04), how much the sub-judgements spread within each overall grade, how often the key
judgements span two or more grades (H08), and whether the earlier framework's grade predicts the
first SIF grade (H03).

Where the values come from: judgements.csv through analysis.snapshots.judgements_for (one graded
judgement per inspection and area, with the frame options `include_secondary`, `adequate_as_ri`,
`date_basis`), and for H03 the inspection frame (analysis.models.frame.inspection_frame).

Assumed and chosen:

- The key judgements are vocab.KEY_AREAS (help and protection, looked after / in care, leadership)
  in SIF and ILACS alike; ILACS inspections from 2023 that grade care leavers separately have it as
  a fourth key judgement (vocab.ILACS_KEY_AREAS) when `include_care_leavers` (the default). An
  inspection enters H04 / H08 only if its overall grade and all three KEY_AREAS are graded; the
  others are counted in `n_dropped`, never silently left out.
- Every inspection of the framework counts (first_only=False: SIF re-inspections and second ILACS
  inspections too), since H04 and H08 speak of "SIF inspections"; first_only=True keeps each
  authority's first. The 95% interval is a percentile bootstrap resampling authorities (so an
  authority inspected twice counts as one cluster), numpy default_rng(seed), `n_boot` resamples.
- "Differs": the overall grade's rank is not equal to a key judgement's rank (Adequate has RI's
  rank; no SIF or ILACS grade is Adequate). "Spans two or more grades": the key judgements take at
  least two distinct grades.
- H03: the odds ratio per one grade better in the previous framework (frame `prior_grade_score`; for
  SIF the last pre-SIF safeguarding / overall grade) in the ordinal logit (OrderedModel, logit link)
  of the first SIF overall grade, with IMD decile (10 = most deprived), errors clustered by authority.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis import snapshots
from analysis.data import Data
from analysis.models.frame import (
    cluster_bootstrap_share,
    coefficient,
    complete_cases,
    control_columns,
    design_matrix,
    fit_ordinal,
    frame_options,
    inspection_frame,
)
from analysis.models.results import estimate_row, result_row
from analysis.vocab import GRADE_ORDER, ILACS, KEY_AREAS, SIF

#: Areas besides the overall grade whose grades are read (SIF sub-judgements and the LSCB review too).
SUB_AREAS: tuple[str, ...] = (*KEY_AREAS, "care_leavers", "adoption", "lscb")
CARE_LEAVERS = "care_leavers"


def key_judgement_grades(
    data: Data,
    frameworks: Sequence[str] = (SIF, ILACS),
    include_secondary: bool = True,
    adequate_as_ri: bool = True,
    date_basis: str = "published",
    first_only: bool = False,
    include_care_leavers: bool = True,
) -> pd.DataFrame:
    """One row per inspection of `frameworks` with an overall grade: la_code, inspection_id,
    framework, inspection_type, date, the grade rank of `overall` and of each of SUB_AREAS (missing
    where not graded), and

    - `complete`: overall and every KEY_AREAS judgement graded;
    - `n_key`: key judgements counted (3, or 4 for ILACS with a separate care-leavers grade);
    - `key_grades`: distinct grades among them; `spans_two_or_more`: key_grades >= 2;
    - `overall_differs`: the overall rank differs from at least one key judgement's;
    - `key_range`: worst minus best key rank; `key_better` / `key_worse`: some key judgement is
      better / worse than the overall grade.

    The options are kept in `attrs["options"]`.
    """

    def graded(area: str, framework: str) -> pd.DataFrame:
        rows = snapshots.judgements_for(
            data,
            area=area,
            framework=framework,
            include_secondary=include_secondary,
            date_basis=date_basis,
            adequate_as_ri=adequate_as_ri,
        )
        return rows[rows["grade_rank"].notna()]

    wide_parts = []
    for framework in frameworks:
        overall = graded("overall", framework)
        if first_only:
            overall = snapshots.first_per_la(overall)
        base = overall[["la_code", "inspection_id", "framework", "inspection_type", "date"]].copy()
        base["overall"] = overall["grade_rank"].astype(float).to_numpy()
        for area in SUB_AREAS:
            rows = graded(area, framework).drop_duplicates("inspection_id")
            base[area] = base["inspection_id"].map(rows.set_index("inspection_id")["grade_rank"].astype(float))
        wide_parts.append(base)
    wide = pd.concat(wide_parts, ignore_index=True)
    key = list(KEY_AREAS)
    wide["complete"] = wide[["overall", *key]].notna().all(axis=1)
    use_leavers = (wide["framework"] == ILACS) & wide[CARE_LEAVERS].notna() & include_care_leavers
    keys = wide[[*key, CARE_LEAVERS]].copy()
    keys.loc[~use_leavers, CARE_LEAVERS] = np.nan
    wide["n_key"] = keys.notna().sum(axis=1)
    wide["key_grades"] = keys.nunique(axis=1)
    wide["spans_two_or_more"] = wide["key_grades"] >= 2
    differs = keys.ne(wide["overall"], axis=0) & keys.notna()
    wide["overall_differs"] = differs.any(axis=1)
    wide["key_range"] = keys.max(axis=1) - keys.min(axis=1)
    wide["key_better"] = keys.lt(wide["overall"], axis=0).any(axis=1)
    wide["key_worse"] = keys.gt(wide["overall"], axis=0).any(axis=1)
    for column in ("spans_two_or_more", "overall_differs", "key_range", "key_better", "key_worse"):
        wide[column] = wide[column].where(wide["complete"])
    wide.attrs["options"] = {
        "frameworks": list(frameworks),
        "include_secondary": include_secondary,
        "adequate_as_ri": adequate_as_ri,
        "date_basis": date_basis,
        "first_only": first_only,
        "include_care_leavers": include_care_leavers,
    }
    return wide


@dataclass(frozen=True)
class ShareEstimate:
    """A share of inspections with a bootstrap interval (authorities resampled)."""

    statistic: str  # what the share is of
    frameworks: tuple[str, ...]  # frameworks pooled
    share: float  # count / n
    ci_low: float  # 95% percentile interval, cluster bootstrap by authority
    ci_high: float
    count: int  # inspections with the property
    n: int  # inspections counted (complete ones)
    n_dropped: int  # inspections left out: overall or a key judgement not graded
    n_boot: int  # bootstrap resamples
    seed: int  # numpy default_rng seed
    parameters: dict[str, Any] = field(default_factory=dict)  # options

    def rows(self) -> list[dict[str, Any]]:
        return [
            estimate_row(
                "key_judgements",
                "+".join(self.frameworks),
                self.statistic,
                self,
                self.n,
                {**self.parameters, "count": self.count, "n_dropped": self.n_dropped},
                value="share",
            )
        ]


def _share(
    wide: pd.DataFrame, column: str, statistic: str, frameworks: Sequence[str], n_boot: int, seed: int
) -> ShareEstimate:
    chosen = wide[wide["framework"].isin(frameworks)]
    complete = chosen[chosen["complete"]]
    hits = complete[column].astype(bool)
    share, low, high = cluster_bootstrap_share(hits, complete["la_code"], n_boot, seed)
    return ShareEstimate(
        statistic=statistic,
        frameworks=tuple(frameworks),
        share=share,
        ci_low=low,
        ci_high=high,
        count=int(hits.sum()),
        n=len(complete),
        n_dropped=len(chosen) - len(complete),
        n_boot=n_boot,
        seed=seed,
        parameters={**frame_options(wide), "frameworks": list(frameworks), "n_boot": n_boot, "seed": seed},
    )


H04_STATISTIC = "share of SIF inspections whose overall grade differs from at least one key judgement"
H08_STATISTIC = "share of inspections whose key judgements span two or more grades"


def overall_differs_share(wide: pd.DataFrame, framework: str = SIF, n_boot: int = 2000, seed: int = 0) -> ShareEstimate:
    """H04: share of the framework's inspections whose overall grade differs from at least one key
    judgement (`wide` from key_judgement_grades)."""
    statistic = H04_STATISTIC if framework == SIF else H04_STATISTIC.replace("SIF", framework)
    return _share(wide, "overall_differs", statistic, [framework], n_boot, seed)


@dataclass(frozen=True)
class SpanShares:
    """H08: share of inspections whose key judgements span two or more grades, pooled and per framework."""

    pooled: ShareEstimate  # SIF and ILACS together (H08's statistic)
    by_framework: tuple[ShareEstimate, ...]  # each framework alone

    def rows(self) -> list[dict[str, Any]]:
        return [row for s in (self.pooled, *self.by_framework) for row in s.rows()]


def key_judgements_span_share(
    wide: pd.DataFrame, frameworks: Sequence[str] = (SIF, ILACS), n_boot: int = 2000, seed: int = 0
) -> SpanShares:
    """H08: share of SIF and ILACS inspections whose key judgements span two or more grades."""
    pooled = _share(
        wide, "spans_two_or_more", f"{H08_STATISTIC} ({' and '.join(frameworks)})", frameworks, n_boot, seed
    )
    alone = tuple(
        _share(wide, "spans_two_or_more", f"{H08_STATISTIC} ({framework})", [framework], n_boot, seed)
        for framework in frameworks
    )
    return SpanShares(pooled, alone)


def h04_overall_differs(
    data: Data,
    include_secondary: bool = True,
    adequate_as_ri: bool = True,
    date_basis: str = "published",
    first_only: bool = False,
    n_boot: int = 2000,
    seed: int = 0,
) -> ShareEstimate:
    """H04's statistic on the processed data."""
    wide = key_judgement_grades(data, (SIF,), include_secondary, adequate_as_ri, date_basis, first_only)
    return overall_differs_share(wide, SIF, n_boot, seed)


def h08_key_judgements_span(
    data: Data,
    include_secondary: bool = True,
    adequate_as_ri: bool = True,
    date_basis: str = "published",
    first_only: bool = False,
    n_boot: int = 2000,
    seed: int = 0,
) -> SpanShares:
    """H08's statistic on the processed data (SIF and ILACS pooled, and each alone)."""
    wide = key_judgement_grades(data, (SIF, ILACS), include_secondary, adequate_as_ri, date_basis, first_only)
    return key_judgements_span_share(wide, (SIF, ILACS), n_boot, seed)


@dataclass(frozen=True)
class SubjudgementSpread:
    """How the sub-judgements spread within each overall grade."""

    framework: str  # the framework
    table: (
        pd.DataFrame
    )  # overall_grade, area, grade, count, share (of the overall grade's inspections graded in the area)
    summary: pd.DataFrame  # overall_grade, n, share_all_key_equal, share_key_better, share_key_worse, mean_key_range
    n: int  # complete inspections summarised
    n_dropped: int  # inspections without overall and all key judgements graded
    parameters: dict[str, Any] = field(default_factory=dict)  # options

    def rows(self) -> list[dict[str, Any]]:
        found = []
        for r in self.summary.itertuples():
            for name in ("share_all_key_equal", "share_key_better", "share_key_worse", "mean_key_range"):
                found.append(
                    result_row(
                        "subjudgement_spread",
                        f"{self.framework} overall {r.overall_grade}",
                        name,
                        getattr(r, name),
                        n=r.n,
                        parameters={**self.parameters, "overall_grade": r.overall_grade},
                    )
                )
        return found


def subjudgement_spread(wide: pd.DataFrame, framework: str = SIF) -> SubjudgementSpread:
    """Cross-tabulation of each sub-judgement's grade within each overall grade, and per overall
    grade the share of complete inspections whose key judgements all equal it, have one better, one
    worse, and the mean range (worst - best key rank)."""
    chosen = wide[wide["framework"] == framework]
    labels = dict(enumerate(GRADE_ORDER, start=1))
    records = []
    for rank, group in chosen.groupby("overall"):
        for area in SUB_AREAS:
            graded = group[area].dropna()
            counts = graded.value_counts()
            for sub_rank, label in labels.items():
                count = int(counts.get(float(sub_rank), 0))
                records.append(
                    {
                        "overall_grade": labels[int(rank)],
                        "area": area,
                        "grade": label,
                        "count": count,
                        "share": count / len(graded) if len(graded) else math.nan,
                    }
                )
    complete = chosen[chosen["complete"]]
    summary = (
        complete.assign(
            overall_grade=complete["overall"].astype(int).map(labels),
            all_equal=~complete["overall_differs"].astype(bool),
        )
        .groupby("overall", sort=True)
        .agg(
            overall_grade=("overall_grade", "first"),
            n=("inspection_id", "size"),
            share_all_key_equal=("all_equal", "mean"),
            share_key_better=("key_better", lambda s: s.astype(bool).mean()),
            share_key_worse=("key_worse", lambda s: s.astype(bool).mean()),
            mean_key_range=("key_range", "mean"),
        )
        .reset_index(drop=True)
    )
    return SubjudgementSpread(
        framework=framework,
        table=pd.DataFrame(records),
        summary=summary,
        n=len(complete),
        n_dropped=len(chosen) - len(complete),
        parameters={**frame_options(wide), "framework": framework},
    )


@dataclass(frozen=True)
class PriorGradeEffect:
    """H03: odds ratio of the prior-framework grade in the ordinal logit of the first grade."""

    framework: str  # SIF (the first SIF overall grade) or ILACS
    odds_ratio: float  # per one grade better in the previous framework; > 1: past grade predicts
    ci_low: float  # 95% interval, cluster-robust by authority
    ci_high: float
    p_value: float  # two-sided Wald p-value
    controls: tuple[str, ...]  # controls besides the prior grade
    n: int  # rows fitted
    n_dropped: int  # rows left out for a missing prior grade or control
    dropped_by: dict[str, int]  # rows missing each column
    converged: bool  # the optimiser's report
    parameters: dict[str, Any] = field(default_factory=dict)  # frame options and model choices

    def rows(self) -> list[dict[str, Any]]:
        return [
            estimate_row(
                "prior_grade_effect",
                f"{self.framework} first grade on prior-framework grade",
                "odds ratio of a better grade per grade better in the previous framework",
                self,
                self.n,
                self.parameters,
            )
        ]


def prior_grade_effect(frame: pd.DataFrame, controls: Sequence[str] = ("imd_decile",)) -> PriorGradeEffect:
    """Ordinal logit of the frame's grade on `prior_grade_score` and `controls` (H03 uses IMD decile)."""
    numeric, categorical = control_columns(controls, first=["prior_grade_score"])
    rows, n_dropped, missing = complete_cases(frame, ["grade_rank", "la_code", *numeric, *categorical])
    exog = design_matrix(rows, numeric, categorical)
    fit = fit_ordinal(rows["grade_rank"], exog, rows["la_code"])
    c = coefficient(fit.params, fit.cov, "prior_grade_score")
    options = frame_options(frame)
    return PriorGradeEffect(
        framework=options.get("framework", ""),
        **c.odds_ratio_fields(),
        controls=tuple(controls),
        n=fit.n,
        n_dropped=n_dropped,
        dropped_by={k: v for k, v in missing.items() if v},
        converged=fit.converged,
        parameters={**options, "controls": list(controls), "cluster": "la_code"},
    )


def h03_prior_grade(
    data: Data, include_secondary: bool = True, adequate_as_ri: bool = True, date_basis: str = "published"
) -> PriorGradeEffect:
    """H03's statistic: prior-framework grade in the ordinal logit of the first SIF overall grade, with IMD decile."""
    frame = inspection_frame(data, SIF, "overall", include_secondary, adequate_as_ri, date_basis, first_only=True)
    return prior_grade_effect(frame, ("imd_decile",))
