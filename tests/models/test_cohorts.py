"""analysis.models.cohorts: grade mix by cohort, the ordinal cohort model and the balance check, on
simulated frames with a known truth and on the real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.data import load as load_data
from analysis.models import cohorts as C
from analysis.models import frame as F
from analysis.models import results

HAS_DATA = (paths.DATA_PROCESSED / "inspections.csv").exists()
needs_data = pytest.mark.skipif(not HAS_DATA, reason="data/processed not built")


@pytest.fixture(scope="module")
def sif():
    if not HAS_DATA:
        pytest.skip("data/processed not built")
    return F.inspection_frame(load_data(), "SIF")


def test_small_cohorts_are_pooled_with_the_one_before_them():
    cohorts = pd.Series(["2014H1"] * 2 + ["2014H2"] * 6 + ["2015H1"] * 6 + ["2015H2"] * 1)
    labels, mapping = C.pool_cohorts(cohorts, min_cohort_size=5)
    assert mapping == {
        "2014H1": "2014H1-2014H2",
        "2014H2": "2014H1-2014H2",
        "2015H1": "2015H1-2015H2",
        "2015H2": "2015H1-2015H2",
    }
    assert labels.value_counts().to_dict() == {"2014H1-2014H2": 8, "2015H1-2015H2": 7}


def test_the_cohort_model_finds_later_cohorts_better_when_grades_improve_over_the_cycle():
    frame = F.simulate_inspection_frame(600, seed=3, log_odds_per_year=0.6)
    model = C.cohort_model(frame, controls=())
    assert model.reference_cohort == "2013H2"
    assert model.wald_p < 0.001 and model.n == 600 and model.n_dropped == 0
    latest = model.odds_ratios.iloc[-1]
    # the last cohort is about 3.75 years after the first: true odds ratio exp(0.6 * 3.75) = 9.5
    assert latest["ci_low"] > 1 and latest["ci_low"] < np.exp(0.6 * 3.75) < latest["ci_high"]
    # and the odds ratios rise over the cohorts
    assert np.corrcoef(np.arange(len(model.odds_ratios)), np.log(model.odds_ratios["odds_ratio"]))[0, 1] > 0.8


def test_the_cohort_model_finds_no_cohort_difference_where_there_is_none():
    frame = F.simulate_inspection_frame(400, seed=4)
    model = C.cohort_model(frame, controls=("prior_grade", "imd_decile"))
    assert model.wald_p > 0.05 and model.wald_df == len(model.odds_ratios)
    rows = model.rows()
    assert rows[-1]["comparison"].endswith("cohort terms jointly") and tuple(rows[0]) == results.COLUMNS


def test_the_balance_check_detects_early_cohorts_that_were_worse_beforehand():
    frame = F.simulate_inspection_frame(300, seed=7)
    # make the earlier-inspected authorities the more deprived, and leave the looked-after rate balanced
    order = frame["date"].rank(method="first").to_numpy()
    frame["imd_decile"] = pd.array(np.clip(11 - np.ceil(order / 30), 1, 10).astype(int), dtype="Int64")
    frame.loc[:19, "looked_after_rate"] = np.nan
    check = C.balance_check(frame).table.set_index("covariate")
    assert check.loc["imd_decile", "p_value"] < 1e-6 and check.loc["imd_decile", "difference"] < 0
    assert check.loc["looked_after_rate", "n_missing"] == 20
    assert check.loc["looked_after_rate", "n_early"] + check.loc["looked_after_rate", "n_late"] == 280
    assert check.loc["region", "test"] == "chi-square" and 0 <= check.loc["region", "p_value"] <= 1


@needs_data
def test_grade_mix_by_cohort_adds_up_to_the_sif_first_inspections(sif):
    mix = C.grade_mix_by_cohort(sif)
    totals = mix.table.groupby("cohort")["count"].sum()
    assert totals.sum() + mix.n_undated == len(sif) == 152
    assert (totals == sif["cohort"].value_counts().reindex(totals.index)).all()
    assert mix.table.groupby("cohort")["share"].sum().between(99.5, 100.5).all()


@needs_data
def test_the_cohort_model_and_balance_check_run_on_the_real_sif_frame(sif):
    model = C.cohort_model(sif)
    assert model.n + model.n_dropped == 152
    assert np.isfinite(model.odds_ratios[["odds_ratio", "ci_low", "ci_high", "p_value"]].to_numpy()).all()
    assert 0 <= model.wald_p <= 1
    check = C.balance_check(sif).table.set_index("covariate")
    assert set(check.index) == set(C.BALANCE_COVARIATES)
    assert check["p_value"].between(0, 1).all()
    assert check.loc["prior_grade_rank", "n_missing"] == sif["prior_grade_rank"].isna().sum()
