"""Models of the reports' language, and the verdicts on H05-H07 by the committed decision rule.

Reads data/processed only (report_text.csv, report_terms.csv, report_quotes.csv, inspections.csv,
judgements.csv), never the build. Where each value comes from and what is assumed:

- a report's comparison group is its inspection type: "SIF" (SIF inspections and re-inspections),
  "ILACS standard", "ILACS short"; "ILACS" is the two ILACS types together. The 2013 looked after
  children reports and the LSCB review are in no group;
- a report's grade is its overall-effectiveness grade (judgements.csv, area "overall"); every grouped
  report has one (the build logs any that has not);
- `effect` is the rule's model (src/analysis/text/language_rule.yaml): a linear mixed model
  (statsmodels MixedLM, REML) of the measure on the framework and the grade, random intercept per
  authority; the framework coefficient divided by the pooled within-group SD of the measure is "d",
  its Wald interval divided by the same SD is d's interval. If MixedLM does not converge, OLS with
  errors clustered by authority, and the result says so. `control_grade=False` drops the grade, for
  the check that the grade control matters (it is the point of the design: an inadequate report is
  negative under any framework);
- `decide` reads the rule file and returns each hypothesis's verdict with its evidence; the rule's
  "contradicted" is the claims registry's "not supported".
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from analysis import paths
from analysis.lexicon import ALL_PROSE
from analysis.models.verdict import INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED

RULE_FILE = Path(__file__).with_name("language_rule.yaml")
SIF_GROUP, STANDARD, SHORT, ILACS_GROUP = "SIF", "ILACS standard", "ILACS short", "ILACS"
GROUP_OF = {"SIF": SIF_GROUP, "SIF re-inspection": SIF_GROUP, "ILACS standard": STANDARD, "ILACS short": SHORT}
#: The ILACS side of a comparison with SIF (the notebook's `compare` parameter).
COMPARISONS: dict[str, tuple[str, ...]] = {ILACS_GROUP: (STANDARD, SHORT), STANDARD: (STANDARD,), SHORT: (SHORT,)}
#: The negativity measure of each `lexicon` option (report_text.csv columns).
NEGATIVE_MEASURE = {
    "domain": "negative_share",
    "domain-unmasked": "negative_share_unmasked",
    "vader": "vader_negative_share",
}
POSITIVE_MEASURE = {
    "domain": "positive_share",
    "domain-unmasked": "positive_share_unmasked",
    "vader": "vader_positive_share",
}
GRADES = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")


def reports(data_dir: Path = paths.DATA_PROCESSED) -> pd.DataFrame:
    """report_text.csv joined to each report's authority, group and overall grade; plus log_words,
    negative_balance (negative / (negative + positive) sentences) and the start year."""
    text = pd.read_csv(Path(data_dir) / "report_text.csv", dtype={"inspection_id": str})
    inspections = pd.read_csv(Path(data_dir) / "inspections.csv", dtype={"inspection_id": str, "la_code": str})
    judgements = pd.read_csv(Path(data_dir) / "judgements.csv", dtype={"inspection_id": str})
    overall = judgements[judgements["area"] == "overall"].set_index("inspection_id")["grade"]
    meta = inspections.set_index("inspection_id")[["la_code", "la_name", "framework", "inspection_type", "start_date"]]
    frame = text.join(meta, on="inspection_id")
    missing = frame[frame["la_code"].isna()]["inspection_id"].unique()
    if len(missing):
        raise ValueError(
            f"{data_dir}/report_text.csv: expected every report in inspections.csv; not there: {sorted(missing)[:5]}"
        )
    frame["group"] = frame["inspection_type"].map(GROUP_OF)
    frame["grade"] = frame["inspection_id"].map(overall)
    frame["log_words"] = np.log(frame["words"])
    # Of the sentences with negative or positive language (lexicon, masked), the share negative: a
    # balance that a report more evaluative in both directions leaves alone (shown, in no rule).
    evaluative = frame["negative_sentences"] + frame["positive_sentences"]
    frame["negative_balance"] = (frame["negative_sentences"] / evaluative).where(evaluative > 0)
    frame["year"] = pd.to_datetime(frame["start_date"]).dt.year
    return frame


def section_frame(frame: pd.DataFrame, section: str = ALL_PROSE, groups: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per grouped, graded report for one section (the reports without the section are absent)."""
    part = frame[(frame["section"] == section) & frame["group"].notna() & frame["grade"].isin(GRADES)]
    if groups is not None:
        part = part[part["group"].isin(groups)]
    return part.reset_index(drop=True)


@dataclass(frozen=True)
class Effect:
    """The framework effect on one measure, within grade and authority (the rule's model)."""

    measure: str  # report_text.csv column (or log_words)
    comparison: str  # e.g. "ILACS vs SIF"
    section: str  # report_text.csv section the measure is of
    coefficient: float  # framework coefficient (ILACS side minus SIF), in the measure's units
    ci_low: float  # its 95% Wald interval
    ci_high: float
    p_value: float
    sd: float  # pooled within-group SD of the measure (the scale of d)
    d: float  # coefficient / sd
    d_low: float
    d_high: float
    n: int  # reports
    n_sif: int
    n_ilacs: int
    authorities: int
    method: str  # "MixedLM (REML)" or "OLS, errors clustered by authority (MixedLM did not converge)"
    controls_grade: bool
    mean_sif: float  # raw means, for the reader
    mean_ilacs: float

    def row(self) -> dict[str, Any]:
        """A tidy row (analysis.models.results.COLUMNS) of d."""
        return dict(
            model="report_language",
            comparison=f"{self.comparison}, {self.section}",
            statistic=f"d_{self.measure}" + ("" if self.controls_grade else "_without_grade"),
            estimate=self.d,
            ci_low=self.d_low,
            ci_high=self.d_high,
            p_value=self.p_value,
            n=self.n,
            parameters=f'{{"method":"{self.method}"}}',
        )


def pooled_sd(values: pd.Series, groups: pd.Series) -> float:
    """The pooled within-group standard deviation (groups' variances weighted by their df)."""
    parts = [v for _, v in values.groupby(groups) if len(v) > 1]
    df = sum(len(v) - 1 for v in parts)
    if df <= 0:
        return math.nan
    return math.sqrt(sum((len(v) - 1) * v.var(ddof=1) for v in parts) / df)


def effect(
    frame: pd.DataFrame,
    measure: str,
    ilacs: tuple[str, ...] = (STANDARD, SHORT),
    section: str = ALL_PROSE,
    control_grade: bool = True,
    alpha: float = 0.05,
) -> Effect:
    """The framework effect on `measure` (see the module docstring). `frame`: reports(...)."""
    part = section_frame(frame, section, (SIF_GROUP, *ilacs)).dropna(subset=[measure])
    if part.empty:
        raise ValueError(f"no report with {measure!r} in section {section!r} for SIF and {ilacs}")
    part = part.assign(ilacs=(part["group"] != SIF_GROUP).astype(float), y=part[measure].astype(float))
    if part["ilacs"].nunique() < 2:
        raise ValueError(f"section {section!r}: expected reports of both SIF and {ilacs}, found one side only")
    formula = "y ~ ilacs" + (" + C(grade)" if control_grade else "")
    method = "MixedLM (REML)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = smf.mixedlm(formula, part, groups=part["la_code"]).fit(reml=True)
            converged = bool(getattr(fit, "converged", False)) and np.isfinite(fit.bse["ilacs"])
        except (np.linalg.LinAlgError, ValueError):
            converged = False
        if not converged:
            method = "OLS, errors clustered by authority (MixedLM did not converge)"
            fit = smf.ols(formula, part).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(part["la_code"])[0]})
    coef = float(fit.params["ilacs"])
    low, high = (float(x) for x in fit.conf_int(alpha).loc["ilacs"])
    sd = pooled_sd(part["y"], part["group"] != SIF_GROUP)
    name = " + ".join(ilacs) if len(ilacs) > 1 else ilacs[0]
    return Effect(
        measure=measure,
        comparison=f"{ILACS_GROUP if set(ilacs) == {STANDARD, SHORT} else name} vs SIF",
        section=section,
        coefficient=coef,
        ci_low=low,
        ci_high=high,
        p_value=float(fit.pvalues["ilacs"]),
        sd=sd,
        d=coef / sd,
        d_low=low / sd,
        d_high=high / sd,
        n=int(len(part)),
        n_sif=int((part["ilacs"] == 0).sum()),
        n_ilacs=int((part["ilacs"] == 1).sum()),
        authorities=int(part["la_code"].nunique()),
        method=method,
        controls_grade=control_grade,
        mean_sif=float(part.loc[part["ilacs"] == 0, "y"].mean()),
        mean_ilacs=float(part.loc[part["ilacs"] == 1, "y"].mean()),
    )


@dataclass(frozen=True)
class Mean:
    """A mean over reports with its t interval."""

    measure: str
    group: str
    section: str
    mean: float
    ci_low: float
    ci_high: float
    n: int


def mean_interval(
    frame: pd.DataFrame, measure: str, groups: tuple[str, ...], section: str = ALL_PROSE, alpha: float = 0.05
) -> Mean:
    """The mean of `measure` over the groups' graded reports, with its t interval."""
    values = section_frame(frame, section, groups)[measure].dropna().astype(float)
    n = len(values)
    if n < 2:
        raise ValueError(f"{measure!r}: expected at least two reports of {groups}, found {n}")
    half = stats.t.ppf(1 - alpha / 2, n - 1) * values.std(ddof=1) / math.sqrt(n)
    return Mean(
        measure,
        " + ".join(groups),
        section,
        float(values.mean()),
        float(values.mean() - half),
        float(values.mean() + half),
        n,
    )


def load_rule(path: Path = RULE_FILE) -> dict[str, Any]:
    """The decision rule, checked for what decide() reads."""
    rule = paths.read_yaml(path)
    missing = [k for k in ("version", "alpha", "material", "hypotheses") if k not in rule]
    missing += [h for h in ("H05", "H06", "H07") if h not in rule.get("hypotheses", {})]
    if missing:
        raise ValueError(
            f"{path}: expected the keys version, alpha, material and hypotheses H05-H07; missing {missing}"
        )
    return rule


@dataclass(frozen=True)
class Evidence:
    """What the rule reads, computed by `evidence` from the processed data."""

    negative: Effect  # H05: lexicon negative share, ILACS vs SIF
    negative_vader: Effect  # H05 robustness: VADER negative share
    log_words: Effect  # H06: ILACS standard vs SIF
    words_per_sentence: Effect  # H06
    procedure: Effect  # H07: procedure share, ILACS vs SIF
    procedure_mean: Mean  # H07: ILACS reports' mean procedure share


def evidence(frame: pd.DataFrame, rule: dict[str, Any]) -> Evidence:
    """The rule's statistics, on its basis: all prose, grade words masked, every ILACS report vs SIF
    (H06: ILACS standard vs SIF)."""
    alpha = float(rule["alpha"])
    both = (STANDARD, SHORT)
    return Evidence(
        negative=effect(frame, "negative_share", both, ALL_PROSE, alpha=alpha),
        negative_vader=effect(frame, "vader_negative_share", both, ALL_PROSE, alpha=alpha),
        log_words=effect(frame, "log_words", (STANDARD,), ALL_PROSE, alpha=alpha),
        words_per_sentence=effect(frame, "words_per_sentence", (STANDARD,), ALL_PROSE, alpha=alpha),
        procedure=effect(frame, "procedure_share", both, ALL_PROSE, alpha=alpha),
        procedure_mean=mean_interval(frame, "procedure_share", both, ALL_PROSE, alpha=alpha),
    )


@dataclass(frozen=True)
class Verdict:
    """One hypothesis's verdict by the rule, with the evidence as text."""

    hypothesis: str
    verdict: str  # SUPPORTED, NOT_SUPPORTED or INCONCLUSIVE (claims.HYPOTHESIS_VERDICTS)
    reason: str  # which clause of the rule decided
    evidence: str  # the numbers and the limits, for the claims registry


def _d(e: Effect) -> str:
    return f"d = {e.d:.2f} (95% CI {e.d_low:.2f} to {e.d_high:.2f}; {e.n_ilacs} {e.comparison.split(' vs ')[0]} and {e.n_sif} SIF reports, {e.authorities} authorities; {e.method})"


def decide(ev: Evidence, rule: dict[str, Any]) -> dict[str, Verdict]:
    """Apply language_rule.yaml to the evidence: H05, H06, H07."""
    m = float(rule["material"])
    limits = " ".join(str(rule.get("limits", "")).split())
    out = {}

    n, v = ev.negative, ev.negative_vader
    if (n.d < 0 and v.d_low > 0) or (n.d > 0 and v.d_high < 0):
        h05, why = INCONCLUSIVE, "the lexicon and VADER disagree in direction (robustness clause)"
    elif n.d <= -m and n.d_high < 0:
        h05, why = SUPPORTED, f"d <= -{m} and the CI's upper end < 0"
    elif n.d_low > 0 or (n.d_low > -m and n.d_high < m):
        h05, why = (
            NOT_SUPPORTED,
            "CI above 0 (ILACS more negative)" if n.d_low > 0 else f"CI inside (-{m}, {m}): no material shift",
        )
    else:
        h05, why = INCONCLUSIVE, "neither clause holds"
    out["H05"] = Verdict(
        "H05",
        h05,
        why,
        f"Share of prose sentences with negative inspection language (domain lexicon, grade words masked), "
        f"ILACS against SIF within overall grade and authority: {_d(n)}; raw means {n.mean_ilacs:.3f} vs "
        f"{n.mean_sif:.3f}. VADER's negative share: {_d(v)}. Rule v{rule['version']}: {why}. Limits: {limits}",
    )

    w, s = ev.log_words, ev.words_per_sentence
    if w.d <= -m and w.d_high < 0 and s.d_low < m:
        h06, why = SUPPORTED, f"log words d <= -{m} with CI below 0, and words per sentence not materially longer"
    elif w.d_low > -m:
        h06, why = NOT_SUPPORTED, f"log words CI lower end > -{m}: not materially shorter"
    else:
        h06, why = INCONCLUSIVE, "neither clause holds"
    out["H06"] = Verdict(
        "H06",
        h06,
        why,
        f"Words of prose, ILACS standard against SIF within overall grade and authority (log scale): {_d(w)}; "
        f"mean words {math.exp(w.mean_ilacs):,.0f} vs {math.exp(w.mean_sif):,.0f} (geometric). Words per sentence: "
        f"{_d(s)}; means {s.mean_ilacs:.1f} vs {s.mean_sif:.1f}. Rule v{rule['version']}: {why}. Limits: {limits}",
    )

    p, mean = ev.procedure, ev.procedure_mean
    if mean.ci_high < 0.5 or (p.d <= -m and p.d_high < 0):
        h07, why = (
            NOT_SUPPORTED,
            "ILACS mean procedure share CI below 0.5" if mean.ci_high < 0.5 else "a material shift toward practice",
        )
    elif mean.ci_low > 0.5 and p.d_low > -m:
        h07, why = SUPPORTED, "ILACS mean procedure share CI above 0.5 and no material shift toward practice"
    else:
        h07, why = INCONCLUSIVE, "neither clause holds"
    out["H07"] = Verdict(
        "H07",
        h07,
        why,
        f"Procedure share (procedure terms / procedure + practice terms, prose sections): ILACS reports' mean "
        f"{mean.mean:.3f} (95% CI {mean.ci_low:.3f} to {mean.ci_high:.3f}, {mean.n} reports); ILACS against SIF "
        f"within grade and authority: {_d(p)}. Rule v{rule['version']}: {why}. Limits: {limits}",
    )
    return out
