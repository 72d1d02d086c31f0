"""Model 1 of issue 8, "Transitions": how one authority's grade moves from one inspection to the next,
within a framework and across a framework change, and the cross-framework penalty of the decision
rule (src/analysis/models/verdict_rule.yaml).

Where the values come from. Everything is read from the processed dataset through `analysis.data`
and `analysis.snapshots` (inspections.csv, judgements.csv): an inspection's type and dates, its
grade in each harmonised area (vocab.AREA_CROSSWALK). Dates are those of `snapshots.judgements_for`:
publication date on the "published" basis (estimated from the end of inspection plus the
framework's median lag where the row gives none, as most earlier inspections named in SIF reports
do), first day on site on the "inspected" basis. An authority's inspections are put in order by
time on site (else publication), then inspection id, as `snapshots` orders them.

Pairs (`pairs`, `comparisons`). For every authority, one (earlier, later) pair per comparison:

- each earlier framework -> first SIF: the last inspection of that earlier type before the
  authority's first SIF (inspection type "SIF", re-inspections excluded), its safeguarding grade set
  against the first SIF's help-and-protection grade, its looked-after grade against the first
  SIF's looked-after grade. The earlier types are the groups of `INSPECTION_TYPES` (SLAC; the
  2012-13 child protection framework; the 2013 looked-after children framework), a mapping the
  caller may override, so the comparisons hold whether the data spell the SLAC type "SLAC" or
  "safeguarding and looked after children";
- first SIF -> SIF re-inspection (overall);
- last SIF (a SIF or a SIF re-inspection) -> first ILACS, overall and each area both frameworks
  judge (vocab.AREA_CROSSWALK);
- first ILACS -> second ILACS and second -> third ILACS (overall; standard and short alike);
- each earlier framework -> latest SIF (the robustness check "latest_sif" of verdict_rule.yaml),
  listed after all the others: the same earlier end (the last inspection of the earlier type before
  the authority's FIRST SIF) against the authority's latest SIF, the last of its inspections of type
  "SIF" or "SIF re-inspection" in the authority's order (time on site, else publication, then id),
  same areas as the first-SIF comparisons. An authority with a single SIF and no re-inspection has
  the same pair in both.

The ends are chosen among inspections, and the pair is kept when both ends carry a grade in their
area ("Not judged" is no grade). An inspection with neither a start nor a publication date cannot be
placed in an authority's order and is left out (one secondary SIF re-inspection, Cumbria's, today).
With include_secondary=False, a pair is dropped when either end's inspection or grade is known only
from a secondary source (the order of inspections is still that of all of them, so a missing report
does not turn a re-inspection into a "first SIF").

Grades and ranks. Ranks are vocab.GRADE_RANK (1 Outstanding .. 4 Inadequate, lower = better). With
adequate_as_ri=True "Adequate" is read as RI (4 levels); with False it is its own level between Good
and RI (vocab.GRADE_ORDER_WITH_ADEQUATE, 5 levels), and "improved", "declined", the square tables,
tau-b and kappa use that 5-level order (so Adequate -> RI is a decline).

Binary grades (`pairs(..., binary=True)`, the robustness check "binary"). Each grade is read as one of
two levels, "Good or better" (Outstanding, Good) or "Below good" (Adequate, Requires improvement,
Inadequate), before the square table is made: `_grade` holds the level, `_rank` and the added
`_original_grade` the grade as judged. On the 2x2 table Stuart-Maxwell and Bowker are both McNemar's
test, (b - c)^2 / (b + c) on 1 df (b, c the off-diagonal counts); tau-b is the phi coefficient;
quasi-symmetry is saturated there (df 0), so its p-value is NaN by construction, and MH|QS equals
the symmetry G2 on 1 df. No grade is merged (two grades are the floor of `collapse_sparse`).

Transition statistics (`transition_summary`), on the square table earlier x later over the grade
order used: shares improved / same / declined and their difference; Stuart-Maxwell (marginal
homogeneity) and Bowker (symmetry) from statsmodels' SquareTable (without its shift of zero cells;
categories with no off-diagonal count are left out of Stuart-Maxwell, whose covariance they would
make singular, and Bowker's degrees of freedom count only the pairs of cells with any count);
quasi-symmetry and marginal homogeneity given quasi-symmetry as likelihood-ratio tests of Poisson
log-linear models (Agresti, Categorical Data Analysis, 3rd ed., sections 11.2-11.4: symmetry
log mu_ij = lambda_{ij}, lambda_ij = lambda_ji; quasi-symmetry adds row and column main effects;
MH|QS = G2(S) - G2(QS) on K-1 df), fitted after sparse grades are merged into a neighbour until
every grade has at least `min_margin` authorities in both margins (the merges are listed in the
result); cells of a pair (i, j), (j, i) with no count at all are left out of both models and their
degrees of freedom (fitted zeros). Kendall's tau-b (scipy) and the quadratic-weighted Cohen's kappa
(category scores 0..K-1, as statsmodels' cohens_kappa with wt="quadratic"). Intervals of shares,
tau-b and kappa are percentile intervals of a seeded, vectorised bootstrap over authorities (one
index matrix of n_boot x n draws), as the decision rule asks.

The pair model (`pair_model`: the decision rule's "penalty"). Every consecutive pair of an
authority's inspections with a headline grade, any framework: the headline grade is overall
effectiveness where the inspection has one, else safeguarding (earlier frameworks), else help and
protection (`PENALTY_HEADLINE_AREAS`); pre-SIF looked-after-only inspections therefore have no
headline grade here and are not in the sequence. Each grade becomes its ridit within its framework
and area (the share of that framework-and-area's grades better than it plus half the share equal to
it, over all the inspections in the sequence), the outcome is |ridit_2 - ridit_1|, and an OLS on
years apart and crosses_framework (1 when the two inspections are of different frameworks), with
errors clustered by authority (statsmodels, normal reference, its default small-sample correction),
gives the penalty: the crosses_framework coefficient. "Framework" here keeps the earlier frameworks
apart (SLAC, 2012-13 child protection, 2013 looked-after children), as the decision rule treats them
as two frameworks; framework_basis="framework" uses the data's framework column (all "pre-SIF").
Pairs whose years apart are unknown are left out (and counted). With include_secondary=False,
secondary inspections and grades stay in the order but out of the ridits, and the pairs they are an
end of are dropped (their neighbours do not become consecutive).

Known properties of the penalty (tests/models/test_transitions.py pins both). Ridits are unchanged
by a shift of whole grades, not by a threshold shift that splits categories: if the later
framework's thresholds sit part-way between the earlier ones, cross-framework pairs differ more
although every authority keeps its place (in simulations with four grades about 1.2 latent SDs
wide, shifts of a quarter to half a category added 0.05-0.08 ridit units when an authority's two latent
outcomes under one framework correlate 0.9, 0.035-0.05 at 0.8 and 0.02-0.03 at 0.6). And because
ridits are estimated from each framework's own grades, their sampling noise adds to cross-framework
differences only: without any penalty the estimate is about +0.009 at 150 authorities and the test
rejects about 9% of datasets at alpha 0.05 (5% with known ridits). Read a penalty near `material`
with both in mind. Version 2 of the decision rule measures the penalty on a latent scale instead
(analysis.models.latent), which neither property touches.

Assumed: authorities are independent units (the bootstrap and the clustering are over authorities);
a reorganised authority is a new authority (pairs never span two ONS codes).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.contingency_tables import SquareTable
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from analysis import snapshots, vocab
from analysis.data import Data
from analysis.models.results import ChiSquare, Estimate, row, tidy
from analysis.vocab import (
    ADEQUATE,
    CHILD_PROTECTION,
    GRADE_ORDER,
    GRADE_ORDER_WITH_ADEQUATE,
    GRADE_RANK,
    ILACS,
    ILACS_SHORT,
    ILACS_STANDARD,
    LOOKED_AFTER_CHILDREN,
    SECONDARY,
    SIF,
    SIF_REINSPECTION,
)

MODEL = "transitions"
PENALTY_MODEL = "penalty"
#: The comparison name of the pair model's rows.
ALL_CONSECUTIVE = "all consecutive pairs"
DATE_BASES: tuple[str, ...] = snapshots.DATE_BASES
FRAMEWORK_BASES: tuple[str, ...] = ("type", "framework")

# The SLAC inspection type: "safeguarding and looked after children" until the data retype it
# "SLAC"; both spellings are accepted, whichever vocab defines.
_SLAC_TYPES: tuple[str, ...] = tuple(
    dict.fromkeys(
        label
        for label in (getattr(vocab, "SLAC", None), getattr(vocab, "SAFEGUARDING_AND_LOOKED_AFTER", None), "SLAC")
        if isinstance(label, str)
    )
)

SLAC = "SLAC"
CHILD_PROTECTION_2012 = "2012-13 child protection"
LOOKED_AFTER_2013 = "2013 looked after children"
FIRST_SIF = "first SIF"
ANY_SIF = "SIF"
REINSPECTION = "SIF re-inspection"
ANY_ILACS = "ILACS"
#: The earlier frameworks, by the name the comparisons (and verdict_rule.yaml) use.
EARLIER_FRAMEWORKS: tuple[str, ...] = (SLAC, CHILD_PROTECTION_2012, LOOKED_AFTER_2013)

#: Group of inspection types -> the inspections.csv `inspection_type` values it covers. A pair end
#: is chosen among the inspections of its group; `pairs(..., inspection_types=...)` overrides any group.
INSPECTION_TYPES: dict[str, tuple[str, ...]] = {
    SLAC: _SLAC_TYPES,
    CHILD_PROTECTION_2012: (CHILD_PROTECTION,),
    LOOKED_AFTER_2013: (LOOKED_AFTER_CHILDREN,),
    FIRST_SIF: (SIF,),
    ANY_SIF: (SIF, SIF_REINSPECTION),
    REINSPECTION: (SIF_REINSPECTION,),
    ANY_ILACS: (ILACS_STANDARD, ILACS_SHORT),
}

#: Harmonised area -> its words in a comparison's name.
AREA_WORDS: dict[str, str] = {
    "overall": "overall",
    "help_protection": "help and protection",
    "looked_after": "looked after",
    "leadership": "leadership",
    "care_leavers": "care leavers",
    "safeguarding": "safeguarding",
}
#: Areas judged under both SIF and ILACS (vocab.AREA_CROSSWALK), in the crosswalk's order.
SIF_ILACS_AREAS: tuple[str, ...] = tuple(a for a in vocab.AREA_CROSSWALK[SIF] if a in vocab.AREA_CROSSWALK[ILACS])
#: The pair model's headline grade: overall where present, else safeguarding, else help and protection.
PENALTY_HEADLINE_AREAS: tuple[str, ...] = ("overall", "safeguarding", "help_protection")
ORDINALS = ("first", "second", "third", "fourth")
LATEST_SIF = "latest SIF"
#: The two levels of `pairs(..., binary=True)`, best first, and the grades each covers.
GOOD_OR_BETTER = "Good or better"
BELOW_GOOD = "Below good"
BINARY_ORDER: tuple[str, ...] = (GOOD_OR_BETTER, BELOW_GOOD)
BINARY_LEVELS: dict[str, str] = {
    vocab.OUTSTANDING: GOOD_OR_BETTER,
    vocab.GOOD: GOOD_OR_BETTER,
    ADEQUATE: BELOW_GOOD,
    vocab.REQUIRES_IMPROVEMENT: BELOW_GOOD,
    vocab.INADEQUATE: BELOW_GOOD,
}


@dataclass(frozen=True)
class Comparison:
    """How one comparison's pair is chosen for an authority."""

    name: str  # the comparison's name, as `comparisons()` lists it
    earlier_group: str  # INSPECTION_TYPES group of the earlier inspection
    earlier_area: str  # harmonised area of the earlier grade
    later_group: str  # INSPECTION_TYPES group of the later inspection
    later_area: str  # harmonised area of the later grade
    # None: the earlier is the last of its group before the first of the later group, the later is
    # that first one. n: the n-th and (n+1)-th inspections of one group (earlier and later group equal).
    position: int | None = None
    # "first": the later end is the first of later_group; "latest": the last of later_group (and the
    # earlier end the last of its group before the first of `anchor_group`).
    later_end: str = "first"
    # The group whose first inspection the earlier end must precede (None: later_group itself).
    anchor_group: str | None = None


def _build_comparisons() -> dict[str, Comparison]:
    found: list[Comparison] = [
        Comparison(
            f"{SLAC} safeguarding -> first SIF help and protection", SLAC, "safeguarding", FIRST_SIF, "help_protection"
        ),
        Comparison(f"{SLAC} looked after -> first SIF looked after", SLAC, "looked_after", FIRST_SIF, "looked_after"),
        Comparison(
            f"{CHILD_PROTECTION_2012} -> first SIF help and protection",
            CHILD_PROTECTION_2012,
            "safeguarding",
            FIRST_SIF,
            "help_protection",
        ),
        Comparison(
            f"{LOOKED_AFTER_2013} -> first SIF looked after",
            LOOKED_AFTER_2013,
            "looked_after",
            FIRST_SIF,
            "looked_after",
        ),
        Comparison("first SIF -> SIF re-inspection, overall", FIRST_SIF, "overall", REINSPECTION, "overall"),
    ]
    found += [
        Comparison(f"last SIF -> first ILACS, {AREA_WORDS[area]}", ANY_SIF, area, ANY_ILACS, area)
        for area in SIF_ILACS_AREAS
    ]
    found += [
        Comparison(
            f"{ORDINALS[n - 1]} ILACS -> {ORDINALS[n]} ILACS, overall", ANY_ILACS, "overall", ANY_ILACS, "overall", n
        )
        for n in (1, 2)
    ]
    # Robustness: the earlier frameworks against the latest SIF (after every comparison above, so
    # their order does not move). The earlier end is still the last one before the first SIF.
    earlier_to_first = [c for c in found if c.later_group == FIRST_SIF and c.earlier_group in EARLIER_FRAMEWORKS]
    found += [
        Comparison(
            c.name.replace(FIRST_SIF, LATEST_SIF),
            c.earlier_group,
            c.earlier_area,
            ANY_SIF,
            c.later_area,
            later_end="latest",
            anchor_group=FIRST_SIF,
        )
        for c in earlier_to_first
    ]
    return {c.name: c for c in found}


#: Every comparison by name.
COMPARISONS: dict[str, Comparison] = _build_comparisons()


def comparisons() -> list[str]:
    """The names of the available comparisons, earlier frameworks first."""
    return list(COMPARISONS)


def grade_order(adequate_as_ri: bool = True) -> list[str]:
    """The grade order (best first) of the square tables: 4 grades, or 5 with Adequate kept apart."""
    return list(GRADE_ORDER if adequate_as_ri else GRADE_ORDER_WITH_ADEQUATE)


def _grade_order_of(frame: pd.DataFrame) -> list[str]:
    """The order a pairs frame needs: the two binary levels for a binary frame (its parameters say
    binary, or its grades are the binary levels), else with Adequate apart if any grade is Adequate."""
    grades = pd.concat([frame["earlier_grade"], frame["later_grade"]])
    if frame.attrs.get("parameters", {}).get("binary") or grades.isin(BINARY_ORDER).any():
        return list(BINARY_ORDER)
    return grade_order(adequate_as_ri=not (grades == ADEQUATE).any())


def _check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, not {value!r}")


# ------------------------------------------------------------------------------------------------
# Pairs


def _types(inspection_types: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    merged = dict(INSPECTION_TYPES)
    for group, types in (inspection_types or {}).items():
        merged[group] = (types,) if isinstance(types, str) else tuple(types)
    return merged


def _ordered_inspections(data: Data) -> pd.DataFrame:
    """Every dated inspection with its place in its authority's sequence (time on site, else
    publication, then id); inspections with neither date are left out."""
    frame = snapshots.with_event_dates(data.inspections)
    frame["order_date"] = frame["start_date"].fillna(frame["published_date"])
    frame = frame[frame["order_date"].notna()]  # an undated inspection cannot be placed in the order
    frame = frame.sort_values(["la_code", "order_date", "inspection_id"], na_position="last").reset_index(drop=True)
    frame["sequence"] = frame.groupby("la_code").cumcount()
    return frame


def _area_grades(data: Data, area: str, adequate_as_ri: bool, date_basis: str) -> pd.DataFrame:
    """Each inspection's grade in `area` (all frameworks, secondary rows kept and flagged)."""
    judged = snapshots.judgements_for(
        data, area=area, framework=None, include_secondary=True, date_basis=date_basis, adequate_as_ri=adequate_as_ri
    )
    judged = judged.rename(columns={"source_quality": "grade_source_quality"})
    for column in ("grade_source_quality", "inspection_source_quality"):
        if column not in judged:
            judged[column] = pd.NA
    return judged[["inspection_id", "grade", "grade_rank", "date", "grade_source_quality", "inspection_source_quality"]]


def pairs(
    data: Data,
    comparison: str,
    adequate_as_ri: bool = True,
    include_secondary: bool = True,
    date_basis: str = "published",
    inspection_types: Mapping[str, Sequence[str]] | None = None,
    binary: bool = False,
) -> pd.DataFrame:
    """One row per authority with both inspections of `comparison` graded (see the module docstring).

    Columns: comparison, la_code, la_name, then for `earlier` and `later` each: _id, _type, _date (on
    `date_basis`), _grade, _rank (vocab.GRADE_RANK), _level (1.. in the grade order of the square
    table: 5 grades when Adequate is kept apart and present, else 4); and
    years_apart (later date - earlier date, in years of 365.25 days). `inspection_types` overrides
    groups of INSPECTION_TYPES (e.g. {"SLAC": ["SLAC"]}). The options are kept in `.attrs["parameters"]`.

    binary=True reads each grade as "Good or better" or "Below good" (BINARY_LEVELS): `_grade` and
    `_level` (1, 2) are of that 2-level order, `_rank` stays the rank of the grade as judged, which
    the added `_original_grade` columns give; `binary` is then recorded in the parameters.
    """
    if comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}: one of {comparisons()}")
    _check("date_basis", date_basis, DATE_BASES)
    spec = COMPARISONS[comparison]
    groups = _types(inspection_types)
    ordered = _ordered_inspections(data)
    keep = ["la_code", "la_name", "inspection_id", "inspection_type", "sequence"]
    earlier_pool = ordered[ordered["inspection_type"].isin(groups[spec.earlier_group])][keep]
    later_pool = ordered[ordered["inspection_type"].isin(groups[spec.later_group])][keep]
    if spec.position is None and spec.later_end == "latest":
        anchor_pool = ordered[ordered["inspection_type"].isin(groups[spec.anchor_group or spec.later_group])]
        anchor = anchor_pool.groupby("la_code")["sequence"].min().rename("sequence_anchor").reset_index()
        later = later_pool.groupby("la_code").tail(1)
        earlier = earlier_pool.merge(anchor, on="la_code")
        earlier = earlier[earlier["sequence"] < earlier["sequence_anchor"]].drop(columns="sequence_anchor")
        earlier = earlier.sort_values(["la_code", "sequence"]).groupby("la_code").tail(1)
        joined = earlier.merge(later, on="la_code", suffixes=("_e", "_l"))
        joined = joined[joined["sequence_e"] < joined["sequence_l"]]
    elif spec.position is None:
        later = later_pool.groupby("la_code").head(1)
        joined = earlier_pool.merge(later, on="la_code", suffixes=("_e", "_l"))
        joined = joined[joined["sequence_e"] < joined["sequence_l"]]
        joined = joined.sort_values(["la_code", "sequence_e"]).groupby("la_code").tail(1)
    else:
        ranked = later_pool.assign(_n=later_pool.groupby("la_code").cumcount() + 1)
        earlier = ranked[ranked["_n"] == spec.position].drop(columns="_n")
        later = ranked[ranked["_n"] == spec.position + 1].drop(columns=["_n", "la_name"])
        joined = earlier.merge(later, on="la_code", suffixes=("_e", "_l"))
    joined = joined.rename(columns={"la_name_e": "la_name"})
    for end, suffix, area in (("earlier", "_e", spec.earlier_area), ("later", "_l", spec.later_area)):
        grades = _area_grades(data, area, adequate_as_ri, date_basis).add_prefix(f"{end}_")
        joined = joined.merge(grades, left_on=f"inspection_id{suffix}", right_on=f"{end}_inspection_id", how="inner")
        joined = joined.rename(columns={f"inspection_type{suffix}": f"{end}_type"})
        joined = joined.rename(columns={f"{end}_inspection_id": f"{end}_id"})
    if not include_secondary:
        secondary = pd.Series(False, index=joined.index)
        for end in ("earlier", "later"):
            for column in (f"{end}_grade_source_quality", f"{end}_inspection_source_quality"):
                secondary |= joined[column] == SECONDARY
        joined = joined[~secondary]
    # The order of the square tables: Adequate apart only when kept apart and present.
    order = grade_order(adequate_as_ri or not (joined[["earlier_grade", "later_grade"]] == ADEQUATE).any().any())
    if binary:
        order = list(BINARY_ORDER)
    level = {grade: i + 1 for i, grade in enumerate(order)}
    out = pd.DataFrame({"comparison": comparison, "la_code": joined["la_code"], "la_name": joined["la_name"]})
    for end in ("earlier", "later"):
        grade = joined[f"{end}_grade"].map(BINARY_LEVELS) if binary else joined[f"{end}_grade"]
        out[f"{end}_id"] = joined[f"{end}_id"]
        out[f"{end}_type"] = joined[f"{end}_type"]
        out[f"{end}_date"] = joined[f"{end}_date"]
        out[f"{end}_grade"] = grade
        out[f"{end}_rank"] = joined[f"{end}_grade"].map(GRADE_RANK).astype("Int64")
        out[f"{end}_level"] = grade.map(level).astype("Int64")
        if binary:
            out[f"{end}_original_grade"] = joined[f"{end}_grade"]
    out["years_apart"] = (out["later_date"] - out["earlier_date"]).dt.days / 365.25
    out = out.sort_values("la_code").reset_index(drop=True)
    out.attrs["parameters"] = {
        "adequate_as_ri": bool(adequate_as_ri),
        "include_secondary": bool(include_secondary),
        "date_basis": date_basis,
    }
    if binary:
        out.attrs["parameters"]["binary"] = True
    return out


# ------------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class TransitionTable:
    """The square table of one comparison: earlier grade (rows) x later grade (columns)."""

    comparison: str  # the comparison's name
    grades: tuple[str, ...]  # the grade order of rows and columns, best first
    counts: pd.DataFrame  # authorities per (earlier grade, later grade); every grade of the order present
    row_shares: pd.DataFrame  # counts / row total (NaN for a grade no authority had earlier)
    parameters: dict[str, Any] = field(default_factory=dict)  # the options that built the pairs

    @property
    def n(self) -> int:
        """Authorities in the table."""
        return int(self.counts.to_numpy().sum())

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows: `count[earlier -> later]` and `row_share[earlier -> later]` per cell."""
        out = []
        for earlier in self.grades:
            for later in self.grades:
                cell = f"[{earlier} -> {later}]"
                out.append(row(f"count{cell}", self.counts.loc[earlier, later], n=self.n))
                out.append(row(f"row_share{cell}", self.row_shares.loc[earlier, later], n=self.n))
        return out

    def to_tidy(self) -> pd.DataFrame:
        return tidy(MODEL, self.comparison, self.rows(), self.parameters)


def _comparison_of(frame: pd.DataFrame) -> str:
    names = frame["comparison"].dropna().unique() if "comparison" in frame else []
    return str(names[0]) if len(names) == 1 else "; ".join(sorted(map(str, names)))


def _counts(frame: pd.DataFrame, order: list[str]) -> np.ndarray:
    level = {grade: i for i, grade in enumerate(order)}
    earlier = frame["earlier_grade"].map(level)
    later = frame["later_grade"].map(level)
    if earlier.isna().any() or later.isna().any():
        unknown = sorted(set(frame["earlier_grade"][earlier.isna()]) | set(frame["later_grade"][later.isna()]))
        raise ValueError(f"grades outside the order {order}: {unknown}")
    k = len(order)
    return np.bincount(earlier.to_numpy(int) * k + later.to_numpy(int), minlength=k * k).reshape(k, k)


def transition_table(pairs: pd.DataFrame) -> TransitionTable:
    """Counts and row shares of a `pairs` frame, square over the grade order used."""
    order = _grade_order_of(pairs)
    counts = pd.DataFrame(
        _counts(pairs, order), index=pd.Index(order, name="earlier"), columns=pd.Index(order, name="later")
    )
    totals = counts.sum(axis=1).replace(0, np.nan)
    shares = counts.div(totals, axis=0)
    return TransitionTable(_comparison_of(pairs), tuple(order), counts, shares, dict(pairs.attrs.get("parameters", {})))


# ------------------------------------------------------------------------------------------------
# Tests on a square table


def _chi2_p(statistic: float, df: int) -> float:
    return float(stats.chi2.sf(statistic, df)) if df > 0 and np.isfinite(statistic) else float("nan")


def stuart_maxwell(table: np.ndarray) -> ChiSquare:
    """Stuart-Maxwell test of marginal homogeneity (statsmodels SquareTable.homogeneity, no shift of
    zero cells), on the grades with any off-diagonal count (the others add 0 to d and would make its
    covariance singular)."""
    t = np.asarray(table, dtype=float)
    off = t.sum(axis=0) + t.sum(axis=1) - 2 * np.diag(t)
    keep = off > 0
    if keep.sum() < 2:
        return ChiSquare(0.0, 0, float("nan"))
    found = SquareTable(t[np.ix_(keep, keep)], shift_zeros=False).homogeneity("stuart_maxwell")
    df = int(found.df)
    return ChiSquare(float(found.statistic), df, _chi2_p(float(found.statistic), df))


def bowker(table: np.ndarray) -> ChiSquare:
    """Bowker's test of symmetry (statsmodels SquareTable.symmetry, no shift of zero cells); df is the
    number of off-diagonal pairs (i, j), (j, i) with any count (an empty pair tests nothing)."""
    t = np.asarray(table, dtype=float)
    found = SquareTable(t, shift_zeros=False).symmetry("bowker")
    upper = np.triu_indices(t.shape[0], 1)
    df = int(((t[upper] + t.T[upper]) > 0).sum())
    return ChiSquare(float(found.statistic), df, _chi2_p(float(found.statistic), df))


def collapse_sparse(
    table: np.ndarray, grades: Sequence[str], min_margin: int = 5
) -> tuple[np.ndarray, list[str], list[str]]:
    """Merge sparse grades into a neighbour until each has at least `min_margin` authorities in both
    margins, or two grades are left. The sparsest grade goes first: an end grade into its only
    neighbour (Outstanding into Good, Inadequate into RI), a middle one into its sparser neighbour
    (ties: the worse). Returns (table, grade labels such as "Outstanding or Good", notes)."""
    t = np.asarray(table, dtype=float).copy()
    labels = list(grades)
    notes: list[str] = []
    while len(labels) > 2:
        smaller = np.minimum(t.sum(axis=0), t.sum(axis=1))
        k = int(np.argmin(smaller))
        if smaller[k] >= min_margin:
            break
        if k == 0:
            into = 1
        elif k == len(labels) - 1:
            into = k - 1
        else:
            into = k - 1 if smaller[k - 1] < smaller[k + 1] else k + 1
        notes.append(f"{labels[k]} merged into {labels[into]} (smaller margin {int(smaller[k])} < {min_margin})")
        low, high = sorted((k, into))
        t[low, :] += t[high, :]
        t[:, low] += t[:, high]
        t = np.delete(np.delete(t, high, axis=0), high, axis=1)
        labels[low] = f"{labels[low]} or {labels[high]}"
        del labels[high]
    return t, labels, notes


@dataclass(frozen=True)
class QuasiSymmetry:
    """Log-linear tests of a square table after sparse grades are merged (Agresti ch. 11)."""

    grades: tuple[str, ...]  # grade labels after merging (e.g. "Outstanding or Good")
    collapsed: tuple[str, ...]  # the merges made, in order ("" when none: see `collapse_sparse`)
    symmetry_lr: ChiSquare  # G2 of the symmetry model against the saturated one
    quasi_symmetry_lr: ChiSquare  # G2 of the quasi-symmetry model against the saturated one
    mh_given_qs_lr: ChiSquare  # G2(symmetry) - G2(quasi-symmetry): marginal homogeneity given QS, K-1 df


def _independent_columns(design: np.ndarray) -> np.ndarray:
    """The design with columns that are linear combinations of earlier ones dropped (same fitted values)."""
    kept: list[int] = []
    for j in range(design.shape[1]):
        if np.linalg.matrix_rank(design[:, [*kept, j]]) > len(kept):
            kept.append(j)
    return design[:, kept]


def _poisson_fit(counts: np.ndarray, design: np.ndarray) -> tuple[float, int]:
    """Deviance and residual df (cells - rank of the design) of a Poisson log-linear model. A zero
    cell facing a non-zero one can put the estimate on the boundary (fitted count -> 0): statsmodels
    then warns of perfect separation; the deviance is still the likelihood-ratio statistic."""
    design = _independent_columns(design)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # a saturated fit (0 df) divides by df_resid = 0
        fitted = sm.GLM(counts, design, family=sm.families.Poisson()).fit()
    return max(float(fitted.deviance), 0.0), int(len(counts) - design.shape[1])


def quasi_symmetry(table: np.ndarray, grades: Sequence[str] | None = None, min_margin: int = 5) -> QuasiSymmetry:
    """Symmetry, quasi-symmetry and MH|QS likelihood-ratio tests of a square table (see the module
    docstring). Cells of an unordered pair with no count at all are left out of both models."""
    grades = list(grades) if grades is not None else [str(i) for i in range(np.asarray(table).shape[0])]
    t, labels, notes = collapse_sparse(table, grades, min_margin)
    k = t.shape[0]
    cells = [(i, j) for i in range(k) for j in range(k) if t[i, j] + t[j, i] > 0]
    unordered = sorted({(min(i, j), max(i, j)) for i, j in cells})
    pair_index = {p: n for n, p in enumerate(unordered)}
    counts = np.array([t[i, j] for i, j in cells])
    symmetric = np.zeros((len(cells), len(unordered)))
    # Quasi-symmetry's row and column effects enter only as u_i - u_j (the rest is symmetric and
    # absorbed by the pair terms): one column per grade after the first, +1 in its row, -1 in its column.
    asymmetric = np.zeros((len(cells), max(k - 1, 0)))
    for n, (i, j) in enumerate(cells):
        symmetric[n, pair_index[(min(i, j), max(i, j))]] = 1.0
        if i > 0:
            asymmetric[n, i - 1] += 1.0
        if j > 0:
            asymmetric[n, j - 1] -= 1.0
    g2_s, df_s = _poisson_fit(counts, symmetric)
    g2_qs, df_qs = _poisson_fit(counts, np.hstack([symmetric, asymmetric]))
    g2_mh = max(g2_s - g2_qs, 0.0)
    df_mh = df_s - df_qs
    return QuasiSymmetry(
        grades=tuple(labels),
        collapsed=tuple(notes),
        symmetry_lr=ChiSquare(g2_s, df_s, _chi2_p(g2_s, df_s)),
        quasi_symmetry_lr=ChiSquare(g2_qs, df_qs, _chi2_p(g2_qs, df_qs)),
        mh_given_qs_lr=ChiSquare(g2_mh, df_mh, _chi2_p(g2_mh, df_mh)),
    )


# ------------------------------------------------------------------------------------------------
# Statistics of many tables at once (the bootstrap): tables has shape (B, K, K)


def tau_b_of_tables(tables: np.ndarray) -> np.ndarray:
    """Kendall's tau-b of each table (rows: earlier, columns: later), as scipy.stats.kendalltau gives
    it for the pairs behind the table: (C - D) / sqrt((n0 - n1)(n0 - n2)). NaN when a margin is constant."""
    t = np.asarray(tables, dtype=float)
    if t.ndim == 2:
        t = t[None]
    # below_right[b, i, j] = sum over i' > i, j' > j; below_left: i' > i, j' < j.
    cum = t[:, ::-1, ::-1].cumsum(axis=1).cumsum(axis=2)[:, ::-1, ::-1]
    below_right = np.zeros_like(t)
    below_right[:, :-1, :-1] = cum[:, 1:, 1:]
    cum_left = t[:, ::-1, :].cumsum(axis=1)[:, ::-1, :].cumsum(axis=2)
    below_left = np.zeros_like(t)
    below_left[:, :-1, 1:] = cum_left[:, 1:, :-1]
    concordant = (t * below_right).sum(axis=(1, 2))
    discordant = (t * below_left).sum(axis=(1, 2))
    n = t.sum(axis=(1, 2))
    rows_, cols_ = t.sum(axis=2), t.sum(axis=1)
    n0 = n * (n - 1) / 2
    n1 = (rows_ * (rows_ - 1) / 2).sum(axis=1)
    n2 = (cols_ * (cols_ - 1) / 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (concordant - discordant) / np.sqrt((n0 - n1) * (n0 - n2))


def kappa_quadratic_of_tables(tables: np.ndarray) -> np.ndarray:
    """Quadratic-weighted Cohen's kappa of each table, category scores 0..K-1:
    1 - sum(v p) / sum(v r c), v_ij = (i - j)^2 (statsmodels cohens_kappa(table, wt="quadratic"))."""
    t = np.asarray(tables, dtype=float)
    if t.ndim == 2:
        t = t[None]
    k = t.shape[-1]
    scores = np.arange(k)
    v = (scores[:, None] - scores[None, :]) ** 2 / max(k - 1, 1) ** 2
    n = t.sum(axis=(1, 2))
    p = t / n[:, None, None]
    expected = p.sum(axis=2)[:, :, None] * p.sum(axis=1)[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - (v * p).sum(axis=(1, 2)) / (v * expected).sum(axis=(1, 2))


def _shares_of_tables(tables: np.ndarray) -> dict[str, np.ndarray]:
    """Shares improved (later grade better: below the diagonal), same and declined (above) per table."""
    t = np.asarray(tables, dtype=float)
    n = t.sum(axis=(1, 2))
    improved = np.tril(np.ones(t.shape[-2:]), -1)
    declined = np.triu(np.ones(t.shape[-2:]), 1)
    out = {
        "share_improved": (t * improved).sum(axis=(1, 2)) / n,
        "share_same": np.trace(t, axis1=1, axis2=2) / n,
        "share_declined": (t * declined).sum(axis=(1, 2)) / n,
    }
    out["net_decline"] = out["share_declined"] - out["share_improved"]
    return out


def bootstrap_tables(earlier: np.ndarray, later: np.ndarray, k: int, n_boot: int, seed: int) -> np.ndarray:
    """n_boot tables of pairs resampled with replacement: one (n_boot x n) index matrix drawn from
    numpy's Generator(seed), cells counted with one bincount. earlier/later are 0-based levels."""
    cell = np.asarray(earlier, dtype=np.int64) * k + np.asarray(later, dtype=np.int64)
    n = len(cell)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, size=(n_boot, n))
    offset = (np.arange(n_boot, dtype=np.int64) * k * k)[:, None]
    counts = np.bincount((cell[index] + offset).ravel(), minlength=n_boot * k * k)
    return counts.reshape(n_boot, k, k)


def _interval(values: np.ndarray, level: float) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return float("nan"), float("nan")
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


#: TransitionSummary's fields that are estimates with a bootstrap interval, and those that are tests.
SUMMARY_ESTIMATES: tuple[str, ...] = (
    "share_improved",
    "share_same",
    "share_declined",
    "net_decline",
    "tau_b",
    "kappa_quadratic",
)
SUMMARY_TESTS: tuple[str, ...] = ("stuart_maxwell", "bowker", "symmetry_lr", "quasi_symmetry_lr", "mh_given_qs_lr")


@dataclass(frozen=True)
class TransitionSummary:
    """What one comparison's transitions show (see the module docstring for each statistic)."""

    comparison: str  # the comparison's name
    n: int  # authorities (pairs) in the table
    grades: tuple[str, ...]  # grade order of the table, best first
    table: pd.DataFrame  # counts, earlier grade (rows) x later grade (columns)
    share_improved: Estimate  # share whose later grade is better, bootstrap CI
    share_same: Estimate  # share with the same grade, bootstrap CI
    share_declined: Estimate  # share whose later grade is worse, bootstrap CI
    net_decline: Estimate  # share declined - share improved, bootstrap CI
    stuart_maxwell: ChiSquare  # marginal homogeneity (statsmodels), on the full table
    bowker: ChiSquare  # symmetry (statsmodels), on the full table
    symmetry_lr: ChiSquare  # G2 of the symmetry log-linear model, on the merged table
    quasi_symmetry_lr: ChiSquare  # G2 of quasi-symmetry (the order kept, net of margins), merged table
    mh_given_qs_lr: ChiSquare  # marginal homogeneity given quasi-symmetry, merged table
    qs_grades: tuple[str, ...]  # grade labels of the merged table the log-linear tests use
    collapsed: tuple[str, ...]  # the merges made before the log-linear tests (empty: none)
    tau_b: Estimate  # Kendall's tau-b (scipy, with its p-value), bootstrap CI
    kappa_quadratic: Estimate  # quadratic-weighted Cohen's kappa, bootstrap CI (no p-value)
    years_median: float  # median years between the two inspections (pairs with both dates)
    years_min: float  # shortest
    years_max: float  # longest
    n_boot: int  # bootstrap resamples
    seed: int  # seed of the bootstrap's numpy Generator
    level: float  # confidence level of the intervals
    parameters: dict[str, Any] = field(default_factory=dict)  # options of the pairs, the bootstrap and the merging

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows (results.tidy), statistic names as in the field names."""
        out = [getattr(self, name).row(name, self.n) for name in SUMMARY_ESTIMATES]
        for name in SUMMARY_TESTS:
            out += getattr(self, name).rows(name, self.n)
        out.append(row("n_grades_merged", len(self.collapsed), n=self.n))
        for name in ("years_median", "years_min", "years_max"):
            out.append(row(name, getattr(self, name), n=self.n))
        return out

    def to_tidy(self) -> pd.DataFrame:
        return tidy(MODEL, self.comparison, self.rows(), self.parameters)


def _empty_summary(
    comparison: str, order: list[str], n_boot: int, seed: int, level: float, parameters: dict[str, Any]
) -> TransitionSummary:
    """The summary of a comparison no authority has (e.g. care leavers, which ILACS grades only from
    2023): n = 0 and every statistic missing."""
    nan = float("nan")
    zeros = pd.DataFrame(0, index=pd.Index(order, name="earlier"), columns=pd.Index(order, name="later"))
    return TransitionSummary(
        comparison=comparison,
        n=0,
        grades=tuple(order),
        table=zeros,
        **dict.fromkeys(SUMMARY_ESTIMATES, Estimate(nan)),
        **dict.fromkeys(SUMMARY_TESTS, ChiSquare(nan, 0, nan)),
        qs_grades=tuple(order),
        collapsed=(),
        years_median=nan,
        years_min=nan,
        years_max=nan,
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        parameters=parameters,
    )


def transition_summary(
    pairs: pd.DataFrame, n_boot: int = 2000, seed: int = 0, min_margin: int = 5, level: float = 0.95
) -> TransitionSummary:
    """The transition statistics of a `pairs` frame (one comparison), with seeded bootstrap intervals."""
    order = _grade_order_of(pairs)
    k = len(order)
    counts = _counts(pairs, order)
    parameters = {**pairs.attrs.get("parameters", {}), "n_boot": n_boot, "seed": seed, "min_margin": min_margin}
    if not len(pairs):
        return _empty_summary(_comparison_of(pairs), order, n_boot, seed, level, parameters)
    position = {grade: i for i, grade in enumerate(order)}
    earlier = pairs["earlier_grade"].map(position).to_numpy(int)
    later = pairs["later_grade"].map(position).to_numpy(int)
    boots = bootstrap_tables(earlier, later, k, n_boot, seed)

    def estimate(point: float, draws: np.ndarray, p_value: float = float("nan")) -> Estimate:
        low, high = _interval(draws, level)
        return Estimate(float(point), low, high, p_value)

    shares = _shares_of_tables(counts[None])
    boot_shares = _shares_of_tables(boots)
    varies = len(pairs) > 1 and np.ptp(earlier) > 0 and np.ptp(later) > 0
    tau_p = float(stats.kendalltau(earlier, later).pvalue) if varies else float("nan")  # variant "b"
    qs = quasi_symmetry(counts, order, min_margin)
    years = pairs["years_apart"].dropna() if "years_apart" in pairs else pd.Series(dtype=float)
    return TransitionSummary(
        comparison=_comparison_of(pairs),
        n=int(counts.sum()),
        grades=tuple(order),
        table=pd.DataFrame(counts, index=pd.Index(order, name="earlier"), columns=pd.Index(order, name="later")),
        **{name: estimate(shares[name][0], boot_shares[name]) for name in shares},
        stuart_maxwell=stuart_maxwell(counts),
        bowker=bowker(counts),
        symmetry_lr=qs.symmetry_lr,
        quasi_symmetry_lr=qs.quasi_symmetry_lr,
        mh_given_qs_lr=qs.mh_given_qs_lr,
        qs_grades=qs.grades,
        collapsed=qs.collapsed,
        tau_b=estimate(tau_b_of_tables(counts)[0], tau_b_of_tables(boots), tau_p),
        kappa_quadratic=estimate(kappa_quadratic_of_tables(counts)[0], kappa_quadratic_of_tables(boots)),
        years_median=float(years.median()) if len(years) else float("nan"),
        years_min=float(years.min()) if len(years) else float("nan"),
        years_max=float(years.max()) if len(years) else float("nan"),
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        parameters=parameters,
    )


# ------------------------------------------------------------------------------------------------
# The pair model (the decision rule's penalty)


def model_framework(
    inspections: pd.DataFrame,
    framework_basis: str = "type",
    inspection_types: Mapping[str, Sequence[str]] | None = None,
) -> pd.Series:
    """The framework the pair model gives each inspection: with framework_basis="type" the earlier
    frameworks apart (EARLIER_FRAMEWORKS, by inspection type), else the framework column."""
    _check("framework_basis", framework_basis, FRAMEWORK_BASES)
    framework = inspections["framework"].astype(str)
    if framework_basis == "framework":
        return framework
    groups = _types(inspection_types)
    by_type = {t: name for name in EARLIER_FRAMEWORKS for t in groups[name]}
    return inspections["inspection_type"].map(by_type).fillna(framework)


def headline_sequence(
    data: Data,
    adequate_as_ri: bool = True,
    include_secondary: bool = True,
    date_basis: str = "published",
    headline_areas: Sequence[str] = PENALTY_HEADLINE_AREAS,
    framework_basis: str = "type",
    inspection_types: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Every dated inspection with a headline grade (the first of `headline_areas` it grades), in each
    authority's order: la_code, inspection_id, inspection_type, framework (`model_framework`), area,
    grade, level (1.. in the grade order used), date (on `date_basis`), order_date, and `counted`:
    False for a secondary-source inspection or grade when include_secondary=False. Such rows stay in
    the sequence (so that their neighbours are not made consecutive) but `consecutive_pairs` leaves
    them out of the ridits and drops the pairs they are an end of."""
    _check("date_basis", date_basis, DATE_BASES)
    parts = []
    for preference, area in enumerate(headline_areas):
        judged = snapshots.judgements_for(
            data,
            area=area,
            framework=None,
            include_secondary=True,
            date_basis=date_basis,
            adequate_as_ri=adequate_as_ri,
        )
        parts.append(judged.assign(_preference=preference))
    judged = pd.concat(parts, ignore_index=True).sort_values(["inspection_id", "_preference"])
    judged = judged.drop_duplicates("inspection_id").drop(columns="_preference")
    judged = judged[judged["order_date"].notna()]  # an undated inspection cannot be placed in the order
    level = {grade: i + 1 for i, grade in enumerate(grade_order(adequate_as_ri))}
    secondary = pd.Series(False, index=judged.index)
    for column in ("source_quality", "inspection_source_quality"):
        if column in judged:
            secondary |= judged[column] == SECONDARY
    out = pd.DataFrame(
        {
            "la_code": judged["la_code"],
            "inspection_id": judged["inspection_id"],
            "inspection_type": judged["inspection_type"],
            "framework": model_framework(judged, framework_basis, inspection_types),
            "area": judged["area"],
            "grade": judged["grade"],
            "level": judged["grade"].map(level).astype(int),
            "date": judged["date"],
            "order_date": judged["order_date"],
            "counted": ~secondary if not include_secondary else True,
        }
    )
    out = out.sort_values(["la_code", "order_date", "inspection_id"], na_position="last").reset_index(drop=True)
    out.attrs["parameters"] = {
        "adequate_as_ri": bool(adequate_as_ri),
        "include_secondary": bool(include_secondary),
        "date_basis": date_basis,
        "framework_basis": framework_basis,
        "headline_areas": list(headline_areas),
    }
    return out


def ridits(sequence: pd.DataFrame) -> pd.Series:
    """Each row's ridit within its framework and area: share of that group's levels below (better
    than) it plus half the share equal to it. Needs columns framework, area, level."""
    counts = sequence.groupby(["framework", "area", "level"]).size()
    share = counts / counts.groupby(level=["framework", "area"]).transform("sum")
    ridit = share.groupby(level=["framework", "area"]).cumsum() - share / 2
    keys = pd.MultiIndex.from_frame(sequence[["framework", "area", "level"]])
    return pd.Series(ridit.reindex(keys).to_numpy(), index=sequence.index, name="ridit")


def consecutive_pairs(sequence: pd.DataFrame) -> pd.DataFrame:
    """Every consecutive pair of an authority's inspections in `sequence` (columns la_code,
    inspection_id, framework, area, level, date, order_date), with both ridits, abs_ridit_diff,
    years_apart (later date - earlier date) and crosses_framework (0/1). The ridits are `ridits` of
    the counted rows (column `counted`, all rows without it) unless `sequence` already has a `ridit`
    column (e.g. ridits of a known reference population); pairs with an uncounted end are dropped."""
    counted = sequence["counted"].astype(bool) if "counted" in sequence else pd.Series(True, index=sequence.index)
    if "ridit" in sequence:
        given = sequence["ridit"]
    else:
        given = ridits(sequence[counted]).reindex(sequence.index)
    ordered = sequence.assign(ridit=given, counted=counted).sort_values(
        ["la_code", "order_date", "inspection_id"], na_position="last"
    )
    columns = ["inspection_id", "framework", "date", "ridit", "counted"]
    previous = ordered.groupby("la_code")[columns].shift(1)
    joined = pd.DataFrame(
        {
            "la_code": ordered["la_code"],
            "earlier_id": previous["inspection_id"],
            "later_id": ordered["inspection_id"],
            "earlier_framework": previous["framework"],
            "later_framework": ordered["framework"],
            "earlier_ridit": previous["ridit"].astype(float),
            "later_ridit": ordered["ridit"].astype(float),
            "years_apart": (ordered["date"] - pd.to_datetime(previous["date"])).dt.days / 365.25,
        }
    )
    both_counted = ordered["counted"] & previous["counted"].eq(True)
    joined = joined[joined["earlier_id"].notna() & both_counted].copy()
    joined["abs_ridit_diff"] = (joined["later_ridit"] - joined["earlier_ridit"]).abs()
    joined["crosses_framework"] = (joined["earlier_framework"] != joined["later_framework"]).astype(int)
    joined = joined.reset_index(drop=True)
    joined.attrs["parameters"] = dict(sequence.attrs.get("parameters", {}))
    return joined


@dataclass(frozen=True)
class PenaltyResult:
    """The decision rule's penalty: the crosses_framework coefficient on |ridit difference|."""

    penalty: Estimate  # crosses_framework coefficient, cluster-robust CI and p
    years_apart: Estimate  # years_apart coefficient (per year), cluster-robust CI and p
    intercept: Estimate  # expected |ridit difference| of a within-framework pair 0 years apart
    n_pairs: int  # consecutive pairs in the regression (with known years apart)
    n_authorities: int  # authorities (clusters) with at least one such pair
    n_crossing: int  # pairs that cross a framework change
    n_undated: int  # pairs left out because their years apart are unknown
    mean_within: float  # mean |ridit difference| of within-framework pairs
    mean_crossing: float  # mean |ridit difference| of cross-framework pairs
    level: float  # confidence level of the intervals
    parameters: dict[str, Any] = field(default_factory=dict)  # options that built the sequence

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows: penalty, years_apart_coefficient, intercept, means and counts."""
        return [
            self.penalty.row("penalty", self.n_pairs),
            self.years_apart.row("years_apart_coefficient", self.n_pairs),
            self.intercept.row("intercept", self.n_pairs),
            row("mean_abs_ridit_diff_within", self.mean_within, n=self.n_pairs - self.n_crossing),
            row("mean_abs_ridit_diff_crossing", self.mean_crossing, n=self.n_crossing),
            row("n_authorities", self.n_authorities, n=self.n_pairs),
            row("n_crossing", self.n_crossing, n=self.n_pairs),
            row("n_undated", self.n_undated, n=self.n_pairs + self.n_undated),
        ]

    def to_tidy(self) -> pd.DataFrame:
        return tidy(PENALTY_MODEL, ALL_CONSECUTIVE, self.rows(), self.parameters)


def fit_penalty(pairs: pd.DataFrame, level: float = 0.95) -> PenaltyResult:
    """OLS of abs_ridit_diff on years_apart and crosses_framework, errors clustered by la_code."""
    dated = pairs[pairs["years_apart"].notna()]
    n_undated = int(len(pairs) - len(dated))
    crossing = dated["crosses_framework"].to_numpy(float)
    nan = Estimate(float("nan"))
    if len(dated) < 4 or crossing.min(initial=1) == crossing.max(initial=0):
        fitted = None
    else:
        design = np.column_stack([np.ones(len(dated)), dated["years_apart"].to_numpy(float), crossing])
        groups = pd.factorize(dated["la_code"])[0]
        fitted = sm.OLS(dated["abs_ridit_diff"].to_numpy(float), design).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )

    def coefficient(i: int) -> Estimate:
        if fitted is None:
            return nan
        low, high = fitted.conf_int(alpha=1 - level)[i]
        return Estimate(float(fitted.params[i]), float(low), float(high), float(fitted.pvalues[i]))

    diff = dated["abs_ridit_diff"]
    return PenaltyResult(
        penalty=coefficient(2),
        years_apart=coefficient(1),
        intercept=coefficient(0),
        n_pairs=int(len(dated)),
        n_authorities=int(dated["la_code"].nunique()),
        n_crossing=int(crossing.sum()),
        n_undated=n_undated,
        mean_within=float(diff[crossing == 0].mean()) if (crossing == 0).any() else float("nan"),
        mean_crossing=float(diff[crossing == 1].mean()) if (crossing == 1).any() else float("nan"),
        level=float(level),
        parameters=dict(pairs.attrs.get("parameters", {})),
    )


def pair_model(data: Data, level: float = 0.95, **sequence_options: Any) -> PenaltyResult:
    """The decision rule's penalty on the dataset: headline_sequence(data, **sequence_options) ->
    consecutive_pairs -> fit_penalty. The options are headline_sequence's (adequate_as_ri,
    include_secondary, date_basis, framework_basis, headline_areas, inspection_types)."""
    return fit_penalty(consecutive_pairs(headline_sequence(data, **sequence_options)), level)
