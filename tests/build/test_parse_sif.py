"""The SIF parsers on the real reports: every report read in full, hand-checked values, quirks.

Hand-checked values below were read by eye from the report text (page 1 unless stated).
"""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.build.parse_sif import (
    SIF_AREAS,
    find_la_name,
    find_lead_inspector,
    parse_date_list,
    parse_lac_2013,
    parse_lscb_review,
    parse_sif,
)
from analysis.build.pdf_text import LAC_2013, LSCB_REVIEW, SIF, SIF_REINSPECTION, Report
from analysis.build.records import ParsedReport
from analysis.vocab import ADEQUATE, GOOD, INADEQUATE, NOT_JUDGED, OUTSTANDING, REQUIRES_IMPROVEMENT

RI = REQUIRES_IMPROVEMENT
D = dt.date

#: The 12 early reports (Nov 2013 - Mar 2014 inspections) that print no publication date.
MANIFEST_FALLBACKS = {
    "80432_bolton_2014-03-21.pdf",
    "80449_bradford_2014-05-23.pdf",
    "80456_coventry_2014-03-21.pdf",
    "80460_derbyshire_2014-02-11.pdf",
    "80467_east-sussex_2014-03-21.pdf",
    "80468_essex_2014-03-21.pdf",
    "80472_hampshire_2014-04-22.pdf",
    "80473_hartlepool_2014-02-11.pdf",
    "80501_hillingdon_2014-02-11.pdf",
    "80503_hounslow_2014-03-21.pdf",
    "80551_sheffield_2014-02-21.pdf",
    "80561_staffordshire_2014-03-21.pdf",
}

#: Reports titled "Re-inspection of services for children ..." (classified SIF re-inspection).
TITLED_REINSPECTIONS = {
    "80418_norfolk_2018-01-19.pdf",
    "80429_birmingham_2016-11-25.pdf",
    "80442_buckinghamshire_2018-01-29.pdf",
    "80456_coventry_2017-06-13.pdf",
    "80462_doncaster_2018-01-19.pdf",
    "80479_knowsley_2017-06-13.pdf",
    "80480_lancashire_2018-08-17.pdf",
    "80518_wandsworth_2018-07-20.pdf",
    "80521_manchester_2017-12-21.pdf",
    "80543_rotherham_2018-01-29.pdf",
    "80549_sandwell_2018-01-29.pdf",
    "80566_sunderland_2018-07-25.pdf",
    "80567_surrey_2018-05-16.pdf",
    "80572_torbay_2018-08-24.pdf",
    "80577_west-berkshire_2017-07-07.pdf",
    "80555_somerset_2018-01-29.pdf",  # "Reinspection", no hyphen
}

#: Re-inspections titled "Inspection of services ..." like a first SIF; read_reports marks them as
#: re-inspections because an earlier SIF report of the same authority exists (mark_reinspections).
UNTITLED_REINSPECTIONS = {
    "80458_darlington_2018-05-21.pdf": "80458_darlington_2015-09-01.pdf",
    "80506_lambeth_2018-05-09.pdf": "80506_lambeth_2015-05-12.pdf",
    "80482_leicester_2017-09-04.pdf": "80482_leicester_2015-03-20.pdf",
    "80553_slough_2016-02-17.pdf": "80553_slough_2014-02-14.pdf",
}
REINSPECTIONS = TITLED_REINSPECTIONS | set(UNTITLED_REINSPECTIONS)


@pytest.fixture(scope="module")
def reports(read_all) -> dict[str, Report]:
    """file -> Report for every readable report (read once per session)."""
    read, _ = read_all
    return {r.file: r for r in read}


@pytest.fixture(scope="module")
def sif(reports: dict[str, Report]) -> dict[str, ParsedReport]:
    """file -> parsed report for every SIF and SIF re-inspection report."""
    return {f: parse_sif(r) for f, r in reports.items() if r.report_type in (SIF, SIF_REINSPECTION)}


def grades(parsed: ParsedReport) -> dict[str, str]:
    return {j.area: j.grade for j in parsed.judgements}


# --- the whole collection ------------------------------------------------------------------------


def test_counts_of_sif_reports(reports, sif):
    types = [r.report_type for r in reports.values()]
    assert types.count(SIF) == 147
    assert types.count(SIF_REINSPECTION) == 20
    assert len(sif) == 167
    assert {f for f, p in sif.items() if p.report_type == SIF_REINSPECTION} == REINSPECTIONS


def test_every_sif_report_gives_name_dates_published_and_six_judgements(sif):
    problems = []
    for file, parsed in sif.items():
        if not parsed.la_name or parsed.la_name_page != 1:
            problems.append((file, "la_name"))
        if parsed.start_date is None or parsed.end_date is None or parsed.dates_page != 1 or not parsed.dates_snippet:
            problems.append((file, "dates"))
        if parsed.published_date is None:
            problems.append((file, "published"))
        missing = {"overall", *SIF_AREAS} - set(grades(parsed))
        if missing:
            problems.append((file, sorted(missing)))
        areas = [j.area for j in parsed.judgements]
        if len(areas) != len(set(areas)):
            problems.append((file, "an area read twice", areas))
    assert problems == []


def test_every_judgement_has_label_page_and_short_snippet(sif):
    for file, parsed in sif.items():
        for judgement in parsed.judgements:
            assert judgement.area_label and "  " not in judgement.area_label, (file, judgement)
            assert 0 < len(judgement.snippet) <= 200, (file, judgement)
            assert judgement.grade.lower()[:4] in judgement.snippet.lower(), (file, judgement)  # "require(s)"
            # The table is on page 1 (page 2 where it spills over); the LSCB grade may be much later.
            assert judgement.page in (1, 2) or judgement.area == "lscb", (file, judgement)


def test_date_order_and_plausible_gaps(sif):
    for file, parsed in sif.items():
        assert parsed.start_date <= parsed.end_date <= parsed.published_date, file
        assert (parsed.end_date - parsed.start_date).days <= 75, (file, parsed.dates_snippet)  # Sheffield: 72
        assert D(2013, 11, 1) <= parsed.start_date <= D(2018, 12, 31), file


def test_manifest_fallbacks_are_the_twelve_reports_without_a_printed_date(sif):
    fallbacks = {f for f, p in sif.items() if p.published_from_manifest}
    assert len(fallbacks) == 12  # "about 13": Slough 2014 prints an 'originally published' date instead
    assert fallbacks == MANIFEST_FALLBACKS
    for file in fallbacks:
        parsed = sif[file]
        assert parsed.published_page is None
        assert str(parsed.published_date) == file[-14:-4]  # the MANIFEST date is the one in the file name
        assert any("MANIFEST listing date" in w for w in parsed.warnings), file


def test_printed_publication_date_is_read_from_page_1(sif):
    printed = [p for p in sif.values() if not p.published_from_manifest]
    assert len(printed) == 155
    assert all(p.published_page == 1 for p in printed)


def test_lscb_grade_found_where_the_board_was_reviewed(sif):
    with_lscb = {f for f, p in sif.items() if "lscb" in grades(p)}
    assert len(with_lscb) == 147
    # Of the re-inspections only Slough 2016 (titled as a full inspection) also reviewed the board.
    assert with_lscb & REINSPECTIONS == {"80553_slough_2016-02-17.pdf"}
    # Hull 2015 has no LSCB review in its page-1 title, but includes the review report from page 37.
    assert "80477_kingston-upon-hull_2015-02-10.pdf" in with_lscb
    assert not any("lscb:" in w for p in sif.values() for w in p.warnings)


def test_grade_distribution_of_the_headline_judgement(sif):
    """Counts as parsed (a regression guard; 147 first SIF inspections, 5 authorities' reports missing)."""

    def tally(kind: str) -> dict[str, int]:
        overall = [p.grade("overall") for p in sif.values() if p.report_type == kind]
        return {g: overall.count(g) for g in set(overall)}

    assert tally(SIF) == {OUTSTANDING: 3, GOOD: 51, RI: 61, INADEQUATE: 32}
    assert tally(SIF_REINSPECTION) == {GOOD: 3, RI: 10, INADEQUATE: 7}


def test_warnings_name_only_known_oddities(sif):
    with_warnings = {f for f, p in sif.items() if p.warnings}
    assert with_warnings == MANIFEST_FALLBACKS | {
        "80450_london-corporation_2016-09-20.pdf",  # one inspection day printed
        "80477_kingston-upon-hull_2015-02-10.pdf",  # two publication dates (LA part, LSCB part)
        "80553_slough_2014-02-14.pdf",  # "originally published on 11 February 2014"
    }


# --- hand-checked reports ------------------------------------------------------------------------


HAND_CHECKED = {
    # file: (la_name, start, end, published, {area: grade})
    "80418_norfolk_2015-10-20.pdf": (
        "Norfolk County Council",
        D(2015, 7, 6),
        D(2015, 7, 30),
        D(2015, 10, 19),
        dict(
            overall=INADEQUATE,
            help_protection=RI,
            looked_after=INADEQUATE,
            adoption=RI,
            care_leavers=INADEQUATE,
            leadership=RI,
            lscb=RI,
        ),
    ),
    # split inspection and no printed publication date
    "80551_sheffield_2014-02-21.pdf": (
        "Sheffield City Council",
        D(2013, 11, 19),
        D(2014, 1, 30),
        D(2014, 2, 21),
        dict(
            overall=RI,
            help_protection=GOOD,
            looked_after=RI,
            adoption=RI,
            care_leavers=GOOD,
            leadership=GOOD,
            lscb=GOOD,
        ),
    ),
    # dd/mm/yyyy dates, publication date too
    "80512_redbridge_2016-11-25.pdf": (
        "London Borough of Redbridge Council",
        D(2016, 9, 12),
        D(2016, 10, 6),
        D(2016, 11, 25),
        dict(
            overall=GOOD,
            help_protection=GOOD,
            looked_after=GOOD,
            adoption=GOOD,
            care_leavers=RI,
            leadership=GOOD,
            lscb=GOOD,
        ),
    ),
    # d/mm/yyyy without a leading zero
    "80564_stoke-on-trent_2015-08-12.pdf": (
        "Stoke-on-Trent City Council",
        D(2015, 6, 1),
        D(2015, 6, 25),
        D(2015, 8, 10),
        dict(overall=RI, help_protection=RI, looked_after=RI, adoption=GOOD, care_leavers=RI, leadership=RI, lscb=RI),
    ),
    # titled re-inspection
    "80418_norfolk_2018-01-19.pdf": (
        "Norfolk Council",
        D(2017, 11, 13),
        D(2017, 11, 24),
        D(2018, 1, 19),
        dict(overall=RI, help_protection=RI, looked_after=RI, adoption=OUTSTANDING, care_leavers=RI, leadership=RI),
    ),
    # table spills onto page 2; "Leadership, management and governance require improvement" in the prose above it
    "80535_oldham_2015-08-03.pdf": (
        "Oldham Borough Council",
        D(2015, 5, 22),
        D(2015, 6, 18),
        D(2015, 8, 3),
        dict(overall=RI, help_protection=RI, looked_after=RI, adoption=GOOD, care_leavers=RI, leadership=RI, lscb=RI),
    ),
    # "Not judged" adoption, a single inspection day
    "80450_london-corporation_2016-09-20.pdf": (
        "City of London",
        D(2016, 7, 28),
        D(2016, 7, 28),
        D(2016, 9, 20),
        dict(
            overall=GOOD,
            help_protection=GOOD,
            looked_after=GOOD,
            adoption=NOT_JUDGED,
            care_leavers=GOOD,
            leadership=OUTSTANDING,
            lscb=OUTSTANDING,
        ),
    ),
    # "Not Judged" for three areas
    "80455_isles-of-scilly_2016-06-27.pdf": (
        "Isles of Scilly",
        D(2016, 4, 11),
        D(2016, 4, 28),
        D(2016, 6, 27),
        dict(
            overall=GOOD,
            help_protection=GOOD,
            looked_after=NOT_JUDGED,
            adoption=NOT_JUDGED,
            care_leavers=NOT_JUDGED,
            leadership=GOOD,
            lscb=RI,
        ),
    ),
    # leadership row misnumbered "1."
    "80581_wirral_2016-09-20.pdf": (
        "Wirral Metropolitan Borough Council",
        D(2016, 7, 4),
        D(2016, 7, 28),
        D(2016, 9, 20),
        dict(
            overall=INADEQUATE,
            help_protection=INADEQUATE,
            looked_after=RI,
            adoption=RI,
            care_leavers=INADEQUATE,
            leadership=INADEQUATE,
            lscb=INADEQUATE,
        ),
    ),
    # "The overall judgement is inadequate"; LSCB on page 1; 'originally published on 11 February 2014'
    "80553_slough_2014-02-14.pdf": (
        "Slough Borough Council",
        D(2013, 11, 19),
        D(2013, 12, 11),
        D(2014, 2, 11),
        dict(
            overall=INADEQUATE,
            help_protection=INADEQUATE,
            looked_after=INADEQUATE,
            adoption=RI,
            care_leavers=INADEQUATE,
            leadership=INADEQUATE,
            lscb=INADEQUATE,
        ),
    ),
    # grades wrapped over three lines: "Requires \nimprovement to be \ngood"; re-inspection titled "Inspection"
    "80458_darlington_2018-05-21.pdf": (
        "Darlington",
        D(2018, 2, 27),
        D(2018, 3, 22),
        D(2018, 5, 21),
        dict(overall=RI, help_protection=RI, looked_after=RI, adoption=GOOD, care_leavers=GOOD, leadership=RI),
    ),
    # "Requires Improvement" (capital I); re-inspection titled "Inspection"
    "80506_lambeth_2018-05-09.pdf": (
        "London Borough of Lambeth",
        D(2018, 1, 29),
        D(2018, 2, 22),
        D(2018, 5, 9),
        dict(overall=RI, help_protection=RI, looked_after=RI, adoption=INADEQUATE, care_leavers=RI, leadership=RI),
    ),
    "80482_leicester_2017-09-04.pdf": (
        "Leicester City Council",
        D(2017, 6, 19),
        D(2017, 7, 13),
        D(2017, 9, 4),
        dict(overall=RI, help_protection=RI, looked_after=RI, adoption=GOOD, care_leavers=RI, leadership=GOOD),
    ),
    "80553_slough_2016-02-17.pdf": (
        "Slough Borough Council",
        D(2015, 11, 24),
        D(2015, 12, 17),
        D(2016, 2, 17),
        dict(
            overall=INADEQUATE,
            help_protection=INADEQUATE,
            looked_after=INADEQUATE,
            adoption=RI,
            care_leavers=INADEQUATE,
            leadership=INADEQUATE,
            lscb=INADEQUATE,
        ),
    ),
    # "Inspection date: 18 Feb 2014 – 12 March 2014", no printed publication date
    "80449_bradford_2014-05-23.pdf": (
        "City of Bradford Metropolitan District Council",
        D(2014, 2, 18),
        D(2014, 3, 12),
        D(2014, 5, 23),
        dict(
            overall=RI,
            help_protection=RI,
            looked_after=GOOD,
            adoption=GOOD,
            care_leavers=GOOD,
            leadership=GOOD,
            lscb=GOOD,
        ),
    ),
    # LSCB heading misses a word: "The Local Safeguarding Children is inadequate" (page 41)
    "80555_somerset_2015-03-27.pdf": (
        "Somerset County Council",
        D(2015, 1, 20),
        D(2015, 2, 11),
        D(2015, 3, 27),
        dict(
            overall=INADEQUATE,
            help_protection=INADEQUATE,
            looked_after=INADEQUATE,
            adoption=RI,
            care_leavers=INADEQUATE,
            leadership=INADEQUATE,
            lscb=INADEQUATE,
        ),
    ),
}


@pytest.mark.parametrize("file", sorted(HAND_CHECKED))
def test_hand_checked_report(sif, file):
    la_name, start, end, published, expected = HAND_CHECKED[file]
    parsed = sif[file]
    assert parsed.la_name == la_name
    assert (parsed.start_date, parsed.end_date, parsed.published_date) == (start, end, published)
    assert grades(parsed) == expected


def test_table_spill_and_late_lscb_pages(sif):
    oldham = {j.area: j for j in sif["80535_oldham_2015-08-03.pdf"].judgements}
    assert [oldham[a].page for a in SIF_AREAS] == [1, 1, 1, 2, 2]
    assert oldham["lscb"].page == 44
    assert (
        sif["80418_norfolk_2015-10-20.pdf"].judgements[-1].page == 39
    )  # "The Local Safeguarding Children Board requires improvement"
    assert {j.area: j.page for j in sif["80555_somerset_2015-03-27.pdf"].judgements}["lscb"] == 41
    assert {j.area: j.page for j in sif["80553_slough_2014-02-14.pdf"].judgements}["lscb"] == 1


def test_labels_are_the_source_wording(sif):
    norfolk = {j.area: j.area_label for j in sif["80418_norfolk_2015-10-20.pdf"].judgements}
    assert norfolk == {
        "overall": "Children’s services in Norfolk",
        "help_protection": "Children who need help and protection",
        "looked_after": "Children looked after and achieving permanence",  # wraps over two lines in the PDF
        "adoption": "Adoption performance",
        "care_leavers": "Experiences and progress of care leavers",
        "leadership": "Leadership, management and governance",
        "lscb": "The Local Safeguarding Children Board",
    }
    slough = {j.area: j.area_label for j in sif["80553_slough_2014-02-14.pdf"].judgements}
    assert slough["overall"] == "The overall judgement"
    assert slough["care_leavers"] == "Experiences and progress of Care Leavers"
    assert slough["lscb"] == "The effectiveness of the Local Safeguarding Children Board (LSCB)"


def test_reinspections_titled_as_inspections(sif):
    """Darlington, Lambeth, Leicester, Slough (and Somerset) were re-inspected after an inadequate SIF,
    under the title "Inspection of services ...": they are parsed like any SIF report, and the earlier
    report of each was inadequate overall and ended before the re-inspection began."""
    for second, first in UNTITLED_REINSPECTIONS.items():
        assert sif[second].report_type == SIF_REINSPECTION
        assert sif[first].report_type == SIF
        assert sif[first].grade("overall") == INADEQUATE
        assert sif[first].end_date < sif[second].start_date
        assert {"overall", *SIF_AREAS} <= set(grades(sif[second]))


def test_previous_and_context_are_lists(sif):
    for parsed in sif.values():
        assert isinstance(parsed.previous, list) and isinstance(parsed.context, list)


# --- the older report kinds ----------------------------------------------------------------------


def test_lac_2013_reports(reports):
    parsed = {f: parse_lac_2013(r) for f, r in reports.items() if r.report_type == LAC_2013}
    expected = {
        # file: (la_name, start, end, published, looked_after, capacity)
        "80418_norfolk_2013-08-16.pdf": (
            "Norfolk County Council",
            D(2013, 7, 8),
            D(2013, 7, 12),
            D(2013, 8, 16),
            INADEQUATE,
            INADEQUATE,
        ),
        "80476_kent_2013-08-23.pdf": (
            "Kent County Council",
            D(2013, 7, 15),
            D(2013, 7, 19),
            D(2013, 8, 23),
            ADEQUATE,
            GOOD,
        ),
        "80522_medway_2013-08-23.pdf": (
            "Medway Council",
            D(2013, 7, 15),
            D(2013, 7, 19),
            D(2013, 8, 23),
            INADEQUATE,
            ADEQUATE,
        ),
        "80549_sandwell_2013-08-02.pdf": (
            "Sandwell Metropolitan Borough Council",
            D(2013, 6, 24),
            D(2013, 6, 28),
            D(2013, 8, 2),
            INADEQUATE,
            ADEQUATE,
        ),
    }
    assert set(parsed) == set(expected)
    for file, (name, start, end, published, looked_after, capacity) in expected.items():
        p = parsed[file]
        assert (p.la_name, p.start_date, p.end_date, p.published_date) == (name, start, end, published), file
        assert grades(p) == {"looked_after": looked_after, "capacity": capacity}, file
        assert not p.published_from_manifest and p.published_page == 1
        assert p.warnings == [], file  # includes the cross-check with the 'Record of main findings'


def test_standalone_lscb_review(reports):
    [report] = [r for r in reports.values() if r.report_type == LSCB_REVIEW]
    parsed = parse_lscb_review(report)
    assert report.file == "80567_surrey_2015-08-03.pdf"
    assert parsed.la_name == "Surrey Safeguarding Children Board"
    assert (parsed.start_date, parsed.end_date, parsed.published_date) == (
        D(2015, 6, 15),
        D(2015, 6, 17),
        D(2015, 8, 3),
    )
    assert grades(parsed) == {"lscb": RI}
    assert parsed.warnings == []


# --- pieces, on text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("6 July 2015 – 30 July 2015", D(2015, 7, 6), D(2015, 7, 30)),
        ("6 to 30 July 2015", D(2015, 7, 6), D(2015, 7, 30)),
        ("9–24 November 2017", D(2017, 11, 9), D(2017, 11, 24)),
        ("14 January – 5 February 2014", D(2014, 1, 14), D(2014, 2, 5)),
        ("18 Feb 2014 – 12 March 2014", D(2014, 2, 18), D(2014, 3, 12)),
        ("12/09/2016 to 06/10/2016", D(2016, 9, 12), D(2016, 10, 6)),
        ("1/06/2015 – 25/06/2015", D(2015, 6, 1), D(2015, 6, 25)),
        ("19 November-11 December 2013 and 28 – 30 January 2014", D(2013, 11, 19), D(2014, 1, 30)),
        ("20 June 2017 ─ 13 July 2017", D(2017, 6, 20), D(2017, 7, 13)),
    ],
)
def test_parse_date_list(text, first, last):
    dates = parse_date_list(text)
    assert (min(dates), max(dates)) == (first, last)


def test_parse_date_list_gives_nothing_for_no_date():
    assert parse_date_list("to be confirmed") == []
    assert parse_date_list("31 February 2015") == []


def test_la_name_wraps_and_drops_the_page_number():
    page = "1\nLondon Borough of \nLambeth\nInspection of services for children in need of help and \nprotection"
    assert find_la_name(page) == "London Borough of Lambeth"
    assert find_la_name("no title here") is None


def test_unreadable_report_warns_instead_of_raising():
    report = Report(
        file="x.pdf", sha256="", urn="", la_name_listed="", listed_date="", pages=("nothing here",), report_type=SIF
    )
    parsed = parse_sif(report)
    assert parsed.judgements == [] and parsed.start_date is None and parsed.published_date is None
    # name, dates, published, lead inspector, overall, five rows
    assert len(parsed.warnings) == 1 + 1 + 1 + 1 + 1 + len(SIF_AREAS)


# --- lead inspector --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # SIF, the inspection team (Norfolk 2015, page 45)
        (
            "The inspection team\nLead inspector: Helen Cawston HMI\nDeputy lead inspector: Louise Hocking HMI\n",
            "Helen Cawston",
        ),
        # ILACS page 1 (Dorset 2021); 2018-19 reports put the title on the next line (Cambridgeshire 2019)
        ("Lead inspector: Steve Lowe, Her Majesty’s Inspector\nJudgement Grade\n", "Steve Lowe"),
        ("Lead inspector: Dominic Stevens\nHer Majesty’s Inspector\nJudgement Grade\n", "Dominic Stevens"),
        (
            "Lead inspector: Karen Wareing (HMI)\nDeputy lead inspector: Nigel Parkes HMI\n",
            "Karen Wareing",
        ),  # Rutland 2017
        ("Lead inspector: John Mitchell, Senior HMI\n", "John Mitchell"),
        ("Lead inspector: Helen Cawston HMI.\nTeam inspectors: ...\n", "Helen Cawston"),
        # Hammersmith and Fulham 2016; Stoke-on-Trent 2022 (two, over two lines)
        ("Lead inspector on site: Pietro Battista\nReport author: Sean Tarpey\n", "Pietro Battista"),
        (
            "Lead inspectors: Rebecca Quested, His Majesty’s Inspector, and Matthew Reed, \nHis Majesty’s Inspector\nJudgement",
            "Rebecca Quested; Matthew Reed",
        ),
        # the 2013 looked after children reports (Norfolk 2013, page 1)
        ("Inspection dates: 8 – 12 July 2013\nReporting inspector Gary Lamb HMI\nAge group: All\n", "Gary Lamb"),
    ],
)
def test_lead_inspector_is_read_without_titles(page, expected):
    assert find_lead_inspector(("nothing", page)) == (expected, 2)


def test_a_deputy_lead_inspector_is_not_the_lead():
    assert find_lead_inspector(("Deputy lead inspector: Nigel Parkes\nDeputy Lead inspector: Jansy Kelly\n",)) is None
