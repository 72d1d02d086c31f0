"""analysis.dataset: loading, filtering and counting the processed tables, on small made-up tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import dataset

GOOD, RI, ADEQUATE, INADEQUATE, OUTSTANDING = "Good", "Requires improvement to be good", "Adequate", "Inadequate", "Outstanding"


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
    frame = pd.DataFrame(rows, columns=["inspection_id", "la_code", "framework", "inspection_type", "start_date", "published_date", "source_quality"])
    frame["la_name"] = frame["la_code"].map({"E1": "One", "E2": "Two"})
    frame["end_date"] = frame["start_date"]
    for column in dataset.DATE_COLUMNS:
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
    frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d") for c in dataset.DATE_COLUMNS}).to_csv(tmp_path / "inspections.csv", index=False)
    judgements_frame().assign(grade_rank=[3, 2, 3, None, 4, 3, 2, 1, 2], page=[1, 1, 2, None, None, 3, 2, 2, None]).to_csv(
        tmp_path / "judgements.csv", index=False
    )
    inspections = dataset.load_inspections(tmp_path)
    judgements = dataset.load_judgements(tmp_path)
    assert inspections.loc[0, "published_date"] == pd.Timestamp("2011-06-20")
    assert pd.isna(inspections.loc[5, "start_date"])
    assert str(judgements["grade_rank"].dtype) == "Int64" and judgements["grade_rank"].isna().sum() == 1
    assert dataset.load_validation(tmp_path) == {}
    (tmp_path / "validation.json").write_text(json.dumps({"sif": {"sif_reports": 3}}))
    assert dataset.load_validation(tmp_path) == {"sif": {"sif_reports": 3}}


def test_parse_as_at() -> None:
    assert dataset.parse_as_at("") is None
    assert dataset.parse_as_at("2018-03-31") == pd.Timestamp("2018-03-31")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        dataset.parse_as_at("31/03/2018")


def test_select_inspections_by_framework_and_source() -> None:
    frame = inspections_frame()
    assert list(dataset.select_inspections(frame)["inspection_id"]) == ["p1", "s1", "s2", "s3", "i1", "i2"]
    assert list(dataset.select_inspections(frame, "SIF")["inspection_id"]) == ["s1", "s2", "s3"]
    assert list(dataset.select_inspections(frame, "SIF", include_secondary=False)["inspection_id"]) == ["s1", "s3"]
    with pytest.raises(ValueError, match="framework"):
        dataset.select_inspections(frame, "Ofsted")


def test_latest_judgements_as_at_a_date() -> None:
    judged = dataset.join_judgements(judgements_frame(), inspections_frame())
    latest = dataset.latest_judgements(judged, "2017-12-31")
    got = {(r.la_code, r.area): (r.inspection_id, r.grade) for r in latest.itertuples()}
    # E1's overall is still its 2014 SIF grade; E2's re-inspection replaced the 2015 grade; Not judged is no judgement.
    assert got == {
        ("E1", "looked_after"): ("p1", GOOD),
        ("E1", "overall"): ("s1", RI),
        ("E1", "safeguarding"): ("p1", ADEQUATE),
        ("E2", "overall"): ("s3", RI),
    }
    later = dataset.latest_judgements(judged, "2020-02-01")  # published that day counts
    assert set(later.loc[later["area"] == "overall", "inspection_id"]) == {"i1", "i2"}
    assert dataset.latest_judgements(judged, "2010-01-01").empty


def test_overview_tables_apply_all_three_parameters() -> None:
    inspections, judgements = inspections_frame(), judgements_frame()
    chosen, judged = dataset.overview_tables(inspections, judgements)
    assert len(chosen) == 6 and len(judged) == 9
    chosen, judged = dataset.overview_tables(inspections, judgements, "SIF", include_secondary=False)
    assert list(chosen["inspection_id"]) == ["s1", "s3"] and len(judged) == 3
    chosen, judged = dataset.overview_tables(inspections, judgements, "SIF", True, "2016-01-01")
    assert list(chosen["inspection_id"]) == ["s1", "s2"]
    assert sorted(judged["grade"]) == [INADEQUATE, RI]


def test_inspections_per_year_uses_start_then_publication_year() -> None:
    table = dataset.inspections_per_year(inspections_frame())
    assert list(table.columns) == ["pre-SIF", "SIF", "ILACS"]
    assert table.to_dict("index") == {
        2011: {"pre-SIF": 1, "SIF": 0, "ILACS": 0},
        2014: {"pre-SIF": 0, "SIF": 1, "ILACS": 0},
        2015: {"pre-SIF": 0, "SIF": 1, "ILACS": 0},
        2017: {"pre-SIF": 0, "SIF": 1, "ILACS": 0},
        2019: {"pre-SIF": 0, "SIF": 0, "ILACS": 1},
        2020: {"pre-SIF": 0, "SIF": 0, "ILACS": 1},  # i2 has no start date: year of publication
    }
    assert dataset.inspections_per_year(inspections_frame().iloc[0:0]).empty


def test_headline_judgements_and_grade_shares() -> None:
    judged = dataset.join_judgements(judgements_frame(), inspections_frame())
    headline = dataset.headline_judgements(judged)
    assert dict(zip(headline["inspection_id"], headline["area"])) == {
        "i1": "overall", "i2": "overall", "p1": "safeguarding", "s1": "overall", "s2": "overall", "s3": "overall",
    }
    shares = dataset.grade_shares(headline, by=["framework"])
    assert list(shares.columns) == [OUTSTANDING, GOOD, ADEQUATE, RI, INADEQUATE]
    assert shares.loc["SIF"].round(4).to_dict() == {OUTSTANDING: 0.0, GOOD: 0.0, ADEQUATE: 0.0, RI: 0.6667, INADEQUATE: 0.3333}
    assert shares.loc["pre-SIF", ADEQUATE] == 1.0 and shares.loc["ILACS", GOOD] == 1.0
    assert dataset.grade_shares(headline.iloc[0:0], by=["framework"]).empty


def test_judgement_mix_counts_every_grade_per_area() -> None:
    mix = dataset.judgement_mix(dataset.join_judgements(judgements_frame(), inspections_frame()))
    assert mix.loc["overall"].to_dict() == {OUTSTANDING: 0, GOOD: 2, ADEQUATE: 0, RI: 2, INADEQUATE: 1, "Not judged": 0}
    assert mix.loc["adoption", "Not judged"] == 1
    assert int(mix.to_numpy().sum()) == 9


def test_coverage_against_official_counts() -> None:
    validation = {"ilacs": {"official_history_rows": 4}}
    cover = dataset.coverage(inspections_frame(), validation)
    assert cover.loc["SIF: authorities inspected"].to_dict() == {"in_dataset": 2, "official": 152, "share": 0.013}
    assert cover.loc["ILACS: inspections", "in_dataset"] == 2 and cover.loc["ILACS: inspections", "share"] == 0.5
    assert pd.isna(dataset.coverage(inspections_frame(), {}).loc["ILACS: inspections", "official"])
