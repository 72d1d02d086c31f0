"""Shared fixtures: the real raw files (tests always run on them, from ../shared/data/raw)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import paths


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The publishers' raw folder the project is built from."""
    folder = paths.raw_data_dir()
    assert folder.is_dir(), f"raw data folder {folder} missing: set RAW_DATA_DIR"
    return folder


@pytest.fixture(scope="session")
def report_dir(raw_dir: Path) -> Path:
    return raw_dir / "ofsted" / "reports"


@pytest.fixture(scope="session")
def read_all(report_dir: Path):
    """(reports, log) from reading every real report once per test session (about 7 s)."""
    from analysis.build.pdf_text import read_reports

    return read_reports(report_dir)
