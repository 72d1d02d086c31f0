"""Context statistics: DfE measures and IMD 2019 by authority, checked by hand on the real files."""

from __future__ import annotations

import csv
import gzip
import logging
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import las as shared_las
from analysis.build import authorities as las
from analysis.build import covariates as cv
from analysis.build.validate import validate_table
from analysis.schema import TABLES


@pytest.fixture(scope="module")
def table(raw_dir: Path) -> pd.DataFrame:
    return las.build_local_authorities(raw_dir)


@pytest.fixture(scope="module")
def context(raw_dir: Path, table: pd.DataFrame) -> pd.DataFrame:
    return cv.build_la_context(raw_dir, table)


@pytest.fixture(scope="module")
def lsoas(raw_dir: Path) -> pd.DataFrame:
    return cv.assign_lsoas(raw_dir)


def _value(context: pd.DataFrame, code: str, measure: str, year: int) -> float:
    rows = context[(context["la_code"] == code) & (context["measure"] == measure) & (context["year"] == year)]
    assert len(rows) == 1, (code, measure, year)
    return float(rows["value"].iloc[0])


def _imd_raw_rows(raw_dir: Path) -> list[dict[str, str]]:
    with gzip.open(raw_dir / cv.IMD_FILE, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _population_raw(raw_dir: Path) -> dict[str, int]:
    with gzip.open(raw_dir / cv.POPULATION_FILE, "rt", encoding="utf-8-sig", newline="") as handle:
        return {
            row["LSOA code (2011)"]: int(row["Total population: mid 2015 (excluding prisoners)"].replace(",", ""))
            for row in csv.DictReader(handle)
        }


# --------------------------------------------------------------------------------------------------
# The whole table


def test_schema_sorted_and_deterministic(context: pd.DataFrame, raw_dir: Path, table: pd.DataFrame) -> None:
    validate_table("la_context", context, TABLES["la_context"]["fields"])
    assert context.equals(context.sort_values(["la_code", "measure", "year", "source"], ignore_index=True))
    assert context.equals(cv.build_la_context(raw_dir, table))
    assert context["value"].notna().all()
    assert set(context["la_code"]) <= set(table["la_code"])


def test_rows_per_measure_and_years(context: pd.DataFrame) -> None:
    summary = context.groupby("measure").agg(
        n=("value", "size"), first=("year", "min"), last=("year", "max"), authorities=("la_code", "nunique")
    )
    assert summary.to_dict("index") == {
        "child_population_0_17": {"n": 1955, "first": 2012, "last": 2024, "authorities": 155},
        "children_in_need": {"n": 1967, "first": 2013, "last": 2025, "authorities": 158},
        "cpp_starts": {"n": 1955, "first": 2013, "last": 2025, "authorities": 158},
        "cpp_subsequent_pct": {"n": 1936, "first": 2013, "last": 2025, "authorities": 158},
        "imd_avg_rank": {"n": 158, "first": 2019, "last": 2019, "authorities": 158},
        "imd_share_most_deprived_decile": {"n": 158, "first": 2019, "last": 2019, "authorities": 158},
        "looked_after": {"n": 755, "first": 2021, "last": 2025, "authorities": 154},
        "looked_after_rate": {"n": 755, "first": 2021, "last": 2025, "authorities": 154},
        "referrals": {"n": 1968, "first": 2013, "last": 2025, "authorities": 158},
        "sw_agency_rate_fte": {"n": 1327, "first": 2017, "last": 2025, "authorities": 154},
        "sw_turnover_rate_fte": {"n": 1331, "first": 2017, "last": 2025, "authorities": 154},
        "sw_vacancy_rate_fte": {"n": 1339, "first": 2017, "last": 2025, "authorities": 154},
    }
    assert len(context) == 15604


# --------------------------------------------------------------------------------------------------
# DfE measures


@pytest.mark.parametrize(
    ("code", "measure", "year", "value"),
    [
        # Read by hand from the raw rows (grep "2019,...,890,E06000009,Blackpool" in b1, c1, d3).
        ("E06000009", "children_in_need", 2019, 2288),  # At31_episodes
        ("E06000009", "referrals", 2019, 2961),
        ("E06000009", "cpp_starts", 2019, 495),
        ("E06000009", "cpp_subsequent_pct", 2019, 25.1),
        # Buckinghamshire's 2013 rows carry the county code E10000002.
        ("E06000060", "children_in_need", 2013, 1973),
        ("E06000060", "referrals", 2013, 4418),
        # Northamptonshire's last year stays under its own code.
        ("E10000021", "children_in_need", 2021, 4877),
        # Barnsley's 2025 workforce row carries E08000038.
        ("E08000016", "sw_turnover_rate_fte", 2025, 8.0),
        ("E08000016", "sw_agency_rate_fte", 2025, 13.0),
        ("E08000016", "sw_vacancy_rate_fte", 2025, 5.9),
        ("E06000063", "child_population_0_17", 2023, 52019),
        ("E06000063", "looked_after", 2024, 482),
        ("E06000063", "looked_after_rate", 2024, 93),
    ],
)
def test_hand_checked_dfe_values(context: pd.DataFrame, code: str, measure: str, year: int, value: float) -> None:
    assert _value(context, code, measure, year) == value


def test_abolished_codes_keep_their_rows(context: pd.DataFrame) -> None:
    cin = context[context["measure"] == "children_in_need"]
    years = lambda code: sorted(cin.loc[cin["la_code"] == code, "year"])  # noqa: E731
    assert years("E10000021") == list(range(2013, 2022))
    assert years("E06000061") == list(range(2022, 2026))
    assert years("E10000006") == list(range(2013, 2024))
    assert years("E06000028") == list(range(2013, 2020))
    assert years("E06000058") == list(range(2020, 2026))
    assert years("E06000060") == list(range(2013, 2026))  # one authority across its code change
    assert "E10000002" not in set(context["la_code"])


def test_jointly_reported_workforce_rows_are_left_out(context: pd.DataFrame) -> None:
    workforce = context[context["measure"].str.startswith("sw_")]
    assert not workforce["la_code"].isin(["E09000021", "E09000027", "E06000061", "E06000062"]).any()
    assert workforce["la_code"].nunique() == 154


def test_suppression_counts(raw_dir: Path, table: pd.DataFrame) -> None:
    counts = cv.dfe_missing_counts(raw_dir, table)
    assert {(m, k): n for m, k, n in counts.values} == {
        ("child_population_0_17", "x"): 21,  # Bournemouth, Dorset County, Poole 2012-2018
        ("children_in_need", "c"): 2,
        ("children_in_need", "u"): 1,  # Hampshire 2024: the whole b1 row is "u"
        ("children_in_need", "x"): 6,
        ("cpp_starts", "c"): 17,
        ("cpp_starts", "u"): 1,
        ("cpp_starts", "x"): 3,
        ("cpp_subsequent_pct", "c"): 29,
        ("cpp_subsequent_pct", "u"): 2,
        ("cpp_subsequent_pct", "x"): 3,
        ("cpp_subsequent_pct", "z"): 6,
        ("looked_after", "c"): 1,
        ("looked_after", "z"): 19,
        ("looked_after_rate", "c"): 1,
        ("looked_after_rate", "z"): 19,
        ("referrals", "c"): 1,
        ("referrals", "u"): 2,
        ("referrals", "x"): 5,
        ("sw_agency_rate_fte", "low"): 3,
        ("sw_agency_rate_fte", "u"): 2,
        ("sw_agency_rate_fte", "x"): 9,
        ("sw_turnover_rate_fte", "u"): 2,
        ("sw_turnover_rate_fte", "x"): 3,
        ("sw_turnover_rate_fte", "z"): 5,
        ("sw_vacancy_rate_fte", "x"): 2,
    }
    # Kept + missing = every LA row of the file: b1 has 1,976 LA rows.
    everything = cv.read_dfe_measures(raw_dir, table)
    assert (everything["measure"] == "children_in_need").sum() == 1976


@pytest.mark.parametrize(
    ("text", "value", "mark"),
    [
        ("1,234", 1234.0, None),
        ("12.5", 12.5, None),
        ("0", 0.0, None),
        ("c", None, "c"),
        (" low ", None, "low"),
        (":", None, ":"),
        ("", None, ""),
        ("z", None, "z"),
        ("n/a", None, "n/a"),
    ],
)
def test_parse_value(text: str, value: float | None, mark: str | None) -> None:
    parsed, found = cv.parse_value(text)
    assert found == mark
    assert np.isnan(parsed) if value is None else parsed == value


def _copy_raw(raw_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "raw"
    for folder in ("dfe", "lookups", "imd2019"):
        shutil.copytree(raw_dir / folder, copy / folder)
    for path in copy.rglob("*"):
        path.chmod(0o644)
    return copy


def test_unexpected_marks_are_missing_not_a_crash(raw_dir: Path, table: pd.DataFrame, tmp_path: Path, caplog) -> None:
    copy = _copy_raw(raw_dir, tmp_path)
    b1 = copy / "dfe" / "b1_children_in_need_2013_to_2025.csv"
    text = b1.read_text(encoding="utf-8")
    old = "2019,Reporting year,Local authority,E92000001,England,E12000002,North West,890,E06000009,Blackpool,Children in Need,3962,3635,2176,2020,1674,1596,2288,142"
    assert old in text
    b1.write_text(text.replace(old, old.replace(",2288,", ",[redacted],")), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="analysis.build.covariates"):
        context = cv.build_la_context(copy, table)
    assert "children_in_need: 1 values with unexpected text '[redacted]'" in caplog.text
    assert "children_in_need: 2 values marked 'c' (confidential)" in caplog.text
    cin = context[(context["measure"] == "children_in_need")]
    assert len(cin) == 1966
    assert not ((cin["la_code"] == "E06000009") & (cin["year"] == 2019)).any()


def test_unknown_code_and_missing_file_are_named(raw_dir: Path, table: pd.DataFrame, tmp_path: Path) -> None:
    copy = _copy_raw(raw_dir, tmp_path)
    c1 = copy / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    c1.write_text(
        c1.read_text(encoding="utf-8").replace(",890,E06000009,Blackpool,", ",890,E06000999,Blackpool,"),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="c1_children_in_need.*E06000999"):
        cv.build_la_context(copy, table)
    c1.unlink()
    with pytest.raises(FileNotFoundError, match="c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"):
        cv.build_la_context(copy, table)


# --------------------------------------------------------------------------------------------------
# IMD 2019


def test_every_lsoa_assigned_exactly_once_in_both_partitions(lsoas: pd.DataFrame, table: pd.DataFrame) -> None:
    assert len(lsoas) == lsoas["lsoa"].nunique() == 32_844
    assert lsoas["current"].notna().all() and lsoas["county"].notna().all()
    assert set(lsoas["current"]) == set(table.loc[table["status"] == "current", "la_code"])
    # The 2013 partition: 152 authorities, the abolished five instead of their successors.
    assert lsoas["county"].nunique() == 152
    assert set(lsoas["county"]) == set(table.loc[table["valid_from"].isna(), "la_code"])
    assert lsoas.groupby("county").size()[
        ["E06000028", "E06000029", "E10000009", "E10000006", "E10000021"]
    ].tolist() == [
        110,
        93,
        249,
        321,
        422,
    ]
    # Successors today, from the district counts in File 2 (Allerdale 60 + Carlisle 68 + Copeland 49 ...).
    assert lsoas.groupby("current").size()[
        ["E06000063", "E06000064", "E06000061", "E06000062", "E06000058", "E06000059"]
    ].tolist() == [
        60 + 68 + 49,
        49 + 36 + 59,
        41 + 49 + 57 + 47,
        44 + 133 + 51,
        233,
        219,
    ]


def test_populations_add_up(lsoas: pd.DataFrame, raw_dir: Path) -> None:
    """Each upper tier's population is the sum of its lower tiers' in the April 2023 lookup."""
    by_district = lsoas.groupby("district")["population"].sum()
    by_utla = lsoas.groupby("current")["population"].sum()
    lookup = cv.read_ltla_utla(raw_dir)
    present = lookup[lookup["ltla"].isin(by_district.index)]
    for utla, ltlas in present.groupby("utla")["ltla"]:
        if utla in {"E06000060", "E06000061", "E06000062", "E06000063", "E06000064", "E06000065", "E06000066"}:
            continue  # their lower tiers are the abolished districts, checked below
        assert by_utla[utla] == by_district[list(ltlas)].sum(), utla
    assert by_utla.sum() == sum(_population_raw(raw_dir).values()) == 54_728_204
    by_county = lsoas.groupby("county")["population"].sum()
    assert by_county["E10000006"] == by_utla["E06000063"] + by_utla["E06000064"]
    assert by_county["E10000021"] == by_utla["E06000061"] + by_utla["E06000062"]
    assert by_county[["E06000028", "E06000029", "E10000009"]].sum() == by_utla[["E06000058", "E06000059"]].sum()
    abolished = {d["code"]: d for d in shared_las.load_changes()["abolished_districts"]}
    for utla in ("E06000060", "E06000065", "E06000066"):
        districts = [code for code, d in abolished.items() if d["current"] == utla]
        assert by_utla[utla] == by_district[districts].sum()


def test_rutland_weighted_rank_computed_independently(raw_dir: Path, context: pd.DataFrame) -> None:
    """Rutland is one district (E06000017) of 23 LSOAs: recompute its mean from the raw rows."""
    population = _population_raw(raw_dir)
    rows = [r for r in _imd_raw_rows(raw_dir) if r["Local Authority District code (2019)"] == "E06000017"]
    assert len(rows) == 23
    rank = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
    weights = [population[r["LSOA code (2011)"]] for r in rows]
    expected = sum(int(r[rank]) * w for r, w in zip(rows, weights)) / sum(weights)
    assert _value(context, "E06000017", "imd_avg_rank", 2019) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(26538.1986, abs=1e-3)
    assert _value(context, "E06000017", "imd_share_most_deprived_decile", 2019) == 0.0


def test_isles_of_scilly_is_its_single_lsoa(context: pd.DataFrame) -> None:
    assert _value(context, "E06000053", "imd_avg_rank", 2019) == 22165.0


def test_hand_checked_imd_values(context: pd.DataFrame) -> None:
    assert _value(context, "E06000009", "imd_avg_rank", 2019) == pytest.approx(6079.7106, abs=1e-3)  # Blackpool
    assert _value(context, "E06000041", "imd_avg_rank", 2019) == pytest.approx(29193.4597, abs=1e-3)  # Wokingham
    assert _value(context, "E06000002", "imd_share_most_deprived_decile", 2019) == pytest.approx(
        42 / 86
    )  # Middlesbrough
    assert _value(context, "E10000006", "imd_avg_rank", 2019) == pytest.approx(16194.6457, abs=1e-3)  # Cumbria
    assert _value(context, "E06000028", "imd_avg_rank", 2019) == pytest.approx(15266.3536, abs=1e-3)  # Bournemouth
    assert _value(context, "E06000063", "imd_avg_rank", 2019) == pytest.approx(14726.0188, abs=1e-3)  # Cumberland


def test_well_known_rankings(context: pd.DataFrame, table: pd.DataFrame) -> None:
    current = set(table.loc[table["status"] == "current", "la_code"])
    ranks = context[(context["measure"] == "imd_avg_rank") & context["la_code"].isin(current)].sort_values("value")
    most = ranks["la_code"].head(5).tolist()
    least = ranks["la_code"].tail(10).tolist()
    for code in ("E06000009", "E08000011", "E08000012"):  # Blackpool, Knowsley, Liverpool
        assert code in most
    assert most[0] == "E06000009"  # Blackpool is the most deprived upper tier
    assert least[-1] == "E06000041"  # Wokingham the least
    assert "E10000030" in least  # Surrey
    share = context[(context["measure"] == "imd_share_most_deprived_decile") & context["la_code"].isin(current)]
    assert share.sort_values("value")["la_code"].iloc[-1] == "E06000002"  # Middlesbrough
    assert (share["value"] == 0).sum() == 22


def test_abolished_districts_match_imd_names(raw_dir: Path, lsoas: pd.DataFrame) -> None:
    names = dict(zip(lsoas["district"], _district_names(raw_dir)))
    for district in shared_las.load_changes()["abolished_districts"]:
        assert names[district["code"]] == district["name"]


def _district_names(raw_dir: Path) -> list[str]:
    rows = sorted(_imd_raw_rows(raw_dir), key=lambda r: r["LSOA code (2011)"])
    return [r["Local Authority District name (2019)"] for r in rows]
