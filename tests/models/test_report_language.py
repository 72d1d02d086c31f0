"""The report-language models (analysis.text.language, analysis.logodds): the grade control on data
simulated to need it and on the real data, a planted effect recovered, the rule's clauses, and the
log-odds ranking of planted words."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import logodds, paths
from analysis.lexicon import ALL_PROSE
from analysis.models.verdict import INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED
from analysis.text import language

GRADE_MEAN = {"Outstanding": 0.04, "Good": 0.08, "Requires improvement to be good": 0.14, "Inadequate": 0.22}


def simulated(framework_shift: float = 0.0, seed: int = 7, councils: int = 150) -> pd.DataFrame:
    """Reports whose negative share depends on the grade (and the council), plus `framework_shift` for
    ILACS. SIF grades lean to inadequate and ILACS grades to good, as in the real data."""
    rng = np.random.default_rng(seed)
    grades = list(GRADE_MEAN)
    rows = []
    for council in range(councils):
        level = rng.normal(0, 0.015)
        for group, weights in (("SIF", [0.02, 0.3, 0.43, 0.25]), ("ILACS standard", [0.1, 0.5, 0.3, 0.1])):
            grade = grades[rng.choice(4, p=weights)]
            value = GRADE_MEAN[grade] + level + rng.normal(0, 0.02) + (framework_shift if group != "SIF" else 0)
            rows.append(dict(inspection_id=f"{group}-{council}", la_code=f"E{council:08d}", group=group, grade=grade))
            rows[-1].update(section=ALL_PROSE, negative_share=value)
    return pd.DataFrame(rows)


def test_without_the_grade_control_a_grade_difference_passes_for_a_framework_effect() -> None:
    frame = simulated()
    within = language.effect(frame, "negative_share", ("ILACS standard",))
    across = language.effect(frame, "negative_share", ("ILACS standard",), control_grade=False)
    assert within.method == "MixedLM (REML)" and within.n == 300 and within.authorities == 150
    assert within.d_low < 0 < within.d_high and abs(within.d) < 0.2
    assert across.d < -0.5 and across.d_high < 0  # ILACS looks much less negative: it only has better grades


def test_a_planted_framework_effect_is_recovered_within_grade() -> None:
    frame = simulated(framework_shift=0.01)
    found = language.effect(frame, "negative_share", ("ILACS standard",))
    assert found.ci_low < 0.01 < found.ci_high
    assert abs(found.coefficient - 0.01) < 0.005


def test_on_the_real_reports_the_grade_control_changes_the_negativity_estimate_materially() -> None:
    reports = language.reports(paths.DATA_PROCESSED)
    within = language.effect(reports, "negative_share")
    across = language.effect(reports, "negative_share", control_grade=False)
    assert within.n == across.n == 426 and within.n_sif == 167 and within.n_ilacs == 259
    assert abs(within.d - across.d) > 0.2, (within.d, across.d)


def test_every_report_read_has_a_row_in_report_text() -> None:
    text = pd.read_csv(paths.DATA_PROCESSED / "report_text.csv")
    log = pd.read_csv(paths.DATA_PROCESSED / "extraction_log.csv")
    read = set(log.loc[log["status"] != "skipped", "file"].str.removesuffix(".pdf"))
    assert len(read) == 431
    assert set(text.loc[text["section"] == ALL_PROSE, "inspection_id"]) == read
    assert (text["sentences"] > 0).all() and (text["words_per_sentence"] < 100).all()


def _effect(d: float, low: float, high: float) -> language.Effect:
    return language.Effect(
        "m", "ILACS vs SIF", ALL_PROSE, d, low, high, 0.5, 1.0, d, low, high, 10, 5, 5, 5, "MixedLM (REML)", True, 0, 0
    )


def _evidence(**changes) -> language.Evidence:
    base = dict(
        negative=_effect(-0.5, -0.7, -0.3),
        negative_vader=_effect(-0.4, -0.6, -0.2),
        log_words=_effect(-1.0, -1.2, -0.8),
        words_per_sentence=_effect(0.0, -0.1, 0.1),
        procedure=_effect(0.0, -0.1, 0.1),
        procedure_mean=language.Mean("procedure_share", "ILACS", ALL_PROSE, 0.6, 0.55, 0.65, 200),
    )
    base.update(changes)
    return language.Evidence(**base)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, {"H05": SUPPORTED, "H06": SUPPORTED, "H07": SUPPORTED}),
        ({"negative": _effect(0.3, 0.1, 0.5), "negative_vader": _effect(0.0, -0.1, 0.1)}, {"H05": NOT_SUPPORTED}),
        # d's CI inside +-0.2: no material shift
        ({"negative": _effect(0.05, -0.1, 0.15), "negative_vader": _effect(0.0, -0.1, 0.1)}, {"H05": NOT_SUPPORTED}),
        ({"negative": _effect(0.3, 0.1, 0.5)}, {"H05": INCONCLUSIVE}),  # VADER's CI wholly on the other side
        ({"negative": _effect(-0.3, -0.6, 0.05)}, {"H05": INCONCLUSIVE}),
        ({"negative_vader": _effect(0.4, 0.2, 0.6)}, {"H05": INCONCLUSIVE}),  # the methods disagree in direction
        ({"log_words": _effect(-0.1, -0.15, -0.05)}, {"H06": NOT_SUPPORTED}),
        ({"words_per_sentence": _effect(0.5, 0.3, 0.7)}, {"H06": INCONCLUSIVE}),  # shorter, but longer sentences
        ({"procedure_mean": language.Mean("p", "ILACS", ALL_PROSE, 0.4, 0.35, 0.45, 200)}, {"H07": NOT_SUPPORTED}),
        ({"procedure": _effect(-0.5, -0.7, -0.3)}, {"H07": NOT_SUPPORTED}),  # a material shift toward practice
        ({"procedure_mean": language.Mean("p", "ILACS", ALL_PROSE, 0.5, 0.45, 0.55, 200)}, {"H07": INCONCLUSIVE}),
    ],
)
def test_the_rule_reads_each_clause_as_written(changes, expected) -> None:
    rule = language.load_rule()
    verdicts = language.decide(_evidence(**changes), rule)
    for hypothesis, verdict in expected.items():
        assert verdicts[hypothesis].verdict == verdict, (hypothesis, verdicts[hypothesis].reason)


def test_the_real_verdicts_are_the_rules_reading_of_the_real_evidence() -> None:
    rule = language.load_rule()
    evidence = language.evidence(language.reports(paths.DATA_PROCESSED), rule)
    verdicts = language.decide(evidence, rule)
    assert set(verdicts) == {"H05", "H06", "H07"}
    # H06 on the rule's numbers: ILACS standard reports have materially fewer words.
    assert evidence.log_words.d_high < -float(rule["material"])
    assert verdicts["H06"].verdict == SUPPORTED
    for v in verdicts.values():
        assert "Limits:" in v.evidence and f"Rule v{rule['version']}" in v.evidence


def test_log_odds_ranks_planted_words_first_and_flips_sign_with_the_sides() -> None:
    rng = np.random.default_rng(3)
    words = 400
    rates = rng.dirichlet(np.ones(words) * 20)  # no very rare word: the prior would shrink a planted rare word
    a_rates, b_rates = rates.copy(), rates.copy()
    a_rates[:5] *= 4  # five words planted in a, five in b
    b_rates[5:10] *= 4
    a = rng.multinomial(200_000, a_rates / a_rates.sum())
    b = rng.multinomial(200_000, b_rates / b_rates.sum())
    delta, var = logodds.log_odds(a, b)
    z = delta / np.sqrt(var)
    assert set(np.argsort(-z)[:5]) == set(range(5))
    assert set(np.argsort(z)[:5]) == set(range(5, 10))
    back, _ = logodds.log_odds(b, a)
    assert np.allclose(back, -delta)


def test_log_odds_within_strata_does_not_read_a_grade_word_as_a_framework_word() -> None:
    """A word used more in inadequate reports (SIF has more of them) is distinctive of SIF only when
    the strata are ignored."""
    vocab = 50
    base = np.full(vocab, 1000.0)
    inadequate = base.copy()
    inadequate[0] = 5000  # word 0: a word of inadequate reports, whatever the framework
    sif = [(inadequate * 3, inadequate * 1), (base * 1, base * 3)]  # (SIF, ILACS) per grade
    delta, z = logodds.stratified([(s, i) for s, i in sif])
    assert abs(z[0]) < 1
    pooled_delta, pooled_var = logodds.log_odds(sum(s for s, _ in sif), sum(i for _, i in sif))
    assert pooled_delta[0] / math.sqrt(pooled_var[0]) > 10


def test_distinguishing_words_need_both_groups_in_a_grade() -> None:
    terms = pd.DataFrame(
        dict(group=["SIF", "SIF"], grade=["Good", "Good"], section=["summary"] * 2, term=["a", "b"], count=[5, 6])
    )
    with pytest.raises(ValueError, match="no words of section 'summary' for both 'SIF' and 'ILACS short'"):
        logodds.distinguishing(terms, "SIF", "ILACS short", "summary")
