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


def test_the_cohort_model_is_not_fitted_with_too_few_rows_per_parameter():
    frame = F.simulate_inspection_frame(12, seed=5)
    model = C.cohort_model(frame, controls=("prior_grade", "imd_decile"), min_cohort_size=1)
    assert F.MIN_ROWS_PER_PARAMETER == 3 and C.MIN_ROWS_PER_PARAMETER is F.MIN_ROWS_PER_PARAMETER
    assert model.note.startswith("not fitted: 12 complete rows for")
    assert (
        len(model.odds_ratios) > 0
        and model.odds_ratios[["odds_ratio", "ci_low", "ci_high", "p_value"]].isna().all().all()
    )
    assert np.isnan(model.wald_chi2) and np.isnan(model.wald_p) and model.wald_df == 0 and not model.converged
    assert model.n == 12
    wald = model.rows()[-1]
    assert np.isnan(wald["estimate"]) and "not fitted" in wald["parameters"]
    fitted = C.cohort_model(F.simulate_inspection_frame(600, seed=3))
    assert fitted.note == "" and np.isfinite(fitted.wald_chi2)


def test_learning_keeps_its_minimum_rows_constant():
    from analysis.models import learning

    assert learning.MIN_ROWS_PER_PARAMETER == F.MIN_ROWS_PER_PARAMETER == 3


def test_yearly_cohorts_pool_the_half_years_and_leave_the_default_outputs_alone():
    frame = F.simulate_inspection_frame(300, seed=2)
    half = C.grade_mix_by_cohort(frame)
    year = C.grade_mix_by_cohort(frame, cohort="year")
    totals = year.table.drop_duplicates("cohort").set_index("cohort")["total"]
    assert totals.to_dict() == frame["date"].dt.year.astype(str).value_counts().to_dict()
    assert "cohort_length" not in half.parameters and year.parameters["cohort_length"] == "year"
    model = C.cohort_model(frame, cohort="year")
    assert model.reference_cohort == str(frame["date"].dt.year.min()) and model.parameters["cohort_length"] == "year"
    assert "cohort_length" not in C.cohort_model(frame).parameters
    default, yearly = C.balance_check(frame), C.balance_check(frame, cohort="year")
    pd.testing.assert_frame_equal(default.table, yearly.table)
    with pytest.raises(ValueError, match="cohort must be one of"):
        C.grade_mix_by_cohort(frame, cohort="quarter")


@needs_data
def test_real_yearly_cohorts_count_first_sif_inspections_per_calendar_year_as_an_independent_count(sif):
    inspections = pd.read_csv(paths.DATA_PROCESSED / "inspections.csv", dtype=str, keep_default_na=False)
    judgements = pd.read_csv(paths.DATA_PROCESSED / "judgements.csv", dtype=str, keep_default_na=False)
    graded = judgements[(judgements["area"] == "overall") & ~judgements["grade"].isin(["", "Not judged"])]
    rows = inspections[(inspections["framework"] == "SIF") & inspections["inspection_id"].isin(graded["inspection_id"])]
    start = pd.to_datetime(rows["start_date"].replace("", None))
    published = pd.to_datetime(rows["published_date"].replace("", None))
    rows = rows.assign(order=start.fillna(published), published=published)
    first = rows.sort_values(["la_code", "order", "inspection_id"]).groupby("la_code").head(1)
    assert len(first) == len(sif) == 152
    # Rows whose publication date is printed (the others carry snapshots' estimate, not counted here).
    printed = first[first["published"].notna()]
    expected = printed["published"].dt.year.astype(str).value_counts().sort_index()
    mix = C.grade_mix_by_cohort(sif[~sif["date_estimated"]], cohort="year")
    found = mix.table.drop_duplicates("cohort").set_index("cohort")["total"].sort_index()
    assert found.to_dict() == expected.to_dict() and mix.n == len(printed)
    assert C.grade_mix_by_cohort(sif, cohort="year").n == 152
