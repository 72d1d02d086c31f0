"""The official ODS reader, and the agreement of the parsed ILACS reports with it (real files)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from analysis.build import official
from analysis.build.official import (
    AREAS,
    HISTORY_SHEET,
    OfficialDataError,
    agreement,
    agreement_summary,
    history_without_report,
    match_reports,
    read_cover,
    read_ilacs_history,
    read_la_codes,
    read_latest,
    reports_without_row,
)
from analysis.build.parse_ilacs import parse_ilacs
from analysis.build.pdf_text import ILACS


@pytest.fixture(scope="module")
def ods(raw_dir: Path) -> Path:
    return raw_dir / "ofsted" / "LA_Inspection_Outcomes_as_at_31_March_2025.ods"


@pytest.fixture(scope="module")
def history(ods: Path) -> pd.DataFrame:
    return read_ilacs_history(ods)


@pytest.fixture(scope="module")
def matches(read_all, raw_dir: Path, history: pd.DataFrame) -> pd.DataFrame:
    reports, _ = read_all
    parsed = [parse_ilacs(r) for r in reports if r.report_type == ILACS]
    codes = read_la_codes(raw_dir / "lookups" / "la_lookup.csv")
    return match_reports(parsed, reports, history, codes)


# --- reading the ODS ----------------------------------------------------------------------------------


def test_history_rows_and_types(history):
    assert len(history) == 271
    assert history["inspection_type"].value_counts().to_dict() == {"ILACS standard": 171, "ILACS short": 100}
    assert history["la_status"].value_counts().to_dict() == {"Current": 268, "No longer exists": 3}
    assert history["la_code"].nunique() == 156
    assert (history["ods_row"].iloc[0], history["ods_row"].iloc[-1]) == (4, 274)
    assert history["ods_row"].is_unique


def test_history_values_are_typed(history):
    for column in ("start_date", "published_date"):
        assert all(type(day) is dt.date for day in history[column]), column
    assert (history["start_date"] < history["published_date"]).all()
    for area in ("overall", "leadership", "help_protection", "looked_after"):
        assert history[area].notna().all(), area
        assert set(history[area]) == {"Outstanding", "Good", "Requires improvement to be good", "Inadequate"}
    # Care leavers are judged from 1 January 2023 only; blank cells are missing, not "".
    judged = history["care_leavers"].notna()
    assert judged.sum() == 103
    assert (judged == (history["start_date"] >= dt.date(2023, 1, 1))).all()


def test_history_row_is_traceable(history):
    row = history.set_index("ods_row").loc[4]
    assert (row["la_code"], row["la_name"], row["start_date"], row["inspection_type"]) == (
        "E09000002",
        "Barking and Dagenham",
        dt.date(2019, 2, 18),
        "ILACS standard",
    )
    assert row["overall"] == "Requires improvement to be good"
    assert pd.isna(row["care_leavers"])


def test_latest_sheet_agrees_with_the_last_history_row(ods, history):
    latest = read_latest(ods)
    assert len(latest) == 153 and latest["la_code"].is_unique
    last = history.sort_values("start_date").groupby("la_code").tail(1).set_index("la_code")
    for _, row in latest.iterrows():
        expected = last.loc[row["la_code"]]
        for column in ("la_name", "region", "start_date", "published_date", *AREAS):
            assert row[column] == expected[column] or (pd.isna(row[column]) and pd.isna(expected[column])), (
                row["la_code"],
                column,
            )


def test_cover_published_on(ods):
    assert read_cover(ods) == dt.date(2025, 9, 25)


def _copy_history(ods: Path, target: Path, rename: dict[str, str]) -> Path:
    """A one-sheet ODS holding the real history sheet, with header cells renamed."""
    rows = CalamineWorkbook.from_path(str(ods)).get_sheet_by_name(HISTORY_SHEET).to_python(skip_empty_area=False)
    rows[2] = [rename.get(cell, cell) for cell in rows[2]]
    pd.DataFrame(rows).to_excel(target, sheet_name=HISTORY_SHEET, header=False, index=False, engine="odf")
    return target


def test_copied_sheet_reads_back_the_same(ods, history, tmp_path):
    copy = read_ilacs_history(_copy_history(ods, tmp_path / "copy.ods", {}))
    pd.testing.assert_frame_equal(copy, history)


def test_renamed_column_raises_naming_file_sheet_and_columns(ods, tmp_path):
    bad = _copy_history(ods, tmp_path / "renamed.ods", {"Inspection type": "Type of inspection"})
    with pytest.raises(OfficialDataError) as error:
        read_ilacs_history(bad)
    message = str(error.value)
    assert "renamed.ods" in message and HISTORY_SHEET in message
    assert "expected column(s) ['Inspection type']" in message
    assert "'Type of inspection'" in message


def test_missing_sheet_raises(ods, tmp_path):
    only_history = _copy_history(ods, tmp_path / "history_only.ods", {})
    with pytest.raises(OfficialDataError, match="sheet 'Inspections_as_at_31_March' not found"):
        read_latest(only_history)


# --- matching and agreement ---------------------------------------------------------------------------


def test_every_ilacs_report_matches_one_row_by_code_and_start_date(matches):
    assert len(matches) == 259
    assert reports_without_row(matches).empty
    assert (matches["match_method"] == "code and start date").all()
    assert (matches["days_apart"] == 0).all()
    assert matches["ods_row"].is_unique
    assert matches["inspection_type"].value_counts().to_dict() == {"ILACS standard": 163, "ILACS short": 96}


def test_listed_date_is_the_official_publication_date(matches):
    assert (matches["published_date"] == matches["ods_published_date"]).all()


@pytest.mark.parametrize(
    ("file", "code", "ods_name"),
    [
        ("2532283_dorset_2021-11-19.pdf", "E06000059", "Dorset"),
        ("2532287_bournemouth-christchurch-poole_2022-02-11.pdf", "E06000058", "Bournemouth, Christchurch & Poole"),
        ("2637539_north-northamptonshire_2022-11-25.pdf", "E06000061", "North Northamptonshire"),
        ("2637548_west-northamptonshire_2022-11-25.pdf", "E06000062", "West Northamptonshire"),
        ("2733690_cumberland_2024-11-26.pdf", "E06000063", "Cumberland"),
        ("80530_north-yorkshire_2018-08-06.pdf", "E06000065", "North Yorkshire"),
    ],
)
def test_reorganised_authorities_match_their_own_rows(matches, file, code, ods_name):
    row = matches.set_index("file").loc[file]
    assert (row["la_code"], row["ods_la_name"]) == (code, ods_name)


def test_agreement_is_complete(matches):
    table = agreement(matches)
    assert len(table) == 259 * 4 + 94
    assert table["agree"].all(), table[~table["agree"]].to_dict("records")
    summary = agreement_summary(table).set_index("area")
    assert summary["compared"].to_dict() == {
        "overall": 259,
        "leadership": 259,
        "help_protection": 259,
        "looked_after": 259,
        "care_leavers": 94,
        "all": 1130,
    }
    assert (summary["rate"] == 1.0).all()
    assert official.KNOWN_DISAGREEMENTS == {}


def test_history_rows_without_a_report(history, matches):
    missing = history_without_report(history, matches)
    assert list(missing["ods_row"]) == [17, 22, 37, 44, 46, 59, 65, 69, 74, 168, 230, 274]
    gone = missing[missing["la_status"] == "No longer exists"]
    assert list(gone["la_name"]) == ["Bournemouth", "Cumbria", "Northamptonshire"]
    assert gone["reason"].str.startswith("authority no longer exists").all()
    later = missing[missing["la_status"] == "Current"]
    assert (later["published_date"] > dt.date(2025, 3, 18)).all()
    assert later["reason"].str.endswith("after the last report in the collection (2025-03-18)").all()


def test_agreement_notices_a_changed_grade(matches):
    altered = matches.copy()
    altered.loc[0, "parsed_overall"] = "Inadequate" if altered.loc[0, "ods_overall"] != "Inadequate" else "Good"
    table = agreement(altered)
    assert table["agree"].sum() == 1129
    assert agreement_summary(table).set_index("area").loc["overall", "agree"] == 258


def test_match_rules_on_a_made_up_history():
    from analysis.build.pdf_text import Report
    from analysis.build.records import ParsedReport

    history = pd.DataFrame(
        {
            "ods_row": [4, 5],
            "la_code": ["E1", "E1"],
            "la_name": ["A", "A"],
            "la_status": ["Current"] * 2,
            "region": ["R"] * 2,
            "start_date": [dt.date(2019, 1, 7), dt.date(2023, 3, 6)],
            "published_date": [dt.date(2019, 3, 1), dt.date(2023, 5, 1)],
            "inspection_type": ["ILACS standard"] * 2,
            **{area: ["Good", "Good"] for area in AREAS},
        }
    )
    reports = [
        Report(file=f, sha256="", urn=u, la_name_listed="a", listed_date="2019-03-01", pages=("",), report_type=ILACS)
        for f, u in (("near.pdf", "1"), ("far.pdf", "1"), ("nocode.pdf", "9"))
    ]
    parsed = [
        ParsedReport(file="near.pdf", report_type=ILACS, start_date=dt.date(2019, 1, 10)),
        ParsedReport(file="far.pdf", report_type=ILACS, start_date=dt.date(2021, 1, 10)),
        ParsedReport(file="nocode.pdf", report_type=ILACS, start_date=dt.date(2019, 1, 7)),
    ]
    result = match_reports(parsed, reports, history, {"1": "E1"}).set_index("file")
    assert result.loc["near.pdf", "ods_row"] == 4 and result.loc["near.pdf", "days_apart"] == -3
    assert result.loc["near.pdf", "match_method"] == "code and start date within 14 days"
    assert (
        pd.isna(result.loc["far.pdf", "ods_row"])
        and "no ODS row for E1 starting within 14 days" in result.loc["far.pdf", "reason"]
    )
    assert "no ONS code" in result.loc["nocode.pdf", "reason"]
    assert str(result["ods_row"].dtype) == "Int64"

    twins = [ParsedReport(file=f, report_type=ILACS, start_date=dt.date(2023, 3, 6)) for f in ("near.pdf", "far.pdf")]
    result = match_reports(twins, reports, history, {"1": "E1"}).set_index("file")
    assert result["ods_row"].isna().all()
    assert result.loc["far.pdf", "reason"] == "ODS row 5 claimed by several reports: ['far.pdf', 'near.pdf']"


def test_area_columns_cover_every_area():
    assert tuple(official.AREA_COLUMNS) == AREAS
    assert official.AREA_COLUMNS["looked_after"] == "The experiences and progress of children in care"
