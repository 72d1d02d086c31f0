"""The goalposts verdict: src/analysis/models/verdict_rule.yaml applied to the models' estimates.

The rule was written and committed before any model result existed (see the file's header and its
git history); this module only applies it. Its inputs are the numbers the model notebooks record
(transition tests per primary comparison, the cross-framework penalty, the learning slope and the
hypothesis statistics), gathered by notebooks/19_goalposts_verdict into the dataclasses below.
Nothing here reads data or fits a model, so the rule can be tested on any evidence, real or made up.

Assumptions, as the rule states them: alpha two-sided, 95% intervals; "CI includes 0" means
ci_low <= 0 <= ci_high; a missing estimate (a comparison with too few authorities, a model that
could not be fitted) makes every condition that needs it false, so it can only lead to
"inconclusive", never to either reading.

Known limit of version 1, found after it was committed (tests/models/test_transitions.py, the end-to-end
tests): on simulated councils whose order is kept while the SIF's thresholds get harder, the penalty
of coarse grades reaches about the material size, so the rule reads such a world as "inconclusive" or
"moved the goalposts", not "raised the bar". Version 2 (verdict_rule_v2.yaml, committed before its
statistic was written) reads the same rule with the latent penalty of analysis.models.latent, which a
threshold shift leaves alone (tests/models/test_latent.py); it is the rule of record, and version 1 is
reported beside it. `decide` applies whichever version it is given: the penalty in the Evidence must
be that version's statistic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.models.results import Estimate

RULE_FILE = Path(__file__).with_name("verdict_rule.yaml")  # version 1
RULE_FILE_2 = Path(__file__).with_name("verdict_rule_v2.yaml")  # version 2: the latent penalty
RULE_FILES = {1: RULE_FILE, 2: RULE_FILE_2}
RULE_OF_RECORD = 2  # the version whose hypothesis verdicts are recorded (verdict_rule_v2.yaml's header)

RAISED = "raised the bar"
MOVED = "moved the goalposts"
INCONCLUSIVE = "inconclusive"
VERDICTS: tuple[str, ...] = (RAISED, MOVED, INCONCLUSIVE)
_RULE_NAMES = {"raised_the_bar": RAISED, "moved_the_goalposts": MOVED}

SUPPORTED, NOT_SUPPORTED = "supported", "not supported"  # claims.HYPOTHESIS_VERDICTS, with INCONCLUSIVE


def load_rule(path: Path = RULE_FILE) -> dict[str, Any]:
    """The decision rule, checked for the keys this module reads."""
    rule = paths.read_yaml(path)
    needed = ["version", "alpha", "primary_comparisons", "penalty", "rules", "hypotheses", "robustness"]
    missing = [key for key in needed if key not in rule]
    if missing:
        raise ValueError(f"{path}: expected the keys {needed}, missing {missing}")
    precedence = [_RULE_NAMES.get(name, name) for name in rule["rules"]["precedence"]]
    if sorted(precedence) != sorted([RAISED, MOVED]):
        raise ValueError(
            f"{path}: rules.precedence must name raised_the_bar and moved_the_goalposts, found {precedence}"
        )
    return rule


@dataclass(frozen=True)
class ComparisonEvidence:
    """The transition tests of one primary comparison (e.g. SLAC safeguarding -> first SIF help and protection)."""

    comparison: str  # its name, as verdict_rule.yaml's primary_comparisons spells it
    n: int  # authorities with both inspections
    stuart_maxwell: Estimate  # marginal homogeneity: p_value used
    net_decline: Estimate  # share declined - share improved, with its bootstrap interval
    quasi_symmetry: Estimate  # likelihood-ratio test of quasi-symmetry: p_value used


@dataclass(frozen=True)
class Evidence:
    """Everything the headline verdict reads."""

    comparisons: tuple[ComparisonEvidence, ...]  # one per primary comparison
    penalty: Estimate  # crosses-framework coefficient on |ridit difference| (verdict_rule.yaml penalty)
    learning: Estimate  # H01's statistic: odds ratio per year since the SIF began, with the controls


@dataclass(frozen=True)
class ComparisonVerdict:
    """The rule applied to one primary comparison."""

    comparison: str  # as in ComparisonEvidence
    verdict: str  # one of VERDICTS
    conditions: dict[str, bool]  # each named condition of the rule, true or false
    reasons: tuple[str, ...]  # the conditions that decided it, in words


@dataclass(frozen=True)
class Verdict:
    """The headline verdict and how it was reached."""

    verdict: str  # one of VERDICTS: the comparisons' common verdict, else inconclusive
    by_comparison: tuple[ComparisonVerdict, ...]  # each primary comparison's own verdict
    rule_version: int  # verdict_rule.yaml's version
    note: str = ""  # why the comparisons disagree, if they do
    moved_by: tuple[str, ...] = field(default=())  # the goalposts conditions that held (for H02)


def _includes(value: float, estimate: Estimate) -> bool:
    return estimate.known and estimate.ci_low <= value <= estimate.ci_high


def _below(estimate: Estimate, threshold: float) -> bool:
    """p < threshold (False when unknown)."""
    return not math.isnan(estimate.p_value) and estimate.p_value < threshold


def _at_least(estimate: Estimate, threshold: float) -> bool:
    """p >= threshold (False when unknown)."""
    return not math.isnan(estimate.p_value) and estimate.p_value >= threshold


def learning_verdict(learning: Estimate, rule: dict[str, Any]) -> str:
    """H01 by its rule: supported, not supported or inconclusive."""
    limit = float(rule["hypotheses"]["H01"]["thresholds"]["null_ci_high_below"])
    if not learning.known:
        return INCONCLUSIVE
    if learning.estimate > 1 and learning.ci_low > 1:
        return SUPPORTED
    if (_includes(1.0, learning) and learning.ci_high < limit) or learning.ci_high < 1:
        return NOT_SUPPORTED
    return INCONCLUSIVE


def comparison_verdict(item: ComparisonEvidence, evidence: Evidence, rule: dict[str, Any]) -> ComparisonVerdict:
    """verdict_rule.yaml's rules for one primary comparison (the penalty and learning are shared)."""
    alpha, material = float(rule["alpha"]), float(rule["penalty"]["material"])
    penalty = evidence.penalty
    conditions = {
        "margins_shift_down": _below(item.stuart_maxwell, alpha)
        and item.net_decline.known
        and item.net_decline.estimate > 0
        and item.net_decline.ci_low > 0,
        "order_kept": _at_least(item.quasi_symmetry, alpha),
        "no_penalty": penalty.known and (_includes(0.0, penalty) or penalty.ci_high < material),
        "reordered": penalty.known and penalty.estimate >= material and penalty.ci_low > 0,
        "not_quasi_symmetric": _below(item.quasi_symmetry, alpha),
        "learning": learning_verdict(evidence.learning, rule) == SUPPORTED,
    }
    raised = all(conditions[name] for name in ("margins_shift_down", "order_kept", "no_penalty"))
    moved = any(conditions[name] for name in ("reordered", "not_quasi_symmetric", "learning"))
    held = {RAISED: raised, MOVED: moved}
    verdict = next((_RULE_NAMES[name] for name in rule["rules"]["precedence"] if held[_RULE_NAMES[name]]), INCONCLUSIVE)
    if verdict == MOVED:
        reasons = tuple(name for name in ("reordered", "not_quasi_symmetric", "learning") if conditions[name])
    elif verdict == RAISED:
        reasons = ("margins_shift_down", "order_kept", "no_penalty")
    else:
        reasons = tuple(
            f"not {name}" for name in ("margins_shift_down", "order_kept", "no_penalty") if not conditions[name]
        )
    return ComparisonVerdict(item.comparison, verdict, conditions, reasons)


def decide(evidence: Evidence, rule: dict[str, Any] | None = None) -> Verdict:
    """The headline verdict: each primary comparison's verdict; their common one, else inconclusive."""
    rule = rule or load_rule()
    wanted = list(rule["primary_comparisons"])
    given = [item.comparison for item in evidence.comparisons]
    if sorted(given) != sorted(wanted):
        raise ValueError(f"evidence must hold the primary comparisons {wanted}, found {given}")
    by = tuple(comparison_verdict(item, evidence, rule) for item in evidence.comparisons)
    verdicts = {item.verdict for item in by}
    if len(verdicts) == 1:
        headline, note = verdicts.pop(), ""
    else:
        headline = INCONCLUSIVE
        note = "the primary comparisons disagree: " + "; ".join(f"{item.comparison}: {item.verdict}" for item in by)
    moved_by = tuple(sorted({reason for item in by if item.verdict == MOVED for reason in item.reasons}))
    return Verdict(headline, by, int(rule["version"]), note, moved_by if headline == MOVED else ())


def share_verdict(hypothesis: str, share: Estimate, rule: dict[str, Any]) -> str:
    """H04 / H08 by their rule (a share with its interval)."""
    limits = rule["hypotheses"][hypothesis]["thresholds"]
    high, low = float(limits["supported_above"]), float(limits["not_supported_below"])
    if not share.known:
        return INCONCLUSIVE
    if share.estimate > high and share.ci_low > high:
        return SUPPORTED
    if share.estimate < low and share.ci_high < low:
        return NOT_SUPPORTED
    return INCONCLUSIVE


def prior_grade_verdict(prior: Estimate) -> str:
    """H03 (past performance is not an indicator of current performance) by its rule."""
    if not prior.known:
        return INCONCLUSIVE
    if _includes(1.0, prior):
        return SUPPORTED
    if prior.estimate > 1 and prior.ci_low > 1:
        return NOT_SUPPORTED
    return INCONCLUSIVE


def region_verdict(sif: Estimate, ilacs: Estimate, rule: dict[str, Any]) -> str:
    """H09 by its rule: the p-values of the region terms in the SIF and in ILACS."""
    alpha = float(rule["alpha"])
    if _below(sif, alpha) and _below(ilacs, alpha):
        return SUPPORTED
    if _at_least(sif, alpha) and _at_least(ilacs, alpha):
        return NOT_SUPPORTED
    return INCONCLUSIVE


def comparability_verdict(headline: Verdict) -> str:
    """H02 (grades under different frameworks cannot be compared for one authority) by its rule."""
    if headline.verdict == MOVED and set(headline.moved_by) & {"reordered", "not_quasi_symmetric"}:
        return SUPPORTED
    if headline.verdict == RAISED:
        return NOT_SUPPORTED
    return INCONCLUSIVE
