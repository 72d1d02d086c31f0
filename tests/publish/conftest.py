"""One build of the project's reports for every test in tests/publish that needs it (each build runs
every notebook of notebooks/params.yaml: about two minutes on two cores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.paths import DATA_PROCESSED
from analysis.publish import runner


@pytest.fixture(scope="session")
def project_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, runner.BuildResult]:
    """The runner with the project's params file into an empty output folder (as on a fresh clone),
    once per test session; tests read it and must not change it."""
    if not (DATA_PROCESSED / "judgements.csv").exists():
        pytest.fail("data/processed/judgements.csv is missing: run `make data` first")
    out = tmp_path_factory.mktemp("project-reports") / "reports"
    return out, runner.run_reports(out_dir=out)
