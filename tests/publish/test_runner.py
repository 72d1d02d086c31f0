"""The report runner (analysis.publish) and the notebooks it runs.

Fast tests use the fixture notebooks in tests/fixtures/notebooks (hello: tiny and parametrised;
fails: raises on purpose) with a temporary params file, output folder and data folder. The tests of
the real notebooks need data/processed; they are skipped without it, except in CI where they fail.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from analysis import checksums
from analysis.models import verdict as v
from analysis.paths import DATA_PROCESSED, NOTEBOOKS, REPORTS
from analysis.publish import html, records, runner

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
HELLO = FIXTURES / "hello.ipynb"
FAILS = FIXTURES / "fails.ipynb"
IN_CI = os.environ.get("CI", "").lower() == "true"


def write_params(path: Path, runs: list[dict]) -> Path:
    """A params file listing `runs` (notebook paths absolute)."""
    path.write_text(yaml.safe_dump({"runs": runs}, sort_keys=False))
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A stand-in processed-data folder whose checksum the tests can change."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "table.csv").write_text("a,b\n1,2\n")
    return folder


def build(params: Path, out: Path, data: Path, **kwargs) -> runner.BuildResult:
    """A build hashing a fixed stand-in package folder (next to the data folder), so edits to
    src/analysis made while the tests run do not make runs stale."""
    if "package_dir" not in kwargs:
        kwargs["package_dir"] = data.parent / "package"
        kwargs["package_dir"].mkdir(exist_ok=True)
    return runner.run_reports(params, out, data_dir=data, **kwargs)


# --- small pieces -------------------------------------------------------------------------------


def test_load_runs_names_outputs_after_notebook_and_set(tmp_path: Path) -> None:
    params = write_params(
        tmp_path / "p.yaml",
        [
            {"notebook": str(HELLO)},
            {"notebook": str(HELLO), "set": "five", "parameters": {"n": 5}},
        ],
    )
    runs = runner.load_runs(params)
    assert [r.name for r in runs] == ["hello", "hello--five"]
    assert [r.parameters for r in runs] == [{}, {"n": 5}]
    assert runs[0].notebook == HELLO.resolve()


def test_load_runs_rejects_repeated_runs_and_bad_set_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="repeated"):
        runner.load_runs(
            write_params(tmp_path / "p.yaml", [{"notebook": str(HELLO)}, {"notebook": str(HELLO), "set": "default"}])
        )
    with pytest.raises(ValueError, match="set name"):
        runner.load_runs(write_params(tmp_path / "q.yaml", [{"notebook": str(HELLO), "set": "a b"}]))
    with pytest.raises(FileNotFoundError):
        runner.load_runs(write_params(tmp_path / "r.yaml", [{"notebook": "missing.ipynb"}]))


def test_record_writes_json_sidecar_named_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    sidecar = tmp_path / "run.record.json"
    monkeypatch.setenv(records.RECORD_ENV, str(sidecar))
    assert records.record("count", np.int64(7)) == 7
    records.record("when", pd.Timestamp("2018-03-31"))
    records.record("shares", {"Good": np.float64(0.5)})
    assert json.loads(sidecar.read_text()) == {"count": 7, "when": "2018-03-31T00:00:00", "shares": {"Good": 0.5}}


def test_record_without_runner_keeps_value_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(records.RECORD_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    records.record("lab_only", 3)
    assert records.recorded()["lab_only"] == 3
    assert list(tmp_path.iterdir()) == []


def test_tree_checksum_follows_content_and_ignores_caches(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    first = checksums.tree_checksum(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "m.pyc").write_bytes(b"\0")
    (tmp_path / ".hidden").write_text("tmp")
    assert checksums.tree_checksum(tmp_path) == first
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert checksums.tree_checksum(tmp_path) != first
    assert checksums.tree_checksum(tmp_path / "missing") == checksums.tree_checksum(tmp_path / "also-missing")


def test_parameters_hash_ignores_key_order() -> None:
    assert runner.parameters_hash({"a": 1, "b": "x"}) == runner.parameters_hash({"b": "x", "a": 1})
    assert runner.parameters_hash({"a": 1}) != runner.parameters_hash({"a": 2})


def test_external_references_finds_cdn_scripts_and_stylesheets() -> None:
    page = (
        '<script src="https://cdnjs.cloudflare.com/require.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/x.css">'
        '<script>var a = "https://not-a-src";</script><a href="https://example.org">fine</a>'
    )
    assert len(html.external_references(page)) == 2
    with pytest.raises(ValueError, match="external"):
        html.assert_offline(page)


def test_external_references_finds_images_frames_media_and_css_urls() -> None:
    page = (
        '<img alt="x" src="https://example.org/a.png"><iframe src="//example.org/frame"></iframe>'
        '<video controls src="http://example.org/v.mp4"></video><audio src="https://example.org/a.ogg"></audio>'
        '<picture><source srcset="https://example.org/b.webp"><source src="https://example.org/c.webm"></picture>'
        "<div style=\"background: url('https://example.org/bg.png')\"></div>"
        '<style>@font-face { src: url( "//fonts.example.org/f.woff2" ) }</style>'
    )
    assert len(html.external_references(page)) == 8
    offline = (
        '<img src="data:image/png;base64,iVBORw0KGgo="><img src="figures/a.png"><iframe src="other.html"></iframe>'
        '<div style="background: url(data:image/png;base64,AAAA)"></div><a href="https://example.org">a link</a>'
        "<p>see https://example.org or url(https://example.org) in text</p>"
    )
    assert html.external_references(offline) == []


# --- builds with the fixture notebooks ---------------------------------------------------------


def test_build_executes_renders_and_then_skips_unchanged_runs(tmp_path: Path, data_dir: Path) -> None:
    params = write_params(
        tmp_path / "p.yaml",
        [
            {"notebook": str(HELLO)},
            {"notebook": str(HELLO), "set": "five", "parameters": {"n": 5, "label": "five"}},
        ],
    )
    out = tmp_path / "reports"

    first = build(params, out, data_dir)
    assert sorted(first.executed) == ["hello", "hello--five"] and first.skipped == [] and first.ok
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["data_checksum"] == checksums.tree_checksum(data_dir)
    # The parameters reach the notebook and its recorded values reach the manifest.
    assert manifest["runs"]["hello"]["records"] == {"n": 3, "sum_of_squares": 5, "label": "hello"}
    assert manifest["runs"]["hello--five"]["records"] == {"n": 5, "sum_of_squares": 30, "label": "five"}
    assert manifest["runs"]["hello--five"]["parameters_effective"] == {"n": 5, "label": "five"}
    assert manifest["runs"]["hello"]["parameters_effective"] == {"n": 3, "label": "hello"}
    for name in ("hello", "hello--five"):
        assert (out / "executed" / f"{name}.ipynb").exists()
        assert json.loads((out / "executed" / f"{name}.record.json").read_text())["n"] in (3, 5)
        assert (out / "html" / f"{name}.html").exists()
        assert set(manifest["runs"][name]["hashes"]) == {"notebook", "parameters", "package", "data"}
    index = (out / "index.html").read_text()
    assert 'href="html/hello.html"' in index and 'href="html/hello--five.html"' in index

    second = build(params, out, data_dir)
    assert second.executed == [] and sorted(second.skipped) == ["hello", "hello--five"]
    assert json.loads((out / "manifest.json").read_text())["executed"] == []

    # A parameter change reruns only that run; a data change reruns all; --force reruns all.
    write_params(
        params,
        [
            {"notebook": str(HELLO)},
            {"notebook": str(HELLO), "set": "five", "parameters": {"n": 4, "label": "five"}},
        ],
    )
    third = build(params, out, data_dir)
    assert third.executed == ["hello--five"] and third.skipped == ["hello"]
    assert third.manifest["runs"]["hello--five"]["records"]["sum_of_squares"] == 14

    (data_dir / "table.csv").write_text("a,b\n1,3\n")
    assert sorted(build(params, out, data_dir).executed) == ["hello", "hello--five"]
    assert sorted(build(params, out, data_dir, force=True).executed) == ["hello", "hello--five"]


def test_a_changed_package_or_deleted_output_reruns(tmp_path: Path, data_dir: Path) -> None:
    params = write_params(tmp_path / "p.yaml", [{"notebook": str(HELLO)}])
    out, package = tmp_path / "reports", tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text("A = 1\n")
    assert build(params, out, data_dir, package_dir=package).executed == ["hello"]
    assert build(params, out, data_dir, package_dir=package).executed == []
    (package / "mod.py").write_text("A = 2\n")
    assert build(params, out, data_dir, package_dir=package).executed == ["hello"]
    (out / "html" / "hello.html").unlink()
    assert build(params, out, data_dir, package_dir=package).executed == ["hello"]


def test_kernels_talk_over_unix_sockets_in_the_runs_own_folder_so_two_cannot_race_for_a_port(tmp_path: Path) -> None:
    manager = runner.ipc_kernel_manager(str(tmp_path))(kernel_name="ofsted-analysis")
    assert manager.transport == "ipc" and manager.ip == str(tmp_path / "kernel")
    other = runner.ipc_kernel_manager(str(tmp_path / "other"))(kernel_name="ofsted-analysis")
    assert other.ip != manager.ip


def test_html_report_stands_alone_offline(tmp_path: Path, data_dir: Path) -> None:
    params = write_params(tmp_path / "p.yaml", [{"notebook": str(HELLO), "set": "seven", "parameters": {"n": 7}}])
    out = tmp_path / "reports"
    build(params, out, data_dir)
    page = (out / "html" / "hello--seven.html").read_text()
    # No script or stylesheet from the network (nbconvert's defaults pull require.js, MathJax, mermaid).
    assert html.external_references(page) == []
    assert "cdnjs" not in page and "require.min.js" not in page and "mermaid" not in page.lower()
    # Figures are embedded, the parameters are shown at the top, there is a table of contents and
    # the code is hidden behind a toggle.
    assert page.count("data:image/png;base64,") >= 1
    header = page[page.index('<header class="report-header">') : page.index("</header>")]
    assert "<th>n</th><td><code>7</code></td>" in header and "<th>label</th>" in header
    # The contents follow the header directly (outside it, so that they can stay in view as the page scrolls).
    contents = page[page.index("</header>") : page.index("</nav>")]
    assert contents.startswith('</header><nav class="toc">') and 'href="#Squares"' in contents
    assert "body:not(.show-code) .jp-CodeCell .jp-Cell-inputWrapper { display: none; }" in page
    assert 'id="toggle-code"' in page
    assert html.external_references((out / "index.html").read_text()) == []


def test_failing_notebook_stops_the_build_and_keeps_the_good_report(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    shutil.copy(HELLO, notebooks / "analysis.ipynb")
    params = write_params(
        tmp_path / "p.yaml", [{"notebook": str(notebooks / "analysis.ipynb")}, {"notebook": str(HELLO)}]
    )
    out = tmp_path / "reports"
    assert build(params, out, data_dir).ok
    good_html = (out / "html" / "analysis.html").read_bytes()
    good_executed = (out / "executed" / "analysis.ipynb").read_bytes()
    capsys.readouterr()

    # The same run's notebook now raises: one worker, so the run queued after it never starts.
    shutil.copy(FAILS, notebooks / "analysis.ipynb")
    (data_dir / "table.csv").write_text("changed\n")  # makes hello stale too
    status = runner.main(
        [
            "--params",
            str(params),
            "--out",
            str(out),
            "--data",
            str(data_dir),
            "--package",
            str(data_dir.parent / "package"),
            "--jobs",
            "1",
        ]
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "FAILED analysis" in err and str(notebooks / "analysis.ipynb") in err
    assert 'raise ValueError(f"deliberate failure ({when})")' in err
    assert "ValueError: deliberate failure (always)" in err
    assert "not run because the build stopped: hello" in err

    failed = out / "executed" / "analysis.FAILED.ipynb"
    assert failed.exists()
    cells = nbformat.read(failed, as_version=4).cells
    assert any(o.get("ename") == "ValueError" for c in cells if c.cell_type == "code" for o in c.get("outputs", []))
    # The last good HTML and executed notebook are untouched; no temporary files are left behind.
    assert (out / "html" / "analysis.html").read_bytes() == good_html
    assert (out / "executed" / "analysis.ipynb").read_bytes() == good_executed
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("*.running.*"))

    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["runs"]["analysis"]
    assert entry["status"] == "failed" and entry["error"]["ename"] == "ValueError"
    assert entry["error"]["cell_source"].startswith("raise ValueError")
    assert manifest["failed"] == ["analysis"] and "FAILED" in (out / "index.html").read_text()

    # Fixing the notebook clears the failure and the FAILED notebook.
    shutil.copy(HELLO, notebooks / "analysis.ipynb")
    result = build(params, out, data_dir)
    assert result.ok and sorted(result.executed) == ["analysis", "hello"]
    assert not failed.exists()


def test_fixture_fails_notebook_fails_the_cli(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = write_params(tmp_path / "p.yaml", [{"notebook": str(FAILS)}])
    out = tmp_path / "reports"
    assert runner.main(["--params", str(params), "--out", str(out), "--data", str(data_dir)]) == 1
    assert (out / "executed" / "fails.FAILED.ipynb").exists()
    assert not (out / "html" / "fails.html").exists()
    assert json.loads((out / "executed" / "fails.FAILED.record.json").read_text()) == {"reached_before_failure": True}
    assert "deliberate failure" in capsys.readouterr().err


# --- needs:, the lock, parameter types, read-only folders, unchanged and removed runs ----------


def make_notebook(path: Path, parameters: str, code: str) -> Path:
    """A small notebook at `path` with a tagged `parameters` cell and one code cell, on the project kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": runner.KERNEL_NAME,
        "display_name": "Python (Ofsted LA analysis)",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


def reads_hello(folder: Path) -> Path:
    """A notebook that needs the run `hello`: it records hello's sum of squares, read from its record file."""
    folder.mkdir(exist_ok=True)
    return make_notebook(
        folder / "reads.ipynb",
        'need: str = "hello"  # the run whose record this reads',
        "import json, os\nfrom pathlib import Path\nfrom analysis.publish.records import record\n"
        "source = Path(os.environ['ANALYSIS_RECORD_PATH']).parent / f'{need}.record.json'\n"
        "record('from_need', json.loads(source.read_text())['sum_of_squares'])",
    )


def typed(folder: Path) -> Path:
    """A notebook with a parameter of each simple type."""
    folder.mkdir(exist_ok=True)
    return make_notebook(
        folder / "typed.ipynb",
        'flag: bool = True  # a switch\nn: int = 3  # a count\nratio: float = 0.5  # a share\nlabel: str = "x"  # a word',
        "print(flag, n, ratio, label)",
    )


def test_a_run_waits_for_the_runs_it_needs_and_reruns_when_their_record_changes(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reads = reads_hello(tmp_path / "nb")
    # The dependent run is listed first and there are two workers: it still runs after hello.
    params = write_params(
        tmp_path / "p.yaml",
        [
            {"notebook": str(reads), "needs": ["hello"]},
            {"notebook": str(HELLO)},
        ],
    )
    assert runner.load_runs(params)[0].needs == ("hello",)
    out = tmp_path / "reports"
    first = build(params, out, data_dir, jobs=2)
    assert first.executed == ["hello", "reads"] and first.ok
    lines = capsys.readouterr().out.splitlines()
    assert [i for i, line in enumerate(lines) if " hello " in line] < [
        i for i, line in enumerate(lines) if " reads " in line
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"]["reads"]["records"] == {"from_need": 5}
    hello_record = checksums.sha256_of(out / "executed" / "hello.record.json")
    assert manifest["runs"]["reads"]["hashes"]["needs"] == {"hello": hello_record}

    assert build(params, out, data_dir).skipped == ["hello", "reads"]
    # hello reruns (its parameters changed) but records the same: the run that needs it is up to date.
    write_params(
        params, [{"notebook": str(reads), "needs": ["hello"]}, {"notebook": str(HELLO), "parameters": {"n": 3}}]
    )
    third = build(params, out, data_dir)
    assert third.executed == ["hello"] and third.skipped == ["reads"]
    # hello records something else: the run that needs it reruns, on the record of this build.
    write_params(
        params, [{"notebook": str(reads), "needs": ["hello"]}, {"notebook": str(HELLO), "parameters": {"n": 4}}]
    )
    fourth = build(params, out, data_dir)
    assert fourth.executed == ["hello", "reads"]
    assert fourth.manifest["runs"]["reads"]["records"] == {"from_need": 14}


def test_needs_naming_an_unknown_run_or_forming_a_cycle_is_an_error_naming_the_runs(tmp_path: Path) -> None:
    def runs(*entries: tuple[str, list[str]]) -> list[dict]:
        return [{"notebook": str(HELLO), "set": name, "needs": needs} for name, needs in entries]

    params = write_params(tmp_path / "p.yaml", runs(("a", ["hello--b"]), ("b", ["hello--a"])))
    with pytest.raises(ValueError, match=f"^{params}: runs hello--a -> hello--b -> hello--a form a cycle in needs:"):
        runner.load_runs(params)
    write_params(params, runs(("a", ["hello--c"]), ("b", ["hello--a"]), ("c", ["hello--b"])))
    with pytest.raises(ValueError, match="runs hello--a -> hello--c -> hello--b -> hello--a form a cycle"):
        runner.load_runs(params)
    write_params(params, runs(("a", ["hello--a"])))
    with pytest.raises(ValueError, match="runs hello--a -> hello--a form a cycle"):
        runner.load_runs(params)
    write_params(params, runs(("a", ["hello--b"]), ("b", ["hello--x"])))
    with pytest.raises(
        ValueError, match=r"run hello--b needs hello--x, which is not a run in this file.*hello--a, hello--b"
    ):
        runner.load_runs(params)
    write_params(params, runs(("a", "hello--b"), ("b", [])))
    with pytest.raises(ValueError, match="needs: must be a list of run names"):
        runner.load_runs(params)
    # Without a cycle, the order puts every run after the runs it needs.
    write_params(params, runs(("a", ["hello--c"]), ("b", []), ("c", ["hello--b"])))
    loaded = runner.load_runs(params)
    assert [r.name for r in loaded] == ["hello--a", "hello--b", "hello--c"]
    assert [r.name for r in runner.dependency_order(loaded)] == ["hello--b", "hello--c", "hello--a"]


def test_a_failed_run_skips_the_runs_that_need_it(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = write_params(
        tmp_path / "p.yaml",
        [
            {"notebook": str(FAILS)},
            {"notebook": str(HELLO), "set": "x", "needs": ["fails"]},
            {"notebook": str(HELLO), "set": "y", "needs": ["hello--x"]},
        ],
    )
    out = tmp_path / "reports"
    result = build(params, out, data_dir, jobs=2)
    assert result.failed == ["fails"] and not result.ok and result.executed == []
    assert result.blocked == {
        "hello--x": "needs fails, which failed",
        "hello--y": "needs hello--x, which needs fails, which failed",
    }
    captured = capsys.readouterr()
    assert "hello--x" in captured.out and "skipped" in captured.out and "(needs fails, which failed)" in captured.out
    assert "skipped hello--y: needs hello--x, which needs fails, which failed" in captured.err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"]["hello--x"]["status"] == "skipped"
    assert manifest["runs"]["hello--x"]["reason"] == "needs fails, which failed"
    assert manifest["blocked"] == result.blocked
    assert not (out / "executed" / "hello--x.ipynb").exists()
    assert (
        runner.main(
            [
                "--params",
                str(params),
                "--out",
                str(out),
                "--data",
                str(data_dir),
                "--package",
                str(data_dir.parent / "package"),
            ]
        )
        == 1
    )


class _Signalling:
    """A stand-in for sys.stderr that keeps what is written and signals each write."""

    def __init__(self) -> None:
        self.text = ""
        self.written = threading.Event()

    def write(self, text: str) -> int:
        self.text += text
        self.written.set()
        return len(text)

    def flush(self) -> None:
        pass


def test_a_second_build_of_the_same_folder_waits_for_the_lock(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = write_params(tmp_path / "p.yaml", [])
    out = tmp_path / "reports"
    out.mkdir()
    lock = out / ".build.lock"
    stderr = _Signalling()
    monkeypatch.setattr(sys, "stderr", stderr)
    results: list[runner.BuildResult] = []
    with open(lock, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another build holds the lock
        second = threading.Thread(target=lambda: results.append(build(params, out, data_dir)))
        second.start()
        assert stderr.written.wait(60)
        assert stderr.text == f"another report build is running (lock {lock}); waiting for it...\n"
        assert second.is_alive() and not results and not (out / "manifest.json").exists()
        fcntl.flock(held, fcntl.LOCK_UN)
    second.join(60)
    assert not second.is_alive() and results[0].ok and (out / "manifest.json").exists()
    # Without another build, no waiting and no message.
    stderr.text = ""
    assert build(params, out, data_dir).ok and "another report build" not in stderr.text


@pytest.mark.parametrize(
    ("parameters", "found"),
    [
        ({"flag": "no"}, "parameter 'flag' expects bool (`flag: bool` in typed.ipynb), found str 'no'"),
        ({"flag": 1}, "parameter 'flag' expects bool (`flag: bool` in typed.ipynb), found int 1"),
        ({"n": "3"}, "parameter 'n' expects int (`n: int` in typed.ipynb), found str '3'"),
        ({"n": True}, "parameter 'n' expects int (`n: int` in typed.ipynb), found bool True"),
        ({"label": 2018}, "parameter 'label' expects str (`label: str` in typed.ipynb), found int 2018"),
        (
            {"size": 1},
            "parameter 'size' is not in the parameters cell of typed.ipynb (expected one of: flag, n, ratio, label)",
        ),
    ],
    ids=["bool-as-string", "bool-as-int", "int-as-string", "int-as-bool", "str-as-int", "unknown-name"],
)
def test_a_parameter_of_the_wrong_type_or_unknown_name_stops_the_build_before_anything_runs(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], parameters: dict, found: str
) -> None:
    notebook = typed(tmp_path / "nb")
    params = write_params(
        tmp_path / "p.yaml",
        [
            {"notebook": str(HELLO)},  # a good run listed first does not run either
            {"notebook": str(notebook), "set": "bad", "parameters": parameters},
        ],
    )
    out = tmp_path / "reports"
    assert runner.main(["--params", str(params), "--out", str(out), "--data", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"ERROR: {params}: run typed--bad: {found}")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (out / "executed").exists() and not (out / "manifest.json").exists()


def test_a_float_parameter_accepts_an_int_and_right_types_pass(tmp_path: Path) -> None:
    notebook = typed(tmp_path / "nb")
    params = write_params(
        tmp_path / "p.yaml",
        [
            {"notebook": str(notebook), "parameters": {"flag": False, "n": 2, "ratio": 1, "label": "y"}},
            {"notebook": str(notebook), "set": "f", "parameters": {"ratio": 0.25}},
        ],
    )
    runner.check_parameters(runner.load_runs(params), params)  # no error
    with pytest.raises(ValueError, match="'ratio' expects float .*found str '0.5'"):
        runner.check_parameters([runner.Run("t", notebook, "default", {"ratio": "0.5"})], params)


def _simulate_read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `folder` read-only: chmod, and since root ignores permission bits (the tests may run as
    root), also a write probe that fails in `folder` when the real one cannot."""
    folder.chmod(0o555)
    if os.geteuid() == 0:
        real = runner._write_probe
        monkeypatch.setattr(
            runner, "_write_probe", lambda path: Path(path).resolve() != folder.resolve() and real(path)
        )


def test_an_unwritable_output_folder_stops_the_build_with_one_line(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Read-only is real (chmod) for a normal user and simulated (monkeypatched write probe) for root."""
    params = write_params(tmp_path / "p.yaml", [{"notebook": str(HELLO)}])
    locked = tmp_path / "checkout"
    locked.mkdir()
    _simulate_read_only(locked, monkeypatch)
    try:
        for out in (locked, locked / "reports"):  # the folder itself, or its parent when it does not exist yet
            assert runner.main(["--params", str(params), "--out", str(out), "--data", str(data_dir)]) == 1
            err = capsys.readouterr().err
            assert err == (
                f"ERROR: {locked} is not writable: the report build writes executed notebooks, HTML and"
                " the manifest there; use a writable clone\n"
            )
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_an_unchanged_build_rewrites_neither_manifest_nor_index_and_succeeds_read_only(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The read-only part is real (chmod) for a normal user and simulated (monkeypatched write probe) for root."""
    params = write_params(tmp_path / "p.yaml", [{"notebook": str(HELLO)}])
    out = tmp_path / "reports"
    assert build(params, out, data_dir).executed == ["hello"]
    built_at = json.loads((out / "manifest.json").read_text())["built_at"]
    assert build(params, out, data_dir).skipped == ["hello"]  # records that this build executed nothing
    written = {
        p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in (out / "manifest.json", out / "index.html")
    }
    assert json.loads((out / "manifest.json").read_text())["built_at"] == built_at
    assert build(params, out, data_dir).skipped == ["hello"]
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in written} == written
    assert not list(out.glob(".index.*"))

    capsys.readouterr()
    argv = [
        "--params",
        str(params),
        "--out",
        str(out),
        "--data",
        str(data_dir),
        "--package",
        str(data_dir.parent / "package"),
    ]
    _simulate_read_only(out, monkeypatch)
    try:
        assert runner.main(argv) == 0
        assert "up to date" in capsys.readouterr().out
        assert {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in written} == written
        (data_dir / "table.csv").write_text("changed\n")  # now the build has work to do, and cannot
        assert runner.main(argv) == 1
        assert "is not writable" in capsys.readouterr().err
    finally:
        out.chmod(0o755)


def test_a_run_removed_from_the_params_file_loses_its_outputs(tmp_path: Path, data_dir: Path) -> None:
    params = write_params(
        tmp_path / "p.yaml",
        [
            {"notebook": str(HELLO)},
            {"notebook": str(HELLO), "set": "five", "parameters": {"n": 5}},
        ],
    )
    out = tmp_path / "reports"
    assert build(params, out, data_dir, jobs=2).ok
    files = [
        "executed/hello--five.ipynb",
        "executed/hello--five.record.json",
        "executed/hello--five.log",
        "html/hello--five.html",
    ]
    assert all((out / f).exists() for f in files)
    others = ["executed/hello--five-notes.txt", "executed/hello--fivex.ipynb", "html/hello--five.html.bak", "notes.md"]
    for other in others:
        (out / other).write_text("not the runner's\n")
    (out / "executed" / "hello--five.FAILED.ipynb").write_text("{}")
    # A temporary file left by a build that died goes too (the lock says no other build is using it).
    (out / "executed" / "hello.running.4242.ipynb").write_text("{}")
    others.append("executed/notes.running.txt")
    (out / "executed" / "notes.running.txt").write_text("not the runner's\n")

    write_params(params, [{"notebook": str(HELLO)}])
    result = build(params, out, data_dir)
    assert result.skipped == ["hello"] and result.removed == ["hello--five"]
    assert not any((out / f).exists() for f in files + ["executed/hello--five.FAILED.ipynb"])
    assert all((out / other).exists() for other in others)
    assert not (out / "executed" / "hello.running.4242.ipynb").exists()
    assert (out / "executed" / "hello.ipynb").exists() and (out / "html" / "hello.html").exists()
    assert list(json.loads((out / "manifest.json").read_text())["runs"]) == ["hello"]
    assert "hello--five" not in (out / "index.html").read_text()


# --- the committed notebooks ---------------------------------------------------------------------

COMMITTED = sorted(NOTEBOOKS.glob("*.ipynb"))
ALL_NOTEBOOKS = COMMITTED + sorted(FIXTURES.glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert COMMITTED, "no notebooks in notebooks/"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {i} has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"
    assert "papermill" not in nb.metadata, f"{path.name} is an executed notebook"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_project_kernel_and_one_typed_parameters_cell(path: Path) -> None:
    import papermill

    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == runner.KERNEL_NAME
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    lines = [line for line in tagged[0].source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for line in lines:
        # name: type = literal  # comment  -- a typed default with a comment, and nothing derived.
        assert pd.Series([line]).str.match(r"^\w+: \w+ = [^=#]+  # .+$").all(), f"{path.name}: parameter line {line!r}"
    inspected = papermill.inspect_notebook(str(path))
    assert len(inspected) == len(lines)
    for name, info in inspected.items():
        assert info["inferred_type_name"] != "None" and info["help"], f"{path.name}: {name} lacks a type or comment"


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_notebook_twin_is_in_sync(path: Path) -> None:
    import jupytext

    twin = path.with_suffix(".py")
    assert twin.exists(), (
        f"{path.name} has no jupytext twin {twin.name}; run `jupytext --set-formats ipynb,py:percent {path}`"
    )
    assert nbformat.read(path, as_version=4).metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"

    def cells(nb) -> list[tuple[str, str, list[str]]]:
        return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]

    assert cells(jupytext.read(twin)) == cells(nbformat.read(path, as_version=4)), (
        f"{twin.name} and {path.name} differ; run `jupytext --sync {path}`"
    )


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_notebook_is_seeded_and_records_versions_and_checksum(path: Path) -> None:
    code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert any("seed_everything(seed)" in source for source in code)
    assert "package_versions()" in code[-1] and "data_checksum(" in code[-1]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_notebook_shows_figures_and_tables_through_the_display_module(path: Path) -> None:
    """display.setup() before any output, every figure through display.figure (numbered, captioned,
    alt text): no plt.show(), no own pandas display options or seaborn theme."""
    code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    setup = next((i for i, source in enumerate(code) if re.search(r"\b\w+\.setup\(\)", source)), None)
    assert setup is not None and "from analysis.publish import display" in code[setup], path.name
    every = "\n".join(code)
    for banned in ("plt.show(", "pd.set_option(", "sns.set_theme(", ".show()"):
        assert banned not in every, f"{path.name}: {banned}"
    assert re.search(r"\b\w+\.figure\(", every), f"{path.name}: no figure"


def test_params_file_runs_every_committed_notebook() -> None:
    runs = runner.load_runs()
    assert {r.notebook for r in runs} == {p.resolve() for p in COMMITTED}
    for run in runs:  # parameters named in the params file exist in the notebook
        import papermill

        assert set(run.parameters) <= set(papermill.inspect_notebook(str(run.notebook)))


# --- the real notebooks on the real processed data ----------------------------------------------


@pytest.fixture(scope="module")
def fresh_build(project_reports: tuple[Path, runner.BuildResult]) -> tuple[Path, runner.BuildResult]:
    """The project's reports built as on a fresh clone (once per session: tests/publish/conftest.py)."""
    return project_reports


def test_fresh_build_writes_index_and_every_report_then_reruns_nothing(fresh_build) -> None:
    out, result = fresh_build
    runs = runner.load_runs()
    assert result.ok and sorted(result.executed) == sorted(r.name for r in runs)
    assert (out / "index.html").exists() and (out / "manifest.json").exists()
    index = (out / "index.html").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["data_checksum"] == checksums.data_checksum()
    assert set(manifest["packages"]) >= {"pandas", "seaborn", "papermill", "nbconvert"}
    for run in runs:
        assert (out / "html" / f"{run.name}.html").exists()
        assert f'href="html/{run.name}.html"' in index
        records = manifest["runs"][run.name]["records"]
        assert records["data_checksum"] == manifest["data_checksum"]  # the notebook's last cell
        assert records["package_versions"]["pandas"] == manifest["packages"]["pandas"]
        assert html.external_references((out / "html" / f"{run.name}.html").read_text()) == []
    again = runner.run_reports(out_dir=out)
    assert again.executed == [] and sorted(again.skipped) == sorted(r.name for r in runs)


def test_the_landing_page_answers_first_and_findings_md_equals_the_committed_one(fresh_build) -> None:
    out, _ = fresh_build
    index = (out / "index.html").read_text()
    assert index.index("What the reports found") < index.index("The reports</h2>") < index.index('href="runs.html"')
    assert "Did the SIF &quot;raise the bar&quot; or &quot;move the goalposts&quot;?" in index  # escaped HTML
    visible = re.sub(r"<[^>]+>", " ", index)  # the text a reader sees: titles, never file names
    assert "00_data_overview--as-at-2018-03-31" not in visible and "20_report_language" not in visible
    assert "What the dataset holds" in index and "(variant as-at-2018-03-31)" in index  # titles, not file names
    runs_page = (out / "runs.html").read_text()
    assert "Runs and provenance" in runs_page and "Data checksum" in runs_page
    findings_md = (out / "FINDINGS.md").read_text()
    assert findings_md == (REPORTS / "FINDINGS.md").read_text(), "reports/FINDINGS.md is stale: run make reports"
    assert "- Hypotheses: H05 " in findings_md and "Verdict by the decision rule" in findings_md
    # Each report is titled by its notebook and links its source, the data dictionary, validation and raw sources.
    report = (out / "html" / "20_report_language.html").read_text()
    assert "<title>Report language: do ILACS reports dwell less on negatives" in report
    links = re.findall(
        r'<a href="([^"]+)">(notebook source|data dictionary|validation report|raw sources and checksums)</a>', report
    )
    assert [label for _, label in links] == [
        "notebook source",
        "data dictionary",
        "validation report",
        "raw sources and checksums",
    ]
    assert all((out / "html" / href).resolve().is_file() for href, _ in links)


def test_overview_notebook_follows_its_parameters(fresh_build, tmp_path: Path) -> None:
    out, _ = fresh_build
    default = json.loads((out / "manifest.json").read_text())["runs"]["00_data_overview"]["records"]
    params = write_params(
        tmp_path / "p.yaml",
        [
            {
                "notebook": str(NOTEBOOKS / "00_data_overview.ipynb"),
                "set": "test",
                "parameters": {"framework": "ILACS", "include_secondary": False, "as_at": "2021-12-31"},
            },
        ],
    )
    result = runner.run_reports(params, tmp_path / "reports")
    assert result.ok
    records = result.manifest["runs"]["00_data_overview--test"]["records"]

    inspections = pd.read_csv(DATA_PROCESSED / "inspections.csv", dtype=str)
    judgements = pd.read_csv(DATA_PROCESSED / "judgements.csv", dtype=str)
    # The default run describes every inspection in the dataset.
    assert default["n_inspections"] == len(inspections)
    assert default["frameworks"] == sorted(inspections["framework"].unique())
    # The test run: ILACS only, no secondary rows, judgements in force at the end of 2021: those of each
    # authority's latest ILACS report published by then (every ILACS row has its publication date, and
    # by then an ILACS report has replaced any earlier SIF grade), not the latest grade per area.
    ilacs = inspections[
        (inspections["framework"] == "ILACS")
        & (inspections["source_quality"] != "secondary")
        & (inspections["published_date"] <= "2021-12-31")
    ]
    latest = ilacs.sort_values(["la_code", "published_date", "inspection_id"]).groupby("la_code").tail(1)
    # ... of the authorities that exist then: Northamptonshire (to 2021-03-31) and Bournemouth (to
    # 2019-03-31) had ILACS reports but are no longer in force.
    las = pd.read_csv(DATA_PROCESSED / "local_authorities.csv")
    gone = set(las.loc[las["valid_to"].notna() & (las["valid_to"] < "2021-12-31"), "la_code"])
    assert {"E10000021", "E06000028"} <= gone and gone & set(latest["la_code"])
    latest = latest[~latest["la_code"].isin(gone)]
    graded = judgements[
        judgements["inspection_id"].isin(latest["inspection_id"])
        & (judgements["grade"] != "Not judged")
        & (judgements["source_quality"] != "secondary")
    ]
    assert records["parameters"] == {"framework": "ILACS", "include_secondary": False, "as_at": "2021-12-31"}
    assert records["frameworks"] == ["ILACS"]
    assert records["n_inspections"] == len(latest) < default["n_inspections"]
    assert records["n_judgements"] == len(graded)
    assert records["n_authorities"] == latest["la_code"].nunique()
    assert records["latest_published"] <= "2021-12-31"
    assert records["n_in_force_estimated_dates"] == 0
    # Coverage is dated too: ILACS rows of the official history published by then, not the all-time count.
    official = inspections[(inspections["framework"] == "ILACS") & inspections["official_source"].notna()]
    assert records["coverage"]["ILACS: inspections"] == {
        "in_dataset": len(ilacs),
        "official": int((official["published_date"] <= "2021-12-31").sum()),
    }
    # Rule checks: each flagged inspection counted once; under ILACS they are observations, not exceptions.
    rules = json.loads((DATA_PROCESSED / "validation.json").read_text())["rules"]
    flagged = {
        fw: set().union(
            *(
                set(v)
                for v in r.values()
                if isinstance(v, list)
                and v
                and isinstance(v[0], str)
                and not set(v) <= set(r.get("key_judgements", []))
            )
        )
        for fw, r in rules.items()
    }
    assert default["rule_exceptions"] == {"SIF": len(flagged["SIF"])}
    assert default["ilacs_overall_not_inadequate_with_inadequate_key"] == len(flagged["ILACS"])


def tidy_notebook(folder: Path) -> Path:
    """A notebook recording a two-row tidy results table (rows out of order, one value missing)."""
    folder.mkdir(exist_ok=True)
    return make_notebook(
        folder / "tidy.ipynb",
        "scale: float = 1.0  # multiplies both estimates\nkeep: bool = True  # record the table at all",
        "import math\nimport pandas as pd\nfrom analysis.publish.records import record_table\n"
        "rows = [dict(model='m', comparison='b', statistic='tau_b', estimate=0.5 * scale, ci_low=0.25, ci_high=0.75,"
        " p_value=math.nan, n=10, parameters='{}'),\n"
        "        dict(model='m', comparison='a', statistic='kappa', estimate=1 / 3 * scale, ci_low=math.nan,"
        " ci_high=math.nan, p_value=0.01, n=12, parameters='{}')]\n"
        "if keep:\n    record_table(pd.DataFrame(rows))",
    )


def test_a_run_that_records_a_tidy_table_gets_a_sorted_csv_which_goes_when_it_records_none_or_is_dropped(
    tmp_path: Path, data_dir: Path
) -> None:
    notebook = tidy_notebook(tmp_path / "nb")
    out = tmp_path / "reports"
    params = write_params(tmp_path / "p.yaml", [{"notebook": str(notebook)}])
    assert build(params, out, data_dir).ok
    table = out / "tables" / "tidy.csv"
    assert table.read_text() == (
        "model,comparison,statistic,estimate,ci_low,ci_high,p_value,n,parameters\n"
        "m,a,kappa,0.333333,,,0.01,12,{}\n"
        "m,b,tau_b,0.5,0.25,0.75,,10,{}\n"
    )
    assert "| ci_low, ci_high | its 95% interval" in (out / "tables" / "README.md").read_text()
    write_params(tmp_path / "p.yaml", [{"notebook": str(notebook), "parameters": {"keep": False}}])
    assert build(params, out, data_dir).ok and not table.exists()
    write_params(tmp_path / "p.yaml", [{"notebook": str(notebook)}])
    assert build(params, out, data_dir).ok and table.exists()
    write_params(tmp_path / "p.yaml", [])
    assert build(params, out, data_dir).ok and not table.exists()


def test_a_notebook_reads_the_records_of_the_runs_it_needs_from_the_build_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executed = tmp_path / "out" / "executed"
    executed.mkdir(parents=True)
    (executed / "model.record.json").write_text('{"h01": {"odds_ratio": 1.5}}')
    monkeypatch.setenv(records.RECORD_ENV, str(executed / "verdict.running.123.record.json"))
    assert records.current_reports_dir() == (tmp_path / "out").resolve()
    assert records.read_records("model") == {"h01": {"odds_ratio": 1.5}}
    with pytest.raises(FileNotFoundError, match=r"other\.record\.json: expected the records of the run 'other'"):
        records.read_records("other")
    monkeypatch.delenv(records.RECORD_ENV)
    assert records.current_reports_dir() == records.REPORTS


def test_every_model_notebook_runs_with_at_least_two_parameter_sets() -> None:
    sets: dict[str, int] = {}
    for run in runner.load_runs():
        sets[run.notebook.name] = sets.get(run.notebook.name, 0) + 1
    models = {name: n for name, n in sets.items() if name[:2] in {"10", "11", "12", "13", "19", "20"}}
    assert sorted(models) == [
        "10_transitions.ipynb",
        "11_cohorts.ipynb",
        "12_learning_effect.ipynb",
        "13_deprivation_region.ipynb",
        "19_goalposts_verdict.ipynb",
        "20_report_language.ipynb",
    ]
    assert min(models.values()) >= 2, models


def test_the_verdict_report_applies_the_committed_rule_to_the_records_of_the_models_it_needs(fresh_build) -> None:
    out, result = fresh_build
    assert result.ok
    executed = out / "executed"
    transitions = json.loads((executed / "10_transitions.record.json").read_text())
    learning = json.loads((executed / "12_learning_effect.record.json").read_text())["h01"]
    rule, rule_1 = v.load_rule(v.RULE_FILE_2), v.load_rule(v.RULE_FILE)
    comparisons = tuple(
        v.ComparisonEvidence(
            name,
            transitions["evidence"][name]["n"],
            v.Estimate(p_value=transitions["evidence"][name]["stuart_maxwell_p"]),
            v.Estimate(*transitions["evidence"][name]["net_decline"]),
            v.Estimate(p_value=transitions["evidence"][name]["quasi_symmetry_p"]),
        )
        for name in rule["primary_comparisons"]
    )
    h01 = v.Estimate(learning["odds_ratio"], learning["ci_low"], learning["ci_high"], learning["p_value"])

    def decided(penalty_key: str, version_rule: dict) -> v.Verdict:
        penalty = transitions[penalty_key]
        estimate = v.Estimate(penalty["estimate"], penalty["ci_low"], penalty["ci_high"], penalty["p_value"])
        return v.decide(v.Evidence(comparisons, estimate, h01), version_rule)

    expected, expected_1 = decided("penalty_latent", rule), decided("penalty", rule_1)
    recorded = json.loads((executed / "19_goalposts_verdict.record.json").read_text())
    assert recorded["rule_version"] == 2 and recorded["rule_versions"] == [1, 2]
    assert recorded["verdict"]["headline"] == expected.verdict
    assert [c["verdict"] for c in recorded["verdict"]["by_comparison"]] == [c.verdict for c in expected.by_comparison]
    assert recorded["verdict_v1"]["headline"] == expected_1.verdict
    assert [c["verdict"] for c in recorded["verdict_v1"]["by_comparison"]] == [
        c.verdict for c in expected_1.by_comparison
    ]
    assert transitions["penalty_latent"]["n_pairs"] == transitions["penalty"]["n_pairs"]  # the same pairs
    assert h01.known and recorded["hypothesis.H01"]["verdict"] == v.learning_verdict(h01, rule)
    h09 = json.loads((executed / "13_deprivation_region.record.json").read_text())["h09"]
    for key, (sif, ilacs) in {
        "hypothesis.H09": ("sif_p", "ilacs_p"),
        "h09_lr_reading": ("sif_lr_p", "ilacs_lr_p"),
    }.items():
        by_reading = v.region_verdict(v.Estimate(p_value=h09[sif]), v.Estimate(p_value=h09[ilacs]), rule)
        assert recorded[key]["verdict"] == by_reading, key
    assert set(recorded["robustness"]) == set(recorded["robustness_v1"]) == {r["name"] for r in rule["robustness"]}
    # The cited-figures report shows the verdict's hypotheses, read from the same build.
    cited = json.loads((executed / "01_cited_figures.record.json").read_text())["verdicts"]
    for hypothesis in ("H01", "H02", "H03", "H04", "H08", "H09"):
        assert cited[f"{hypothesis}.model"] == recorded[f"hypothesis.{hypothesis}"]["verdict"]


def test_each_model_run_leaves_a_tidy_results_table(fresh_build) -> None:
    out, _ = fresh_build
    header = "model,comparison,statistic,estimate,ci_low,ci_high,p_value,n,parameters"
    for name in (
        "10_transitions",
        "11_cohorts",
        "12_learning_effect",
        "13_deprivation_region",
        "19_goalposts_verdict",
        "20_report_language",
    ):
        lines = (out / "tables" / f"{name}.csv").read_text().splitlines()
        assert lines[0] == header and len(lines) > 2, name
    transitions = pd.read_csv(out / "tables" / "10_transitions.csv")
    assert {"tau_b", "kappa_quadratic", "share_improved", "stuart_maxwell", "penalty", "latent_penalty"} <= set(
        transitions["statistic"]
    )
