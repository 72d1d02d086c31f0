"""analysis.models.transitions (issue 8, model 1) and analysis.models.results: the estimators on
seeded simulated authorities whose truth is known, against hand computations, and on the committed
data/processed (no raw files needed).

Simulated authorities: a latent quality z per authority and framework, each inspection grading
y = z + noise through its framework's thresholds (low y = better grade). "Order kept" carries z
unchanged across a framework change; "rotated" moves the best 40% of authorities to the bottom of
the next framework's order (a cyclic reshuffle, which no margin shift can produce).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from simulation import PRIMARY, simulate_data, simulated_sequence, simulated_verdict
from statsmodels.stats.inter_rater import cohens_kappa

from analysis import paths, vocab
from analysis.data import Data
from analysis.data import load as load_data
from analysis.models import results
from analysis.models import transitions as tr
from analysis.models import verdict as v
from analysis.vocab import (
    ADEQUATE,
    CHILD_PROTECTION,
    GRADE_ORDER,
    INADEQUATE,
    NOT_JUDGED,
    REQUIRES_IMPROVEMENT,
    SECONDARY,
    SIF_REINSPECTION,
)

HAS_DATA = (paths.DATA_PROCESSED / "inspections.csv").exists() and (paths.DATA_PROCESSED / "judgements.csv").exists()
RULE = yaml.safe_load(Path(tr.__file__).with_name("verdict_rule.yaml").read_text(encoding="utf-8"))
ALPHA = RULE["alpha"]
MATERIAL = RULE["penalty"]["material"]
SIF_TO_ILACS = "last SIF -> first ILACS, overall"

# ------------------------------------------------------------------------------------------------
# Simulation

# ------------------------------------------------------------------------------------------------
# Simulated truth


def test_a_threshold_shift_that_keeps_the_order_shifts_the_margins_but_keeps_quasi_symmetry() -> None:
    data = simulate_data(11, n_las=150, change="kept")
    summary = tr.transition_summary(tr.pairs(data, PRIMARY), n_boot=500, seed=1)
    assert summary.n == 150
    assert summary.stuart_maxwell.p_value < ALPHA  # the SIF thresholds are harder: margins move
    assert summary.net_decline.estimate > 0 and summary.net_decline.ci_low > 0
    assert summary.quasi_symmetry_lr.p_value >= ALPHA  # the order is the same latent order
    assert summary.mh_given_qs_lr.p_value < ALPHA
    assert summary.tau_b.ci_low > 0.3


def test_a_step_shift_that_keeps_the_order_has_no_penalty() -> None:
    data = simulate_data(12, n_las=150, change="kept", scheme="step")
    result = tr.pair_model(data)
    assert result.n_authorities == 150 and result.n_pairs == len(data.inspections) - 150
    assert result.penalty.ci_low <= 0 <= result.penalty.ci_high
    assert abs(result.penalty.estimate) < MATERIAL
    margins = tr.transition_summary(tr.pairs(data, PRIMARY), n_boot=200, seed=1)
    assert margins.stuart_maxwell.p_value < ALPHA and margins.net_decline.ci_low > 0.5  # nearly all one step down


def test_reshuffled_orders_are_penalised_and_break_quasi_symmetry() -> None:
    data = simulate_data(13, n_las=150, change="rotated")
    result = tr.pair_model(data)
    assert result.penalty.estimate >= MATERIAL and result.penalty.ci_low > 0
    assert result.penalty.p_value < ALPHA
    summary = tr.transition_summary(tr.pairs(data, PRIMARY), n_boot=200, seed=1)
    assert summary.quasi_symmetry_lr.p_value < ALPHA


@functools.cache
def _null_rejections(ridit: str, seeds: range = range(1000, 1200)) -> float:
    """Share of datasets without a penalty (order kept, every grade down a step at the SIF) in which
    the penalty test rejects at alpha, with ridits estimated from the data ("empirical": the decision
    rule's statistic) or the simulation's population ridits ("known")."""
    sd = np.sqrt(1 + 0.5**2)  # y = z + 0.5 e
    share = np.diff(np.concatenate([[0.0], stats.norm.cdf(np.array([-0.8, 0.6]) / sd), [1.0]]))
    population = np.cumsum(share) - share / 2
    rejected = []
    for seed in seeds:
        sequence = simulated_sequence(seed, n_las=100, change="kept", scheme="step")
        if ridit == "known":
            category = sequence["level"] - sequence["framework"].map({"pre-SIF": 1, "SIF": 2, "ILACS": 1})
            sequence = sequence.assign(ridit=population[category.to_numpy()])
        rejected.append(tr.fit_penalty(tr.consecutive_pairs(sequence)).penalty.p_value < ALPHA)
    return float(np.mean(rejected))


def test_the_penalty_test_rejects_about_five_percent_of_datasets_without_a_penalty() -> None:
    rate = _null_rejections("known")
    assert 0.01 <= rate <= 0.10, rate


def test_estimated_ridits_make_the_penalty_test_liberal_without_a_penalty() -> None:
    """A limitation of the decision rule's statistic, pinned: ridits estimated within each framework
    differ between frameworks by sampling noise even for the same latent category, so cross-framework
    pairs differ a little more (about +0.009 ridit units at 150 authorities) and the test rejects
    about 9% of null datasets at alpha = 0.05 (5% with known ridits, previous test)."""
    rate = _null_rejections("empirical")
    assert 0.03 <= rate <= 0.15, rate
    assert rate > _null_rejections("known"), (rate, _null_rejections("known"))


def test_a_threshold_shift_inside_categories_inflates_the_penalty_though_the_order_is_kept() -> None:
    """A limitation of the decision rule's statistic, pinned so it is not forgotten: ridits are
    unchanged by a shift of whole grades, but a threshold shift that splits categories changes which
    latent values share a grade, so cross-framework pairs differ more even with the order kept."""
    result = tr.fit_penalty(
        tr.consecutive_pairs(simulated_sequence(14, n_las=600, change="kept", noise=0.3, reinspected=0.5))
    )
    assert result.penalty.estimate > 0.02 and result.penalty.ci_low > 0


# ------------------------------------------------------------------------------------------------
# Hand computations


@pytest.fixture(scope="module")
def data() -> Data:
    assert HAS_DATA, "data/processed is committed and must be present (make data rebuilds it)"
    return load_data()


@pytest.fixture(scope="module")
def sif_to_ilacs(data: Data) -> pd.DataFrame:
    return tr.pairs(data, SIF_TO_ILACS)


def test_stuart_maxwell_and_bowker_equal_the_hand_formulas_on_the_real_sif_to_ilacs_table(
    sif_to_ilacs: pd.DataFrame,
) -> None:
    n = tr.transition_table(sif_to_ilacs).counts.to_numpy().astype(float)
    k = n.shape[0]
    bowker = sum(
        (n[i, j] - n[j, i]) ** 2 / (n[i, j] + n[j, i]) for i in range(k) for j in range(i + 1, k) if n[i, j] + n[j, i]
    )
    d = (n.sum(axis=1) - n.sum(axis=0))[:-1]
    s = -(n + n.T)
    np.fill_diagonal(s, n.sum(axis=1) + n.sum(axis=0) - 2 * np.diag(n))
    s = s[:-1, :-1]
    stuart_maxwell = float(d @ np.linalg.solve(s, d))
    summary = tr.transition_summary(sif_to_ilacs, n_boot=100, seed=0)
    assert summary.bowker.statistic == pytest.approx(bowker, rel=1e-9)
    assert summary.bowker.df == sum(1 for i in range(k) for j in range(i + 1, k) if n[i, j] + n[j, i])
    assert summary.stuart_maxwell.statistic == pytest.approx(stuart_maxwell, rel=1e-9)
    assert summary.stuart_maxwell.df == k - 1
    assert summary.stuart_maxwell.p_value == pytest.approx(stats.chi2.sf(stuart_maxwell, k - 1), rel=1e-9)


def test_symmetry_lr_is_the_hand_g2_and_quasi_symmetry_fits_a_quasi_symmetric_table_exactly() -> None:
    table = np.array([[10, 6, 2, 0], [3, 30, 12, 4], [1, 7, 25, 9], [0, 2, 5, 8]], dtype=float)
    off = ~np.eye(4, dtype=bool) & (table > 0)
    half = ((table + table.T) / 2)[off]
    g2 = 2 * float((table[off] * np.log(table[off] / half)).sum())
    fitted = tr.quasi_symmetry(table, GRADE_ORDER, min_margin=0)
    assert fitted.symmetry_lr.statistic == pytest.approx(g2, rel=1e-6)
    assert fitted.symmetry_lr.df == 5  # six pairs, one (Outstanding, Inadequate) empty
    # A table built as row effect x column effect x symmetric association is quasi-symmetric.
    symmetric = np.exp(-np.abs(np.subtract.outer(np.arange(4), np.arange(4))))
    exact = 1000 * np.outer([1.0, 2.0, 1.5, 0.5], [0.4, 1.0, 2.0, 1.2]) * symmetric
    qs = tr.quasi_symmetry(exact, GRADE_ORDER, min_margin=0)
    assert qs.quasi_symmetry_lr.statistic == pytest.approx(0, abs=1e-6) and qs.quasi_symmetry_lr.df == 3
    assert qs.mh_given_qs_lr.df == 3 and qs.mh_given_qs_lr.p_value < 1e-6
    same = tr.quasi_symmetry(symmetric * 100, GRADE_ORDER, min_margin=0)
    assert same.symmetry_lr.statistic == pytest.approx(0, abs=1e-6)


def test_sparse_grades_are_merged_into_a_neighbour_and_the_merge_is_stated() -> None:
    table = np.array([[1, 2, 0, 0], [1, 30, 12, 4], [0, 7, 25, 9], [0, 2, 5, 8]])
    merged, labels, notes = tr.collapse_sparse(table, GRADE_ORDER, min_margin=5)
    assert labels == ["Outstanding or Good", REQUIRES_IMPROVEMENT, INADEQUATE]
    assert notes == ["Outstanding merged into Good (smaller margin 2 < 5)"]
    assert merged.tolist() == [[34, 12, 4], [7, 25, 9], [2, 5, 8]]
    assert tr.quasi_symmetry(table, GRADE_ORDER).quasi_symmetry_lr.df == 1


def test_tau_b_and_kappa_of_tables_equal_scipy_and_statsmodels(sif_to_ilacs: pd.DataFrame) -> None:
    summary = tr.transition_summary(sif_to_ilacs, n_boot=100, seed=0)
    assert summary.tau_b.estimate == pytest.approx(
        stats.kendalltau(sif_to_ilacs["earlier_level"], sif_to_ilacs["later_level"]).statistic, rel=1e-12
    )
    table = summary.table.to_numpy()
    assert summary.kappa_quadratic.estimate == pytest.approx(cohens_kappa(table, wt="quadratic").kappa, rel=1e-12)
    rng = np.random.default_rng(5)
    for _ in range(20):
        e, later = rng.integers(0, 4, 40), rng.integers(0, 4, 40)
        t = np.bincount(e * 4 + later, minlength=16).reshape(4, 4)
        assert tr.tau_b_of_tables(t)[0] == pytest.approx(stats.kendalltau(e, later).statistic, rel=1e-12)
        assert tr.kappa_quadratic_of_tables(t)[0] == pytest.approx(cohens_kappa(t, wt="quadratic").kappa, rel=1e-12)


def test_the_bootstrap_resamples_pairs_with_one_index_matrix() -> None:
    e, later = np.array([0, 1, 2, 3, 1, 2]), np.array([1, 1, 3, 3, 0, 2])
    tables = tr.bootstrap_tables(e, later, 4, n_boot=50, seed=3)
    index = np.random.default_rng(3).integers(0, 6, size=(50, 6))
    assert tables.shape == (50, 4, 4) and (tables.sum(axis=(1, 2)) == 6).all()
    for b in (0, 17, 49):
        assert (tables[b] == np.bincount(e[index[b]] * 4 + later[index[b]], minlength=16).reshape(4, 4)).all()


def test_ridits_are_the_share_better_plus_half_the_share_equal() -> None:
    sequence = pd.DataFrame({"framework": ["A"] * 4 + ["B"] * 2, "area": "overall", "level": [1, 2, 2, 4, 3, 3]})
    assert tr.ridits(sequence).tolist() == pytest.approx([0.125, 0.5, 0.5, 0.875, 0.5, 0.5])


# ------------------------------------------------------------------------------------------------
# Real data


def test_the_primary_comparisons_of_the_decision_rule_are_available() -> None:
    assert set(RULE["primary_comparisons"]) <= set(tr.comparisons())
    assert "last SIF -> first ILACS, help and protection" in tr.comparisons()


def test_real_sif_to_ilacs_counts_sum_to_the_authorities_with_both_inspections_graded(
    data: Data, sif_to_ilacs: pd.DataFrame
) -> None:
    inspections = data.inspections.assign(
        order=data.inspections["start_date"].fillna(data.inspections["published_date"])
    )
    inspections = inspections[inspections["order"].notna()]
    sif = inspections[inspections["inspection_type"].isin(["SIF", SIF_REINSPECTION])]
    ilacs = inspections[inspections["framework"] == "ILACS"].sort_values(["order", "inspection_id"])
    first_ilacs = ilacs.groupby("la_code").head(1)
    both = sif.merge(first_ilacs, on="la_code", suffixes=("", "_ilacs"))
    last_sif = (
        both[both["order"] < both["order_ilacs"]].sort_values(["order", "inspection_id"]).groupby("la_code").tail(1)
    )
    judged = data.judgements
    graded = set(judged[(judged["area"] == "overall") & (judged["grade"] != NOT_JUDGED)]["inspection_id"])
    expected = last_sif[last_sif["inspection_id"].isin(graded) & last_sif["inspection_id_ilacs"].isin(graded)]
    table = tr.transition_table(sif_to_ilacs)
    assert table.n == len(expected) == sif_to_ilacs["la_code"].nunique()
    assert set(sif_to_ilacs["later_id"]) == set(expected["inspection_id_ilacs"])
    assert 140 <= table.n <= 152
    assert table.row_shares.sum(axis=1).dropna().to_numpy() == pytest.approx(1.0)


def test_real_earlier_framework_pairs_take_the_last_earlier_inspection_before_the_first_sif(data: Data) -> None:
    # Uses the pre-SIF type label "child protection" (vocab.CHILD_PROTECTION), kept by the retyping.
    found = tr.pairs(data, PRIMARY)
    inspections = data.inspections.assign(
        order=data.inspections["start_date"].fillna(data.inspections["published_date"])
    )
    first_sif = inspections[inspections["inspection_type"] == "SIF"].sort_values("order").groupby("la_code").head(1)
    cp = inspections[inspections["inspection_type"] == CHILD_PROTECTION].merge(
        first_sif[["la_code", "order"]], on="la_code", suffixes=("", "_sif")
    )
    cp = cp[cp["order"] < cp["order_sif"]].sort_values(["order", "inspection_id"]).groupby("la_code").tail(1)
    graded = data.judgements[(data.judgements["area"] == "safeguarding") & (data.judgements["grade"] != NOT_JUDGED)]
    hp = data.judgements[(data.judgements["area"] == "help_protection") & (data.judgements["grade"] != NOT_JUDGED)]
    expected = cp[cp["inspection_id"].isin(graded["inspection_id"])]
    expected = expected[
        expected["la_code"].isin(first_sif[first_sif["inspection_id"].isin(hp["inspection_id"])]["la_code"])
    ]
    assert set(found["earlier_id"]) == set(expected["inspection_id"])
    assert (found["earlier_date"] < found["later_date"]).all()
    assert set(found["later_type"]) == {"SIF"} and set(found["earlier_type"]) == {CHILD_PROTECTION}


def test_real_options_drop_secondary_ends_and_keep_adequate_apart(data: Data, sif_to_ilacs: pd.DataFrame) -> None:
    primary = tr.pairs(data, SIF_TO_ILACS, include_secondary=False)
    secondary_ids = set(data.inspections[data.inspections["source_quality"] == SECONDARY]["inspection_id"])
    dropped = sif_to_ilacs[
        sif_to_ilacs["earlier_id"].isin(secondary_ids) | sif_to_ilacs["later_id"].isin(secondary_ids)
    ]
    assert len(dropped) > 0 and len(primary) == len(sif_to_ilacs) - len(dropped)
    assert primary.attrs["parameters"] == {
        "adequate_as_ri": True,
        "include_secondary": False,
        "date_basis": "published",
    }
    apart = tr.pairs(data, PRIMARY, adequate_as_ri=False)
    table = tr.transition_table(apart)
    assert table.grades == tuple(vocab.GRADE_ORDER_WITH_ADEQUATE)
    assert table.counts.loc[ADEQUATE].sum() == (apart["earlier_grade"] == ADEQUATE).sum() > 0
    assert (apart.loc[apart["earlier_grade"] == ADEQUATE, "earlier_rank"] == 3).all()
    assert (apart.loc[apart["earlier_grade"] == ADEQUATE, "earlier_level"] == 3).all()
    inspected = tr.pairs(data, SIF_TO_ILACS, date_basis="inspected")
    assert (inspected["years_apart"] != sif_to_ilacs["years_apart"]).any()


def test_real_pair_model_counts_every_consecutive_pair_of_headline_grades(data: Data) -> None:
    sequence = tr.headline_sequence(data)
    assert sequence["inspection_id"].is_unique
    assert set(sequence["area"]) <= set(tr.PENALTY_HEADLINE_AREAS)
    pairs = tr.consecutive_pairs(sequence)
    assert len(pairs) == len(sequence) - sequence["la_code"].nunique()
    result = tr.fit_penalty(pairs)
    assert result.n_pairs + result.n_undated == len(pairs)
    assert result.n_authorities <= sequence["la_code"].nunique()
    assert 0 < result.n_crossing < result.n_pairs
    assert (
        np.isfinite(result.penalty.estimate)
        and result.penalty.ci_low < result.penalty.estimate < result.penalty.ci_high
    )
    assert 0 <= result.mean_within <= 1 and 0 <= result.mean_crossing <= 1


def test_real_pair_model_without_secondary_sources_drops_their_pairs_rather_than_bridging_them(data: Data) -> None:
    every = tr.consecutive_pairs(tr.headline_sequence(data))
    sequence = tr.headline_sequence(data, include_secondary=False)
    uncounted = set(sequence.loc[~sequence["counted"], "inspection_id"])
    secondary = set(data.inspections.loc[data.inspections["source_quality"] == SECONDARY, "inspection_id"])
    assert secondary & set(sequence["inspection_id"]) <= uncounted and uncounted
    primary = tr.consecutive_pairs(sequence)
    ends = every["earlier_id"].isin(uncounted) | every["later_id"].isin(uncounted)
    assert set(zip(primary["earlier_id"], primary["later_id"])) == set(
        zip(every.loc[~ends, "earlier_id"], every.loc[~ends, "later_id"])
    )
    assert tr.pair_model(data, include_secondary=False).n_pairs + tr.pair_model(
        data, include_secondary=False
    ).n_undated == len(primary)


def test_a_comparison_no_authority_has_gives_an_empty_summary(data: Data) -> None:
    # ILACS grades care leavers only from 2023: no authority's first ILACS after a SIF does here.
    found = tr.pairs(data, "last SIF -> first ILACS, care leavers")
    summary = tr.transition_summary(found, n_boot=10, seed=0)
    assert summary.n == len(found)
    if summary.n == 0:
        assert np.isnan(summary.tau_b.estimate) and np.isnan(summary.stuart_maxwell.p_value)


# ------------------------------------------------------------------------------------------------
# Determinism and tidy results


def test_the_same_seed_gives_identical_results_and_another_seed_other_intervals(sif_to_ilacs: pd.DataFrame) -> None:
    first = tr.transition_summary(sif_to_ilacs, n_boot=300, seed=7).to_tidy()
    again = tr.transition_summary(sif_to_ilacs, n_boot=300, seed=7).to_tidy()
    other = tr.transition_summary(sif_to_ilacs, n_boot=300, seed=8).to_tidy()
    pd.testing.assert_frame_equal(first, again)
    assert not first["ci_low"].equals(other["ci_low"])
    assert first["estimate"].equals(other["estimate"])


def test_tidy_rows_have_the_shared_columns_and_statistic_names(sif_to_ilacs: pd.DataFrame, data: Data) -> None:
    frame = tr.transition_summary(sif_to_ilacs, n_boot=100, seed=0).to_tidy()
    assert tuple(frame.columns) == results.COLUMNS
    statistics = set(frame["statistic"])
    for name in (
        "tau_b",
        "kappa_quadratic",
        "share_improved",
        "stuart_maxwell",
        "bowker",
        "quasi_symmetry_lr",
        "mh_given_qs_lr",
    ):
        assert name in statistics
    assert set(frame["comparison"]) == {SIF_TO_ILACS} and set(frame["model"]) == {tr.MODEL}
    parameters = frame["parameters"].iloc[0]
    assert parameters == json.dumps(json.loads(parameters), sort_keys=True, separators=(",", ":"))
    assert json.loads(parameters)["adequate_as_ri"] is True and json.loads(parameters)["seed"] == 0
    penalty = tr.pair_model(data).to_tidy()
    assert penalty.set_index("statistic").loc["penalty", "n"] == tr.pair_model(data).n_pairs
    cells = tr.transition_table(sif_to_ilacs).to_tidy()
    assert len(cells) == 2 * 16


def test_write_table_is_deterministic_sorted_and_atomic(tmp_path, sif_to_ilacs: pd.DataFrame) -> None:
    frame = results.combine(
        [tr.transition_summary(sif_to_ilacs, n_boot=100, seed=0).to_tidy(), tr.transition_table(sif_to_ilacs).to_tidy()]
    )
    path = results.write_table(frame.sample(frac=1, random_state=1), tmp_path / "out" / "transitions.csv")
    again = results.write_table(frame, tmp_path / "again.csv")
    raw = path.read_bytes()
    assert raw == again.read_bytes() and b"\r\n" not in raw and raw.endswith(b"\n")
    assert [p.name for p in path.parent.iterdir()] == ["transitions.csv"]  # no temporary file left
    read = pd.read_csv(path, keep_default_na=False)
    assert list(read.columns) == list(results.COLUMNS)
    keys = list(zip(read["model"], read["comparison"], read["parameters"], read["statistic"]))
    assert keys == sorted(keys)


def test_tidy_fills_missing_values_and_writes_them_empty(tmp_path) -> None:
    frame = results.tidy(
        "m",
        "c",
        [{"statistic": "x", "estimate": 0.5}, results.row("y", 1.0, 0.1, 2.0, 1e-12, 10)],
        {"b": 1, "a": (1, 2)},
    )
    assert frame["parameters"].iloc[0] == '{"a":[1,2],"b":1}'
    assert np.isnan(frame.loc[0, "ci_low"]) and pd.isna(frame.loc[0, "n"])
    text = results.write_table(frame, tmp_path / "t.csv").read_text()
    assert text.splitlines()[1] == 'm,c,x,0.5,,,,,"{""a"":[1,2],""b"":1}"'
    assert "1e-12" in text.splitlines()[2]


def test_tidy_keeps_the_model_comparison_and_parameters_a_row_carries() -> None:
    frame = results.from_rows(
        [
            {"model": "m", "comparison": "c", "statistic": "s", "estimate": 1.5, "n": 10, "parameters": '{"a":true}'},
            {"model": "m", "comparison": "d", "statistic": "s", "estimate": 2.0, "parameters": {"b": 1}},
        ]
    )
    assert frame["parameters"].tolist() == ['{"a":true}', '{"b":1}']
    assert frame["comparison"].tolist() == ["c", "d"] and frame["n"].tolist()[0] == 10
    with pytest.raises(ValueError, match="without a model"):
        results.from_rows([{"statistic": "s"}])


def test_result_row_has_the_tidy_keys_and_compact_sorted_parameters() -> None:
    row = results.result_row("m", "c", "s", np.float64(1.5), 1, 2, 0.04, np.int64(10), {"b": (1, 2), "a": True})
    assert tuple(row) == results.COLUMNS
    assert row["parameters"] == '{"a":true,"b":[1,2]}'
    assert json.loads(row["parameters"]) == {"a": True, "b": [1, 2]}
    assert row["n"] == 10 and isinstance(row["estimate"], float)
    assert results.result_row("m", "c", "s", None, n=float("nan"), parameters='{"a":1}')["parameters"] == '{"a":1}'


def test_estimate_row_reads_the_estimate_interval_and_p_value_off_a_result() -> None:
    table = pd.DataFrame({"share": [0.25], "ci_low": [0.1], "ci_high": [0.4]})
    (share,) = [results.estimate_row("m", "c", "s", r, 8, {"k": 1}, value="share") for r in table.itertuples()]
    assert np.isnan(share.pop("p_value"))  # the table has no p-value
    assert share == {
        "model": "m",
        "comparison": "c",
        "statistic": "s",
        "estimate": 0.25,
        "ci_low": 0.1,
        "ci_high": 0.4,
        "n": 8,
        "parameters": '{"k":1}',
    }


# ------------------------------------------------------------------------------------------------
# Robustness: latest SIF and binary grades

LATEST_PRIMARY = "2012-13 child protection -> latest SIF help and protection"
LATEST_SLAC = "SLAC safeguarding -> latest SIF help and protection"


def test_latest_sif_comparisons_come_after_every_existing_one() -> None:
    names = tr.comparisons()
    latest = [n for n in names if tr.LATEST_SIF in n]
    assert LATEST_PRIMARY in latest and LATEST_SLAC in latest
    assert names[: len(names) - len(latest)] == [n for n in names if tr.LATEST_SIF not in n]
    firsts = [n for n in names if "-> first SIF" in n]
    assert latest == [n.replace("first SIF", "latest SIF") for n in firsts]
    assert names.index(SIF_TO_ILACS) == 5 and names.index(PRIMARY) == 2


def _csv_order(inspections: pd.DataFrame) -> pd.DataFrame:
    start = pd.to_datetime(inspections["start_date"].replace("", None))
    published = pd.to_datetime(inspections["published_date"].replace("", None))
    out = inspections.assign(order=start.fillna(published))
    return out[out["order"].notna()]


def test_real_latest_sif_pairs_equal_an_independent_count_from_the_csvs(data: Data) -> None:
    inspections = pd.read_csv(paths.DATA_PROCESSED / "inspections.csv", dtype=str, keep_default_na=False)
    judgements = pd.read_csv(paths.DATA_PROCESSED / "judgements.csv", dtype=str, keep_default_na=False)
    ordered = _csv_order(inspections).sort_values(["la_code", "order", "inspection_id"])
    first_sif = ordered[ordered["inspection_type"] == "SIF"].groupby("la_code").head(1)
    latest_sif = ordered[ordered["inspection_type"].isin(["SIF", SIF_REINSPECTION])].groupby("la_code").tail(1)
    cp = ordered[ordered["inspection_type"] == CHILD_PROTECTION].merge(
        first_sif[["la_code", "order"]], on="la_code", suffixes=("", "_sif")
    )
    cp = cp[cp["order"] < cp["order_sif"]].groupby("la_code").tail(1)

    def grades(area: str) -> pd.Series:
        found = judgements[(judgements["area"] == area) & ~judgements["grade"].isin(["", NOT_JUDGED])]
        return (
            found.drop_duplicates("inspection_id")
            .set_index("inspection_id")["grade"]
            .replace(ADEQUATE, REQUIRES_IMPROVEMENT)
        )

    expected = cp[["la_code", "inspection_id"]].merge(
        latest_sif[["la_code", "inspection_id"]], on="la_code", suffixes=("_e", "_l")
    )
    expected["earlier"] = expected["inspection_id_e"].map(grades("safeguarding"))
    expected["later"] = expected["inspection_id_l"].map(grades("help_protection"))
    expected = expected.dropna(subset=["earlier", "later"])
    found = tr.pairs(data, LATEST_PRIMARY)
    assert len(found) == len(expected) > 0
    assert set(found["later_id"]) == set(expected["inspection_id_l"])
    counts = pd.crosstab(expected["earlier"], expected["later"]).reindex(
        index=GRADE_ORDER, columns=GRADE_ORDER, fill_value=0
    )
    table = tr.transition_table(found)
    np.testing.assert_array_equal(table.counts.to_numpy(), counts.to_numpy())
    summary = tr.transition_summary(found, n_boot=50, seed=0)
    assert summary.n == len(expected) and summary.comparison == LATEST_PRIMARY


def test_real_latest_sif_equals_the_first_for_authorities_with_a_single_sif(data: Data) -> None:
    first, latest = tr.pairs(data, "SLAC safeguarding -> first SIF help and protection"), tr.pairs(data, LATEST_SLAC)
    sifs = data.inspections[data.inspections["inspection_type"].isin(["SIF", SIF_REINSPECTION])]
    single = set(sifs.groupby("la_code").size().loc[lambda n: n == 1].index)
    columns = [c for c in first.columns if c != "comparison"]
    a = first[first["la_code"].isin(single)][columns].reset_index(drop=True)
    b = latest[latest["la_code"].isin(single)][columns].reset_index(drop=True)
    assert len(a) > 50
    pd.testing.assert_frame_equal(a, b)
    # The earlier end never moves; authorities re-inspected have their re-inspection as the later end.
    both = first.merge(latest, on="la_code", suffixes=("_first", "_latest"))
    assert (both["earlier_id_first"] == both["earlier_id_latest"]).all()
    reinspected = latest[~latest["la_code"].isin(single)]
    assert set(reinspected["later_type"]) <= {SIF_REINSPECTION}


def _hand_pairs(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [(earlier, later) for (earlier, later), n in cells.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["earlier_grade", "later_grade"]).assign(comparison="hand", years_apart=2.0)
    frame.attrs["parameters"] = {"binary": True}
    return frame


def test_binary_summary_on_a_hand_2x2_is_mcnemar_with_the_hand_shares() -> None:
    good, below = tr.GOOD_OR_BETTER, tr.BELOW_GOOD
    a, b, c, d = 20, 3, 9, 18  # b: good -> below (declined), c: below -> good (improved)
    frame = _hand_pairs({(good, good): a, (good, below): b, (below, good): c, (below, below): d})
    n = a + b + c + d
    table = tr.transition_table(frame)
    assert table.grades == (good, below) and table.counts.to_numpy().tolist() == [[a, b], [c, d]]
    summary = tr.transition_summary(frame, n_boot=200, seed=0)
    mcnemar = (b - c) ** 2 / (b + c)
    assert summary.stuart_maxwell.statistic == pytest.approx(mcnemar, rel=1e-12) and summary.stuart_maxwell.df == 1
    assert summary.bowker.statistic == pytest.approx(mcnemar, rel=1e-12)
    assert summary.stuart_maxwell.p_value == pytest.approx(stats.chi2.sf(mcnemar, 1), rel=1e-9)
    assert summary.share_improved.estimate == pytest.approx(c / n)
    assert summary.share_declined.estimate == pytest.approx(b / n)
    assert summary.share_same.estimate == pytest.approx((a + d) / n)
    assert summary.net_decline.estimate == pytest.approx((b - c) / n)
    assert summary.quasi_symmetry_lr.df == 0 and np.isnan(summary.quasi_symmetry_lr.p_value)
    assert summary.collapsed == ()
    phi = (a * d - b * c) / np.sqrt((a + b) * (c + d) * (a + c) * (b + d))
    assert summary.tau_b.estimate == pytest.approx(phi)


def test_real_binary_pairs_read_grades_as_good_or_better_or_below_good(data: Data) -> None:
    ordinal = tr.pairs(data, SIF_TO_ILACS)
    binary = tr.pairs(data, SIF_TO_ILACS, binary=True)
    assert "binary" not in ordinal.attrs["parameters"] and binary.attrs["parameters"]["binary"] is True
    for end in ("earlier", "later"):
        good = ordinal[f"{end}_grade"].isin([vocab.OUTSTANDING, vocab.GOOD])
        assert (binary[f"{end}_grade"] == np.where(good, tr.GOOD_OR_BETTER, tr.BELOW_GOOD)).all()
        assert (binary[f"{end}_original_grade"] == ordinal[f"{end}_grade"]).all()
        assert (binary[f"{end}_rank"] == ordinal[f"{end}_rank"]).all()
        assert set(binary[f"{end}_level"]) <= {1, 2}
    apart = tr.pairs(data, PRIMARY, adequate_as_ri=False, binary=True)
    assert (apart.loc[apart["earlier_original_grade"] == ADEQUATE, "earlier_grade"] == tr.BELOW_GOOD).all()
    summary = tr.transition_summary(binary, n_boot=50, seed=0)
    assert summary.grades == tr.BINARY_ORDER and summary.n == len(ordinal)
    t = summary.table.to_numpy()
    assert summary.stuart_maxwell.statistic == pytest.approx((t[0, 1] - t[1, 0]) ** 2 / (t[0, 1] + t[1, 0]))
    assert '"binary":true' in summary.to_tidy()["parameters"].iloc[0]


# ------------------------------------------------------------------------------------------------
# The decision rule end to end on simulated councils (the estimators above feed analysis.models.verdict)


def _simulated_verdict(data: Data) -> str:
    """Rule version 1 on simulated councils (its penalty: the ridit pair model)."""
    return simulated_verdict(data, v.load_rule(), tr.pair_model(data).penalty)


def test_the_rule_reads_simulated_reshuffled_orders_as_moved_the_goalposts() -> None:
    assert _simulated_verdict(simulate_data(22, n_las=150, change="rotated")) == "moved the goalposts"


def test_rule_version_1_misreads_a_threshold_shift_that_keeps_the_order_a_known_limitation() -> None:
    """The method check the rule fails: with the order kept and the SIF's thresholds harder (inside
    the categories), version 1 does not say "raised the bar". The margins shift and quasi-symmetry
    holds, but the penalty (ridits of coarse grades) rises to about the material size: "inconclusive"
    (penalty 0.047, CI above 0) or "moved the goalposts" (0.053); and a shift of exactly one step
    leaves a 2-grade table on which quasi-symmetry cannot be tested: "inconclusive". Pinned: version 2
    of the rule (its latent penalty) reads the first two as "raised the bar" (tests/models/test_latent.py)."""
    assert _simulated_verdict(simulate_data(11, n_las=150, change="kept")) == "inconclusive"
    assert _simulated_verdict(simulate_data(21, n_las=150, change="kept")) == "moved the goalposts"
    assert _simulated_verdict(simulate_data(21, n_las=150, change="kept", scheme="step")) == "inconclusive"
