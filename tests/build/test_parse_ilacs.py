"""The ILACS parser on the real reports: every report read in full, hand-checked values, quirks, failures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from analysis.build.parse_ilacs import CARE_LEAVERS_FROM, find_la_name, parse_date_range, parse_ilacs
from analysis.build.pdf_text import ILACS, Report
from analysis.build.records import ParsedReport
from analysis.vocab import GOOD, INADEQUATE, OUTSTANDING, REQUIRES_IMPROVEMENT

CORE_AREAS = ("overall", "leadership", "help_protection", "looked_after")
RI = REQUIRES_IMPROVEMENT


@pytest.fixture(scope="module")
def ilacs(read_all) -> dict[str, tuple[Report, ParsedReport]]:
    """file -> (report, parsed) for every report classified ILACS."""
    reports, _ = read_all
    return {r.file: (r, parse_ilacs(r)) for r in reports if r.report_type == ILACS}


def test_all_ilacs_reports_are_parsed(ilacs):
    assert len(ilacs) == 259


def test_every_report_gives_name_dates_and_core_judgements(ilacs):
    problems = []
    for file, (_, parsed) in ilacs.items():
        if not parsed.la_name or parsed.la_name_page != 1:
            problems.append((file, "la_name", parsed.la_name))
        if parsed.start_date is None or parsed.end_date is None or parsed.dates_page != 1:
            problems.append((file, "dates", parsed.dates_snippet))
            continue
        if not parsed.start_date <= parsed.end_date <= parsed.start_date + dt.timedelta(days=80):
            problems.append((file, "date order", parsed.dates_snippet))
        if not parsed.dates_snippet.startswith("Inspection date"):
            problems.append((file, "dates snippet", parsed.dates_snippet))
        for area in CORE_AREAS:
            if parsed.grade(area) is None:
                problems.append((file, area, None))
        has_care_leavers = parsed.grade("care_leavers") is not None
        if has_care_leavers != (parsed.start_date >= CARE_LEAVERS_FROM):
            problems.append((file, "care_leavers", parsed.start_date))
    assert problems == []


def test_care_leavers_judgement_count(ilacs):
    assert sum(p.grade("care_leavers") is not None for _, p in ilacs.values()) == 94


def test_snippets_hold_the_label_and_grade(ilacs):
    for file, (_, parsed) in ilacs.items():
        assert len({j.area for j in parsed.judgements}) == len(parsed.judgements), file
        for judgement in parsed.judgements:
            folded = re.sub(r"\s+", " ", judgement.snippet).lower()
            assert judgement.page == 1 and len(judgement.snippet) <= 200, (file, judgement)
            assert folded.startswith(judgement.area_label.lower()), (file, judgement)
            assert (
                folded.endswith(judgement.grade.lower())
                or judgement.grade == RI
                and folded.endswith("requires improvement")
            ), (file, judgement)


def test_no_publication_date_is_printed_so_the_listed_date_is_used(ilacs):
    for file, (report, parsed) in ilacs.items():
        assert parsed.published_from_manifest, file
        assert parsed.published_date == dt.date.fromisoformat(report.listed_date), file
        assert any(f"MANIFEST listed date {report.listed_date}" in w for w in parsed.warnings), file


def test_only_the_split_inspections_warn(ilacs):
    other = {
        file: [w for w in parsed.warnings if not w.startswith("no publication date printed")]
        for file, (_, parsed) in ilacs.items()
    }
    other = {file: warnings for file, warnings in other.items() if warnings}
    assert sorted(other) == ["80460_derbyshire_2019-09-19.pdf", "80557_south-tyneside_2023-05-10.pdf"]
    assert all("split over 2 periods" in w[0] for w in other.values())


# Values checked by hand against the PDFs (page 1 of each).
HAND_CHECKED = [
    # 2018, name line above "Inspection of children's social care services"; "04 May" zero-padded.
    (
        "80432_bolton_2018-06-12.pdf",
        "Bolton",
        (2018, 4, 23),
        (2018, 5, 4),
        dict(leadership=GOOD, help_protection=GOOD, looked_after=GOOD, overall=GOOD),
    ),
    # 2018-19 title "Isle of Wight Council / Inspection of children's social care services".
    (
        "80419_isle-of-wight_2019-01-07.pdf",
        "Isle of Wight Council",
        (2018, 11, 19),
        (2018, 11, 30),
        dict(leadership=GOOD, help_protection=GOOD, looked_after=GOOD, overall=GOOD),
    ),
    # 2019 short inspection (ODS: ILACS Short Inspection), same 2019 title style.
    (
        "80519_westminster_2019-10-15.pdf",
        "City of Westminster",
        (2019, 9, 9),
        (2019, 9, 13),
        dict(leadership=OUTSTANDING, help_protection=OUTSTANDING, looked_after=OUTSTANDING, overall=OUTSTANDING),
    ),
    # Wakefield 2018 prints the leaders judgement third.
    (
        "80451_wakefield_2018-07-17.pdf",
        "Wakefield District Metropolitan Council",
        (2018, 6, 4),
        (2018, 6, 15),
        dict(leadership=INADEQUATE, help_protection=INADEQUATE, looked_after=INADEQUATE, overall=INADEQUATE),
    ),
    # 2021: "27 September to 8 October 2021", "Inspection of Dorset local authority children's services".
    (
        "2532283_dorset_2021-11-19.pdf",
        "Dorset",
        (2021, 9, 27),
        (2021, 10, 8),
        dict(leadership=OUTSTANDING, help_protection=GOOD, looked_after=GOOD, overall=GOOD),
    ),
    # "Inspection of Buckinghamshire Council children's services".
    (
        "80442_buckinghamshire_2022-02-11.pdf",
        "Buckinghamshire Council",
        (2021, 12, 6),
        (2021, 12, 17),
        dict(leadership=RI, help_protection=RI, looked_after=RI, overall=RI),
    ),
    # Running header above the title; "Inspection date: 11 – 22 July 2022".
    (
        "80533_nottingham_2022-09-05.pdf",
        "Nottingham City",
        (2022, 7, 11),
        (2022, 7, 22),
        dict(leadership=RI, help_protection=INADEQUATE, looked_after=RI, overall=INADEQUATE),
    ),
    # 2023 with care leavers: "10 to 21 July 2023".
    (
        "80560_st-helens_2023-09-04.pdf",
        "St Helens",
        (2023, 7, 10),
        (2023, 7, 21),
        dict(leadership=GOOD, help_protection=RI, looked_after=GOOD, care_leavers=OUTSTANDING, overall=GOOD),
    ),
    # 2023 short inspection; "Requires Improvement to be good" with a capital I.
    (
        "80455_isles-of-scilly_2023-08-25.pdf",
        "Isles of Scilly",
        (2023, 7, 11),
        (2023, 7, 13),
        dict(leadership=INADEQUATE, help_protection=INADEQUATE, looked_after=RI, care_leavers=RI, overall=INADEQUATE),
    ),
    # Split inspection: "8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019".
    (
        "80460_derbyshire_2019-09-19.pdf",
        "Derbyshire County Council",
        (2019, 7, 8),
        (2019, 8, 8),
        dict(leadership=GOOD, help_protection=RI, looked_after=RI, overall=RI),
    ),
]


@pytest.mark.parametrize(("file", "name", "start", "end", "grades"), HAND_CHECKED, ids=[c[0] for c in HAND_CHECKED])
def test_hand_checked_reports(ilacs, file, name, start, end, grades):
    _, parsed = ilacs[file]
    assert parsed.la_name == name
    assert (parsed.start_date, parsed.end_date) == (dt.date(*start), dt.date(*end))
    assert {j.area: j.grade for j in parsed.judgements} == grades


def test_labels_follow_the_2023_framework_change(ilacs):
    dorset = ilacs["2532283_dorset_2021-11-19.pdf"][1]
    scilly = ilacs["80455_isles-of-scilly_2023-08-25.pdf"][1]
    label = {j.area: j.area_label for j in dorset.judgements}["looked_after"]
    assert label == "The experiences and progress of children in care and care leavers"
    looked_after = {j.area: j for j in scilly.judgements}["looked_after"]
    assert looked_after.area_label == "The experiences and progress of children in care"
    assert looked_after.snippet == "The experiences and progress of children in care Requires Improvement to be good"
    assert dorset.dates_snippet == "Inspection dates: 27 September to 8 October 2021"


# --- pieces on made-up text: each must fail if its rule breaks ---------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("27 September to 8 October 2021", [(2021, 9, 27), (2021, 10, 8)]),
        ("19 November 2018 to 30 November 2018", [(2018, 11, 19), (2018, 11, 30)]),
        ("10 to 21 July 2023", [(2023, 7, 10), (2023, 7, 21)]),
        ("11 – 22 July 2022", [(2022, 7, 11), (2022, 7, 22)]),
        ("29 December to 9 January 2020", [(2019, 12, 29), (2020, 1, 9)]),
        (
            "5 to 9 December 2022 and 14 to 15 February 2023",
            [(2022, 12, 5), (2022, 12, 9), (2023, 2, 14), (2023, 2, 15)],
        ),
    ],
)
def test_parse_date_range(text, days):
    assert parse_date_range(text) == [dt.date(*d) for d in days]


def test_parse_date_range_rejects_incomplete_dates():
    with pytest.raises(ValueError, match="no month or year"):
        parse_date_range("10 to 21 July")
    with pytest.raises(ValueError, match="no dates"):
        parse_date_range("to be confirmed")


@pytest.mark.parametrize(
    ("page", "name"),
    [
        ("Inspection of Dorset local authority \nchildren’s services \nInspection dates: 1 to 5 May 2023", "Dorset"),
        (
            "Inspection of Buckinghamshire Council\nchildren’s services \nInspection dates: 1 to 5 May 2023",
            "Buckinghamshire Council",
        ),
        (
            "1\nIsle of Wight Council\nInspection of children’s social care services\nInspection dates: 1 to 5 May 2019",
            "Isle of Wight Council",
        ),
        (
            "1\nSlough Borough Council\nInspection of local authority children’s services\nInspection dates: 1 May 2019",
            "Slough Borough Council",
        ),
        (
            "Inspection of the Isle of Wight local \nauthority children’s services \nInspection dates: 1 to 5 May 2023",
            "Isle of Wight",
        ),
        ("Inspection of children’s social care services\nInspection dates: 1 to 5 May 2019", None),
    ],
)
def test_find_la_name(page, name):
    assert find_la_name(page) == name


def _made_up_report(page1: str) -> Report:
    return Report(
        file="x.pdf",
        sha256="",
        urn="1",
        la_name_listed="x",
        listed_date="2021-01-02",
        pages=(page1, "page two"),
        report_type=ILACS,
    )


def test_unreadable_grade_and_missing_dates_are_warned_not_dropped():
    page = (
        "Inspection of Exampleshire local authority children’s services\nLead inspector: A N Other\n"
        "Judgement Grade\nThe impact of leaders on social work practice with children and families\nGood\n"
        "The experiences and progress of children who need help and protection\nSatisfactory\n"
        "The experiences and progress of children in care and care leavers\nGood\nOverall effectiveness Good\n"
    )
    parsed = parse_ilacs(_made_up_report(page))
    assert parsed.la_name == "Exampleshire"
    assert parsed.start_date is None and parsed.grade("help_protection") is None
    assert parsed.grade("overall") == GOOD
    assert "no 'Inspection date(s):' line on pages 1-2" in parsed.warnings
    assert "no grade found for help_protection on the judgement page" in parsed.warnings
    assert parsed.published_date == dt.date(2021, 1, 2) and parsed.published_from_manifest


def test_framework_mismatch_is_warned():
    page = (
        "Inspection of Exampleshire local authority children’s services\nInspection dates: 6 to 10 March 2023\n"
        "Judgement Grade\nThe impact of leaders on social work practice with children and families\nGood\n"
        "The experiences and progress of children who need help and protection\nGood\n"
        "The experiences and progress of children in care and care leavers\nGood\nOverall effectiveness Good\n"
    )
    parsed = parse_ilacs(_made_up_report(page))
    assert parsed.start_date == dt.date(2023, 3, 6)
    assert "no grade found for care_leavers on the judgement page" in parsed.warnings
    assert any("prints the pre-2023 label" in w for w in parsed.warnings)
