"""Report runner: execute the notebooks listed in notebooks/params.yaml and render them to HTML.

`python -m analysis.publish [--force]` (what `make reports` calls) does, for every run in the params
file (a notebook plus a named parameter set, optionally `needs:` other runs whose records it reads):

0. check the output folder is writable (a read-only checkout whose reports are up to date succeeds,
   anything else stops with one line saying so) and take the lock `<out>/.build.lock`, so that two
   builds of the same folder run one after the other (the second says it is waiting);
1. decide whether the run is up to date: its notebook, its parameters, the `analysis` package, the
   processed data and the record files of the runs it needs are hashed, and a run whose hashes match
   the manifest (and whose outputs exist) is skipped. Only the standard library is imported up to this
   point, so a no-change build is quick. A run that needs another waits until that one has finished in
   this build, and is then judged on the record as it is now;
2. check the parameters of every run that may execute against the types in its notebook's
   `parameters` cell (`n: int = 3`): a wrong type or an unknown name stops the build before anything
   executes;
3. execute the stale runs with papermill into reports/executed/NAME.ipynb, two at a time (one per
   core), each as soon as the runs it needs have finished, printing one progress line per run with
   its elapsed time;
4. render each executed notebook with nbconvert into reports/html/NAME.html: code hidden behind a
   "Show code" button, the parameters at the top, a table of contents, figures embedded, and no
   script or stylesheet fetched from the network (the page opens offline);
5. write reports/manifest.json and reports/index.html listing every report with its parameters,
   run time, processed-data checksum, git commit and key package versions -- only when their content
   changes (a build that executed nothing keeps the previous `built_at`), and remove the outputs of
   runs that the previous manifest listed but the params file no longer does.

A notebook that raises stops the build: the failing notebook, cell and error are printed, the partial
notebook is kept as reports/executed/NAME.FAILED.ipynb, the previous good HTML is left untouched
(HTML is written to a temporary file and renamed only on success) and the exit status is 1. Runs that
need the failed one (directly or not) are skipped, with status "skipped" and the reason in the
manifest; the other runs not yet started are not run.

Notebooks call `record(key, value)` to leave key numbers in a JSON sidecar beside the executed
notebook (the runner passes its path in the ANALYSIS_RECORD_PATH environment variable); those
values are copied into the manifest, and tests assert on them. A run that `needs:` another reads its
sidecar, reports/executed/NEED.record.json (the folder of ANALYSIS_RECORD_PATH).
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.checksums import sha256_of, tree_checksum
from analysis.models import results
from analysis.paths import DATA_PROCESSED, DATA_RAW, NOTEBOOKS, REPORTS, ROOT
from analysis.publish import authorities, documents, findings
from analysis.publish.html import render_html, write_if_changed, write_index
from analysis.publish.records import RECORD_ENV, TIDY_KEY, Layout, _jsonable, package_versions

#: Kernel every notebook must name in its kernelspec (registered by `make setup`).
KERNEL_NAME = "ofsted-analysis"
DEFAULT_PARAMS_FILE: Path = NOTEBOOKS / "params.yaml"
#: The analysis package (its hash decides whether a run is stale).
PACKAGE_DIR: Path = Path(__file__).resolve().parents[1]
MANIFEST_VERSION = 1
#: Lock file (in the output folder) that keeps two builds of one folder from running at once.
LOCK_NAME = ".build.lock"
#: The files a run leaves in executed/ besides html/NAME.html: NAME plus one of these.
RUN_FILE_SUFFIXES: tuple[str, ...] = (".ipynb", ".record.json", ".log", ".FAILED.ipynb", ".FAILED.record.json")


class ParamsError(ValueError):
    """A params file that cannot be run as written (the message says what to change)."""


class NotebookNotFoundError(ParamsError, FileNotFoundError):
    """A run names a notebook that does not exist."""


# ---------------------------------------------------------------------------------------------
# Content hashes
# ---------------------------------------------------------------------------------------------


def parameters_hash(parameters: dict[str, Any]) -> str:
    """SHA-256 of the parameters as canonical JSON (key order does not matter)."""
    return hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()


def git_commit(root: Path = ROOT) -> str:
    """The checked-out commit (short), with "+dirty" if tracked files differ; "unknown" without git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One notebook executed with one named parameter set."""

    name: str  # file stem of the outputs: notebook stem, plus "--SET" unless the set is "default"
    notebook: Path
    parameter_set: str
    parameters: dict[str, Any]
    needs: tuple[str, ...] = ()  # names of the runs whose record files this one reads


def load_runs(params_file: Path = DEFAULT_PARAMS_FILE) -> list[Run]:
    """The runs listed in a params file; notebook paths are relative to the file's folder.

    Format::

        runs:
          - notebook: 00_data_overview.ipynb
            set: default
            parameters: {}
          - notebook: 02_trends.ipynb
            needs: [00_data_overview]     # run names whose reports/executed/NAME.record.json it reads

    A `needs:` name that is not a run in the file, or needs that form a cycle, is a ParamsError.
    """
    import yaml

    params_file = Path(params_file)
    spec = yaml.safe_load(params_file.read_text()) or {}
    runs: list[Run] = []
    for i, entry in enumerate(spec.get("runs", [])):
        if "notebook" not in entry:
            raise ParamsError(f"{params_file}: run {i} has no 'notebook'")
        notebook = (params_file.parent / entry["notebook"]).resolve()
        if not notebook.exists():
            raise NotebookNotFoundError(f"{params_file}: run {i}: notebook {notebook} does not exist")
        parameter_set = str(entry.get("set", "default"))
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", parameter_set):
            raise ParamsError(f"{params_file}: run {i}: set name {parameter_set!r} must be letters, digits, _ . -")
        name = notebook.stem if parameter_set == "default" else f"{notebook.stem}--{parameter_set}"
        parameters = dict(entry.get("parameters") or {})
        needs = entry.get("needs") or []
        if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
            raise ParamsError(
                f"{params_file}: run {name}: needs: must be a list of run names, e.g. needs: [00_data_overview],"
                f" found {needs!r}"
            )
        runs.append(
            Run(
                name=name,
                notebook=notebook,
                parameter_set=parameter_set,
                parameters=parameters,
                needs=tuple(dict.fromkeys(needs)),
            )
        )
    names = [r.name for r in runs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ParamsError(f"{params_file}: runs repeated (same notebook and set): {duplicates}")
    for run in runs:
        unknown = [n for n in run.needs if n not in names]
        if unknown:
            raise ParamsError(
                f"{params_file}: run {run.name} needs {', '.join(unknown)}, which is not a run in this file;"
                f" needs: names runs as NOTEBOOK_STEM, or NOTEBOOK_STEM--SET for a set other than default"
                f" (the runs are: {', '.join(names)})"
            )
    dependency_order(runs, params_file)  # raises on a cycle
    return runs


def dependency_order(runs: list[Run], params_file: Path | str = "params file") -> list[Run]:
    """The runs with every run after the runs it needs (otherwise in listed order); a cycle is a ParamsError."""
    by_name = {r.name: r for r in runs}
    order: list[Run] = []
    state: dict[str, str] = {}  # "visiting" while its needs are being placed, then "placed"

    def place(run: Run, path: list[str]) -> None:
        if state.get(run.name) == "placed":
            return
        if state.get(run.name) == "visiting":
            cycle = path[path.index(run.name) :] + [run.name]
            raise ParamsError(
                f"{params_file}: runs {' -> '.join(cycle)} form a cycle in needs:;"
                " a run can only need runs that do not need it back: remove one of these needs"
            )
        state[run.name] = "visiting"
        for need in run.needs:
            place(by_name[need], path + [run.name])
        state[run.name] = "placed"
        order.append(run)

    for run in runs:
        place(run, [])
    return order


def need_record_hashes(run: Run, layout: Layout) -> dict[str, str]:
    """SHA-256 of the record file of each run `run` needs, as it is on disk now ("no record" if none)."""
    hashes: dict[str, str] = {}
    for need in run.needs:
        path = layout.record_file(need)
        hashes[need] = sha256_of(path) if path.exists() else "no record"
    return hashes


def run_hashes(run: Run, package_hash: str, data_hash: str, needs: dict[str, str] | None = None) -> dict[str, Any]:
    """The content hashes that decide whether a run must execute again (`needs`: see need_record_hashes)."""
    hashes: dict[str, Any] = {
        "notebook": sha256_of(run.notebook),
        "parameters": parameters_hash(run.parameters),
        "package": package_hash,
        "data": data_hash,
    }
    if run.needs:
        hashes["needs"] = dict(needs or {})
    return hashes


def is_up_to_date(run: Run, hashes: dict[str, Any], previous: dict[str, Any] | None, layout: Layout) -> bool:
    """True when the last build ran this exactly, succeeded, and its outputs are still on disk."""
    return bool(
        previous
        and previous.get("status") == "ok"
        and previous.get("hashes") == hashes
        and layout.executed_notebook(run.name).exists()
        and layout.html_file(run.name).exists()
    )


#: Checks for the types papermill infers from a parameters cell (`n: int = 3`); others are not checked.
_TYPE_CHECKS: dict[str, Any] = {
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
}
_TYPE_HINTS: dict[str, str] = {
    "bool": "write true or false, without quotes",
    "int": "write a whole number, without quotes",
    "float": "write a number, without quotes",
    "str": 'quote it, e.g. "2018-03-31"',
    "list": "write a YAML list, e.g. [a, b]",
    "dict": "write a YAML mapping, e.g. {a: 1}",
}


def check_parameters(runs: list[Run], params_file: Path | str) -> None:
    """Check each run's parameters against the names and types of its notebook's `parameters` cell.

    Raises one ParamsError listing every parameter that is unknown to the notebook or of the wrong
    type (a bool given as "no" or 1, an int given as "3"; an int is accepted for a float).
    """
    import papermill

    declared: dict[Path, dict[str, Any]] = {}
    problems: list[str] = []
    for run in runs:
        if run.notebook not in declared:
            declared[run.notebook] = papermill.inspect_notebook(str(run.notebook))
        cell = declared[run.notebook]
        for name, value in run.parameters.items():
            if name not in cell:
                problems.append(
                    f"{params_file}: run {run.name}: parameter {name!r} is not in the parameters cell of"
                    f" {run.notebook.name} (expected one of: {', '.join(cell) or 'none'}), found {name}: {value!r};"
                    " correct the name or remove it"
                )
                continue
            expected = str(cell[name].get("inferred_type_name"))
            check = _TYPE_CHECKS.get(expected)
            if check is not None and not check(value):
                problems.append(
                    f"{params_file}: run {run.name}: parameter {name!r} expects {expected}"
                    f" (`{name}: {expected}` in {run.notebook.name}), found {type(value).__name__} {value!r};"
                    f" {_TYPE_HINTS[expected]}"
                )
    if problems:
        raise ParamsError("\n".join(problems))


# ---------------------------------------------------------------------------------------------
# Executing and rendering one run (in a worker process; heavy imports happen here only)
# ---------------------------------------------------------------------------------------------


def _relative(path: Path, start: Path) -> str:
    """`path` relative to `start` as a POSIX string (absolute if it is elsewhere)."""
    try:
        return Path(os.path.relpath(path, start)).as_posix()
    except ValueError:
        return path.as_posix()


def effective_parameters(notebook: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """The notebook's defaults (from its `parameters` cell) overridden by the run's parameters."""
    import ast

    import papermill

    values: dict[str, Any] = {}
    for name, info in papermill.inspect_notebook(str(notebook)).items():
        source = info.get("default")  # papermill gives the default's source text
        try:
            values[name] = ast.literal_eval(source)
        except (ValueError, SyntaxError):
            values[name] = source
    values.update(parameters)
    return values


def ipc_kernel_manager(socket_dir: str) -> type:
    """A kernel manager class whose kernels talk over Unix sockets in `socket_dir`, not TCP ports.

    With TCP, jupyter_client picks ports that are free, closes them and starts the kernel, which binds
    them; a kernel started at the same moment by the build's other worker can take one in between, and
    the kernel dies at start ("Kernel died before replying to kernel_info": ZMQError "Address already in
    use" in the run's log; jupyter/jupyter_client#154). Sockets in a folder of the run's own cannot clash."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(transport="ipc", ip=os.path.join(socket_dir, "kernel"), **kwargs)

    return IPCKernelManager


def execute_run(job: dict[str, Any]) -> dict[str, Any]:
    """Execute one run with papermill and render it; return a plain-dict result (never raises)."""
    started = time.time()
    name = job["name"]
    layout = Layout(Path(job["out_dir"]))
    notebook = Path(job["notebook"])
    layout.executed.mkdir(parents=True, exist_ok=True)
    layout.html.mkdir(parents=True, exist_ok=True)
    # Temporary names carry the worker's process id: they cannot clash with another build's.
    partial = layout.executed / f"{name}.running.{os.getpid()}.ipynb"
    record_partial = layout.executed / f"{name}.running.{os.getpid()}.record.json"
    for stale in (partial, record_partial):
        stale.unlink(missing_ok=True)
    result: dict[str, Any] = {"name": name, "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    os.environ[RECORD_ENV] = str(record_partial)
    # The kernel inherits this process's stderr; send it (and its start-up chatter) to a log file.
    saved_stderr = os.dup(2)
    log = open(layout.executed / f"{name}.log", "wb")
    os.dup2(log.fileno(), 2)
    try:
        import papermill
        from papermill.exceptions import PapermillExecutionError

        try:
            result["parameters_effective"] = _jsonable(effective_parameters(notebook, job["parameters"]))
            with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
                papermill.execute_notebook(
                    str(notebook),
                    str(partial),
                    parameters=job["parameters"],
                    cwd=str(notebook.parent),
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    execution_timeout=job.get("timeout", 1800),
                    kernel_manager_class=ipc_kernel_manager(sockets),
                )
        except PapermillExecutionError as error:
            failed = layout.failed_notebook(name)
            if partial.exists():
                os.replace(partial, failed)
            if record_partial.exists():
                os.replace(record_partial, layout.executed / f"{name}.FAILED.record.json")
            source = getattr(error, "source", "") or ""
            result.update(
                status="failed",
                elapsed_s=round(time.time() - started, 2),
                error={
                    "notebook": str(notebook),
                    "cell_index": error.cell_index,
                    "execution_count": error.exec_count,
                    "cell_source": source,
                    "ename": error.ename,
                    "evalue": error.evalue,
                    "partial_notebook": str(failed) if failed.exists() else None,
                },
            )
            return result
        result["elapsed_execute_s"] = round(time.time() - started, 2)
        # Render first: only when the HTML is good do the executed notebook and records move in place.
        render_html(
            partial,
            layout.html_file(name),
            header=job["header"]
            | {
                "parameters": result["parameters_effective"],
                "run_at": result["started"],
                "links": documents.links(
                    str(job["header"].get("notebook", "")), layout.html_file(name), layout.out_dir
                ),
            },
        )
        os.replace(partial, layout.executed_notebook(name))
        records: dict[str, Any] = {}
        if record_partial.exists():
            records = json.loads(record_partial.read_text())
            os.replace(record_partial, layout.record_file(name))
        else:
            layout.record_file(name).unlink(missing_ok=True)
        write_tidy_table(records, layout.table_file(name))
        layout.failed_notebook(name).unlink(missing_ok=True)
        (layout.executed / f"{name}.FAILED.record.json").unlink(missing_ok=True)
        result["records"] = records
        result.update(status="ok", elapsed_s=round(time.time() - started, 2))
        return result
    except Exception as error:  # anything else (missing kernel, bad notebook, rendering) is a failure too
        if partial.exists():
            os.replace(partial, layout.failed_notebook(name))
        result.update(
            status="failed",
            elapsed_s=round(time.time() - started, 2),
            error={
                "notebook": str(notebook),
                "cell_index": None,
                "execution_count": None,
                "cell_source": "",
                "ename": type(error).__name__,
                "evalue": str(error),
                "partial_notebook": str(layout.failed_notebook(name))
                if layout.failed_notebook(name).exists()
                else None,
            },
        )
        return result
    finally:
        os.environ.pop(RECORD_ENV, None)
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        log.close()


#: reports/tables/README.md: the data dictionary of the tidy results tables.
TABLES_README = """# Tidy results of the model notebooks

One CSV per report run (`NAME.csv`, NAME as in reports/executed), written by `make reports` from the
run's record `tidy_table`; deterministic (sorted rows, floats to 6 significant digits, empty = missing).
Columns:

| column | meaning |
| --- | --- |
| model | the model: transitions, penalty (rule version 1), penalty_latent (version 2), cohorts, learning, deprivation, judgements, verdict, ... |
| comparison | what the statistic is about, e.g. `last SIF -> first ILACS, overall` |
| statistic | its name, e.g. `tau_b`, `kappa_quadratic`, `share_improved`, `odds_ratio`, `penalty`, `latent_penalty` |
| estimate | the value |
| ci_low, ci_high | its 95% interval, where the model gives one |
| p_value | the two-sided p-value of its test, where it has one |
| n | the units it rests on (pairs, authorities or inspections) |
| parameters | the options that produced it, as compact JSON with sorted keys |

Each statistic's definition is in the docstring of its module in src/analysis/models/ and in the
report (reports/html/NAME.html) that computed it.
"""


def write_tidy_table(records: dict[str, Any], target: Path) -> None:
    """Write a run's tidy results (record TIDY_KEY) to `target` as CSV, and the tables' README beside
    it; remove `target` when the run recorded none."""
    rows = records.get(TIDY_KEY)
    if rows is None:
        target.unlink(missing_ok=True)
        return
    frame = pd.DataFrame(rows)
    missing = [column for column in results.COLUMNS if column not in frame]
    if missing:
        raise ValueError(f"record {TIDY_KEY!r}: expected the columns {list(results.COLUMNS)}, missing {missing}")
    results.write_table(frame[list(results.COLUMNS)], target)
    write_if_changed(target.parent / "README.md", TABLES_README)


def read_manifest(layout: Layout) -> dict[str, Any]:
    """The previous manifest, or an empty one."""
    if layout.manifest.exists():
        try:
            manifest = json.loads(layout.manifest.read_text())
            if manifest.get("version") == MANIFEST_VERSION:
                return manifest
        except json.JSONDecodeError:
            pass
    return {"version": MANIFEST_VERSION, "runs": {}}


# ---------------------------------------------------------------------------------------------
# The output folder: writable?, the lock, writing only what changed, removing dropped runs
# ---------------------------------------------------------------------------------------------


def _write_probe(folder: Path) -> bool:
    """True when a file can actually be created (and removed) in `folder`: the permission bits do
    not bind root, but a read-only mount does."""
    try:
        handle, probe = tempfile.mkstemp(prefix=".write-probe-", dir=folder)
    except OSError:
        return False
    os.close(handle)
    os.unlink(probe)
    return True


def unwritable_folder(out_dir: Path) -> Path | None:
    """The first folder a build of `out_dir` would need to write in but cannot, or None.

    That is `out_dir` and its executed/ and html/ folders where they exist, or the nearest existing
    parent when `out_dir` does not exist yet.
    """
    out_dir = Path(out_dir).absolute()
    if not out_dir.exists():
        parent = out_dir.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        folders = [parent]
    else:
        layout = Layout(out_dir)
        folders = [out_dir] + [f for f in (layout.executed, layout.html) if f.exists()]
    for folder in folders:
        if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK) and _write_probe(folder)):
            return folder
    return None


@contextmanager
def build_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the exclusive lock `out_dir/.build.lock` (fcntl.flock) for the duration of a build.

    If another build holds it, say so on stderr (one line) and wait for it. In a folder where the
    lock file cannot be created the build goes on unlocked (it can then only succeed by writing nothing).
    """
    out_dir = Path(out_dir)
    path = out_dir / LOCK_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")
    except OSError:
        try:
            handle = open(path, "rb")  # flock needs no write access
        except OSError:
            yield path
            return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another report build is running (lock {path}); waiting for it...", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class _StagedIndex(Layout):
    """A layout whose index.html is a staging file, so that an unchanged index is not rewritten."""

    staged_index: Path = Path("index.html")

    @property
    def index(self) -> Path:
        return self.staged_index


def write_index_if_changed(manifest: dict[str, Any], layout: Layout) -> bool:
    """Write index.html for `manifest` unless the page on disk is already exactly that; True if written."""
    staged = layout.out_dir / f".index.{os.getpid()}.html"
    try:
        write_index(manifest, _StagedIndex(layout.out_dir, staged_index=staged))
        if layout.index.exists() and layout.index.read_bytes() == staged.read_bytes():
            return False
        os.replace(staged, layout.index)
        return True
    finally:
        staged.unlink(missing_ok=True)


def run_files(name: str, layout: Layout) -> list[Path]:
    """Every output file of the run `name`: executed/NAME{.ipynb,.record.json,.log,.FAILED...},
    html/NAME.html and tables/NAME.csv."""
    return [layout.executed / f"{name}{suffix}" for suffix in RUN_FILE_SUFFIXES] + [
        layout.html_file(name),
        layout.table_file(name),
    ]


def remove_dropped_runs(previous: dict[str, Any], runs: list[Run], layout: Layout) -> list[str]:
    """Delete the output files of runs the previous manifest listed but `runs` no longer holds.

    Only files named after such a run (see run_files) go; anything else in the folders stays.
    Returns the names of the runs whose files were removed.
    """
    current = {r.name for r in runs}
    keep = {path for name in current for path in run_files(name, layout)}
    removed: list[str] = []
    for name in previous.get("runs", {}):
        if name in current or not name or "/" in name or "\\" in name or name in (".", ".."):
            continue
        gone = [path for path in run_files(name, layout) if path not in keep and path.is_file()]
        for path in gone:
            path.unlink()
        if gone:
            removed.append(name)
    return removed


def _clear_temporary_files(layout: Layout, runs: list[Run]) -> None:
    """Remove the temporary files of builds that died (NAME.running.PID.ipynb and the like; only
    called while holding the build lock), never the outputs of a run in `runs`."""
    if not layout.executed.is_dir():
        return
    keep = {path for run in runs for path in run_files(run.name, layout)}
    for path in layout.executed.glob("*.running.*"):
        if (
            re.fullmatch(r".+\.running\.\d+\.(ipynb|record\.json)(\.tmp)?", path.name)
            and path not in keep
            and path.is_file()
        ):
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    """What a build did: names of runs executed, skipped as unchanged, failed, not run because the
    build stopped, and blocked (not run because a run they need failed: name -> reason, status
    "skipped" in the manifest); and the manifest written."""

    executed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.blocked


def _progress(i: int, total: int, name: str, status: str, elapsed: float | None, note: str = "") -> None:
    line = f"[{i}/{total}] {name:<40} {status:<10} {elapsed or 0.0:7.1f} s"
    print(line + (f"  ({note})" if note else ""), flush=True)


def failure_message(name: str, error: dict[str, Any]) -> str:
    """Plain-words account of a failed run: notebook, cell, error and where the partial output is."""
    lines = [f"FAILED {name}: notebook {error.get('notebook')}"]
    if error.get("cell_index") is not None:
        lines.append(
            f"  failing cell: index {error['cell_index']} of the executed notebook"
            f" (execution count {error.get('execution_count')}):"
        )
        for source_line in str(error.get("cell_source", "")).splitlines()[:15]:
            lines.append(f"    | {source_line}")
    lines.append(f"  error: {error.get('ename')}: {error.get('evalue')}")
    if error.get("partial_notebook"):
        lines.append(f"  partial executed notebook kept at {error['partial_notebook']}")
    return "\n".join(lines)


def reports_up_to_date(
    params_file: Path = DEFAULT_PARAMS_FILE,
    out_dir: Path = REPORTS,
    data_dir: Path = DATA_PROCESSED,
    package_dir: Path = PACKAGE_DIR,
) -> bool:
    """True when a build would execute nothing and remove nothing: every run listed is up to date
    (needs included) and the manifest lists exactly these runs. Reads only; for read-only checkouts."""
    layout = Layout(Path(out_dir))
    runs = load_runs(Path(params_file))
    previous = read_manifest(layout)
    if set(previous["runs"]) != {r.name for r in runs}:
        return False
    package_hash = tree_checksum(Path(package_dir))
    data_hash = tree_checksum(Path(data_dir))
    return all(
        is_up_to_date(
            run,
            run_hashes(run, package_hash, data_hash, need_record_hashes(run, layout)),
            previous["runs"].get(run.name),
            layout,
        )
        for run in runs
    )


def run_reports(
    params_file: Path = DEFAULT_PARAMS_FILE,
    out_dir: Path = REPORTS,
    data_dir: Path = DATA_PROCESSED,
    package_dir: Path = PACKAGE_DIR,
    force: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Execute and render every stale run listed in `params_file`, each after the runs it needs;
    write manifest and index where they change. Holds the build lock of `out_dir` throughout.

    Raises ParamsError (before executing anything) for a params file that cannot run as written.
    """
    runs = load_runs(Path(params_file))
    with build_lock(Path(out_dir)):
        return _build(runs, Path(params_file), Layout(Path(out_dir)), Path(data_dir), Path(package_dir), force, jobs)


def _build(
    runs: list[Run],
    params_file: Path,
    layout: Layout,
    data_dir: Path,
    package_dir: Path,
    force: bool,
    jobs: int | None,
) -> BuildResult:
    """The build proper (see run_reports), run under the build lock."""
    t0 = time.time()
    _clear_temporary_files(layout, runs)
    documents.write_documents(layout.out_dir, data_dir)  # first: the reports link to these pages
    previous = read_manifest(layout)
    package_hash = tree_checksum(package_dir)
    data_hash = tree_checksum(data_dir)
    commit = git_commit()
    manifest: dict[str, Any] = {
        "version": MANIFEST_VERSION,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "data_checksum": data_hash,
        "package_checksum": package_hash,
        "packages": package_versions(),
        "params_file": _relative(params_file.resolve(), layout.out_dir.resolve()),
        "runs": {},
    }
    result = BuildResult(manifest=manifest)
    total = len(runs)
    order = dependency_order(runs, params_file)
    by_name = {r.name: r for r in runs}
    for run in runs:  # keep the last entry of every run until this build replaces it
        if previous["runs"].get(run.name):
            manifest["runs"][run.name] = previous["runs"][run.name] | {"executed_this_build": False}

    # state: "unchanged" | "queued" | "running" | "ok" | "failed" | "blocked" | "not_run"; none yet = waiting
    state: dict[str, str] = {}
    hashes_of: dict[str, dict[str, Any]] = {}
    queue: list[Run] = []
    counter = {"done": 0}

    def settle(final: bool = False) -> None:
        """Decide every waiting run whose needs are all decided (in dependency order, so one pass does).

        With `final`, the build is over: a run still queued or waiting is not run.
        """
        for run in order:
            if run.name in state and not (final and state[run.name] == "queued"):
                continue
            if final and state.get(run.name) == "queued":
                state[run.name] = "not_run"
                continue
            needs = [state.get(n) for n in run.needs]
            bad = next((n for n in run.needs if state.get(n) in ("failed", "blocked")), None)
            if bad is not None:
                why = "failed" if state[bad] == "failed" else result.blocked[bad]
                reason = f"needs {bad}, which {why}"
                state[run.name] = "blocked"
                result.blocked[run.name] = reason
                manifest["runs"][run.name] = manifest["runs"].get(run.name, {}) | {
                    "notebook": _relative(run.notebook, ROOT),
                    "parameter_set": run.parameter_set,
                    "parameters": run.parameters,
                    "status": "skipped",
                    "reason": reason,
                    "executed_this_build": False,
                }
                counter["done"] += 1
                _progress(counter["done"], total, run.name, "skipped", 0.0, reason)
            elif any(s not in ("unchanged", "ok") for s in needs):
                if final:
                    state[run.name] = "not_run"
            else:
                hashes = run_hashes(run, package_hash, data_hash, need_record_hashes(run, layout))
                hashes_of[run.name] = hashes
                old = previous["runs"].get(run.name)
                if not force and is_up_to_date(run, hashes, old, layout):
                    state[run.name] = "unchanged"
                    manifest["runs"][run.name] = old | {"executed_this_build": False}
                    result.skipped.append(run.name)
                    counter["done"] += 1
                    _progress(counter["done"], total, run.name, "unchanged", 0.0)
                elif final:
                    state[run.name] = "not_run"
                else:
                    state[run.name] = "queued"
                    queue.append(run)

    settle()
    may_execute = [r for r in runs if state.get(r.name) in (None, "queued")]
    failures: list[tuple[str, dict[str, Any]]] = []
    if may_execute:
        check_parameters(may_execute, params_file)  # before anything executes
        workers = max(1, min(jobs or os.cpu_count() or 1, len(may_execute)))
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: dict[Future, Run] = {}
            stop = False
            # Submit no more runs than there are workers, so that a failure can stop the rest; a run
            # is queued only once every run it needs has finished ok (or was unchanged).
            while True:
                while queue and not stop and len(pending) < workers:
                    run = queue.pop(0)
                    state[run.name] = "running"
                    job = {
                        "name": run.name,
                        "notebook": str(run.notebook),
                        "parameters": run.parameters,
                        "out_dir": str(layout.out_dir),
                        "header": {
                            # The notebook's own title (its first heading), and the variant if not the default.
                            "title": findings.notebook_title(_relative(run.notebook, ROOT))[0]
                            + ("" if run.parameter_set == "default" else f" (variant {run.parameter_set})"),
                            "notebook": _relative(run.notebook, ROOT),
                            "parameter_set": run.parameter_set,
                            "data_checksum": data_hash,
                            "git_commit": commit,
                        },
                    }
                    pending[pool.submit(execute_run, job)] = run
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    run = pending.pop(future)
                    hashes = hashes_of[run.name]
                    try:
                        outcome = future.result()
                    except Exception as error:  # the worker process itself died
                        outcome = {
                            "name": run.name,
                            "status": "failed",
                            "started": "",
                            "elapsed_s": None,
                            "error": {
                                "notebook": str(run.notebook),
                                "cell_index": None,
                                "execution_count": None,
                                "cell_source": "",
                                "ename": type(error).__name__,
                                "evalue": str(error),
                                "partial_notebook": None,
                            },
                        }
                    counter["done"] += 1
                    _progress(counter["done"], total, run.name, outcome["status"], outcome.get("elapsed_s"))
                    entry = {
                        "notebook": _relative(run.notebook, ROOT),
                        "parameter_set": run.parameter_set,
                        "parameters": run.parameters,
                        "parameters_effective": outcome.get("parameters_effective", run.parameters),
                        "hashes": hashes,
                        "run_at": outcome["started"],
                        "elapsed_s": outcome.get("elapsed_s"),
                        "git_commit": commit,
                        "data_checksum": data_hash,
                        "executed_this_build": True,
                    }
                    if run.needs:
                        entry["needs"] = list(run.needs)
                    if outcome["status"] == "ok":
                        entry |= {
                            "status": "ok",
                            "executed": _relative(layout.executed_notebook(run.name), layout.out_dir),
                            "html": _relative(layout.html_file(run.name), layout.out_dir),
                            "records_file": _relative(layout.record_file(run.name), layout.out_dir),
                            "records": outcome.get("records", {}),
                        }
                        manifest["runs"][run.name] = entry
                        state[run.name] = "ok"
                        result.executed.append(run.name)
                    else:
                        old = manifest["runs"].get(run.name, {})
                        manifest["runs"][run.name] = old | {
                            "notebook": entry["notebook"],
                            "parameter_set": run.parameter_set,
                            "parameters": run.parameters,
                            "status": "failed",
                            "error": outcome["error"],
                            "failed_at": outcome["started"],
                            "executed_this_build": True,
                        }
                        state[run.name] = "failed"
                        result.failed.append(run.name)
                        failures.append((run.name, outcome["error"]))
                        stop = True
                settle()  # runs whose needs have now finished: unchanged, queued, or skipped
    settle(final=True)
    result.not_run = [r.name for r in runs if state.get(r.name) == "not_run"]
    result.removed = remove_dropped_runs(previous, runs, layout)

    # Keep the listed order of runs in the manifest and index.
    manifest["runs"] = {r.name: manifest["runs"][r.name] for r in runs if r.name in manifest["runs"]}
    manifest["elapsed_s"] = round(time.time() - t0, 2)
    if (
        not result.executed
        and not result.failed
        and not result.blocked
        and set(previous["runs"]) == set(by_name)
        and "built_at" in previous
    ):
        # Nothing was built: the reports are those of the last build, and so are its time stamps.
        manifest["built_at"] = previous["built_at"]
        manifest["elapsed_s"] = previous.get("elapsed_s", manifest["elapsed_s"])
    manifest["executed"] = result.executed
    manifest["skipped"] = result.skipped
    manifest["failed"] = result.failed
    manifest["blocked"] = result.blocked
    write_if_changed(layout.manifest, json.dumps(manifest, indent=2, default=str))
    # One page per authority, from the processed data (each rewritten only if it changed).
    authorities.write_pages(layout.out_dir, data_dir, DATA_RAW)
    has_pages = (layout.out_dir / "authorities" / "index.html").is_file()
    pages = {
        d.title: d.page
        for d in (documents.DATA_DICTIONARY, documents.VALIDATION)
        if (layout.out_dir / d.page).is_file()
    }
    write_index_if_changed({**manifest, "authority_pages": has_pages, "documents": pages}, layout)
    if result.removed:
        print(f"removed the outputs of runs no longer in {params_file}: {', '.join(result.removed)}", flush=True)
    for name, error in failures:
        print(failure_message(name, error), file=sys.stderr, flush=True)
    for name, reason in result.blocked.items():
        print(f"skipped {name}: {reason}", file=sys.stderr, flush=True)
    if result.not_run:
        print(f"not run because the build stopped: {', '.join(result.not_run)}", file=sys.stderr, flush=True)
    print(
        f"reports: {len(result.executed)} executed, {len(result.skipped)} unchanged, {len(result.failed)} failed"
        + (f", {len(result.blocked)} skipped (a run they need failed)" if result.blocked else "")
        + f" in {time.time() - t0:.1f} s -> {_relative(layout.index, Path.cwd())}",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m analysis.publish [--force] [--params FILE] [--out DIR] [--jobs N]`."""
    parser = argparse.ArgumentParser(prog="python -m analysis.publish", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="rerun every notebook even if nothing changed")
    parser.add_argument(
        "--params", type=Path, default=DEFAULT_PARAMS_FILE, help="runs file (default notebooks/params.yaml)"
    )
    parser.add_argument("--out", type=Path, default=REPORTS, help="output folder (default reports/)")
    parser.add_argument("--data", type=Path, default=DATA_PROCESSED, help="processed data folder, for the checksum")
    parser.add_argument("--package", type=Path, default=PACKAGE_DIR, help="code folder whose changes rerun everything")
    parser.add_argument("--jobs", type=int, default=None, help="parallel runs (default: number of cores)")
    args = parser.parse_args(argv)
    try:
        blocked = unwritable_folder(args.out)
        if blocked is not None:
            if not args.force and reports_up_to_date(args.params, args.out, args.data, args.package):
                print(f"reports: up to date in {args.out} (read-only: nothing to write)", flush=True)
                return 0
            print(
                f"ERROR: {blocked} is not writable: the report build writes executed notebooks, HTML and the"
                " manifest there; use a writable clone",
                file=sys.stderr,
                flush=True,
            )
            return 1
        result = run_reports(args.params, args.out, args.data, args.package, force=args.force, jobs=args.jobs)
    except ParamsError as error:
        print(f"ERROR: {error}", file=sys.stderr, flush=True)
        return 1
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
