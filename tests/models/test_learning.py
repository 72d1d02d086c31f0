"""analysis.models.learning: the learning slope recovers a simulated truth, keeps its size under no
effect, and runs on the real data; predicted probabilities, marginal effects and peer learning."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.data import load as load_data
from analysis.models import frame as F
from analysis.models import learning as L
from analysis.models import results

HAS_DATA = (paths.DATA_PROCESSED / "inspections.csv").exists()
needs_data = pytest.mark.skipif(not HAS_DATA, reason="data/processed not built")


@pytest.fixture(scope="module")
def data():
    return load_data()


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    """400 authorities, true odds ratio of a better grade exp(0.35) = 1.42 per year, with a prior-grade
    and a deprivation effect the controls must absorb."""
    return F.simulate_inspection_frame(
        400, seed=11, log_odds_per_year=0.35, log_odds_prior_score=0.6, log_odds_per_decile=-0.15
    )


def test_a_simulated_learning_slope_is_recovered_within_its_interval(simulated):
    slope = L.learning_slope(simulated, outcome="ordinal", time="years", controls=L.CONTROLS)
    truth = math.exp(0.35)
    assert slope.ci_low < truth < slope.ci_high
    assert slope.odds_ratio == pytest.approx(truth, rel=0.25)
    assert slope.p_value < 0.01 and slope.converged
    assert slope.n == 400 and slope.n_dropped == 0


def test_a_simulated_slope_is_recovered_by_the_good_or_better_logit_too(simulated):
    # the latent model is logistic, so the binary logit's coefficient is the same 0.35
    slope = L.learning_slope(simulated, outcome="good_or_better", controls=("prior_grade", "imd_decile"))
    assert slope.ci_low < math.exp(0.35) < slope.ci_high


def test_the_slope_per_10_reports_agrees_with_the_slope_per_year(simulated):
    # reports already published grow linearly with time here: 400 reports over 4 years = 100 a year
    per_year = L.learning_slope(simulated, time="years", controls=())
    per_10 = L.learning_slope(simulated, time="reports", controls=())
    assert math.log(per_10.odds_ratio) == pytest.approx(math.log(per_year.odds_ratio) / 10, rel=0.1)


def test_with_no_effect_the_learning_slope_test_rejects_about_5_percent_over_200_seeds():
    rejections = [
        L.learning_slope(F.simulate_inspection_frame(150, seed=seed), outcome="good_or_better", controls=()).p_value
        < 0.05
        for seed in range(200)
    ]
    assert 0.01 <= np.mean(rejections) <= 0.10


def test_missing_controls_are_dropped_from_the_model_and_counted(simulated):
    frame = simulated.copy()
    frame.loc[:9, "looked_after_rate"] = np.nan
    frame.loc[5:14, "prior_grade_score"] = np.nan
    slope = L.learning_slope(frame, controls=L.CONTROLS)
    assert slope.n == 385 and slope.n_dropped == 15
    assert slope.dropped_by == {"looked_after_rate": 10, "prior_grade_score": 10}


def test_too_few_complete_rows_give_no_estimate_and_say_why(simulated):
    slope = L.learning_slope(simulated.head(20), controls=L.CONTROLS)
    assert math.isnan(slope.odds_ratio) and slope.note.startswith("not fitted")


def test_predicted_probabilities_sum_to_one_and_good_or_better_rises_with_a_positive_slope(simulated):
    predicted = L.predicted_probabilities(simulated, controls=("prior_grade",), points=[0, 2, 4])
    table = predicted.table
    grades = table[table["grade"] != L.GOOD_OR_BETTER]
    assert grades.groupby("time_value")["probability"].sum().to_numpy() == pytest.approx([1, 1, 1])
    good = table[table["grade"] == L.GOOD_OR_BETTER].set_index("time_value")
    assert good.loc[0, "probability"] < good.loc[2, "probability"] < good.loc[4, "probability"]
    assert ((table["ci_low"] <= table["probability"]) & (table["probability"] <= table["ci_high"])).all()
    assert ((table["ci_low"] >= 0) & (table["ci_high"] <= 1)).all()


def test_marginal_effects_sum_to_zero_over_grades_and_match_a_finite_difference(simulated):
    effects = L.marginal_effects(simulated, controls=()).table.set_index("grade")
    assert effects.drop(index=L.GOOD_OR_BETTER)["effect"].sum() == pytest.approx(0, abs=1e-9)
    predicted = L.predicted_probabilities(simulated, controls=(), points=[1.999, 2.001]).table
    # the average derivative is close to the change in average probability near the middle of the cycle
    good = predicted[predicted["grade"] == L.GOOD_OR_BETTER]["probability"].to_numpy()
    assert effects.loc[L.GOOD_OR_BETTER, "effect"] == pytest.approx((good[1] - good[0]) / 0.002, rel=0.2)
    assert effects.loc[L.GOOD_OR_BETTER, "ci_low"] > 0


def test_rows_have_the_tidy_keys(simulated):
    rows = L.learning_slope(simulated, controls=()).rows()
    assert len(rows) == 1 and tuple(rows[0]) == results.COLUMNS
    assert '"outcome":"ordinal"' in rows[0]["parameters"]


# ------------------------------------------------------------------------------------------------
# Peer learning (simulated neighbours only: data/processed has no statistical neighbours yet)


def _neighbours(codes: list[str], k: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for code in codes:
        others = [c for c in codes if c != code]
        for rank, neighbour in enumerate(rng.choice(others, size=k, replace=False), start=1):
            rows.append((code, neighbour, rank))
    return pd.DataFrame(rows, columns=["la_code", "neighbour_code", "rank"])


def test_neighbour_exposure_counts_neighbours_published_before():
    frame = F.simulate_inspection_frame(4, seed=0)
    frame["published_date"] = pd.to_datetime(["2014-01-01", "2015-01-01", "2016-01-01", "2017-01-01"])
    frame["date"] = frame["published_date"]
    frame["good_or_better"] = [1, 0, 1, 1]
    codes = frame["la_code"].tolist()
    neighbours = pd.DataFrame(
        {
            "la_code": [codes[3], codes[3], codes[3], codes[3], codes[0]],
            "neighbour_code": [codes[0], codes[1], codes[2], codes[3], codes[3]],
            "rank": [1, 2, 3, 4, 1],
        }
    )
    exposed = L.neighbour_exposure(frame, neighbours).set_index("la_code")
    # the fourth authority's neighbours (itself ignored) were all published before it; two were good
    assert exposed.loc[codes[3], "neighbours_in_frame"] == 3
    assert exposed.loc[codes[3], "neighbours_inspected_before"] == 3
    assert exposed.loc[codes[3], "neighbours_good_before"] == 2
    assert exposed.loc[codes[0], "neighbours_inspected_before"] == 0
    assert pd.isna(exposed.loc[codes[1], "neighbours_in_frame"])
    assert L.neighbour_exposure(frame, neighbours, max_rank=2).loc[3, "neighbours_in_frame"] == 2


def test_a_simulated_peer_learning_effect_is_recovered_net_of_the_clock():
    frame = F.simulate_inspection_frame(600, seed=5)
    neighbours = _neighbours(frame["la_code"].tolist(), 10, seed=5)
    exposure = L.neighbour_exposure(frame, neighbours)["neighbours_inspected_before"].to_numpy()
    rng = np.random.default_rng(6)
    good = rng.random(len(frame)) < 1 / (1 + np.exp(-(-0.5 + 0.3 * (exposure - 5))))
    frame["good_or_better"] = good.astype(int)
    frame["grade_rank"] = np.where(good, 2, 3)
    result = L.peer_learning(frame, neighbours)
    assert result.ci_low < math.exp(0.3) < result.ci_high
    assert result.p_value < 0.01 and result.n == 600 and result.n_without_neighbours == 0
    # with no neighbour effect and no drift, the clock's own odds ratio is near 1
    assert 0.5 < result.clock_odds_ratio < 2.0


def test_peer_learning_refuses_a_neighbours_table_without_its_columns():
    frame = F.simulate_inspection_frame(10, seed=0)
    with pytest.raises(KeyError, match="neighbour_code"):
        L.peer_learning(frame, pd.DataFrame({"la_code": ["a"], "neighbour": ["b"]}))


# ------------------------------------------------------------------------------------------------
# The real data


@needs_data
def test_h01_runs_on_the_real_data_and_counts_the_rows_it_drops(data):
    slope = L.h01_learning_slope(data)
    frame = F.inspection_frame(data, "SIF")
    missing = frame[["prior_grade_score", "looked_after_rate"]].isna().any(axis=1).sum()
    assert slope.n + slope.n_dropped == 152 and slope.n_dropped == missing
    assert np.isfinite([slope.odds_ratio, slope.ci_low, slope.ci_high, slope.p_value]).all()
    assert slope.ci_low < slope.odds_ratio < slope.ci_high and slope.converged
    assert slope.controls == ("prior_grade", "imd_decile", "looked_after_rate", "region", "la_type")
    assert slope.framework == "SIF" and slope.outcome == "ordinal" and slope.time == "years"


@needs_data
def test_ilacs_slopes_run_raw_and_say_why_the_fully_controlled_model_is_not_fitted(data):
    frame = F.inspection_frame(data, "ILACS")
    raw = L.learning_slope(frame, controls=())
    assert raw.n == 156 and np.isfinite(raw.odds_ratio)
    per_reports = L.learning_slope(
        frame, time="reports", controls=L.CONTROL_SETS["controlled_without_looked_after_rate"]
    )
    assert np.isfinite(per_reports.odds_ratio) and per_reports.n_dropped == frame["prior_grade_score"].isna().sum()
    full = L.learning_slope(frame, controls=L.CONTROLS)
    # the DfE looked-after series starts in 2021: most first ILACS inspections lack it
    assert full.n_dropped >= 100 and (math.isnan(full.odds_ratio) == full.note.startswith("not fitted"))
