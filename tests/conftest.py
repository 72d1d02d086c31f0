"""Shared fixtures and the `raw` marker: the real raw files (from ../shared/data/raw or RAW_DATA_DIR).

A test that needs the raw files (through the fixtures below, or marked `raw`) is skipped when they
are absent, with one line saying how to get them; under CI=true their absence fails the run at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis import paths

IN_CI = os.environ.get("CI", "").lower() == "true"
#: Fixtures that read the raw files: a test using any of them (directly or not) is a `raw` test.
RAW_FIXTURES = {"raw_dir", "report_dir", "read_all"}
HOW_TO_GET = "set RAW_DATA_DIR=/path/to/raw, or put the raw bundle in ../shared/data/raw"


def _raw_present() -> bool:
    return (paths.raw_data_dir() / "ofsted" / "reports").is_dir()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if RAW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.raw)
        # tests/publish executes notebooks (papermill kernels) or a browser, tests/models fits statistical
        # models (many over hundreds of simulated datasets): slow, out of `make test-fast`.
        if {"publish", "models"} & set(Path(str(item.fspath)).relative_to(Path(__file__).parent).parts[:1]):
            item.add_marker(pytest.mark.slow)
    raw_tests = [item for item in items if item.get_closest_marker("raw")]
    if not raw_tests or _raw_present():
        return
    message = f"raw files not found at {paths.raw_data_dir()}: {HOW_TO_GET}"
    if IN_CI:
        pytest.exit(f"CI=true and {len(raw_tests)} tests need the raw files: {message}", returncode=1)
    skip = pytest.mark.skip(reason=message)
    for item in raw_tests:
        item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str | None:
    if _raw_present():
        return None
    return f"raw files: not found at {paths.raw_data_dir()}; the tests that need them are skipped ({HOW_TO_GET})"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The publishers' raw folder the project is built from."""
    folder = paths.raw_data_dir()
    assert folder.is_dir(), f"raw data folder {folder} missing: {HOW_TO_GET}"
    return folder


@pytest.fixture(scope="session")
def report_dir(raw_dir: Path) -> Path:
    return raw_dir / "ofsted" / "reports"


@pytest.fixture(scope="session")
def read_all(report_dir: Path):
    """(reports, log) from reading every real report once per test session (about 7 s)."""
    from analysis.build.pdf_text import read_reports

    return read_reports(report_dir)
