"""The whole build on the real raw files: coverage, framework rules, parser accuracy, determinism,
and clean failure on bad input."""

from __future__ import annotations

import filecmp
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.build import official
from analysis.build import tables as build
from analysis.build.sources import RawDataError

TABLES = [
    "inspections",
    "judgements",
    "local_authorities",
    "la_context",
    "extraction_log",
    "statistical_neighbours",
    "report_text",
    "report_terms",
    "report_quotes",
    "inspections_wide",
]
OUTPUTS = [f"{t}.csv" for t in TABLES] + ["datapackage.json", "validation.json", "README.md"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("build") / "processed"
    build.build(raw_dir, out, out.parent / "validation.md")
    return out


@pytest.fixture(scope="module")
def tables(built: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_csv(built / f"{t}.csv", dtype=str, keep_default_na=False) for t in TABLES}


@pytest.fixture(scope="module")
def summary(built: Path) -> dict:
    return json.loads((built / "validation.json").read_text())


def test_every_report_file_accounted_for(tables, summary) -> None:
    log = tables["extraction_log"]
    assert len(log) == 431 and set(log["status"]) == {"parsed"}
    assert summary["files"]["failed"] == summary["files"]["not_used"] == summary["files"]["skipped"] == []
    assert not log["reason"].str.contains("parser failed").any()


def test_sif_coverage(tables, summary) -> None:
    inspections, judgements = tables["inspections"], tables["judgements"]
    sif = inspections[(inspections["framework"] == "SIF") & (inspections["source_quality"] == "primary")]
    first = sif[sif["inspection_type"] == "SIF"]
    assert first["la_code"].nunique() == len(first) == 147
    assert summary["sif"]["authorities_with_primary_sif_report"] == 147
    graded = judgements[
        judgements["inspection_id"].isin(sif.loc[sif["inspection_type"] != "LSCB review", "inspection_id"])
    ]
    areas = graded.groupby("inspection_id")["area"].apply(set)
    needed = {"overall", "help_protection", "looked_after", "adoption", "care_leavers", "leadership"}
    assert len(areas) == 167 and all(needed <= a for a in areas)


def test_reinspections_linked_to_their_first_sif(tables) -> None:
    inspections = tables["inspections"].set_index("inspection_id")
    again = inspections[inspections["inspection_type"] == "SIF re-inspection"]
    assert len(again[again["source_quality"] == "primary"]) == 20
    for name in ("darlington", "lambeth", "leicester", "slough"):
        assert again.index.str.contains(f"_{name}_").any(), name
    linked = again[again["source_quality"] == "primary"]["previous_inspection_id"]
    assert (linked != "").all()
    assert (inspections.loc[linked, "inspection_type"] == "SIF").all()
    assert (inspections.loc[linked, "la_code"].values == again.loc[linked.index, "la_code"].values).all()


def test_sif_era_count_agrees_with_ofsted(summary) -> None:
    assert summary["sif"]["authorities_in_sif_era_in_table"] == summary["sif"]["authorities_in_sif_era"] == 152


def test_the_five_missing_authorities_are_secondary(tables, summary) -> None:
    missing = {"E06000028", "E06000029", "E10000006", "E10000009", "E10000021"}
    assert set(summary["sif"]["sif_era_authorities_without_report"]) == missing
    secondary = tables["inspections"][tables["inspections"]["source_quality"] == "secondary"]
    assert set(secondary["la_code"]) == missing and len(secondary) == 6
    assert set(tables["judgements"].merge(secondary, on="inspection_id")["source_quality_x"]) == {"secondary"}


def test_framework_rules_measured(summary) -> None:
    sif, ilacs = summary["rules"]["SIF"], summary["rules"]["ILACS"]
    assert sif["inspections_checked"] == 166  # 167 less Isles of Scilly 2016 ("Not judged" for looked after)
    assert sif["overall_outside_key_range"] == [] and sif["inadequate_key_but_overall_not_inadequate"] == []
    assert ilacs["inspections_checked"] == 271 and ilacs["overall_outside_key_range"] == []
    # ILACS does not make an inadequate leadership judgement force an inadequate overall:
    assert ilacs["inadequate_key_but_overall_not_inadequate"] == [
        "80462_doncaster_2022-04-08",
        "80474_herefordshire_2018-07-23",
        "80553_slough_2023-03-17",
        "ods-E06000028-2018-07-16",
    ]


def test_parser_agrees_with_official_statistics(summary) -> None:
    ilacs = summary["ilacs"]
    assert ilacs["reports_matched_to_official"] == ilacs["reports"] == 259
    assert ilacs["agreement_overall"] == 1.0 and ilacs["disagreements"] == []
    assert sum(v["compared"] for v in ilacs["agreement_per_area"].values()) == 1130
    assert ilacs["official_rows_without_report"] == 12


def test_every_value_traceable(tables) -> None:
    inspections, judgements = tables["inspections"], tables["judgements"]
    primary = inspections[inspections["source_quality"] == "primary"]
    assert primary["source"].str.match(r"^ofsted/reports/[^#]+\.pdf#page=\d+$").all()
    official_rows = inspections[inspections["source_quality"] == "official"]
    assert official_rows["source"].str.contains("ILACS_inspection_history!row=").all()
    report_judgements = judgements[judgements["inspection_id"].isin(primary["inspection_id"])]
    assert (report_judgements["page"] != "").all() and (report_judgements["snippet"] != "").all()
    # the snippet holds the grade it was read from (white space folded)
    norfolk = report_judgements[report_judgements["inspection_id"] == "80418_norfolk_2015-10-20"].set_index("area")
    assert norfolk.loc["looked_after", "snippet"].endswith("permanence Inadequate")


GRADE_WORDS = {
    "Outstanding": r"outstanding",
    "Good": r"\bgood\b",
    "Requires improvement to be good": r"requir",
    "Adequate": r"(?<!in)adequate|satisfactory",
    "Inadequate": r"inadequate",
    "Not judged": r"not judged",
}


def test_every_report_grade_snippet_holds_its_grade(tables) -> None:
    """Each grade read from a report (tables, prose, earlier inspections) comes with the text that says it."""
    judgements = tables["judgements"]
    from_reports = judgements[(judgements["source_quality"] == "primary") & (judgements["snippet"] != "")]
    # 2580: the earlier inspections' grades went from 298 to 292 when their mentions were merged (one
    # grade per inspection and area), adding the grades the text gave but the rows left out.
    assert len(from_reports) == len(judgements[judgements["source_quality"] == "primary"]) == 2580
    missing = [
        (row.inspection_id, row.area, row.grade)
        for row in from_reports.itertuples()
        if not re.search(GRADE_WORDS[row.grade], row.snippet, re.IGNORECASE)
    ]
    assert missing == []


def test_report_names_agree_with_urns(summary) -> None:
    names = summary["report_names"]
    assert names["reports_checked"] == names["agree"] == 431
    assert names["mismatched"] == [] and names["unresolved"] == []


def test_committed_processed_data_is_current(built: Path) -> None:
    """data/processed in the repository is exactly what the build makes from the raw files."""
    for name in OUTPUTS:
        assert filecmp.cmp(built / name, paths.DATA_PROCESSED / name, shallow=False), f"{name} is stale: run make data"


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path, raw_dir: Path) -> None:
    again = tmp_path / "processed"
    build.build(raw_dir, again, tmp_path / "validation.md")
    for name in OUTPUTS:
        assert (built / name).read_bytes() == (again / name).read_bytes(), name
    sentences = "interim/sentences.parquet"  # every sentence, beside the processed folder (not committed)
    assert (built.parent / sentences).read_bytes() == (tmp_path / sentences).read_bytes()


def test_every_report_has_its_sentences_and_none_is_a_failed_split(built: Path, summary) -> None:
    text = summary["text"]
    assert text["reports_read"] == text["reports_with_text"] == 431 and text["reports_without_text"] == {}
    assert text["sentences_over_2000_chars"] == 0
    assert len(text["longest_sentences"]) == 5 and text["longest_sentences"][0]["chars"] < 2000
    sentences = pd.read_parquet(built.parent / "interim" / "sentences.parquet")
    assert len(sentences) == text["sentences"] > 150_000
    assert sentences["inspection_id"].nunique() == 431
    assert not sentences["text"].str.contains(r"Inspection of .{0,60} children’s services\s+\d", regex=True).any()
    prose = sentences[sentences["section"] != "headline judgements"]
    assert not prose["text"].str.match(r"^\d{1,3}\.\s").any()  # paragraph numbers are dropped
    assert (
        sentences["vader"].isna()
        == ~sentences["section"].isin(
            [
                s
                for s in sentences["section"].unique()
                if s not in ("headline judgements", "front matter", "back matter")
            ]
        )
    ).all()


def _raw_copy_with(tmp_path: Path, raw_dir: Path) -> Path:
    """A raw folder of symlinks to the real files, for altering one file."""
    copy = tmp_path / "raw"
    for path in raw_dir.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(raw_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, target)
    return copy


def test_renamed_ods_column_stops_build_and_keeps_previous_output(tmp_path: Path, raw_dir: Path) -> None:
    raw = _raw_copy_with(tmp_path, raw_dir)
    ods = raw / build.ODS_NAME
    ods.unlink()
    history = pd.read_excel(raw_dir / build.ODS_NAME, sheet_name=None, header=None, engine="calamine")
    sheet = history["ILACS_inspection_history"]
    sheet.iloc[2, 7] = "Type of inspection"  # was "Inspection type"
    with pd.ExcelWriter(ods, engine="odf") as writer:
        for name, frame in history.items():
            frame.to_excel(writer, sheet_name=name, header=False, index=False)
    out = tmp_path / "processed"
    out.mkdir()
    (out / "inspections.csv").write_text("previous good build\n")
    with pytest.raises(official.OfficialDataError, match=r"Inspection type"):
        build.build(raw, out, tmp_path / "validation.md", verify=False)
    assert (out / "inspections.csv").read_text() == "previous good build\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw"]  # no staging folder left


def test_missing_raw_folder(tmp_path: Path) -> None:
    with pytest.raises(RawDataError, match="Raw data folder not found"):
        build.build(tmp_path / "absent", tmp_path / "out", tmp_path / "v.md")
    assert not (tmp_path / "out").exists()


def test_main_prints_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """`make data` on a bad raw folder: exit 1 and one message, not a traceback."""
    real_build = build.build
    monkeypatch.setattr(
        build,
        "build",
        lambda reading=None: real_build(tmp_path / "absent", tmp_path / "out", tmp_path / "v.md", reading=reading),
    )
    assert build.main([]) == 1
    assert capsys.readouterr().err.startswith("ERROR: Raw data folder not found")


def test_sif_report_statistics_in_context(tables) -> None:
    context = tables["la_context"]
    counts = context[context["measure"].str.startswith("sif_report_")]["measure"].value_counts().to_dict()
    assert counts == {
        "sif_report_child_protection_plans": 167,
        "sif_report_children_under_18": 167,
        "sif_report_looked_after": 167,
        "sif_report_children_in_need": 166,
        "sif_report_looked_after_rate": 164,
        "sif_report_poverty_pct_in_poverty": 127,
        "sif_report_poverty_pct_low_income_families": 37,
    }
    norfolk = context[
        (context["source"] == "ofsted/reports/80418_norfolk_2015-10-20.pdf#page=4")
        & (context["measure"] == "sif_report_looked_after_rate")
    ]
    assert norfolk["value"].tolist() == ["63.2"] and norfolk["year"].tolist() == ["2015"]


def test_earlier_inspections_are_one_row_each_typed_by_their_framework(tables, summary) -> None:
    inspections, judgements = tables["inspections"], tables["judgements"]
    pre = inspections[inspections["framework"] == "pre-SIF"]
    # Before the typing: 286 rows, 133 "child protection", 126 "looked after children", 27 "safeguarding
    # and looked after children", 72 authority-months holding both a child protection and a looked after row.
    assert len(pre) == 198
    assert pre["inspection_type"].value_counts().to_dict() == {
        "SLAC": 147,
        "child protection": 47,
        "looked after children": 4,
    }
    earlier = summary["earlier_inspections"]
    assert earlier["inspections_by_type"] == {"SLAC": 147, "child protection": 47, "looked after children": 4}
    assert earlier["named_in_sif_reports_by_type"] == {"SLAC": 147, "child protection": 47, "looked after children": 0}
    assert earlier["reports_of_their_own"] == 4 and len(earlier["merged_into_own_report"]) == 4
    month = pre["start_date"].where(pre["start_date"] != "", pre["published_date"]).str[:7]
    assert not pd.DataFrame({"la": pre["la_code"], "month": month}).duplicated().any()
    # Every merge is listed with its statements; recaps made no row; no grades in conflict.
    assert (earlier["merges"], earlier["statements_merged"]) == (97, 102)
    assert all(len(m["statements"]) > 1 for m in earlier["merge_list"])
    assert len(earlier["recaps_without_row"]) == 5 and earlier["grade_conflicts"] == []
    rules = {(r["inspection_type"], r["rule"]): r["inspections"] for r in earlier["typing_rules"]}
    # Edge cases of the typing rule (parse_sif_context.earlier_type): 40 uses of an edge clause, by 24 inspections.
    assert sum(n for (kind, rule), n in rules.items() if "(edge)" in rule) == 40
    assert len(earlier["edge_case_inspections"]) == 24
    assert rules[("SLAC", "looked after, June to December 2012 (edge)")] == 17
    assert (
        rules[("SLAC", "safeguarding from June 2012 beside a SLAC looked-after grade of the same month (edge)")] == 14
    )
    norfolk = pre[pre["inspection_id"] == "80418_norfolk_2015-10-20-prev-child-protection"].iloc[0]
    assert (norfolk["start_date"], norfolk["date_precision"], norfolk["source"]) == (
        "2013-01-01",
        "month",
        "ofsted/reports/80418_norfolk_2015-10-20.pdf#page=3",
    )
    grade = judgements[judgements["inspection_id"] == norfolk["inspection_id"]]
    assert grade[["area", "grade"]].values.tolist() == [["safeguarding", "Inadequate"]]
    # the 2013 looked after children report of Norfolk is not doubled by the SIF report naming it
    assert len(pre[(pre["la_code"] == "E10000020") & (pre["inspection_type"] == "looked after children")]) == 1
    # Plymouth's May 2010 SLAC: once, with both grades (it was three rows).
    plymouth = pre[pre["la_code"] == "E06000026"]
    assert plymouth[["inspection_id", "inspection_type", "start_date"]].values.tolist() == [
        ["80538_plymouth_2015-01-06-prev-slac", "SLAC", "2010-05-01"]
    ]
    assert judgements.loc[judgements["inspection_id"] == "80538_plymouth_2015-01-06-prev-slac", "area"].tolist() == [
        "looked_after",
        "safeguarding",
    ]
    # Suffolk 2016's recap ("... in 2010 and child protection in 2013, which were both judged to be
    # adequate") makes no third row; Coventry 2014's overall effectiveness grade is kept.
    assert sorted(pre.loc[pre["la_code"] == "E10000029", "inspection_type"]) == ["SLAC", "child protection"]
    coventry = judgements[judgements["inspection_id"] == "80456_coventry_2014-03-21-prev-slac"]
    assert coventry[["area", "grade"]].values.tolist() == [
        ["looked_after", "Adequate"],
        ["overall", "Good"],
        ["safeguarding", "Good"],
    ]


LEAD_INSPECTORS = {
    # checked by hand in the PDF text (analysis.build.pdf_text.read_pdf_pages)
    "80418_norfolk_2015-10-20": "Helen Cawston",  # p. 45 "Lead inspector: Helen Cawston HMI"
    "2532283_dorset_2021-11-19": "Steve Lowe",  # p. 1 "Lead inspector: Steve Lowe, Her Majesty's Inspector"
    "80445_cambridgeshire_2019-02-18": "Dominic Stevens",  # p. 1, the title on the next line
    "80547_rutland_2017-02-13": "Karen Wareing",  # p. 39 "Karen Wareing (HMI)"
    "80497_hammersmith-and-fulham_2016-03-29": "Pietro Battista",  # p. 43 "Lead inspector on site: ..."
    "80564_stoke-on-trent_2022-11-25": "Rebecca Quested; Matthew Reed",  # p. 1 "Lead inspectors: ..."
    "80418_norfolk_2013-08-16": "Gary Lamb",  # p. 1 "Reporting inspector Gary Lamb HMI"
}


def test_lead_inspector_of_every_report(tables, summary) -> None:
    inspections = tables["inspections"].set_index("inspection_id")
    assert {i: inspections.at[i, "lead_inspector"] for i in LEAD_INSPECTORS} == LEAD_INSPECTORS
    lead = summary["lead_inspector"]
    assert lead["sif_and_ilacs_coverage"] >= 0.95
    assert (lead["sif_and_ilacs_named"], lead["sif_and_ilacs_reports"], lead["missing"]) == (426, 426, [])
    from_reports = inspections[
        inspections["source"].str.startswith("ofsted/reports/") & ~inspections.index.str.contains("-prev-")
    ]
    assert len(from_reports) == 431 and (from_reports["lead_inspector"] != "").all()
    others = inspections.drop(from_reports.index)
    assert (others["lead_inspector"] == "").all()
    assert not inspections["lead_inspector"].str.contains(r"HMI|Majesty", regex=True).any()


def test_statistical_neighbours_table(tables, summary) -> None:
    neighbours, authorities = tables["statistical_neighbours"], tables["local_authorities"]
    assert len(neighbours) == 1560 and neighbours["la_code"].nunique() == 156
    assert (
        neighbours.groupby("la_code")["rank"]
        .apply(lambda r: sorted(map(int, r)))
        .map(lambda r: r == list(range(1, 11)))
        .all()
    )
    assert set(neighbours["la_code"]) | set(neighbours["neighbour_code"]) <= set(authorities["la_code"])
    assert summary["statistical_neighbours"] == {
        "authorities": 156,
        "rows": 1560,
        "neighbours_per_authority": {"10": 156},
    }


def _replace(raw: Path, relative: str, content: bytes) -> Path:
    target = raw / relative
    target.unlink()
    target.write_bytes(content)
    return target


REPORT = "ofsted/reports/80418_norfolk_2015-10-20.pdf"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            "html page",
            r"Checksum mismatch: .*80418_norfolk_2015-10-20\.pdf\n  expected sha256: [0-9a-f]{64}\n  found sha256: ",
        ),
        ("truncated", r"Checksum mismatch: .*80418_norfolk_2015-10-20\.pdf"),
        (
            "missing pdf",
            r"Raw file missing: .*80418_norfolk_2015-10-20\.pdf\n  expected sha256: [0-9a-f]{64}\n  found: no file",
        ),
        ("missing ods", r"Raw file missing: .*LA_Inspection_Outcomes_as_at_31_March_2025\.ods"),
        ("extra file", r"Raw file not in the provenance record: .*stray\.pdf"),
    ],
)
def test_a_bad_raw_file_stops_the_build_naming_it_and_keeps_previous_output(
    tmp_path: Path, raw_dir: Path, change: str, expected: str
) -> None:
    raw = _raw_copy_with(tmp_path, raw_dir)
    if change == "html page":
        _replace(raw, REPORT, b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    elif change == "truncated":
        _replace(raw, REPORT, (raw_dir / REPORT).read_bytes()[:5000])
    elif change == "missing pdf":
        (raw / REPORT).unlink()
    elif change == "missing ods":
        (raw / build.ODS_NAME).unlink()
    else:
        (raw / "ofsted/reports/stray.pdf").write_bytes(b"%PDF-1.4 stray")
    out = tmp_path / "processed"
    out.mkdir()
    (out / "inspections.csv").write_text("previous good build\n")
    with pytest.raises(RawDataError, match=expected):
        build.build(raw, out, tmp_path / "validation.md")
    assert (out / "inspections.csv").read_text() == "previous good build\n"


def test_staging_folders_of_a_killed_build_are_removed_and_an_interrupted_swap_is_restored(tmp_path: Path) -> None:
    out = tmp_path / "processed"
    (tmp_path / ".processed-abc123").mkdir()
    (tmp_path / "processed.old").mkdir()
    (tmp_path / "processed.old" / "inspections.csv").write_text("the last good build\n")
    build.recover(out)
    assert not (tmp_path / ".processed-abc123").exists()
    assert (out / "inspections.csv").read_text() == "the last good build\n"
    assert not (tmp_path / "processed.old").exists()


def test_build_help_prints_usage_and_builds_nothing(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        build.main(["--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m analysis.build")
