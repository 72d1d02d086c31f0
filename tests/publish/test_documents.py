"""The validation report and the data dictionary as pages of the site (analysis.publish.documents)."""

from __future__ import annotations

import re
from pathlib import Path

from analysis import paths
from analysis.publish import documents


def _tables_in_markdown(text: str) -> int:
    return len(re.findall(r"^\|[-| :]+\|\s*$", text, re.M))


def test_validation_report_and_data_dictionary_render_offline_with_every_table_and_anchor(tmp_path: Path) -> None:
    written = documents.write_documents(tmp_path)
    assert sorted(written) == ["data-dictionary.html", "validation.html"]
    for document, source in documents.sources().items():
        page = (tmp_path / document.page).read_text(encoding="utf-8")
        assert page.count("<table>") == _tables_in_markdown(source.read_text(encoding="utf-8")) > 0, document.page
        ids = set(re.findall(r' id="([^"]+)"', page))
        anchors = re.findall(r'href="#([^"]+)"', page)
        assert len(anchors) >= 5 and set(anchors) <= ids, document.page
        for href in re.findall(r'href="([^"#:]+)', page):
            if href == "index.html":  # the site's index, written later in the build
                continue
            assert (tmp_path / href).resolve().exists(), f"{document.page}: {href}"
    validation = (tmp_path / "validation.html").read_text(encoding="utf-8")
    assert "Report files: 431; parsed: 431; skipped: 0." in validation
    # Unchanged sources write nothing the second time.
    assert documents.write_documents(tmp_path) == []


def test_markdown_html_is_escaped_and_links_between_documents_go_to_their_pages(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    other = tmp_path / "README.md"
    other.write_text("# Other\n")
    source.write_text("# Notes\n\n## Part\n<script>alert(1)</script>\n\nSee [the other](README.md#x).\n")
    page = documents.render(source, documents.VALIDATION, tmp_path, {other.resolve(): "other.html"})
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="other.html#x"' in page


def test_a_report_links_the_notebook_source_both_documents_and_the_raw_sources(tmp_path: Path) -> None:
    documents.write_documents(tmp_path)
    target = tmp_path / "html" / "00_data_overview.html"
    found = documents.links("notebooks/00_data_overview.ipynb", target, tmp_path)
    assert found["data dictionary"] == "../data-dictionary.html"
    assert found["validation report"] == "../validation.html"
    assert (target.parent / found["notebook source"]).resolve() == paths.ROOT / "notebooks" / "00_data_overview.py"
    assert (target.parent / found["raw sources and checksums"]).resolve() == documents.RAW_SOURCES
