"""Figures and tables of the reports (analysis.publish.display): numbered captions with n, source and
alt text; one number format per column, text left and numbers right, nothing cut short."""

from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.publish import display


def _cells(page: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows if "<td" in row]


def test_a_count_with_a_gap_prints_whole_numbers_and_shares_print_one_number_of_decimals() -> None:
    frame = pd.DataFrame({"count": [8.0, np.nan, 1200.0], "share": [1.0, 0.967, 0.5], "pct": [12.3, 8.0, 4.25]})
    cells = _cells(display.table(frame))
    assert [row[0] for row in cells] == ["8", "-", "1,200"]
    assert [row[1] for row in cells] == ["1.000", "0.967", "0.500"]
    assert [row[2] for row in cells] == ["12.30", "8.00", "4.25"]


def test_a_whole_share_beside_shares_with_decimals_takes_their_decimals_but_a_count_with_a_gap_does_not() -> None:
    frame = pd.DataFrame({"Good": [32.8, 31.2], "Adequate": [48.0, 0.0], "n": [8.0, np.nan], "k": [3, 4]})
    cells = _cells(display.table(frame))
    assert cells == [["32.8", "48.0", "8", "3"], ["31.2", "0.0", "-", "4"]]


def test_p_values_print_as_p_values_and_small_values_keep_a_significant_digit() -> None:
    frame = pd.DataFrame({"p": [0.0004, 0.0152, np.nan], "estimate": [0.25, 0.0004, 1.5]})
    cells = _cells(display.table(frame))
    assert [row[0] for row in cells] == ["<0.001", "0.015", "-"]
    assert [row[1] for row in cells] == ["0.2500", "0.0004", "1.5000"]


def test_dates_print_as_dates_and_a_huge_table_is_left_to_pandas_which_says_it_is_shortened() -> None:
    cells = _cells(display.table(pd.DataFrame({"published": pd.to_datetime(["2015-03-02", None])})))
    assert cells == [["2015-03-02"], ["-"]]
    huge = display.table(pd.DataFrame({"n": range(display.MAX_CELLS + 1)}))
    assert f"{display.MAX_CELLS + 1} rows" in huge and "report-table" not in huge


def test_long_text_is_never_cut_and_html_in_it_is_escaped() -> None:
    reason = "x" * 180 + " the full reason of C03, " + "y" * 300 + " <b>"
    page = display.table(pd.DataFrame({"explanation": [reason]}))
    assert _cells(page)[0][0] == reason.replace("<", "&lt;").replace(">", "&gt;")


def test_text_columns_and_row_labels_are_left_aligned_and_numbers_right_aligned() -> None:
    display.setup()
    page = display.table(pd.DataFrame({"claim": ["C01"], "value": [0.5]}, index=pd.Index(["a"], name="area")))
    assert "#T_r1 td {\n  text-align: left;" in page
    assert "#T_r1 th.row_heading {\n  text-align: left;" in page
    assert "#T_r1 td.col1 {\n  text-align: right;" in page
    assert "td.col0 {\n  text-align: right" not in page


def test_tables_are_the_same_html_on_every_run_and_long_ones_scroll_under_a_sticky_header() -> None:
    frame = pd.DataFrame({"year": range(2009, 2040), "n": range(31)})
    display.setup()
    first = display.table(frame)
    display.setup()
    assert display.table(frame) == first
    assert 'style="max-height: 70vh; overflow: auto;"' in first
    assert "thead {\n  position: sticky;" in first
    assert 'style="max-height' not in display.table(frame.head(5))


def test_two_level_headers_and_repeated_labels_keep_the_formats() -> None:
    columns = pd.MultiIndex.from_tuples([("SIF", "n"), ("SIF", "share")])
    page = display.table(pd.DataFrame([[3, 0.25], [4, 0.5]], columns=columns))
    assert 'colspan="2"' in page and _cells(page) == [["3", "0.25"], ["4", "0.50"]]
    repeated = display.table(pd.DataFrame([[3, 0.25]], columns=["a", "a"]))
    assert _cells(repeated) == [["3", "0.25"]]
    # Repeated row labels: text left, numbers right, by column position (the index is the first cell).
    display.setup()
    rows = display.table(pd.DataFrame({"what": ["x", "y"], "n": [3.0, 4.0]}, index=pd.Index(["H04", "H04"])))
    assert "#T_r1 td { text-align: left;" in rows and "#T_r1 th { text-align: left;" in rows
    assert "#T_r1 tbody td:nth-child(3) { text-align: right;" in rows
    assert "nth-child(2) { text-align: right" not in rows
    assert _cells(rows) == [["x", "3"], ["y", "4"]]


def test_figures_are_numbered_with_caption_n_source_and_alt_text() -> None:
    display.setup()
    pages = []
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        pages.append(display.figure_html(fig, "Grades by year.", n=1204, source="Ofsted reports", alt='A line "up"'))
    assert "<strong>Figure 1.</strong> Grades by year. n = 1,204. Source: Ofsted reports.</figcaption>" in pages[0]
    assert "<strong>Figure 2.</strong>" in pages[1]
    assert 'alt="A line &quot;up&quot;"' in pages[0]
    png = base64.b64decode(re.search(r"base64,([^\"]+)", pages[0]).group(1))
    assert png.startswith(b"\x89PNG")
    assert plt.get_fignums() == []  # shown figures are closed (not shown a second time)


@pytest.mark.parametrize("missing", ["caption", "source", "alt", "n"])
def test_a_figure_without_caption_n_source_or_alt_text_is_an_error(missing: str) -> None:
    fig, _ = plt.subplots()
    given = {"caption": "c", "n": 3, "source": "s", "alt": "a"} | {missing: "" if missing != "n" else None}
    with pytest.raises(ValueError, match=missing):
        display.figure_html(fig, given.pop("caption"), **given)
    plt.close(fig)


def test_small_n_is_marked_on_the_bars_and_named_in_the_caption() -> None:
    fig, ax = plt.subplots()
    ax.bar([2013, 2014, 2018], [5, 40, 7])
    texts = display.annotate_n(ax, {2013: 5, 2014: 40, 2018: 7})
    assert [t.get_text() for t in texts] == ["5*", "40", "7*"]
    assert [t.get_fontweight() for t in texts] == ["bold", "normal", "bold"]
    plt.close(fig)
    note = display.small_n_note({2013: 5, 2014: 40, 2018: 7}, "inspections")
    assert note == "Fewer than 10 inspections (marked *): 2013 (5), 2018 (7)."
    assert display.small_n_note({2014: 40}, "inspections") == ""


def test_the_last_year_is_a_part_year_when_the_data_stop_before_december() -> None:
    assert display.part_year(pd.Series(["2024-12-05", "2025-03-18"])) == 2025
    assert display.part_year(pd.Series(["2024-03-05", "2024-12-10"])) is None
    assert display.part_year(pd.Series([], dtype="datetime64[ns]")) is None
