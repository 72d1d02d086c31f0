"""analysis.models.deprivation: the deprivation gradient, region effects (H09), the least- vs
most-deprived gap and the lead-inspector variance share, on simulated frames with a known truth and
on the real data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import paths, vocab
from analysis.data import load as load_data
from analysis.models import deprivation as D
from analysis.models import frame as F
from analysis.models import results

HAS_DATA = (paths.DATA_PROCESSED / "inspections.csv").exists()
needs_data = pytest.mark.skipif(not HAS_DATA, reason="data/processed not built")


@pytest.fixture(scope="module")
def data():
    return load_data()


def test_the_published_estimate_is_stored_with_its_citation():
    published = D.WEBB_BENNETT_BYWATERS_2022
    assert (published.odds_ratio, published.ci_low, published.ci_high) == (0.84, 0.75, 0.94)
    assert "Webb" in published.citation and "Bywaters" in published.citation and "2022" in published.citation
    assert "10.1017/S147474642200001X" in published.citation
    assert published.log_se == pytest.approx((math.log(0.94) - math.log(0.75)) / (2 * 1.959964), rel=1e-5)


def test_a_simulated_deprivation_gradient_is_recovered_and_compared_with_the_published_one():
    # the latent grade is logistic, so the logit of good or better has the same coefficient
    frame = F.simulate_inspection_frame(1500, seed=2, log_odds_per_decile=math.log(0.84))
    gradient = D.deprivation_gradient(frame, year_effects=True)
    assert gradient.ci_low < 0.84 < gradient.ci_high
    assert gradient.published_within_ci and gradient.difference_p > 0.05
    assert gradient.n == 1500 and gradient.n_dropped == 0
    flat = D.deprivation_gradient(F.simulate_inspection_frame(1500, seed=2), year_effects=False)
    assert flat.ci_low < 1 < flat.ci_high


def test_simulated_region_effects_are_detected_and_the_london_west_midlands_gap_recovered():
    frame = F.simulate_inspection_frame(800, seed=8)
    rng = np.random.default_rng(9)
    london = (frame["region"] == "London").to_numpy()
    west_midlands = (frame["region"] == "West Midlands").to_numpy()
    log_odds = -0.3 + 1.0 * london - 0.5 * west_midlands
    good = rng.random(len(frame)) < 1 / (1 + np.exp(-log_odds))
    frame["good_or_better"] = good.astype(int)
    effects = D.region_effects(frame)
    assert effects.wald_p < 1e-4 and effects.wald_df == 3 and effects.lr_p < 1e-4
    low, high = effects.london_vs_west_midlands_ci
    assert low < math.exp(1.5) < high and effects.london_vs_west_midlands > 1
    assert effects.share_good_london > effects.share_good_west_midlands


def test_no_simulated_region_effect_is_usually_not_significant():
    p_values = [D.region_effects(F.simulate_inspection_frame(300, seed=seed)).wald_p for seed in range(40)]
    assert np.mean(np.array(p_values) < 0.05) <= 0.15


def test_the_least_vs_most_deprived_gap_is_the_difference_of_the_two_shares():
    frame = F.simulate_inspection_frame(500, seed=12, log_odds_per_decile=-0.2)
    gap = D.least_vs_most_deprived(frame, n_boot=500, seed=1)
    decile = frame["imd_decile"].astype(int)
    least = frame.loc[decile <= 4, "good_or_better"].mean()
    most = frame.loc[decile >= 7, "good_or_better"].mean()
    assert gap.share_least == pytest.approx(least) and gap.share_most == pytest.approx(most)
    assert gap.ci_low < gap.difference < gap.ci_high and gap.difference > 0
    assert gap.odds_ratio < 1 and gap.n_least + gap.n_most == ((decile <= 4) | (decile >= 7)).sum()
    assert D.least_vs_most_deprived(frame, n_boot=500, seed=1).ci_low == gap.ci_low  # seeded


def _inspectors(n_inspectors: int, per: int, share: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    inspector = np.repeat([f"Inspector {i}" for i in range(n_inspectors)], per)
    effect = rng.normal(0, math.sqrt(share), n_inspectors)
    y = 2.5 + np.repeat(effect, per) + rng.normal(0, math.sqrt(1 - share), n_inspectors * per)
    return pd.DataFrame({"lead_inspector": inspector, "grade_rank": y, "la_code": np.arange(len(y))})


def test_a_simulated_lead_inspector_variance_share_is_recovered():
    frame = _inspectors(60, 8, 0.3, seed=21)
    result = D.lead_inspector_variance_share(frame, n_boot=25, seed=0)
    assert result.ci_low < 0.3 < result.ci_high
    assert result.share == pytest.approx(0.3, abs=0.12)
    assert result.n == 480 and result.n_inspectors == 60 and result.n_dropped == 0
    # only the share is reported: no inspector's name anywhere in the result
    assert "Inspector" not in repr(result) and "Inspector" not in repr(result.rows())


def test_with_no_inspector_effect_the_share_is_near_zero_and_the_cluster_interval_runs():
    frame = _inspectors(30, 6, 0.0, seed=22)
    frame.loc[0, "lead_inspector"] = None
    result = D.lead_inspector_variance_share(frame, interval="cluster", n_boot=8, seed=3)
    # truth 0: a small estimate whose interval reaches (almost) zero
    assert result.share < 0.15 and result.ci_low <= 0.02 and result.n_dropped == 1
    assert result.ci_low <= result.share <= result.ci_high


@pytest.mark.parametrize(("share", "seed"), [(0.3, 31), (0.05, 32), (0.0, 33)])
def test_the_fast_reml_refit_equals_statsmodels_mixedlm_on_unbalanced_groups_with_a_control(share, seed):
    """The bootstrap refits use reml_share (group sums); the point estimate is MixedLM's. They must agree."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 12, 50)
    groups = np.repeat(np.arange(50), sizes)
    control = rng.normal(size=len(groups))
    y = (
        2.5
        + 0.4 * control
        + rng.normal(0, math.sqrt(share), 50)[groups]
        + rng.normal(0, math.sqrt(1 - share), len(groups))
    )
    exog = np.column_stack([np.ones(len(y)), control])
    assert D.reml_share(y, exog, groups) == pytest.approx(D._mixed_share(y, exog, groups)[0], abs=1e-5)


@needs_data
@pytest.mark.parametrize("framework", [vocab.SIF, vocab.ILACS])
def test_the_fast_reml_refit_equals_mixedlm_on_the_real_lead_inspectors(data, framework):
    frame = F.inspection_frame(data, framework, first_only=False)
    named = data.inspections.drop_duplicates("inspection_id").set_index("inspection_id")["lead_inspector"]
    rows = frame.assign(lead_inspector=frame["inspection_id"].map(named)).dropna(
        subset=["lead_inspector", "grade_rank"]
    )
    y = rows["grade_rank"].astype(float).to_numpy()
    groups = pd.factorize(rows["lead_inspector"])[0]
    exog = np.ones((len(y), 1))
    assert len(y) > 100
    assert D.reml_share(y, exog, groups) == pytest.approx(D._mixed_share(y, exog, groups)[0], abs=1e-5)


def test_a_frame_without_the_inspector_column_is_refused():
    with pytest.raises(KeyError, match="lead_inspector"):
        D.lead_inspector_variance_share(F.simulate_inspection_frame(20, seed=0))


# ------------------------------------------------------------------------------------------------
# The real data


@needs_data
def test_the_deprivation_gradient_runs_on_every_inspection_of_each_framework(data):
    result = D.deprivation_by_framework(data)
    table = result.table().set_index("framework")
    for framework in ("SIF", "ILACS"):
        frame = F.inspection_frame(data, framework, first_only=False)
        assert table.loc[framework, "n"] == frame[["imd_decile", "year"]].notna().all(axis=1).sum()
    assert np.isfinite(table[["odds_ratio", "ci_low", "ci_high", "p_value"]].to_numpy(dtype=float)).all()
    assert len(result.rows()) == 4 and all(tuple(r) == results.COLUMNS for r in result.rows())


@needs_data
@pytest.mark.parametrize("framework", ["SIF", "ILACS"])
def test_h09_region_test_runs_on_the_real_data(data, framework):
    effects = D.h09_region(data, framework)
    assert effects.wald_df == 8 and 0 <= effects.wald_p <= 1
    assert np.isfinite([effects.london_vs_west_midlands, *effects.london_vs_west_midlands_ci]).all()
    frame = F.inspection_frame(data, framework, first_only=False)
    rows = frame.dropna(subset=["year"])
    assert effects.share_good_london == pytest.approx(rows.loc[rows["region"] == "London", "good_or_better"].mean())


@needs_data
def test_the_least_vs_most_deprived_gap_runs_on_the_real_data(data):
    gap = D.least_vs_most_deprived(F.inspection_frame(data, "SIF", first_only=False), n_boot=500)
    assert gap.n_dropped == 0 and np.isfinite([gap.difference, gap.ci_low, gap.ci_high, gap.odds_ratio]).all()
