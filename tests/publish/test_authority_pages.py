"""The authority pages (analysis.publish.authorities) from the committed data/processed: one per
authority and an index, the grades as text, links between predecessors and successors, and nothing
rewritten when nothing changed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.publish import authorities


def test_one_page_per_authority_and_an_index_with_every_one(tmp_path: Path) -> None:
    found = authorities.pages(paths.DATA_PROCESSED, raw_dir=None, folder=tmp_path)
    las = pd.read_csv(paths.DATA_PROCESSED / "local_authorities.csv")
    assert set(found) == {f"{code}.html" for code in las["la_code"]} | {"index.html"}
    assert found["index.html"].count("<tr data-name=") == len(las) == 158


def test_an_authority_page_shows_every_inspection_with_grades_in_words(tmp_path: Path) -> None:
    page = authorities.pages(paths.DATA_PROCESSED, raw_dir=None, folder=tmp_path)["E08000025.html"]  # Birmingham
    inspections = pd.read_csv(paths.DATA_PROCESSED / "inspections.csv")
    n = int((inspections["la_code"] == "E08000025").sum())
    assert f"<h2>Every inspection ({n})</h2>" in page
    assert '<td class="g4">Inadequate</td>' in page  # the 2014 SIF, in words on its colour
    assert "https://reports.ofsted.gov.uk/provider/44/80429" in page
    assert "report 80429_birmingham_2014-05-23.pdf, page" in page  # no raw files: the page is named, not linked
    assert "Statistical neighbours" in page and "IMD 2019: decile 10 of 10" in page  # among the most deprived


def test_predecessors_and_successors_link_to_each_other(tmp_path: Path) -> None:
    found = authorities.pages(paths.DATA_PROCESSED, raw_dir=None, folder=tmp_path)
    assert '<a href="E10000009.html">' in found["E06000059.html"]  # Dorset -> the former Dorset County
    assert '<a href="E06000059.html">' in found["E10000009.html"]


def test_an_unchanged_dataset_rewrites_no_page_and_a_stale_page_goes(tmp_path: Path) -> None:
    assert authorities.write_pages(tmp_path, paths.DATA_PROCESSED, raw_dir=None) == 159
    stale = tmp_path / "authorities" / "E99999999.html"
    stale.write_text("old", encoding="utf-8")
    assert authorities.write_pages(tmp_path, paths.DATA_PROCESSED, raw_dir=None) == 0
    assert not stale.exists()


def test_no_pages_without_processed_data(tmp_path: Path) -> None:
    assert authorities.write_pages(tmp_path, tmp_path, raw_dir=None) == 0
    assert not (tmp_path / "authorities").exists()
