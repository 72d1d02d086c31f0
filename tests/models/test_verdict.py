"""The decision rule of the goalposts verdict, applied to made-up evidence (no data, no model)."""

from __future__ import annotations

import math

import pytest

from analysis.models import verdict as v

RULE = v.load_rule()
SLAC, CP = RULE["primary_comparisons"]


def comparison(name: str, sm_p: float = 0.001, net=(0.30, 0.20, 0.40), qs_p: float = 0.40) -> v.ComparisonEvidence:
    return v.ComparisonEvidence(name, 120, v.Estimate(p_value=sm_p), v.Estimate(*net), v.Estimate(p_value=qs_p))


def evidence(penalty=(0.01, -0.02, 0.04), learning=(1.05, 0.90, 1.20), **changes) -> v.Evidence:
    first = comparison(SLAC, **changes)
    return v.Evidence((first, comparison(CP)), v.Estimate(*penalty), v.Estimate(*learning))


def test_the_committed_rule_names_two_primary_comparisons_and_its_thresholds() -> None:
    assert RULE["version"] == 1 and RULE["alpha"] == 0.05 and RULE["penalty"]["material"] == 0.05
    assert RULE["primary_comparisons"] == [
        "SLAC safeguarding -> first SIF help and protection",
        "2012-13 child protection -> first SIF help and protection",
    ]
    assert [r["name"] for r in RULE["robustness"]] == [
        "binary",
        "adequate_apart",
        "primary_only",
        "latest_sif",
        "inspected_date",
    ]


def test_a_downward_shift_with_the_order_kept_and_no_penalty_is_raised_the_bar() -> None:
    headline = v.decide(evidence(), RULE)
    assert headline.verdict == v.RAISED and headline.note == "" and headline.rule_version == 1
    assert [c.verdict for c in headline.by_comparison] == [v.RAISED, v.RAISED]
    assert v.comparability_verdict(headline) == v.NOT_SUPPORTED


def test_a_material_penalty_is_moved_the_goalposts_and_supports_h02() -> None:
    headline = v.decide(evidence(penalty=(0.08, 0.06, 0.10)), RULE)
    assert headline.verdict == v.MOVED and headline.moved_by == ("reordered",)
    assert v.comparability_verdict(headline) == v.SUPPORTED


def test_a_penalty_below_the_material_size_is_not_reordering() -> None:
    headline = v.decide(evidence(penalty=(0.03, 0.01, 0.045)), RULE)
    # CI above 0 but below the material size: no_penalty holds (upper end < 0.05), reordered does not.
    assert headline.verdict == v.RAISED


def test_a_surviving_learning_slope_takes_precedence_over_raised_the_bar_but_does_not_support_h02() -> None:
    headline = v.decide(evidence(learning=(1.40, 1.10, 1.80)), RULE)
    assert headline.verdict == v.MOVED and headline.moved_by == ("learning",)
    assert all(c.conditions["margins_shift_down"] and c.conditions["order_kept"] for c in headline.by_comparison)
    assert v.comparability_verdict(headline) == v.INCONCLUSIVE


def test_primary_comparisons_that_disagree_give_inconclusive_and_say_why() -> None:
    headline = v.decide(evidence(qs_p=0.01), RULE)
    assert [c.verdict for c in headline.by_comparison] == [v.MOVED, v.RAISED]
    assert headline.verdict == v.INCONCLUSIVE
    assert headline.note == f"the primary comparisons disagree: {SLAC}: moved the goalposts; {CP}: raised the bar"


def test_no_significant_shift_and_no_goalposts_evidence_is_inconclusive() -> None:
    headline = v.decide(evidence(sm_p=0.30), RULE)
    assert [c.verdict for c in headline.by_comparison] == [v.INCONCLUSIVE, v.RAISED]
    assert headline.by_comparison[0].reasons == ("not margins_shift_down",)
    assert headline.verdict == v.INCONCLUSIVE


def test_a_missing_estimate_can_lead_only_to_inconclusive() -> None:
    headline = v.decide(evidence(penalty=(math.nan, math.nan, math.nan)), RULE)
    assert headline.verdict == v.INCONCLUSIVE
    assert not headline.by_comparison[0].conditions["no_penalty"]
    assert not headline.by_comparison[0].conditions["reordered"]
    missing_qs = v.decide(evidence(qs_p=math.nan), RULE)
    assert missing_qs.by_comparison[0].verdict == v.INCONCLUSIVE


def test_evidence_for_other_comparisons_than_the_rule_names_is_refused() -> None:
    wrong = v.Evidence((comparison("last SIF -> first ILACS, overall"),), v.Estimate(0, -1, 1), v.Estimate(1, 0.9, 1.1))
    with pytest.raises(ValueError, match="primary comparisons"):
        v.decide(wrong, RULE)


@pytest.mark.parametrize(
    ("learning", "expected"),
    [
        ((1.30, 1.05, 1.60), v.SUPPORTED),
        ((1.05, 0.90, 1.20), v.NOT_SUPPORTED),
        ((0.80, 0.70, 0.95), v.NOT_SUPPORTED),
        ((1.20, 0.80, 1.90), v.INCONCLUSIVE),
        ((math.nan, math.nan, math.nan), v.INCONCLUSIVE),
    ],
)
def test_h01_follows_its_rule(learning, expected) -> None:
    assert v.learning_verdict(v.Estimate(*learning), RULE) == expected


@pytest.mark.parametrize(
    ("share", "expected"),
    [((0.40, 0.30, 0.50), v.SUPPORTED), ((0.05, 0.02, 0.08), v.NOT_SUPPORTED), ((0.28, 0.20, 0.36), v.INCONCLUSIVE)],
)
def test_h04_and_h08_follow_their_share_rules(share, expected) -> None:
    assert v.share_verdict("H04", v.Estimate(*share), RULE) == expected
    assert v.share_verdict("H08", v.Estimate(*share), RULE) == expected


def test_h03_and_h09_follow_their_rules() -> None:
    assert v.prior_grade_verdict(v.Estimate(1.1, 0.8, 1.5)) == v.SUPPORTED
    assert v.prior_grade_verdict(v.Estimate(2.0, 1.4, 2.9)) == v.NOT_SUPPORTED
    assert v.prior_grade_verdict(v.Estimate(0.5, 0.3, 0.8)) == v.INCONCLUSIVE
    assert v.region_verdict(v.Estimate(p_value=0.01), v.Estimate(p_value=0.02), RULE) == v.SUPPORTED
    assert v.region_verdict(v.Estimate(p_value=0.30), v.Estimate(p_value=0.60), RULE) == v.NOT_SUPPORTED
    assert v.region_verdict(v.Estimate(p_value=0.01), v.Estimate(p_value=0.60), RULE) == v.INCONCLUSIVE
