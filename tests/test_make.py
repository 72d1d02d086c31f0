"""The build as a user drives it: `make` in a copy of the checkout.

Each test runs the real Makefile in a copy of the tracked files (made once per module), with this
environment's interpreter (`BIN=` on the make command line, the setup stamp touched, `PYTHONPATH`
pointing at the copy's own src/ so the copy builds into itself). The raw files come from the real
raw folder, through a folder name holding a space, or from a doctored copy of it made of links.
Every case checks the exit code, the message and what was left behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis import paths
from analysis.checksums import tree_checksum

pytestmark = [pytest.mark.raw, pytest.mark.slow]

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
BIN = Path(sys.executable).parent


def make(repo: Path, *args: str, raw: Path | str | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """`make -C repo ARGS` with this interpreter; RAW_DATA_DIR as given (default: the real raw folder)."""
    env = dict(os.environ, PYTHONPATH=str(repo / "src"))
    env.pop("MAKEFLAGS", None)
    command = ["make", "--no-print-directory", "-C", str(repo), f"BIN={BIN}", *args]
    command.append(f"RAW_DATA_DIR={raw if raw is not None else paths.raw_data_dir()}")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _copy_checkout(dest: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=paths.ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = paths.ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    (dest / ".stamps").mkdir()
    (dest / ".stamps" / "setup").touch()  # this environment is the one `make setup` would make
    return dest


@pytest.fixture(scope="module")
def spaced_raw(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    """The real raw folder, reached through a folder name with a space in it."""
    link = tmp_path_factory.mktemp("raw") / "raw data with space"
    link.symlink_to(paths.raw_data_dir(), target_is_directory=True)
    return link


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, spaced_raw: Path) -> Path:
    """A copy of the checkout, built once by `make data` from a RAW_DATA_DIR with a space in it,
    starting without data/processed (so make must notice it is missing)."""
    copy = _copy_checkout(tmp_path_factory.mktemp("checkout") / "repo")
    shutil.rmtree(copy / "data" / "processed")
    done = make(copy, "data", raw=spaced_raw, check=True)
    assert "-m analysis.build\n" in done.stdout  # the build ran
    return copy


def _doctored_raw(tmp_path: Path, replace: dict[str, bytes | None]) -> Path:
    """A raw folder of links to the real files, except `replace` (relative path -> new bytes, or
    None to leave the file out)."""
    real = paths.raw_data_dir()
    folder = tmp_path / "raw"
    for source in real.rglob("*"):
        if source.is_file():
            relative = source.relative_to(real).as_posix()
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if relative not in replace:
                target.symlink_to(source)
            elif replace[relative] is not None:
                target.write_bytes(replace[relative])
    return folder


def _a_report() -> str:
    return sorted(
        p.relative_to(paths.raw_data_dir()).as_posix()
        for p in (paths.raw_data_dir() / "ofsted" / "reports").glob("*.pdf")
    )[0]


def test_make_data_from_a_path_with_a_space_and_no_processed_folder_builds_the_committed_data(repo: Path) -> None:
    built = repo / "data" / "processed"
    for committed in sorted((paths.DATA_PROCESSED).iterdir()):
        assert (built / committed.name).read_bytes() == committed.read_bytes(), committed.name
    assert sorted(p.name for p in built.iterdir()) == sorted(p.name for p in paths.DATA_PROCESSED.iterdir())


def test_a_second_make_data_checks_the_raw_files_again_and_builds_nothing(repo: Path, spaced_raw: Path) -> None:
    before = tree_checksum(repo / "data" / "processed")
    done = make(repo, "data", raw=spaced_raw, check=True)
    assert "-m analysis.build.sources" in done.stdout and "raw intake: 446 files" in done.stdout
    assert "-m analysis.build\n" not in done.stdout
    assert tree_checksum(repo / "data" / "processed") == before


def test_make_data_with_an_html_page_in_place_of_a_report_stops_naming_it_and_changes_nothing(
    repo: Path, tmp_path: Path
) -> None:
    report = _a_report()
    bad = _doctored_raw(tmp_path, {report: b"<html><body>Service unavailable</body></html>\n"})
    processed, raw = tree_checksum(repo / "data" / "processed"), tree_checksum(repo / "data" / "raw")
    done = make(repo, "data", raw=bad)
    assert done.returncode != 0
    assert f"ERROR: Checksum mismatch: {bad / report}\n" in done.stderr
    assert "expected sha256: " in done.stderr and "(46 bytes)" in done.stderr
    assert "-m analysis.build\n" not in done.stdout
    assert tree_checksum(repo / "data" / "processed") == processed
    assert tree_checksum(repo / "data" / "raw") == raw


def test_make_data_with_a_report_missing_from_the_raw_folder_names_it_and_where_to_get_it(
    repo: Path, tmp_path: Path
) -> None:
    report = _a_report()
    bad = _doctored_raw(tmp_path, {report: None})
    processed = tree_checksum(repo / "data" / "processed")
    done = make(repo, "data", raw=bad)
    assert done.returncode != 0
    assert f"ERROR: Raw file missing: {bad / report}\n" in done.stderr
    assert "found: no file" in done.stderr and "get it from: https://" in done.stderr
    assert "{URN}" not in done.stderr
    assert tree_checksum(repo / "data" / "processed") == processed


def test_make_data_with_a_raw_folder_that_does_not_exist_says_so_and_changes_nothing(repo: Path) -> None:
    processed = tree_checksum(repo / "data" / "processed")
    done = make(repo, "data", raw="/does/not/exist")
    assert done.returncode != 0
    assert "ERROR: Raw data folder not found: /does/not/exist\n" in done.stderr
    assert "fix: set RAW_DATA_DIR=" in done.stderr
    assert tree_checksum(repo / "data" / "processed") == processed


def test_a_report_changed_in_data_raw_after_intake_is_replaced_by_the_verified_original(
    repo: Path, spaced_raw: Path
) -> None:
    report = repo / "data" / "raw" / _a_report()
    original = report.read_bytes()
    report.chmod(0o644)
    report.write_bytes(original[: len(original) // 2])  # truncated
    processed = tree_checksum(repo / "data" / "processed")
    make(repo, "data", raw=spaced_raw, check=True)
    assert report.read_bytes() == original
    assert tree_checksum(repo / "data" / "processed") == processed


def _fixture_runs(repo: Path, n: int) -> None:
    """notebooks/params.yaml of the copy: two runs of the small fixture notebook."""
    shutil.copy(FIXTURES / "hello.ipynb", repo / "notebooks" / "hello.ipynb")
    runs = [{"notebook": "hello.ipynb", "set": f"n{i}", "parameters": {"n": i}} for i in range(n)]
    (repo / "notebooks" / "params.yaml").write_text(yaml.safe_dump({"runs": runs}, sort_keys=False))


def test_two_make_reports_at_once_run_one_after_the_other_and_both_succeed(repo: Path, spaced_raw: Path) -> None:
    _fixture_runs(repo, 2)
    env = dict(os.environ, PYTHONPATH=str(repo / "src"))
    env.pop("MAKEFLAGS", None)
    command = ["make", "--no-print-directory", "-C", str(repo), f"BIN={BIN}", "reports", f"RAW_DATA_DIR={spaced_raw}"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    manifest = yaml.safe_load((repo / "reports" / "manifest.json").read_text())
    assert sorted(manifest["runs"]) == ["hello--n0", "hello--n1"]
    assert {run["status"] for run in manifest["runs"].values()} == {"ok"}
    assert not list((repo / "reports").rglob("*.running.ipynb"))
    # Either they overlapped and the second waited for the lock, or the second found nothing to do.
    waited = [err for _, err in outputs if "another report build is running" in err]
    assert len(waited) <= 1


def test_a_read_only_checkout_is_told_so_in_one_line_before_any_work(repo: Path, spaced_raw: Path) -> None:
    before = tree_checksum(repo)
    command = ["make", "--no-print-directory", "-C", str(repo), f"BIN={BIN}", "reports", f"RAW_DATA_DIR={spaced_raw}"]
    env = dict(os.environ, PYTHONPATH=str(repo / "src"))
    env.pop("MAKEFLAGS", None)
    if os.geteuid() == 0:  # root writes through permission bits: mount the copy read-only instead
        script = f"mount --bind -o ro '{repo}' '{repo}' && exec \"$@\""
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *command]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    else:
        modes = {p: p.stat().st_mode for p in [repo, *repo.rglob("*")] if not p.is_symlink()}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"{repo} is not writable: make writes .venv, data/ and reports/ here; use a writable clone" in done.stderr
    assert tree_checksum(repo) == before


def test_make_reports_without_the_raw_files_renders_from_the_committed_data_and_says_so(tmp_path: Path) -> None:
    copy = _copy_checkout(tmp_path / "repo")
    _fixture_runs(copy, 1)
    done = make(copy, "reports", raw=tmp_path / "no raw here")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        f"raw files not found at {tmp_path / 'no raw here'}: the reports render from the committed data/processed"
        in done.stdout
    )
    assert "analysis.build" not in done.stdout  # neither the intake nor the build ran
    assert (copy / "reports" / "html" / "hello--n0.html").is_file()
    shutil.rmtree(copy / "data" / "processed")
    done = make(copy, "reports", raw=tmp_path / "no raw here")
    assert done.returncode != 0 and "no raw files at" in done.stderr and "and no data/processed" in done.stderr
