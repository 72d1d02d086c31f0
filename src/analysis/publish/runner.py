"""Report runner: execute the notebooks listed in notebooks/params.yaml and render them to HTML.

`python -m analysis.publish [--force]` (what `make reports` calls) does, for every run in the params
file (a notebook plus a named parameter set):

1. decide whether the run is up to date: its notebook, its parameters, the `analysis` package and the
   processed data are hashed, and a run whose hashes match the manifest (and whose outputs exist)
   is skipped. Only the standard library is imported up to this point, so a no-change build is quick;
2. execute the stale runs with papermill into reports/executed/NAME.ipynb, two at a time (one per
   core), printing one progress line per run with its elapsed time;
3. render each executed notebook with nbconvert into reports/html/NAME.html: code hidden behind a
   "Show code" button, the parameters at the top, a table of contents, figures embedded, and no
   script or stylesheet fetched from the network (the page opens offline);
4. write reports/manifest.json and reports/index.html listing every report with its parameters,
   run time, processed-data checksum, git commit and key package versions.

A notebook that raises stops the build: the failing notebook, cell and error are printed, the partial
notebook is kept as reports/executed/NAME.FAILED.ipynb, the previous good HTML is left untouched
(HTML is written to a temporary file and renamed only on success) and the exit status is 1.

Notebooks call `record(key, value)` to leave key numbers in a JSON sidecar beside the executed
notebook (the runner passes its path in the ANALYSIS_RECORD_PATH environment variable); those
values are copied into the manifest, and tests assert on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.checksums import data_checksum, sha256_of, tree_checksum
from analysis.paths import DATA_PROCESSED, NOTEBOOKS, REPORTS, ROOT
from analysis.publish.html import render_html, write_atomic, write_index
from analysis.publish.records import RECORD_ENV, Layout, _jsonable, package_versions

#: Kernel every notebook must name in its kernelspec (registered by `make setup`).
KERNEL_NAME = "ofsted-analysis"
DEFAULT_PARAMS_FILE: Path = NOTEBOOKS / "params.yaml"
#: The analysis package (its hash decides whether a run is stale).
PACKAGE_DIR: Path = Path(__file__).resolve().parents[1]
MANIFEST_VERSION = 1

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
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
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


def load_runs(params_file: Path = DEFAULT_PARAMS_FILE) -> list[Run]:
    """The runs listed in a params file; notebook paths are relative to the file's folder.

    Format::

        runs:
          - notebook: 00_data_overview.ipynb
            set: default
            parameters: {}
    """
    import yaml

    params_file = Path(params_file)
    spec = yaml.safe_load(params_file.read_text()) or {}
    runs: list[Run] = []
    for i, entry in enumerate(spec.get("runs", [])):
        if "notebook" not in entry:
            raise ValueError(f"{params_file}: run {i} has no 'notebook'")
        notebook = (params_file.parent / entry["notebook"]).resolve()
        if not notebook.exists():
            raise FileNotFoundError(f"{params_file}: run {i}: notebook {notebook} does not exist")
        parameter_set = str(entry.get("set", "default"))
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", parameter_set):
            raise ValueError(f"{params_file}: run {i}: set name {parameter_set!r} must be letters, digits, _ . -")
        name = notebook.stem if parameter_set == "default" else f"{notebook.stem}--{parameter_set}"
        parameters = dict(entry.get("parameters") or {})
        runs.append(Run(name=name, notebook=notebook, parameter_set=parameter_set, parameters=parameters))
    names = [r.name for r in runs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{params_file}: runs repeated (same notebook and set): {duplicates}")
    return runs


def run_hashes(run: Run, package_hash: str, data_hash: str) -> dict[str, str]:
    """The content hashes that decide whether a run must execute again."""
    return {
        "notebook": sha256_of(run.notebook),
        "parameters": parameters_hash(run.parameters),
        "package": package_hash,
        "data": data_hash,
    }


def is_up_to_date(run: Run, hashes: dict[str, str], previous: dict[str, Any] | None, layout: Layout) -> bool:
    """True when the last build ran this exactly, succeeded, and its outputs are still on disk."""
    return bool(
        previous
        and previous.get("status") == "ok"
        and previous.get("hashes") == hashes
        and layout.executed_notebook(run.name).exists()
        and layout.html_file(run.name).exists()
    )


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


def execute_run(job: dict[str, Any]) -> dict[str, Any]:
    """Execute one run with papermill and render it; return a plain-dict result (never raises)."""
    started = time.time()
    name = job["name"]
    layout = Layout(Path(job["out_dir"]))
    notebook = Path(job["notebook"])
    layout.executed.mkdir(parents=True, exist_ok=True)
    layout.html.mkdir(parents=True, exist_ok=True)
    partial = layout.executed / f"{name}.running.ipynb"
    record_partial = layout.executed / f"{name}.running.record.json"
    for stale in (partial, record_partial):
        stale.unlink(missing_ok=True)
    result: dict[str, Any] = {"name": name, "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
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
            papermill.execute_notebook(
                str(notebook), str(partial), parameters=job["parameters"],
                cwd=str(notebook.parent), progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=job.get("timeout", 1800),
            )
        except PapermillExecutionError as error:
            failed = layout.failed_notebook(name)
            if partial.exists():
                os.replace(partial, failed)
            if record_partial.exists():
                os.replace(record_partial, layout.executed / f"{name}.FAILED.record.json")
            source = getattr(error, "source", "") or ""
            result.update(
                status="failed", elapsed_s=round(time.time() - started, 2),
                error={
                    "notebook": str(notebook), "cell_index": error.cell_index, "execution_count": error.exec_count,
                    "cell_source": source, "ename": error.ename, "evalue": error.evalue,
                    "partial_notebook": str(failed) if failed.exists() else None,
                },
            )
            return result
        result["elapsed_execute_s"] = round(time.time() - started, 2)
        # Render first: only when the HTML is good do the executed notebook and records move in place.
        render_html(partial, layout.html_file(name), header=job["header"] | {
            "parameters": result["parameters_effective"], "run_at": result["started"],
        })
        os.replace(partial, layout.executed_notebook(name))
        records: dict[str, Any] = {}
        if record_partial.exists():
            records = json.loads(record_partial.read_text())
            os.replace(record_partial, layout.record_file(name))
        else:
            layout.record_file(name).unlink(missing_ok=True)
        layout.failed_notebook(name).unlink(missing_ok=True)
        (layout.executed / f"{name}.FAILED.record.json").unlink(missing_ok=True)
        result["records"] = records
        result.update(status="ok", elapsed_s=round(time.time() - started, 2))
        return result
    except Exception as error:  # anything else (missing kernel, bad notebook, rendering) is a failure too
        if partial.exists():
            os.replace(partial, layout.failed_notebook(name))
        result.update(
            status="failed", elapsed_s=round(time.time() - started, 2),
            error={
                "notebook": str(notebook), "cell_index": None, "execution_count": None, "cell_source": "",
                "ename": type(error).__name__, "evalue": str(error),
                "partial_notebook": str(layout.failed_notebook(name)) if layout.failed_notebook(name).exists() else None,
            },
        )
        return result
    finally:
        os.environ.pop(RECORD_ENV, None)
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        log.close()


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
# The build
# ---------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    """What a build did: names of runs executed, skipped and failed, and the manifest written."""

    executed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def _progress(i: int, total: int, name: str, status: str, elapsed: float) -> None:
    print(f"[{i}/{total}] {name:<40} {status:<10} {elapsed:7.1f} s", flush=True)


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


def run_reports(
    params_file: Path = DEFAULT_PARAMS_FILE,
    out_dir: Path = REPORTS,
    data_dir: Path = DATA_PROCESSED,
    package_dir: Path = PACKAGE_DIR,
    force: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Execute and render every stale run listed in `params_file`; write manifest and index."""
    t0 = time.time()
    layout = Layout(Path(out_dir))
    runs = load_runs(Path(params_file))
    previous = read_manifest(layout)
    package_hash = tree_checksum(Path(package_dir))
    data_hash = tree_checksum(Path(data_dir))
    commit = git_commit()
    manifest: dict[str, Any] = {
        "version": MANIFEST_VERSION,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": commit,
        "data_checksum": data_hash,
        "package_checksum": package_hash,
        "packages": package_versions(),
        "params_file": _relative(Path(params_file).resolve(), layout.out_dir.resolve()),
        "runs": {},
    }
    result = BuildResult(manifest=manifest)
    total = len(runs)
    todo: list[tuple[Run, dict[str, str]]] = []
    done = 0
    for run in runs:
        hashes = run_hashes(run, package_hash, data_hash)
        old = previous["runs"].get(run.name)
        if not force and is_up_to_date(run, hashes, old, layout):
            manifest["runs"][run.name] = old | {"executed_this_build": False}
            result.skipped.append(run.name)
            done += 1
            _progress(done, total, run.name, "unchanged", 0.0)
        else:
            todo.append((run, hashes))
            if old:  # keep the last good entry until this run replaces it
                manifest["runs"][run.name] = old | {"executed_this_build": False}

    failures: list[tuple[str, dict[str, Any]]] = []
    if todo:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: dict[Future, tuple[Run, dict[str, str]]] = {}
            queue = list(todo)
            stop = False
            # Submit no more runs than there are workers, so that a failure can stop the rest.
            while pending or (queue and not stop):
                while queue and not stop and len(pending) < workers:
                    run, hashes = queue.pop(0)
                    job = {
                        "name": run.name, "notebook": str(run.notebook), "parameters": run.parameters,
                        "out_dir": str(layout.out_dir),
                        "header": {
                            "title": run.name, "notebook": _relative(run.notebook, ROOT),
                            "parameter_set": run.parameter_set, "data_checksum": data_hash, "git_commit": commit,
                        },
                    }
                    pending[pool.submit(execute_run, job)] = (run, hashes)
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    run, hashes = pending.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as error:  # the worker process itself died
                        outcome = {
                            "name": run.name, "status": "failed", "started": "", "elapsed_s": None,
                            "error": {"notebook": str(run.notebook), "cell_index": None, "execution_count": None,
                                      "cell_source": "", "ename": type(error).__name__, "evalue": str(error),
                                      "partial_notebook": None},
                        }
                    done += 1
                    _progress(done, total, run.name, outcome["status"], outcome.get("elapsed_s", 0.0))
                    entry = {
                        "notebook": _relative(run.notebook, ROOT), "parameter_set": run.parameter_set,
                        "parameters": run.parameters,
                        "parameters_effective": outcome.get("parameters_effective", run.parameters),
                        "hashes": hashes, "run_at": outcome["started"], "elapsed_s": outcome.get("elapsed_s"),
                        "git_commit": commit, "data_checksum": data_hash, "executed_this_build": True,
                    }
                    if outcome["status"] == "ok":
                        entry |= {
                            "status": "ok",
                            "executed": _relative(layout.executed_notebook(run.name), layout.out_dir),
                            "html": _relative(layout.html_file(run.name), layout.out_dir),
                            "records_file": _relative(layout.record_file(run.name), layout.out_dir),
                            "records": outcome.get("records", {}),
                        }
                        manifest["runs"][run.name] = entry
                        result.executed.append(run.name)
                    else:
                        old = manifest["runs"].get(run.name, {})
                        manifest["runs"][run.name] = old | {
                            "notebook": entry["notebook"], "parameter_set": run.parameter_set,
                            "parameters": run.parameters, "status": "failed", "error": outcome["error"],
                            "failed_at": outcome["started"], "executed_this_build": True,
                        }
                        result.failed.append(run.name)
                        failures.append((run.name, outcome["error"]))
                        stop = True
        for run, _ in todo:
            if run.name not in result.executed + result.failed + result.not_run:
                result.not_run.append(run.name)

    # Keep the listed order of runs in the manifest and index.
    manifest["runs"] = {r.name: manifest["runs"][r.name] for r in runs if r.name in manifest["runs"]}
    manifest["elapsed_s"] = round(time.time() - t0, 2)
    manifest["executed"] = result.executed
    manifest["skipped"] = result.skipped
    manifest["failed"] = result.failed
    write_atomic(layout.manifest, json.dumps(manifest, indent=2, default=str))
    write_index(manifest, layout)
    for name, error in failures:
        print(failure_message(name, error), file=sys.stderr, flush=True)
    if result.not_run:
        print(f"not run because the build stopped: {', '.join(result.not_run)}", file=sys.stderr, flush=True)
    print(
        f"reports: {len(result.executed)} executed, {len(result.skipped)} unchanged, {len(result.failed)} failed"
        f" in {time.time() - t0:.1f} s -> {_relative(layout.index, Path.cwd())}",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m analysis.publish [--force] [--params FILE] [--out DIR] [--jobs N]`."""
    parser = argparse.ArgumentParser(prog="python -m analysis.publish", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="rerun every notebook even if nothing changed")
    parser.add_argument("--params", type=Path, default=DEFAULT_PARAMS_FILE, help="runs file (default notebooks/params.yaml)")
    parser.add_argument("--out", type=Path, default=REPORTS, help="output folder (default reports/)")
    parser.add_argument("--data", type=Path, default=DATA_PROCESSED, help="processed data folder, for the checksum")
    parser.add_argument("--package", type=Path, default=PACKAGE_DIR, help="code folder whose changes rerun everything")
    parser.add_argument("--jobs", type=int, default=None, help="parallel runs (default: number of cores)")
    args = parser.parse_args(argv)
    result = run_reports(args.params, args.out, args.data, args.package, force=args.force, jobs=args.jobs)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
