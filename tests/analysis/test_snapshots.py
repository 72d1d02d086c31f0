"""analysis.snapshots: as-at, first/latest, year windows, grade counts and transitions — on small
made-up tables, and on cases from the real data checked by hand against the reports."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import paths, snapshots
from analysis.data import Data
from analysis.data import load as load_data

RI, ADEQUATE, INADEQUATE, GOOD, OUTSTANDING = (
    "Requires improvement to be good",
    "Adequate",
    "Inadequate",
    "Good",
    "Outstanding",
)
HAS_DATA = (paths.DATA_PROCESSED / "inspections.csv").exists() and (paths.DATA_PROCESSED / "judgements.csv").exists()


def small_data() -> Data:
    rows = [
        # id, la, framework, type, start, published, quality, overall/safeguarding grade
        ("p1", "E1", "pre-SIF", "safeguarding and looked after children", "2011-05-02", None, "primary", ADEQUATE),
        ("s1", "E1", "SIF", "SIF", "2014-01-06", "2014-03-01", "primary", INADEQUATE),
        ("s2", "E2", "SIF", "SIF", "2014-11-03", "2015-01-10", "primary", GOOD),
        ("s3", "E3", "SIF", "SIF", "2015-06-01", None, "secondary", RI),
        ("r1", "E1", "SIF", "SIF re-inspection", "2016-01-04", "2016-03-01", "primary", RI),
        ("i1", "E1", "ILACS", "ILACS standard", "2018-09-03", "2018-11-01", "official", GOOD),
        ("i2", "E2", "ILACS", "ILACS short", "2018-12-03", "2019-02-01", "official", INADEQUATE),
    ]
    inspections = pd.DataFrame(
        rows,
        columns=[
            "inspection_id",
            "la_code",
            "framework",
            "inspection_type",
            "start_date",
            "published_date",
            "source_quality",
            "grade",
        ],
    )
    judgements = inspections[["inspection_id", "grade", "source_quality"]].assign(
        area=["safeguarding", "overall", "overall", "overall", "overall", "overall", "overall"]
    )
    judgements = pd.concat(
        [
            judgements,
            pd.DataFrame(
                [{"inspection_id": "s1", "grade": INADEQUATE, "source_quality": "primary", "area": "leadership"}]
            ),
        ]
    )
    inspections = inspections.drop(columns="grade").assign(
        la_name=lambda f: f["la_code"].map({"E1": "One", "E2": "Two", "E3": "Three"})
    )
    inspections["end_date"] = pd.to_datetime(inspections["start_date"]) + pd.Timedelta(days=20)
    for column in ("start_date", "published_date"):
        inspections[column] = pd.to_datetime(inspections[column])
    las = pd.DataFrame({"la_code": ["E1", "E2", "E3"], "la_name": ["One", "Two", "Three"], "region": ["R", "R", "S"]})
    return Data(inspections, judgements, las)


def test_as_at_takes_the_latest_published_by_the_date() -> None:
    frame = snapshots.judgements_for(small_data(), framework="SIF", estimate_missing_dates=False)
    in_force = snapshots.as_at(frame, "2015-12-31").set_index("la_code")["grade"].to_dict()
    assert in_force == {"E1": INADEQUATE, "E2": GOOD}  # E3 has no publication date
    assert snapshots.as_at(frame, "2016-03-01").set_index("la_code").loc["E1", "grade"] == RI


def test_first_and_latest_per_authority() -> None:
    frame = snapshots.judgements_for(small_data(), framework="SIF")
    assert snapshots.first_per_la(frame).set_index("la_code").loc["E1", "inspection_id"] == "s1"
    assert snapshots.latest_per_la(frame).set_index("la_code").loc["E1", "inspection_id"] == "r1"
    assert len(snapshots.select(frame, "all")) == 4
    no_reinspections = snapshots.judgements_for(small_data(), framework="SIF", include_reinspections=False)
    assert "r1" not in set(no_reinspections["inspection_id"])


def test_published_and_inspected_year_differ() -> None:
    published = snapshots.judgements_for(small_data(), framework="SIF", date_basis="published")
    inspected = snapshots.judgements_for(small_data(), framework="SIF", date_basis="inspected")
    assert set(snapshots.in_year(published, 2014)["inspection_id"]) == {"s1"}  # s2 was published in 2015
    assert set(snapshots.in_year(inspected, 2014)["inspection_id"]) == {"s1", "s2"}


def test_secondary_rows_are_a_switch() -> None:
    assert "E3" in set(snapshots.judgements_for(small_data())["la_code"])
    assert "E3" not in set(snapshots.judgements_for(small_data(), include_secondary=False)["la_code"])


def test_grade_counts_and_adequate_switch() -> None:
    data = small_data()
    counts = snapshots.grade_counts(snapshots.judgements_for(data, framework="SIF"))
    assert counts["count"].to_dict() == {OUTSTANDING: 0, GOOD: 1, RI: 2, INADEQUATE: 1}
    assert counts["share"].sum() == pytest.approx(100)
    pre = snapshots.judgements_for(data, area="safeguarding", framework="pre-SIF", adequate_as_ri=False)
    assert snapshots.grade_counts(pre, adequate_as_ri=False).loc[ADEQUATE, "count"] == 1
    pre_mapped = snapshots.judgements_for(data, area="safeguarding", framework="pre-SIF")
    assert snapshots.grade_counts(pre_mapped).loc[RI, "count"] == 1


def test_transitions_between_consecutive_inspections() -> None:
    frame = snapshots.judgements_for(small_data(), area=snapshots.HEADLINE, framework=None)
    moves = snapshots.transitions(frame).set_index("inspection_id")
    assert (
        moves.loc["s1", "prev_inspection_id"] == "p1" and moves.loc["s1", "change"] == "declined"
    )  # Adequate -> Inadequate
    assert moves.loc["r1", "change"] == "improved" and moves.loc["i1", "change"] == "improved"
    assert moves.loc["i2", "change"] == "declined"
    assert "s2" not in moves.index  # E2's first inspection has no previous


# --- real data: cases checked by hand against the report PDFs ---------------------------------


@pytest.fixture(scope="module")
def data() -> Data:
    assert HAS_DATA, "data/processed is committed and must be present (make data rebuilds it)"
    return load_data()


def _row(frame: pd.DataFrame, la_name: str) -> pd.Series:
    rows = frame[frame["la_name"] == la_name]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_real_sif_covers_152_councils_147_from_reports(data: Data) -> None:
    firsts = snapshots.first_per_la(snapshots.judgements_for(data, framework="SIF", inspection_types=["SIF"]))
    assert firsts["la_code"].nunique() == 152
    primary = snapshots.first_per_la(
        snapshots.judgements_for(data, framework="SIF", inspection_types=["SIF"], include_secondary=False)
    )
    assert primary["la_code"].nunique() == 147
    assert {"Bournemouth", "Poole", "Northamptonshire", "Cumbria"} <= set(firsts["la_name"]) - set(primary["la_name"])


def test_real_cheshire_west_and_chester_sif(data: Data) -> None:
    # SIF report 80448 (published 19 Feb 2016; on site Nov-Dec 2015): good overall, outstanding
    # adoption and leadership, as the 3 January 2017 article also says.
    grades = {
        area: _row(snapshots.judgements_for(data, area=area), "Cheshire West and Chester")["grade"]
        for area in ("overall", "adoption", "leadership")
    }
    assert grades == {"overall": GOOD, "adoption": OUTSTANDING, "leadership": OUTSTANDING}
    row = _row(snapshots.judgements_for(data), "Cheshire West and Chester")
    assert row["start_date"].strftime("%Y-%m") == "2015-11" and row["published_date"] == pd.Timestamp("2016-02-19")


def test_real_birmingham_as_at(data: Data) -> None:
    # Birmingham: SIF published 23 May 2014 (inadequate), SIF re-inspection published 25 Nov 2016 (inadequate).
    frame = snapshots.judgements_for(data, framework="SIF")
    assert _row(snapshots.as_at(frame, "2016-06-30"), "Birmingham")["inspection_id"] == "80429_birmingham_2014-05-23"
    assert _row(snapshots.as_at(frame, "2016-12-31"), "Birmingham")["inspection_id"] == "80429_birmingham_2016-11-25"
    assert "Birmingham" not in set(snapshots.as_at(frame, "2014-05-22")["la_name"])
    assert _row(snapshots.first_per_la(frame), "Birmingham")["inspection_id"] == "80429_birmingham_2014-05-23"


def test_real_sif_results_of_2014_published_vs_inspected(data: Data) -> None:
    published = snapshots.in_year(snapshots.judgements_for(data, framework="SIF", date_basis="published"), 2014)
    inspected = snapshots.in_year(snapshots.judgements_for(data, framework="SIF", date_basis="inspected"), 2014)
    assert (len(published), len(inspected)) == (37, 39)
    assert "Sheffield" in set(published["la_name"]) and "Sheffield" not in set(
        inspected["la_name"]
    )  # on site late 2013


def test_real_leadership_in_force_december_2016(data: Data) -> None:
    leadership = snapshots.as_at(snapshots.judgements_for(data, area="leadership", framework="SIF"), "2016-12-31")
    counts = snapshots.grade_counts(leadership)["count"].to_dict()
    assert counts == {OUTSTANDING: 8, GOOD: 28, RI: 53, INADEQUATE: 24}


def test_real_rochdale_ilacs_against_its_sif(data: Data) -> None:
    moves = snapshots.transitions(snapshots.judgements_for(data, area=snapshots.HEADLINE, framework=None))
    row = moves.set_index("inspection_id").loc["80542_rochdale_2018-03-12"]
    assert row["prev_inspection_id"] == "80542_rochdale_2014-12-05"
    assert (row["prev_grade"], row["grade"], row["change"]) == (RI, RI, "same")


# as_at holds only the authorities that exist on its date (local_authorities valid_from / valid_to).
REORGANISATIONS = [
    # (last day of the old authorities, abolished codes, codes created the next day)
    ("2019-03-31", {"E06000028", "E06000029", "E10000009"}, {"E06000058", "E06000059"}),
    ("2021-03-31", {"E10000021"}, {"E06000061", "E06000062"}),
    ("2023-03-31", {"E10000006"}, {"E06000063", "E06000064"}),
]


def _in_force(date: str) -> set[str]:
    frame = snapshots.judgements_for(load_data(), area=snapshots.HEADLINE, framework=None, date_basis="published")
    return set(snapshots.as_at(frame, date)["la_code"])


def test_as_at_drops_abolished_authorities_after_their_last_day_and_keeps_them_before() -> None:
    for last_day, abolished, created in REORGANISATIONS:
        before, after = _in_force(last_day), _in_force(str(pd.Timestamp(last_day) + pd.Timedelta(days=1))[:10])
        assert abolished <= before, f"{abolished - before} should be in force on {last_day}"
        assert not abolished & after, f"{abolished & after} abolished on {last_day} but in force after"
        assert not created & before, f"{created & before} in force before they existed"


def test_as_at_2025_has_no_more_authorities_than_exist() -> None:
    las = load_data().local_authorities
    existing = las[las["valid_to"].isna() | (las["valid_to"] >= "2025-03-31")]
    in_force = _in_force("2025-03-31")
    assert len(existing) == 153
    assert in_force <= set(existing["la_code"])
    assert len(in_force) == 153
