"""analysis.models.frame: the one-row-per-inspection frame, on a hand-made dataset (every value
checked by hand) and on the committed data/processed (row counts and covariate coverage computed
independently from the CSV files)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.data import Data
from analysis.data import load as load_data
from analysis.models import frame as F

PROCESSED = paths.DATA_PROCESSED
HAS_DATA = (PROCESSED / "inspections.csv").exists() and (PROCESSED / "la_context.csv").exists()
needs_data = pytest.mark.skipif(not HAS_DATA, reason="data/processed not built")
RI, ADEQUATE, INADEQUATE, GOOD, OUTSTANDING = (
    "Requires improvement to be good",
    "Adequate",
    "Inadequate",
    "Good",
    "Outstanding",
)
RANK = {OUTSTANDING: 1, GOOD: 2, RI: 3, ADEQUATE: 3, INADEQUATE: 4}


def small_data() -> Data:
    """Three authorities: E1 (pre-SIF CP Adequate then LAC Good, SIF Inadequate, re-inspection RI,
    ILACS Good), E2 (pre-SIF CP Good, SIF Good, ILACS Outstanding), E3 (no pre-SIF, SIF RI)."""
    inspections = [
        # id, la, framework, type, start, published, quality
        ("E1-cp", "E1", "pre-SIF", "child protection", "2011-05-01", None, "primary"),
        ("E1-lac", "E1", "pre-SIF", "looked after children", "2012-05-01", None, "primary"),
        ("E1-sif", "E1", "SIF", "SIF", "2014-01-06", "2014-03-01", "primary"),
        ("E1-re", "E1", "SIF", "SIF re-inspection", "2016-01-04", "2016-03-01", "primary"),
        ("E1-il", "E1", "ILACS", "ILACS standard", "2022-09-05", "2022-11-01", "primary"),
        ("E2-cp", "E2", "pre-SIF", "child protection", "2012-02-01", None, "primary"),
        ("E2-sif", "E2", "SIF", "SIF", "2014-11-03", "2015-01-10", "primary"),
        ("E2-il", "E2", "ILACS", "ILACS short", "2019-01-07", "2019-02-15", "primary"),
        ("E3-sif", "E3", "SIF", "SIF", "2015-03-02", "2015-05-20", "primary"),
    ]
    inspections = pd.DataFrame(
        inspections,
        columns=[
            "inspection_id",
            "la_code",
            "framework",
            "inspection_type",
            "start_date",
            "published_date",
            "source_quality",
        ],
    )
    inspections["la_name"] = inspections["la_code"]
    inspections["end_date"] = pd.NaT
    for column in ("start_date", "published_date"):
        inspections[column] = pd.to_datetime(inspections[column])
    grades = [
        ("E1-cp", "safeguarding", ADEQUATE),
        ("E1-lac", "looked_after", GOOD),
        ("E1-sif", "overall", INADEQUATE),
        ("E1-re", "overall", RI),
        ("E1-il", "overall", GOOD),
        ("E2-cp", "safeguarding", GOOD),
        ("E2-sif", "overall", GOOD),
        ("E2-il", "overall", OUTSTANDING),
        ("E3-sif", "overall", RI),
    ]
    judgements = pd.DataFrame(grades, columns=["inspection_id", "area", "grade"])
    judgements["grade_rank"] = judgements["grade"].map(RANK).astype("Int64")
    judgements["source_quality"] = "primary"
    las = pd.DataFrame(
        {
            "la_code": ["E1", "E2", "E3"],
            "region": ["London", "North West", "London"],
            "la_type": ["London Borough", "Metropolitan District", "London Borough"],
            "valid_from": pd.NaT,
            "valid_to": pd.NaT,
        }
    )
    context = pd.DataFrame(
        [
            ("E1", 2019, "imd_avg_rank", 5000.0, "imd"),
            ("E2", 2019, "imd_avg_rank", 20000.0, "imd"),
            ("E3", 2019, "imd_avg_rank", 12000.0, "imd"),
            ("E1", 2014, "sif_report_looked_after_rate", 71.0, "ofsted/reports/E1-sif.pdf#page=6"),
            ("E1", 2016, "sif_report_looked_after_rate", 75.0, "ofsted/reports/E1-re.pdf#page=5"),
            ("E2", 2014, "sif_report_looked_after_rate", 40.0, "ofsted/reports/E2-sif.pdf#page=6"),
            ("E1", 2021, "looked_after_rate", 80.0, "cla.csv"),
            ("E1", 2022, "looked_after_rate", 82.0, "cla.csv"),
            ("E2", 2021, "looked_after_rate", 45.0, "cla.csv"),
        ],
        columns=["la_code", "year", "measure", "value", "source"],
    )
    return Data(inspections=inspections, judgements=judgements, local_authorities=las, la_context=context)


@pytest.fixture(scope="module")
def data() -> Data:
    return load_data()


def test_imd_deciles_put_the_most_deprived_tenth_in_decile_10():
    context = pd.DataFrame(
        {"la_code": [f"L{i}" for i in range(20)], "measure": "imd_avg_rank", "value": np.arange(1, 21) * 1000.0}
    )
    deciles = F.imd_deciles(context)
    # a lower average rank is more deprived: L0 and L1 (ranks 1000, 2000) are the most deprived tenth
    assert deciles["L0"] == 10 and deciles["L1"] == 10
    assert deciles["L19"] == 1 and deciles["L18"] == 1
    assert sorted(deciles.value_counts().tolist()) == [2] * 10


def test_first_sif_frame_of_a_small_dataset_has_the_values_checked_by_hand():
    frame = F.inspection_frame(small_data(), "SIF").set_index("la_code")
    assert list(frame.index) == ["E1", "E2", "E3"]
    assert frame.loc["E1", "inspection_id"] == "E1-sif"
    assert frame["grade_rank"].tolist() == [4, 2, 3]
    assert frame["good_or_better"].tolist() == [0, 1, 0]
    # prior: the last pre-SIF safeguarding grade (E1's later looked-after-only inspection is not used)
    assert frame.loc["E1", "prior_grade"] == RI and frame.loc["E1", "prior_grade_rank"] == 3
    assert frame.loc["E2", "prior_grade_score"] == 3
    assert pd.isna(frame.loc["E3", "prior_grade_rank"])
    # published 2014-03-01, 2015-01-10, 2015-05-20; the re-inspection (2016) is published after all
    assert frame["reports_published_before"].tolist() == [0, 1, 2]
    assert frame["cohort"].tolist() == ["2014H1", "2015H1", "2015H1"]
    assert frame.loc["E1", "months_since_framework_start"] == pytest.approx(
        (pd.Timestamp("2014-03-01") - pd.Timestamp("2013-11-01")).days / 30.4375
    )
    # the report's own looked-after rate, matched by file stem
    assert frame["looked_after_rate"].tolist()[:2] == [71.0, 40.0] and pd.isna(frame.loc["E3", "looked_after_rate"])
    # E1 is the most deprived of three (decile 10), E2 the least (decile 4 = ceil(10 * 1/3))
    assert frame["imd_decile"].tolist() == [10, 4, 7]
    assert frame.loc["E1", "region"] == "London"


def test_adequate_kept_apart_sits_between_good_and_ri():
    frame = F.inspection_frame(small_data(), "SIF", adequate_as_ri=False).set_index("la_code")
    assert frame.loc["E1", "prior_grade"] == ADEQUATE
    assert frame.loc["E1", "prior_grade_rank"] == 2.5


def test_every_sif_inspection_includes_the_reinspection_and_its_own_looked_after_rate():
    frame = F.inspection_frame(small_data(), "SIF", first_only=False)
    assert frame["inspection_id"].tolist() == ["E1-sif", "E1-re", "E2-sif", "E3-sif"]
    row = frame.set_index("inspection_id").loc["E1-re"]
    assert row["looked_after_rate"] == 75.0 and row["reports_published_before"] == 3


def test_ilacs_frame_takes_the_last_sif_grade_and_the_dfe_rate_of_the_year_before():
    frame = F.inspection_frame(small_data(), "ILACS").set_index("la_code")
    # E1's last SIF grade is its re-inspection's RI
    assert frame.loc["E1", "prior_grade"] == RI and frame.loc["E1", "prior_inspection_id"] == "E1-re"
    assert frame.loc["E2", "prior_grade"] == GOOD
    # E1 inspected September 2022: DfE year 2021 (ending March 2021); E2 in 2019: no DfE figure (2018)
    assert frame.loc["E1", "looked_after_rate"] == 80.0 and frame.loc["E1", "looked_after_rate_year"] == 2021
    assert pd.isna(frame.loc["E2", "looked_after_rate"])
    coverage = F.covariate_coverage(frame.reset_index()).set_index("covariate")
    assert coverage.loc["looked_after_rate", "n_missing"] == 1


def test_inspected_basis_dates_by_the_first_day_on_site():
    frame = F.inspection_frame(small_data(), "SIF", date_basis="inspected")
    assert frame["date"].tolist() == list(pd.to_datetime(["2014-01-06", "2014-11-03", "2015-03-02"]))
    # reports published before the first day on site: none; E1's; E1's and E2's
    assert frame["reports_published_before"].tolist() == [0, 1, 2]


def test_unknown_framework_is_refused():
    with pytest.raises(ValueError, match="framework"):
        F.inspection_frame(small_data(), "pre-SIF")


def test_complete_cases_counts_the_rows_it_drops():
    frame = F.inspection_frame(small_data(), "SIF")
    kept, dropped, missing = F.complete_cases(frame, ["grade_rank", "prior_grade_rank", "looked_after_rate"])
    assert len(kept) == 2 and dropped == 1
    assert missing == {"grade_rank": 0, "prior_grade_rank": 1, "looked_after_rate": 1}


def test_design_matrix_drops_a_column_collinear_with_an_earlier_one():
    frame = pd.DataFrame(
        {
            "x": [1.0, 2, 3, 4, 5, 6],
            "region": ["London", "London", "North", "North", "South", "South"],
            "la_type": ["LB", "LB", "County", "Unitary", "County", "Unitary"],
        }
    )
    matrix = F.design_matrix(frame, ["x"], ["region", "la_type"])
    # la_type[LB] is region[London]'s reference complement: London = 1 - North - South, LB = London
    assert "la_type[LB]" not in matrix
    assert np.linalg.matrix_rank(np.column_stack([np.ones(6), matrix])) == matrix.shape[1] + 1


def test_simulated_frame_has_every_frame_column():
    frame = F.simulate_inspection_frame(50, seed=1)
    assert tuple(frame.columns) == F.FRAME_COLUMNS and len(frame) == 50
    assert set(frame["grade_rank"]) <= {1, 2, 3, 4}


# ------------------------------------------------------------------------------------------------
# The real data


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(PROCESSED / f"{name}.csv", dtype=str)


def _graded(framework: str, area: str = "overall") -> pd.DataFrame:
    inspections, judgements = _csv("inspections"), _csv("judgements")
    graded = judgements[(judgements["area"] == area) & judgements["grade_rank"].notna()]
    return inspections[
        (inspections["framework"] == framework) & inspections["inspection_id"].isin(graded["inspection_id"])
    ]


@needs_data
@pytest.mark.parametrize("framework", ["SIF", "ILACS"])
def test_first_inspection_frame_has_one_row_per_authority_inspected_under_the_framework(data, framework):
    frame = F.inspection_frame(data, framework)
    graded = _graded(framework)
    assert len(frame) == graded["la_code"].nunique() == frame["la_code"].nunique()
    assert len(F.inspection_frame(data, framework, first_only=False)) == len(graded)


@needs_data
def test_sif_first_frame_counts_152_authorities_and_147_without_secondary_rows(data):
    assert len(F.inspection_frame(data, "SIF")) == 152
    primary = _graded("SIF")
    primary = primary[primary["source_quality"] != "secondary"]
    assert len(F.inspection_frame(data, "SIF", include_secondary=False)) == primary["la_code"].nunique() == 147


@needs_data
def test_sif_covariate_coverage_matches_independent_counts(data):
    frame = F.inspection_frame(data, "SIF")
    coverage = F.covariate_coverage(frame).set_index("covariate")
    sif_las = set(frame["la_code"])
    pre = _graded("pre-SIF", "safeguarding")
    pre_overall = _graded("pre-SIF", "overall")
    with_prior = sif_las & (set(pre["la_code"]) | set(pre_overall["la_code"]))
    assert coverage.loc["prior_grade_rank", "n_present"] == len(with_prior)
    context = _csv("la_context")
    own = context[context["measure"] == "sif_report_looked_after_rate"]
    stems = set(own["source"].str.extract(r"([^/#]+)\.pdf", expand=False))
    assert coverage.loc["looked_after_rate", "n_present"] == frame["inspection_id"].isin(stems).sum()
    assert coverage.loc["imd_decile", "n_missing"] == 0 and coverage.loc["region", "n_missing"] == 0
    assert set(frame["imd_decile"].dropna()) == set(range(1, 11))


@needs_data
def test_ilacs_looked_after_rate_is_present_only_for_inspections_begun_from_2022(data):
    frame = F.inspection_frame(data, "ILACS")
    present = frame["looked_after_rate"].notna()
    assert (frame.loc[present, "start_date"].dt.year >= 2022).all()
    assert (frame.loc[present, "looked_after_rate_year"] == frame.loc[present, "start_date"].dt.year - 1).all()
    assert present.sum() == F.covariate_coverage(frame).set_index("covariate").loc["looked_after_rate", "n_present"]


def test_lead_inspector_is_carried_through_with_blank_names_missing():
    small = small_data()
    names = {"E1-sif": "A. Inspector", "E2-sif": "  ", "E3-sif": ""}
    small.inspections["lead_inspector"] = small.inspections["inspection_id"].map(names).fillna("")
    frame = F.inspection_frame(small, "SIF").set_index("la_code")
    assert frame.loc["E1", "lead_inspector"] == "A. Inspector"
    assert frame["lead_inspector"].isna().sum() == 2  # E2's blank and E3's empty name
    assert "lead_inspector" not in F.inspection_frame(small_data(), "SIF")  # no such column: not added


def test_frames_carry_a_yearly_cohort_beside_the_half_year_one():
    frame = F.inspection_frame(small_data(), "SIF", first_only=False).set_index("inspection_id")
    assert frame.loc["E1-sif", "cohort"] == "2014H1" and frame.loc["E1-sif", "cohort_year"] == "2014"
    assert frame.loc["E2-sif", "cohort_year"] == "2015"  # published 2015-01-10
    assert F.cohort_column("year") == "cohort_year" and F.cohort_column("half-year") == "cohort"
    with pytest.raises(ValueError, match="cohort must be one of"):
        F.cohort_column("quarter")
    simulated = F.simulate_inspection_frame(20, seed=1)
    assert (simulated["cohort_year"] == simulated["date"].dt.year.astype(str)).all()


@needs_data
def test_sif_first_frame_lead_inspector_coverage_matches_an_independent_count(data):
    frame = F.inspection_frame(data, "SIF")
    assert "lead_inspector" in frame
    inspections = pd.read_csv(PROCESSED / "inspections.csv", dtype=str, keep_default_na=False)
    judgements = pd.read_csv(PROCESSED / "judgements.csv", dtype=str, keep_default_na=False)
    graded = judgements[(judgements["area"] == "overall") & ~judgements["grade"].isin(["", "Not judged"])]
    sif = inspections[(inspections["framework"] == "SIF") & inspections["inspection_id"].isin(graded["inspection_id"])]
    sif = sif.assign(
        order=pd.to_datetime(sif["start_date"].replace("", None)).fillna(
            pd.to_datetime(sif["published_date"].replace("", None))
        )
    )
    first = sif.sort_values(["la_code", "order", "inspection_id"]).groupby("la_code").head(1)
    named = first["lead_inspector"].str.strip() != ""
    assert len(frame) == len(first)
    assert int(frame["lead_inspector"].notna().sum()) == int(named.sum())
    assert set(frame.loc[frame["lead_inspector"].notna(), "inspection_id"]) == set(first.loc[named, "inspection_id"])
    assert F.MIN_ROWS_PER_PARAMETER == 3
