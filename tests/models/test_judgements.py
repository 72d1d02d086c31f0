"""analysis.models.judgements: H04, H08, the spread of sub-judgements and H03, on hand-made tables
(values checked by hand), simulated frames and the real data (counts computed independently from
judgements.csv)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.data import load as load_data
from analysis.models import frame as F
from analysis.models import judgements as J
from analysis.models import results

PROCESSED = paths.DATA_PROCESSED
HAS_DATA = (PROCESSED / "judgements.csv").exists()
needs_data = pytest.mark.skipif(not HAS_DATA, reason="data/processed not built")


@pytest.fixture(scope="module")
def data():
    return load_data()


def _wide(rows: list[tuple]) -> pd.DataFrame:
    """A key_judgement_grades-like table from (la, framework, overall, help, looked_after, leadership, care_leavers)."""
    frame = pd.DataFrame(
        rows,
        columns=["la_code", "framework", "overall", "help_protection", "looked_after", "leadership", "care_leavers"],
    )
    frame["inspection_id"] = [f"i{k}" for k in range(len(frame))]
    key = frame[["help_protection", "looked_after", "leadership", "care_leavers"]]
    frame["complete"] = frame[["overall", "help_protection", "looked_after", "leadership"]].notna().all(axis=1)
    frame["overall_differs"] = (key.ne(frame["overall"], axis=0) & key.notna()).any(axis=1)
    frame["spans_two_or_more"] = key.nunique(axis=1) >= 2
    return frame


def test_the_overall_differs_share_counts_inspections_with_a_key_judgement_off_the_overall_grade():
    wide = _wide(
        [
            ("A", "SIF", 3, 3, 3, 3, None),  # all equal
            ("B", "SIF", 3, 2, 3, 3, None),  # differs
            ("C", "SIF", 4, 4, 4, 4, None),  # all equal
            ("D", "SIF", 2, 2, 2, 3, None),  # differs
            ("E", "SIF", 2, None, 2, 2, None),  # incomplete: dropped and counted
            ("F", "ILACS", 2, 1, 2, 2, None),  # another framework
        ]
    )
    result = J.overall_differs_share(wide, "SIF", n_boot=500, seed=4)
    assert (result.count, result.n, result.n_dropped) == (2, 4, 1)
    assert result.share == 0.5 and 0 <= result.ci_low <= 0.5 <= result.ci_high <= 1
    assert J.overall_differs_share(wide, "SIF", n_boot=500, seed=4).ci_high == result.ci_high  # seeded


def test_the_span_share_pools_frameworks_and_counts_care_leavers_as_a_fourth_ilacs_judgement():
    wide = _wide(
        [
            ("A", "SIF", 3, 3, 3, 3, None),
            ("B", "SIF", 3, 2, 3, 3, None),
            ("C", "ILACS", 2, 2, 2, 2, 3.0),  # care leavers differ: spans two grades
            ("D", "ILACS", 2, 2, 2, 2, None),
        ]
    )
    shares = J.key_judgements_span_share(wide, n_boot=200, seed=0)
    assert (shares.pooled.count, shares.pooled.n) == (2, 4) and shares.pooled.share == 0.5
    assert [s.share for s in shares.by_framework] == [0.5, 0.5]
    assert len(shares.rows()) == 3 and all(tuple(r) == results.COLUMNS for r in shares.rows())


def test_the_cluster_bootstrap_interval_covers_a_simulated_share():
    rng = np.random.default_rng(0)
    hits = pd.Series(rng.random(400) < 0.3)
    share, low, high = F.cluster_bootstrap_share(hits, pd.Series(np.arange(400) // 2), n_boot=1000, seed=1)
    assert low < 0.3 < high and high - low < 0.15 and share == hits.mean()


def test_a_simulated_prior_grade_effect_is_recovered_and_its_interval_covers_it():
    effects = [
        J.prior_grade_effect(
            F.simulate_inspection_frame(500, seed=seed, log_odds_prior_score=0.5, log_odds_per_decile=-0.1)
        )
        for seed in range(20)
    ]
    log_or = np.array([math.log(e.odds_ratio) for e in effects])
    covered = np.mean([e.ci_low < math.exp(0.5) < e.ci_high for e in effects])
    assert log_or.mean() == pytest.approx(0.5, abs=0.08) and covered >= 0.8
    assert np.median([e.p_value for e in effects]) < 0.01
    none = J.prior_grade_effect(F.simulate_inspection_frame(500, seed=32))
    assert none.ci_low < 1 < none.ci_high


# ------------------------------------------------------------------------------------------------
# The real data


def _independent_key_table(framework: str) -> pd.DataFrame:
    inspections = pd.read_csv(PROCESSED / "inspections.csv", dtype=str)
    judgements = pd.read_csv(PROCESSED / "judgements.csv", dtype={"inspection_id": str})
    ids = inspections.loc[inspections["framework"] == framework, "inspection_id"]
    graded = judgements[judgements["inspection_id"].isin(ids) & judgements["grade_rank"].notna()]
    wide = graded.pivot_table(index="inspection_id", columns="area", values="grade_rank", aggfunc="first")
    return wide[wide["overall"].notna()]


@needs_data
def test_h04_counts_match_an_independent_count_from_judgements_csv(data):
    result = J.h04_overall_differs(data, n_boot=500)
    wide = _independent_key_table("SIF")
    complete = wide.dropna(subset=["help_protection", "looked_after", "leadership"])
    differs = complete[["help_protection", "looked_after", "leadership"]].ne(complete["overall"], axis=0).any(axis=1)
    assert (result.count, result.n, result.n_dropped) == (differs.sum(), len(complete), len(wide) - len(complete))
    assert result.ci_low < result.share < result.ci_high


@needs_data
def test_h08_pools_every_complete_sif_and_ilacs_inspection(data):
    shares = J.h08_key_judgements_span(data, n_boot=500)
    counted = 0
    for framework, alone in zip(("SIF", "ILACS"), shares.by_framework):
        wide = _independent_key_table(framework)
        complete = wide.dropna(subset=["help_protection", "looked_after", "leadership"])
        assert alone.n == len(complete)
        counted += len(complete)
    assert shares.pooled.n == counted
    assert np.isfinite([shares.pooled.share, shares.pooled.ci_low, shares.pooled.ci_high]).all()


@needs_data
def test_sub_judgement_shares_add_up_within_each_overall_grade(data):
    wide = J.key_judgement_grades(data, ("SIF",))
    spread = J.subjudgement_spread(wide, "SIF")
    sums = spread.table.groupby(["overall_grade", "area"])["share"].sum().dropna()
    assert sums.to_numpy() == pytest.approx(np.ones(len(sums)))
    assert spread.summary["n"].sum() == spread.n == wide["complete"].sum()
    assert spread.summary["share_all_key_equal"].between(0, 1).all()


@needs_data
def test_h03_runs_on_the_real_first_sif_frame_with_imd_decile(data):
    effect = J.h03_prior_grade(data)
    frame = F.inspection_frame(data, "SIF")
    assert effect.n == frame["prior_grade_score"].notna().sum() and effect.n + effect.n_dropped == 152
    assert np.isfinite([effect.odds_ratio, effect.ci_low, effect.ci_high, effect.p_value]).all()
    assert effect.controls == ("imd_decile",) and effect.converged
