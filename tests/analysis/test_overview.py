"""analysis.data and analysis.overview: loading, filtering and counting the processed tables, on small made-up tables, and
the judgements in force at a date on the real processed data (skipped without it, failing in CI)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis import data, overview
from analysis.paths import DATA_PROCESSED

IN_CI = os.environ.get("CI", "").lower() == "true"
GOOD, RI, ADEQUATE, INADEQUATE, OUTSTANDING = (
    "Good",
    "Requires improvement to be good",
    "Adequate",
    "Inadequate",
    "Outstanding",
)


#: A hand-made authority table without lifetimes: every authority exists at every date.
NO_LAS = pd.DataFrame({"la_code": pd.Series([], dtype=str)})


def inspections_frame() -> pd.DataFrame:
    rows = [
        # id, la, framework, type, start, published, quality
        ("p1", "E1", "pre-SIF", "safeguarding and looked after children", "2011-05-02", "2011-06-20", "primary"),
        ("s1", "E1", "SIF", "SIF", "2014-03-03", "2014-05-01", "primary"),
        ("s2", "E2", "SIF", "SIF", "2015-01-05", "2015-02-20", "secondary"),
        ("s3", "E2", "SIF", "SIF re-inspection", "2017-06-05", "2017-08-01", "primary"),
        ("i1", "E1", "ILACS", "ILACS standard", "2019-01-07", "2019-03-01", "primary"),
        ("i2", "E2", "ILACS", "ILACS short", None, "2020-02-01", "official"),
    ]
    frame = pd.DataFrame(
        rows,
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
    frame["la_name"] = frame["la_code"].map({"E1": "One", "E2": "Two"})
    frame["end_date"] = frame["start_date"]
    for column in data.DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def judgements_frame() -> pd.DataFrame:
    rows = [
        ("p1", "safeguarding", ADEQUATE, "primary"),
        ("p1", "looked_after", GOOD, "primary"),
        ("s1", "overall", RI, "primary"),
        ("s1", "adoption", "Not judged", "primary"),
        ("s2", "overall", INADEQUATE, "secondary"),
        ("s3", "overall", RI, "primary"),
        ("i1", "overall", GOOD, "primary"),
        ("i1", "leadership", OUTSTANDING, "primary"),
        ("i2", "overall", GOOD, "official"),
    ]
    return pd.DataFrame(rows, columns=["inspection_id", "area", "grade", "source_quality"])


def test_loaders_read_types_from_csv(tmp_path: Path) -> None:
    frame = inspections_frame()
    frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d") for c in data.DATE_COLUMNS}).to_csv(
        tmp_path / "inspections.csv", index=False
    )
    judgements_frame().assign(
        grade_rank=[3, 2, 3, None, 4, 3, 2, 1, 2], page=[1, 1, 2, None, None, 3, 2, 2, None]
    ).to_csv(tmp_path / "judgements.csv", index=False)
    inspections = data.load_inspections(tmp_path)
    judgements = data.load_judgements(tmp_path)
    assert inspections.loc[0, "published_date"] == pd.Timestamp("2011-06-20")
    assert pd.isna(inspections.loc[5, "start_date"])
    assert str(judgements["grade_rank"].dtype) == "Int64" and judgements["grade_rank"].isna().sum() == 1
    assert data.load_validation(tmp_path) == {}
    (tmp_path / "validation.json").write_text(json.dumps({"sif": {"sif_reports": 3}}))
    assert data.load_validation(tmp_path) == {"sif": {"sif_reports": 3}}


def test_parse_as_at() -> None:
    assert data.parse_as_at("") is None
    assert data.parse_as_at("2018-03-31") == pd.Timestamp("2018-03-31")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        data.parse_as_at("31/03/2018")


def test_select_inspections_by_framework_and_source() -> None:
    frame = inspections_frame()
    assert list(data.select_inspections(frame)["inspection_id"]) == ["p1", "s1", "s2", "s3", "i1", "i2"]
    assert list(data.select_inspections(frame, "SIF")["inspection_id"]) == ["s1", "s2", "s3"]
    assert list(data.select_inspections(frame, "SIF", include_secondary=False)["inspection_id"]) == ["s1", "s3"]
    with pytest.raises(ValueError, match="framework"):
        data.select_inspections(frame, "Ofsted")


def test_judgements_in_force_are_those_of_the_latest_graded_inspection() -> None:
    inspections, judgements = inspections_frame(), judgements_frame()
    in_force = overview.judgements_in_force(inspections, judgements, NO_LAS, "2017-12-31")
    got = {(r.la_code, r.area): (r.inspection_id, r.grade) for r in in_force.itertuples()}
    # E1's 2014 SIF replaced its 2011 pre-SIF grades (safeguarding and looked-after too, which SIF does
    # not grade); E2's re-inspection replaced the 2015 grade; Not judged is no judgement.
    assert got == {("E1", "overall"): ("s1", RI), ("E2", "overall"): ("s3", RI)}
    early = overview.judgements_in_force(inspections, judgements, NO_LAS, "2012-01-01")
    assert set(early["area"]) == {"safeguarding", "looked_after"} and set(early["inspection_id"]) == {"p1"}
    later = overview.judgements_in_force(inspections, judgements, NO_LAS, "2020-02-01")  # published that day counts
    assert set(later["inspection_id"]) == {"i1", "i2"}
    assert overview.judgements_in_force(inspections, judgements, NO_LAS, "2010-01-01").empty
    with pytest.raises(ValueError, match="needs a date"):
        overview.in_force_inspections(inspections, judgements, NO_LAS, "")


def test_in_force_inspections_estimate_missing_publication_dates() -> None:
    # s2 (secondary) gives no publication date: it is dated end of inspection + the SIF median lag
    # of the reports that give both (s1: 59 days, s3: 57 days -> 58), flagged as estimated.
    inspections = inspections_frame()
    inspections.loc[inspections["inspection_id"] == "s2", "published_date"] = pd.NaT
    in_force = overview.in_force_inspections(inspections, judgements_frame(), NO_LAS, "2015-03-04").set_index("la_code")
    assert in_force.loc["E2", "inspection_id"] == "s2" and bool(in_force.loc["E2", "published_estimated"])
    assert in_force.loc["E2", "in_force_from"] == pd.Timestamp("2015-03-04")
    assert not bool(in_force.loc["E1", "published_estimated"])
    assert (
        "E2"
        not in overview.in_force_inspections(inspections, judgements_frame(), NO_LAS, "2015-03-03")["la_code"].values
    )


def test_overview_tables_apply_all_three_parameters() -> None:
    inspections, judgements = inspections_frame(), judgements_frame()
    chosen, judged = overview.overview_tables(inspections, judgements, NO_LAS)
    assert len(chosen) == 6 and len(judged) == 9
    chosen, judged = overview.overview_tables(inspections, judgements, NO_LAS, "SIF", include_secondary=False)
    assert list(chosen["inspection_id"]) == ["s1", "s3"] and len(judged) == 3
    chosen, judged = overview.overview_tables(inspections, judgements, NO_LAS, "SIF", True, "2016-01-01")
    assert list(chosen["inspection_id"]) == ["s1", "s2"]
    assert sorted(judged["grade"]) == [INADEQUATE, RI]
    # In force in 2019-06: E1's ILACS grade replaced its SIF one, so only E2's re-inspection is SIF.
    chosen, judged = overview.overview_tables(inspections, judgements, NO_LAS, "SIF", True, "2019-06-30")
    assert list(chosen["inspection_id"]) == ["s3"] and list(judged["inspection_id"]) == ["s3"]
    # Without secondary rows E2 has only s3 (2017) in force at 2016-01-01: nothing yet.
    chosen, _ = overview.overview_tables(inspections, judgements, NO_LAS, "all", False, "2016-01-01")
    assert list(chosen["inspection_id"]) == ["s1"]


def test_inspections_per_year_uses_start_then_publication_year() -> None:
    table = overview.inspections_per_year(inspections_frame())
    assert list(table.columns) == ["pre-SIF", "SIF", "ILACS"]
    assert table.to_dict("index") == {
        2011: {"pre-SIF": 1, "SIF": 0, "ILACS": 0},
        2014: {"pre-SIF": 0, "SIF": 1, "ILACS": 0},
        2015: {"pre-SIF": 0, "SIF": 1, "ILACS": 0},
        2017: {"pre-SIF": 0, "SIF": 1, "ILACS": 0},
        2019: {"pre-SIF": 0, "SIF": 0, "ILACS": 1},
        2020: {"pre-SIF": 0, "SIF": 0, "ILACS": 1},  # i2 has no start date: year of publication
    }
    assert overview.inspections_per_year(inspections_frame().iloc[0:0]).empty


def test_headline_judgements_and_grade_shares() -> None:
    judged = data.join_judgements(judgements_frame(), inspections_frame())
    headline = data.headline_judgements(judged)
    assert dict(zip(headline["inspection_id"], headline["area"])) == {
        "i1": "overall",
        "i2": "overall",
        "p1": "safeguarding",
        "s1": "overall",
        "s2": "overall",
        "s3": "overall",
    }
    shares = overview.grade_shares(headline, by=["framework"])
    assert list(shares.columns) == [OUTSTANDING, GOOD, ADEQUATE, RI, INADEQUATE]
    assert shares.loc["SIF"].round(4).to_dict() == {
        OUTSTANDING: 0.0,
        GOOD: 0.0,
        ADEQUATE: 0.0,
        RI: 0.6667,
        INADEQUATE: 0.3333,
    }
    assert shares.loc["pre-SIF", ADEQUATE] == 1.0 and shares.loc["ILACS", GOOD] == 1.0
    assert overview.grade_shares(headline.iloc[0:0], by=["framework"]).empty


def test_judgement_mix_counts_every_grade_per_area() -> None:
    mix = overview.judgement_mix(data.join_judgements(judgements_frame(), inspections_frame()))
    assert mix.loc["overall"].to_dict() == {OUTSTANDING: 0, GOOD: 2, ADEQUATE: 0, RI: 2, INADEQUATE: 1, "Not judged": 0}
    assert mix.loc["adoption", "Not judged"] == 1
    assert int(mix.to_numpy().sum()) == 9


def test_coverage_against_official_counts() -> None:
    validation = {"ilacs": {"official_history_rows": 4}}
    cover = overview.coverage(inspections_frame(), validation)
    assert cover.loc["SIF: authorities inspected"].to_dict() == {"in_dataset": 2, "official": 152, "share": 0.013}
    assert cover.loc["ILACS: inspections", "in_dataset"] == 2 and cover.loc["ILACS: inspections", "share"] == 0.5
    assert pd.isna(overview.coverage(inspections_frame(), {}).loc["ILACS: inspections", "official"])


def test_coverage_as_at_a_date_counts_both_sides_up_to_it() -> None:
    frame = inspections_frame().assign(official_source=None)
    frame.loc[frame["framework"] == "ILACS", "official_source"] = "ofsted/official.xlsx"
    validation = {"ilacs": {"official_history_rows": 2}}
    cover = overview.coverage(frame, validation, "2019-06-30")
    # One ILACS inspection published by then, in the dataset and in the official history.
    assert cover.loc["ILACS: inspections"].to_dict() == {"in_dataset": 1, "official": 1, "share": 1.0}
    assert cover.loc["SIF: authorities inspected"].to_dict() == {"in_dataset": 2, "official": 152, "share": 0.013}
    # Before the last SIF inspection was published the all-time SIF count does not apply.
    early = overview.coverage(frame, validation, "2014-12-31")
    assert early.loc["SIF: authorities inspected", "in_dataset"] == 1
    assert pd.isna(early.loc["SIF: authorities inspected", "official"])
    assert early.loc["ILACS: inspections", "official"] == 0
    # A selection is compared with the whole official history (all_inspections).
    sif_only = overview.coverage(data.select_inspections(frame, "SIF"), validation, "2020-12-31", frame)
    assert sif_only.loc["ILACS: inspections"].to_dict()["official"] == 2


# --- the real processed data --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> tuple[pd.DataFrame, pd.DataFrame]:
    """inspections.csv and judgements.csv from data/processed (skipped without them, failing in CI)."""
    if not (DATA_PROCESSED / "judgements.csv").exists():
        if IN_CI:
            pytest.fail("data/processed/judgements.csv is missing")
        pytest.skip("data/processed/judgements.csv is missing: run `make data`")
    return data.load_inspections(), data.load_judgements(), data.load_local_authorities()


def test_real_no_pre_sif_grade_in_force_after_a_sif_inspection(real) -> None:
    inspections, judgements, las = real
    chosen, judged = overview.overview_tables(inspections, judgements, las, as_at="2018-03-31")
    # Every authority had its SIF report by then: none is still on a 2012-13 pre-SIF grade, and
    # the areas only pre-SIF graded (safeguarding, capacity) are no longer in force.
    sif = inspections[(inspections["framework"] == "SIF") & (inspections["published_date"] <= "2018-03-31")]
    assert set(chosen.loc[chosen["framework"] == "pre-SIF", "la_code"]) & set(sif["la_code"]) == set()
    assert "pre-SIF" not in set(judged["framework"])
    assert not {"safeguarding", "capacity"} & set(judged["area"])
    assert chosen["la_code"].is_unique and set(judged["inspection_id"]) <= set(chosen["inspection_id"])
    # ILACS began in 2018: Rochdale's report of 2018-03-12 was the only one published by then.
    assert list(chosen.loc[chosen["framework"] == "ILACS", "inspection_id"]) == ["80542_rochdale_2018-03-12"]
    cover = overview.coverage(data.select_inspections(inspections), data.load_validation(), "2018-03-31", inspections)
    assert cover.loc["ILACS: inspections"].to_dict() == {"in_dataset": 1, "official": 1, "share": 1.0}


def test_real_birmingham_in_force_before_and_after_its_first_ilacs_report(real) -> None:
    inspections, judgements, las = real
    in_force = overview.judgements_in_force(inspections, judgements, las, "2019-01-31")
    birmingham = in_force[in_force["la_name"] == "Birmingham"]
    # The ILACS report published 2019-01-17 judged four areas, all "Requires improvement to be good";
    # the 2016 SIF grades (Inadequate overall; adoption, care leavers, LSCB) are no longer in force.
    assert set(birmingham["inspection_id"]) == {"80429_birmingham_2019-01-17"}
    assert dict(zip(birmingham["area"], birmingham["grade"])) == {
        "help_protection": RI,
        "leadership": RI,
        "looked_after": RI,
        "overall": RI,
    }
    before = overview.judgements_in_force(inspections, judgements, las, "2019-01-16")
    before = before[before["la_name"] == "Birmingham"].set_index("area")
    assert (
        set(before["inspection_id"]) == {"80429_birmingham_2016-11-25"} and before.loc["overall", "grade"] == INADEQUATE
    )


def test_a_figures_source_counts_the_reports_and_names_the_press_sources_only_when_they_are_in() -> None:
    inspections = data.load(DATA_PROCESSED).inspections
    assert data.source_line(inspections, include_secondary=True) == (
        "Ofsted inspection reports (431 PDFs), Ofsted's official outcomes file and the press-sourced SIF grades of"
        " 5 councils; data/processed"
    )
    assert data.source_line(inspections, False, "IMD 2019 (la_context)") == (
        "Ofsted inspection reports (431 PDFs), Ofsted's official outcomes file; IMD 2019 (la_context); data/processed"
    )
