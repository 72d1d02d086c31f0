"""The canonical local-authority table and name/code/URN resolution, on the real raw files."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis import las as shared_las
from analysis.build import authorities as las
from analysis.build.validate import validate_table
from analysis.schema import LA_FIELDS

ODS = "ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"
ODS_SHEETS = ["Inspections_as_at_31_March", "In-year_inspections", "ILACS_inspection_history"]
B1 = "dfe/b1_children_in_need_2013_to_2025.csv"
DFE_FILES = [
    "b1_children_in_need_2013_to_2025.csv",
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "cla_number_and_rate_per_10k_children.csv",
    "csww_indicators_2017_to_2025.csv",
    "ons_mid-year_population_estimates_2012_to_2024.csv",
]


@pytest.fixture(scope="module")
def table(raw_dir: Path) -> pd.DataFrame:
    return las.build_local_authorities(raw_dir)


@pytest.fixture(scope="module")
def ods(raw_dir: Path) -> dict[str, pd.DataFrame]:
    # Header on row 3 of each sheet.
    return pd.read_excel(raw_dir / ODS, sheet_name=ODS_SHEETS, header=2, engine="calamine")


def _dfe_la_rows(raw_dir: Path, file: str) -> list[dict[str, str]]:
    with (raw_dir / "dfe" / file).open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["geographic_level"] == "Local authority"]


# --------------------------------------------------------------------------------------------------
# The table


def test_counts(table: pd.DataFrame) -> None:
    assert len(table) == 158
    assert table["status"].value_counts().to_dict() == {"current": 153, "abolished": 5}
    assert table["la_type"].value_counts().to_dict() == {
        "Unitary Authority": 65,
        "Metropolitan District": 36,
        "London Borough": 33,
        "County": 24,
    }
    assert sorted(table.loc[table["status"] == "abolished", "la_name"]) == [
        "Bournemouth",
        "Cumbria",
        "Dorset County",
        "Northamptonshire",
        "Poole",
    ]
    assert table["la_code"].is_unique and table["la_name"].is_unique and table["dfe_la_number"].is_unique


def test_schema_and_order(table: pd.DataFrame, raw_dir: Path) -> None:
    validate_table("local_authorities", table, LA_FIELDS)
    assert table["la_code"].tolist() == sorted(table["la_code"])
    pd.testing.assert_frame_equal(table, las.build_local_authorities(raw_dir))


def test_sif_era_authorities_are_the_152_in_dfe_2013(table: pd.DataFrame, raw_dir: Path) -> None:
    in_2013 = {
        las.canonical_code(r["new_la_code"], table) for r in _dfe_la_rows(raw_dir, B1[4:]) if r["time_period"] == "2013"
    }
    existing_2013 = set(table.loc[table["valid_from"].isna(), "la_code"])
    assert len(in_2013) == 152
    assert existing_2013 == in_2013


def test_current_authorities_are_ofsteds_153(table: pd.DataFrame, ods: dict[str, pd.DataFrame]) -> None:
    latest = set(ods["Inspections_as_at_31_March"]["Local authority area code"])
    assert len(latest) == 153
    assert set(table.loc[table["status"] == "current", "la_code"]) == latest


def test_reorganisation_rows(table: pd.DataFrame) -> None:
    row = table.set_index("la_code")
    assert row.loc["E06000058", "predecessor_codes"] == "E06000028;E06000029;E10000009"
    assert row.loc["E06000059", "predecessor_codes"] == "E10000009"
    assert row.loc["E10000009", "successor_codes"] == "E06000058;E06000059"
    assert row.loc["E10000021", "successor_codes"] == "E06000061;E06000062"
    assert row.loc["E10000006", "successor_codes"] == "E06000063;E06000064"
    assert row.loc["E06000063", ["valid_from", "dfe_la_number", "ofsted_urn"]].tolist() == ["2023-04-01", 942, 2733690]
    assert row.loc["E10000006", ["valid_to", "dfe_la_number", "la_type", "region"]].tolist() == [
        "2023-03-31",
        909,
        "County",
        "North West",
    ]
    assert row.loc["E06000060", "former_codes"] == "E10000002"
    assert row.loc["E06000065", "former_codes"] == "E10000023"
    assert row.loc["E06000066", "former_codes"] == "E10000027"
    assert row.loc["E08000037", "former_codes"] == "E08000020"
    assert row.loc["E06000057", "former_codes"] == "E06000048"
    assert row.loc["E08000016", "newer_codes"] == "E08000038"
    assert row.loc["E08000019", "newer_codes"] == "E08000039"
    # la_lookup.csv calls Cumberland and North Yorkshire "County"; the code prefix says unitary.
    assert row.loc["E06000063", "la_type"] == row.loc["E06000065", "la_type"] == "Unitary Authority"
    assert row.loc[["E06000028", "E06000029", "E10000009", "E10000021", "E10000006"], "ofsted_urn"].isna().all()
    assert row["ofsted_urn"].notna().sum() == 153


def test_abolished_facts_match_dfe_rows(table: pd.DataFrame, raw_dir: Path) -> None:
    """DfE number, region and last year of each abolished authority, as in the DfE b1 file."""
    rows = _dfe_la_rows(raw_dir, B1[4:])
    for entry in shared_las.load_changes()["abolished"]:
        mine = [r for r in rows if r["new_la_code"] == entry["la_code"]]
        assert {r["old_la_code"] for r in mine} == {str(entry["dfe_la_number"])}
        assert {r["region_name"] for r in mine} == {entry["region"]}
        # The collection year ends on 31 March, so the last year is the year of valid_to.
        assert max(int(r["time_period"]) for r in mine) == int(entry["valid_to"][:4])


def test_successors_appear_in_dfe_the_year_after_creation(table: pd.DataFrame, raw_dir: Path) -> None:
    rows = _dfe_la_rows(raw_dir, B1[4:])
    created = table.dropna(subset=["valid_from"])
    assert len(created) == 6
    for code, start in zip(created["la_code"], created["valid_from"]):
        first = min(int(r["time_period"]) for r in rows if r["new_la_code"] == code)
        assert first == int(start[:4]) + 1, code


def test_code_changes_checked_against_raw_files(table: pd.DataFrame, raw_dir: Path) -> None:
    """Both codes of a change are used by DfE for one DfE number; 'not in raw data' really is not."""
    rows = [r for file in DFE_FILES for r in _dfe_la_rows(raw_dir, file)]
    numbers = {}
    for r in rows:
        numbers.setdefault(r["new_la_code"], set()).add(r["old_la_code"])
    for change in shared_las.load_changes()["code_changes"]:
        old, new = change["old_code"], change["new_code"]
        if change.get("in_raw_data", True):
            assert numbers[old] == numbers[new], change["la_name"]
        else:
            assert old not in numbers
    # Buckinghamshire switches code between the 2020 and 2021 collections.
    bucks = sorted(
        (r["time_period"], r["new_la_code"]) for r in _dfe_la_rows(raw_dir, B1[4:]) if r["old_la_code"] == "825"
    )
    assert bucks[7] == ("2020", "E10000002") and bucks[8] == ("2021", "E06000060")


# --------------------------------------------------------------------------------------------------
# Resolution


def test_every_manifest_name_and_urn_resolves_to_the_same_authority(table: pd.DataFrame, raw_dir: Path) -> None:
    manifest = pd.read_csv(raw_dir / "ofsted" / "reports" / "MANIFEST.csv")
    pairs = manifest[["ofsted_urn", "la_name_as_listed"]].drop_duplicates()
    assert len(pairs) == 153
    resolved = {(urn, las.la_code_for_name(name, table), las.la_code_for_urn(urn, table)) for urn, name in pairs.values}
    assert all(by_name == by_urn for _, by_name, by_urn in resolved)
    assert len({code for _, code, _ in resolved}) == 153


@pytest.mark.parametrize("sheet", ODS_SHEETS)
def test_every_ods_name_and_code_resolves_to_the_same_authority(
    table: pd.DataFrame, ods: dict[str, pd.DataFrame], sheet: str
) -> None:
    pairs = ods[sheet][["Local authority area code", "Local authority name"]].drop_duplicates()
    for code, name in pairs.values:
        assert las.la_code_for_name(name, table) == las.canonical_code(code, table) == code, (code, name)
    if sheet == "ILACS_inspection_history":
        assert len(pairs) == 156  # the 153 of today, plus Bournemouth, Cumbria and Northamptonshire
        abolished = set(
            pairs.loc[ods[sheet]["Local authority status"] == "No longer exists", "Local authority area code"]
        )
        assert abolished == {"E06000028", "E10000006", "E10000021"}


def test_secondary_press_names_resolve_to_their_codes(table: pd.DataFrame, raw_dir: Path) -> None:
    press = pd.read_csv(raw_dir / "secondary" / "sif_judgements_from_press.csv")
    assert len(press) == 6
    for name, code in press[["la_name", "ons_code"]].values:
        assert las.la_code_for_name(name, table) == code


def test_dfe_names_resolve_except_dfes_reuse_of_dorset(table: pd.DataFrame, raw_dir: Path) -> None:
    """Every DfE name resolves; only DfE's 'Dorset' for the old county (E10000009) means another code."""
    mismatches = set()
    for file in DFE_FILES:
        for r in _dfe_la_rows(raw_dir, file):
            if "/" in r["new_la_code"]:
                continue  # jointly reported pairs, e.g. "Kingston upon Thames / Richmond upon Thames"
            if las.la_code_for_name(r["la_name"], table) != las.canonical_code(r["new_la_code"], table):
                mismatches.add((r["la_name"], r["new_la_code"]))
    assert mismatches == {("Dorset", "E10000009")}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("City of London", "E09000001"),
        ("London Corporation", "E09000001"),
        ("Corporation of London", "E09000001"),
        ("Kingston upon Hull", "E06000010"),
        ("Hull City Council", "E06000010"),
        ("Kingston Upon Hull, City of", "E06000010"),
        ("Bristol", "E06000023"),
        ("City of Bristol", "E06000023"),
        ("Bristol City Council", "E06000023"),
        ("Windsor and Maidenhead", "E06000040"),
        ("Royal Borough of Windsor and Maidenhead", "E06000040"),
        ("windsor & maidenhead", "E06000040"),
        ("Telford and Wrekin", "E06000020"),
        ("Telford & Wrekin Council", "E06000020"),
        ("Herefordshire", "E06000019"),
        ("County of Herefordshire", "E06000019"),
        ("Herefordshire, County of", "E06000019"),
        ("St Helens", "E08000013"),
        ("St. Helens Metropolitan Borough Council", "E08000013"),
        ("Southend-on-Sea", "E06000033"),
        ("Southend on Sea Borough Council", "E06000033"),
        ("Durham", "E06000047"),
        ("County Durham", "E06000047"),
        ("Durham County Council", "E06000047"),
        ("Bournemouth, Christchurch and Poole", "E06000058"),
        ("bournemouth, christchurch & poole", "E06000058"),
        ("Isles of Scilly", "E06000053"),
        ("Council of the Isles of Scilly", "E06000053"),
        ("London Borough of Hackney", "E09000012"),
        ("Kent County Council", "E10000016"),
        ("Leeds City Council", "E08000035"),
        ("Wigan Metropolitan Borough Council", "E08000010"),
        ("Bedford Borough Council", "E06000055"),
        ("Dorset", "E06000059"),
        ("Dorset Council", "E06000059"),
        ("Dorset County Council", "E10000009"),
        ("Bournemouth", "E06000028"),
        ("Poole", "E06000029"),
    ],
)
def test_names(table: pd.DataFrame, name: str, code: str) -> None:
    assert las.la_code_for_name(name, table) == code


@pytest.mark.raw
def test_default_table_is_used_without_argument() -> None:
    assert las.la_code_for_name("Telford & Wrekin") == "E06000020"
    assert las.la_code_for_urn("80450") == "E09000001"


def test_unknown_name_code_and_urn_are_named_in_the_error(table: pd.DataFrame) -> None:
    with pytest.raises(las.LocalAuthorityError, match="'Gondor County Council'"):
        las.la_code_for_name("Gondor County Council", table)
    with pytest.raises(las.LocalAuthorityError, match="'E06999999'"):
        las.canonical_code("E06999999", table)
    with pytest.raises(las.LocalAuthorityError, match="12345"):
        las.la_code_for_urn(12345, table)


def test_canonical_code_maps_former_and_newer_codes(table: pd.DataFrame) -> None:
    assert las.canonical_code("E10000002", table) == "E06000060"
    assert las.canonical_code("E08000038", table) == "E08000016"
    assert las.canonical_code("E10000021", table) == "E10000021"  # abolished keeps its own code


def test_aliases_point_at_known_codes_and_do_not_collide(table: pd.DataFrame) -> None:
    index = las.name_index(table)
    assert set(index.values()) == set(table["la_code"])
    for alias, code in shared_las.load_aliases().items():
        assert index[shared_las.normalise_name(alias)] == code


# --------------------------------------------------------------------------------------------------
# Statistical neighbours


@pytest.fixture(scope="module")
def neighbours(table: pd.DataFrame, raw_dir: Path) -> pd.DataFrame:
    return las.read_statistical_neighbours(raw_dir, table)


def test_every_authority_has_ten_statistical_neighbours_ranked_1_to_10(neighbours, table) -> None:
    # The 152 authorities of April 2021 and the four of the file's "Old SNs:" block (abolished in 2019
    # and 2021); Cumberland and Westmorland and Furness (2023) are not in the April 2021 groupings.
    assert (len(neighbours), neighbours["la_code"].nunique()) == (1560, 156)
    assert neighbours.groupby("la_code")["rank"].apply(sorted).map(lambda r: r == list(range(1, 11))).all()
    assert set(table["la_code"]) - set(neighbours["la_code"]) == {"E06000063", "E06000064"}
    old = neighbours[neighbours["la_code"].isin(["E06000028", "E06000029", "E10000009", "E10000021"])]
    assert old["la_code"].nunique() == 4
    assert set(neighbours["neighbour_code"]) <= set(table["la_code"])
    assert not neighbours.duplicated(["la_code", "neighbour_code"]).any()
    assert (neighbours["la_code"] != neighbours["neighbour_code"]).all()
    # Camden (202): "213 Very Close, 205 Close, 207 Close, ..." -> Westminster, Hammersmith and Fulham, Kensington and Chelsea.
    camden = neighbours[neighbours["la_code"] == "E09000007"].set_index("rank")["neighbour_code"]
    assert camden[[1, 2, 3]].tolist() == ["E09000033", "E09000013", "E09000020"]
    # Cumbria (909, abolished 2023) is a neighbour of eight authorities.
    assert (neighbours["neighbour_code"] == "E10000006").sum() == 8


def test_a_neighbour_number_that_names_no_authority_stops_with_the_file_named(table, raw_dir, tmp_path) -> None:
    copy = tmp_path / las.NEIGHBOURS
    copy.parent.mkdir(parents=True)
    text = (raw_dir / las.NEIGHBOURS).read_text(encoding="utf-8-sig")
    copy.write_text(text.replace("202,Camden,202,3,London (Inner),213,", "202,Camden,202,3,London (Inner),999,"))
    with pytest.raises(
        las.LocalAuthorityError, match=r"New_Statistical_Neighbour_Groupings_April_2021\.csv: .*SN1: DfE number '999'"
    ):
        las.read_statistical_neighbours(tmp_path, table)
