"""Report runner: execute the notebooks listed in notebooks/params.yaml and render them to HTML.

`python -m analysis.report [--force]` (what `make reports` calls) does, for every run in the params
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

from analysis.paths import DATA_PROCESSED, NOTEBOOKS, REPORTS, ROOT

#: Environment variable through which the runner tells a notebook where to write its records.
RECORD_ENV = "ANALYSIS_RECORD_PATH"
#: Kernel every notebook must name in its kernelspec (registered by `make setup`).
KERNEL_NAME = "ofsted-analysis"
DEFAULT_PARAMS_FILE: Path = NOTEBOOKS / "params.yaml"
PACKAGE_DIR: Path = Path(__file__).resolve().parent
#: Packages whose versions go into the manifest, the index and each notebook's last cell.
KEY_PACKAGES: tuple[str, ...] = (
    "pandas", "numpy", "matplotlib", "seaborn", "scipy", "statsmodels",
    "papermill", "nbconvert", "nbclient", "ipykernel", "jupytext",
)
MANIFEST_VERSION = 1
#: Colours of the grades in every report's charts (best green to worst red; the old Adequate amber).
GRADE_COLOURS: dict[str, str] = {
    "Outstanding": "#1a7837",
    "Good": "#7fbf7b",
    "Adequate": "#fee08b",
    "Requires improvement to be good": "#f4a582",
    "Inadequate": "#b2182b",
    "Not judged": "#bdbdbd",
}
#: Colours of the three inspection frameworks.
FRAMEWORK_COLOURS: dict[str, str] = {"pre-SIF": "#969696", "SIF": "#4393c3", "ILACS": "#762a83"}

# ---------------------------------------------------------------------------------------------
# Used inside notebooks
# ---------------------------------------------------------------------------------------------

_RECORDED: dict[str, Any] = {}


def _jsonable(value: Any) -> Any:
    """A plain JSON value for numpy / pandas scalars, arrays, dates and paths."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        items = sorted(value) if isinstance(value, set) else value
        return [_jsonable(v) for v in items]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _jsonable(value.tolist())
    if hasattr(value, "isoformat"):  # dates, datetimes, pandas Timestamps
        return value.isoformat()
    return str(value)


def record(key: str, value: Any) -> Any:
    """Keep `value` under `key` in the run's record sidecar and return it unchanged.

    The sidecar path comes from ANALYSIS_RECORD_PATH, set by the runner. Outside the runner (e.g. in
    JupyterLab) the value is only kept in memory, in `recorded()`.
    """
    _RECORDED[key] = _jsonable(value)
    path = os.environ.get(RECORD_ENV)
    if path:
        target = Path(path)
        current = json.loads(target.read_text()) if target.exists() else {}
        current[key] = _RECORDED[key]
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(current, indent=2, sort_keys=True))
        os.replace(tmp, target)
    return value


def recorded() -> dict[str, Any]:
    """Everything recorded in this Python session so far."""
    return dict(_RECORDED)


def seed_everything(seed: int) -> None:
    """Seed Python's and numpy's random number generators so a run is repeatable."""
    import random

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str]:
    """Installed versions of the key packages (and Python), read without importing them."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# ---------------------------------------------------------------------------------------------
# Content hashes
# ---------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tree_files(directory: Path) -> list[Path]:
    """Files under `directory`, sorted, leaving out hidden files, caches and compiled Python."""
    files = []
    for path in directory.rglob("*"):
        parts = path.relative_to(directory).parts
        if any(p.startswith(".") or p == "__pycache__" for p in parts) or path.suffix == ".pyc":
            continue
        if path.is_file():
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def tree_checksum(directory: Path) -> str:
    """One SHA-256 for a folder: over each file's relative path and content hash, in path order.

    A missing or empty folder gives the hash of nothing, so "no data" is a state like any other.
    """
    digest = hashlib.sha256()
    directory = Path(directory)
    if directory.is_dir():
        for path in _tree_files(directory):
            digest.update(f"{path.relative_to(directory).as_posix()}\t{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def data_checksum(data_dir: Path = DATA_PROCESSED) -> str:
    """Checksum of the processed dataset (every file under data/processed)."""
    return tree_checksum(data_dir)


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


@dataclass(frozen=True)
class Layout:
    """Where a build writes: executed notebooks, HTML, manifest and index, all under `out_dir`."""

    out_dir: Path

    @property
    def executed(self) -> Path:
        return self.out_dir / "executed"

    @property
    def html(self) -> Path:
        return self.out_dir / "html"

    @property
    def manifest(self) -> Path:
        return self.out_dir / "manifest.json"

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"

    def executed_notebook(self, name: str) -> Path:
        return self.executed / f"{name}.ipynb"

    def failed_notebook(self, name: str) -> Path:
        return self.executed / f"{name}.FAILED.ipynb"

    def record_file(self, name: str) -> Path:
        return self.executed / f"{name}.record.json"

    def html_file(self, name: str) -> Path:
        return self.html / f"{name}.html"


def run_hashes(run: Run, package_hash: str, data_hash: str) -> dict[str, str]:
    """The content hashes that decide whether a run must execute again."""
    return {
        "notebook": file_sha256(run.notebook),
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


# ---------------------------------------------------------------------------------------------
# HTML: an offline, self-contained report
# ---------------------------------------------------------------------------------------------

# Extends JupyterLab's nbconvert template. Blocks that would fetch require.js, MathJax, mermaid or
# the widget manager from a CDN are emptied; everything else (CSS, figures) is inline already.
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block extra_css %}
<style type="text/css">
body:not(.show-code) .jp-CodeCell .jp-Cell-inputWrapper { display: none; }
body:not(.show-code) .jp-CodeCell.jp-mod-noOutputs { display: none; }
.report-header { max-width: 1100px; margin: 1em auto; padding: 0 16px; font-family: var(--jp-ui-font-family, sans-serif); }
.report-header table { border-collapse: collapse; margin: 0.5em 0; }
.report-header th, .report-header td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; font-size: 13px; }
.report-header code { font-size: 12px; }
.report-header .meta { color: #555; font-size: 12px; }
nav.toc { border: 1px solid #ddd; background: #fafafa; padding: 0.5em 1em; margin: 0.5em 0; }
nav.toc ul { margin: 0.2em 0; padding-left: 1.2em; }
nav.toc li.toc-h3 { margin-left: 1.2em; font-size: 95%; }
#toggle-code { margin: 0.5em 0; }
</style>
{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
{{ resources.report_header }}
{%- endblock body_header -%}
"""

_HEADING = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)<a class="anchor-link"', re.S)
_TOC_MARK = "<!--REPORT-TOC-->"


def _table(rows: dict[str, Any]) -> str:
    """A two-column HTML table of names and values."""
    body = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td><code>{html.escape(json.dumps(v, default=str))}</code></td></tr>"
        for k, v in rows.items()
    )
    return f"<table>{body}</table>"


def report_header_html(header: dict[str, Any]) -> str:
    """The block at the top of a report: title, parameters, provenance, code toggle, contents."""
    title = html.escape(header.get("title", ""))
    meta = (
        f"run {html.escape(str(header.get('run_at', '')))} &middot; notebook <code>{html.escape(header.get('notebook', ''))}</code>"
        f" &middot; parameter set <code>{html.escape(header.get('parameter_set', ''))}</code>"
        f" &middot; data checksum <code>{html.escape(header.get('data_checksum', '')[:16])}</code>"
        f" &middot; git <code>{html.escape(header.get('git_commit', ''))}</code>"
    )
    toggle = (
        '<button id="toggle-code" type="button" onclick="document.body.classList.toggle(\'show-code\');'
        "this.textContent = document.body.classList.contains('show-code') ? 'Hide code' : 'Show code';\">"
        "Show code</button>"
    )
    return (
        f'<header class="report-header"><p class="meta"><a href="../index.html">&larr; all reports</a></p>'
        f"<h1>{title}</h1><p class=\"meta\">{meta}</p>"
        f"<h2>Parameters</h2>{_table(header.get('parameters', {}))}{toggle}{_TOC_MARK}</header>"
    )


def table_of_contents(body: str) -> str:
    """A <nav> listing the h1-h3 headings nbconvert rendered (with their anchor ids)."""
    items = []
    for level, anchor, text in _HEADING.findall(body):
        label = re.sub(r"<[^>]+>", "", text).strip()
        items.append(f'<li class="toc-h{level}"><a href="#{anchor}">{label}</a></li>')
    if not items:
        return ""
    return f'<nav class="toc"><strong>Contents</strong><ul>{"".join(items)}</ul></nav>'


def render_html(executed: Path, target: Path, header: dict[str, Any]) -> None:
    """Render an executed notebook to a self-contained HTML report, replacing `target` atomically."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(executed), as_version=4)
    nb.metadata.pop("widgets", None)  # no widget state: the page must not need the widget manager
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"offline_report.html.j2": _TEMPLATE})],
        template_file="offline_report.html.j2",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    title = header.get("title", executed.stem)
    resources = {"metadata": {"name": title}, "report_header": report_header_html(header)}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = body.replace(_TOC_MARK, table_of_contents(body), 1)
    assert_offline(body, source=str(executed))
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, target)


#: A network URL: http(s):// or protocol-relative //.
_NETWORK = r"(?:https?:)?//"
#: Tags that load what their src / href / poster / data attribute names (links <a href> do not load).
_EXTERNAL_TAG = re.compile(
    r"<(?:script|link|img|iframe|frame|source|video|audio|track|embed|object|input)\b[^>]*?(?<![\w-])"
    rf"(?:src|href|poster|data)\s*=\s*[\"']?\s*{_NETWORK}",
    re.I,
)
#: srcset lists several candidates: any of them on the network counts.
_EXTERNAL_SRCSET = re.compile(rf"<(?:img|source)\b[^>]*?(?<![\w-])srcset\s*=\s*(?:\"[^\"]*?|'[^']*?|){_NETWORK}", re.I)
#: CSS, in <style> blocks and style="..." attributes only (not in the page's text or shown code).
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.I | re.S)
_STYLE_ATTRIBUTE = re.compile(r"(?<![\w-])style\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
_CSS_URL = re.compile(rf"(?:url\(\s*[\"']?\s*|@import\s+[\"']\s*){_NETWORK}[^\s\"')]*", re.I)


def external_references(page: str) -> list[str]:
    """What a page would fetch from the network: <script src>, <link href>, <img>, <iframe>,
    <source>, <video> / <audio> (src, srcset, poster) and the like, and CSS url(...) / @import in
    <style> blocks and style attributes. Plain links (<a href>) and URLs in text are not loads."""
    found = [m.group(0) for m in _EXTERNAL_TAG.finditer(page)]
    found += [m.group(0) for m in _EXTERNAL_SRCSET.finditer(page)]
    css = [m.group(1) for m in _STYLE_BLOCK.finditer(page)]
    css += [m.group(1) if m.group(1) is not None else m.group(2) for m in _STYLE_ATTRIBUTE.finditer(page)]
    for block in css:
        found += [m.group(0) for m in _CSS_URL.finditer(block)]
    return found


def assert_offline(page: str, source: str = "page") -> None:
    """Raise ValueError if the page would load anything (script, stylesheet, image, frame, media,
    CSS resource) from the network."""
    found = external_references(page)
    if found:
        raise ValueError(f"{source}: HTML loads external resources: {found[:3]}")


# ---------------------------------------------------------------------------------------------
# Index and manifest
# ---------------------------------------------------------------------------------------------


def _format_records(records: dict[str, Any], limit: int = 8) -> str:
    """Short `key = value` list of a run's recorded values for the index."""
    shown = []
    for key, value in list(records.items())[:limit]:
        text = json.dumps(value, default=str)
        if len(text) > 60:
            continue
        shown.append(f"{html.escape(key)} = {html.escape(text)}")
    return "<br>".join(shown)


def write_index(manifest: dict[str, Any], layout: Layout) -> None:
    """Write index.html: one row per report with its parameters and provenance."""
    rows = []
    for name, entry in manifest["runs"].items():
        status = entry.get("status", "?")
        html_rel = entry.get("html")
        has_html = bool(html_rel) and (layout.out_dir / html_rel).exists()
        link = f'<a href="{html.escape(html_rel)}">{html.escape(name)}</a>' if has_html else html.escape(name)
        if status != "ok":
            error = entry.get("error", {})
            link += f' <span class="failed">FAILED: {html.escape(str(error.get("ename", "")))}</span>'
            if has_html:
                link += ' <span class="meta">(showing the last good report)</span>'
        rows.append(
            "<tr>"
            f"<td>{link}</td>"
            f"<td><code>{html.escape(entry.get('notebook', ''))}</code><br>set <code>{html.escape(entry.get('parameter_set', ''))}</code></td>"
            f"<td>{_table(entry.get('parameters_effective', entry.get('parameters', {})))}</td>"
            f"<td>{html.escape(str(entry.get('run_at', '')))}<br>{entry.get('elapsed_s', '')} s</td>"
            f"<td><code>{html.escape(entry.get('hashes', {}).get('data', '')[:16])}</code></td>"
            f"<td><code>{html.escape(str(entry.get('git_commit', '')))}</code></td>"
            f"<td class=\"records\">{_format_records(entry.get('records', {}))}</td>"
            "</tr>"
        )
    versions = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in manifest["packages"].items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ofsted children's services inspections: reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; }}
table {{ border-collapse: collapse; }}
.runs-wrap {{ overflow-x: auto; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; font-size: 14px; }}
td table th, td table td {{ font-size: 12px; border-color: #e4e4e4; }}
.meta, .records {{ color: #555; font-size: 12px; }}
td.records {{ max-width: 16em; overflow-wrap: anywhere; }}
.failed {{ color: #b00; font-weight: bold; }}
</style></head>
<body>
<h1>Ofsted inspections of local authority children's services: reports</h1>
<p class="meta">Built {html.escape(manifest['built_at'])} &middot; git <code>{html.escape(manifest['git_commit'])}</code>
&middot; processed-data checksum <code>{html.escape(manifest['data_checksum'])}</code></p>
<p class="meta">Packages: {versions}</p>
<div class="runs-wrap"><table>
<thead><tr><th>Report</th><th>Notebook</th><th>Parameters</th><th>Run</th><th>Data checksum</th><th>Git commit</th><th>Key values</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody></table></div>
<p class="meta">Machine-readable: <a href="manifest.json">manifest.json</a>.</p>
</body></html>
"""
    assert_offline(page, source="index.html")
    _write_atomic(layout.index, page)


def _write_atomic(path: Path, text: str) -> None:
    """Write text to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


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
    _write_atomic(layout.manifest, json.dumps(manifest, indent=2, default=str))
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
    """Command line: `python -m analysis.report [--force] [--params FILE] [--out DIR] [--jobs N]`."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report", description=__doc__.split("\n")[0])
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
