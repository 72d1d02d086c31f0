"""HTML for the reports: an executed notebook rendered offline and self-contained (code behind a
"Show code" button, parameters at the top, a table of contents, figures embedded, nothing fetched
from a network), the index page, and the check that a page references nothing outside itself.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from analysis.publish import findings
from analysis.publish.records import Layout

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
nav.toc { border: 1px solid #ddd; background: #fafafa; padding: 0.4em 1em; margin: 0.5em 0; font-size: 14px;
  position: sticky; top: 0; z-index: 5; max-height: 50vh; overflow-y: auto; }
nav.toc summary { cursor: pointer; font-weight: bold; }
nav.toc ul { margin: 0.2em 0; padding-left: 1.2em; }
nav.toc li.toc-h3 { margin-left: 1.2em; font-size: 95%; }
@media (min-width: 1300px) {
  body.jp-Notebook > main { margin-left: 270px; }
  nav.toc { position: fixed; top: 12px; left: 12px; width: 240px; box-sizing: border-box;
    max-height: calc(100vh - 24px); margin: 0; }
}
figure.report-figure { margin: 1em 0 1.5em 0; }
figure.report-figure img { max-width: 100%; height: auto; }
figure.report-figure figcaption { font-size: 13px; color: #333; max-width: 60em; margin-top: 0.3em; line-height: 1.4; }
.jp-RenderedHTMLCommon .table-wrap table { margin: 0.3em 0; }
.jp-RenderedHTMLCommon .table-wrap td, .jp-RenderedHTMLCommon .table-wrap th { max-width: 40em; }
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
    links = " &middot; ".join(
        f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in header.get("links", {}).items()
    )
    return (
        f'<header class="report-header"><p class="meta"><a href="../index.html">&larr; all reports</a></p>'
        f'<h1>{title}</h1><p class="meta">{meta}</p>'
        + (f'<p class="meta">Sources and documentation: {links}</p>' if links else "")
        + f"<h2>Parameters</h2>{_table(header.get('parameters', {}))}{toggle}</header>{_TOC_MARK}"
    )


def table_of_contents(body: str) -> str:
    """A <nav> listing the h1-h3 headings nbconvert rendered (with their anchor ids)."""
    items = []
    for level, anchor, text in _HEADING.findall(body):
        label = re.sub(r"<[^>]+>", "", text).strip()
        items.append(f'<li class="toc-h{level}"><a href="#{anchor}">{label}</a></li>')
    if not items:
        return ""
    # Open beside the report on a wide screen (a fixed sidebar); on a narrower one, a bar kept at the
    # top of the window, closed until the reader opens it.
    script = (
        "<script>(function () { var d = document.getElementById('toc-details');"
        " if (d && window.innerWidth < 1300) { d.open = false; } })();</script>"
    )
    return (
        f'<nav class="toc"><details id="toc-details" open><summary>Contents</summary><ul>{"".join(items)}</ul>'
        f"</details></nav>{script}"
    )


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


def _status_marks(entry: dict[str, Any], has_html: bool) -> str:
    """What follows a run's link on the index and the runs page: SKIPPED or FAILED with the reason."""
    status = entry.get("status", "?")
    if status == "skipped":
        return f' <span class="failed">SKIPPED: {html.escape(str(entry.get("reason", "")))}</span>'
    if status == "ok":
        return ""
    marks = f' <span class="failed">FAILED: {html.escape(str(entry.get("error", {}).get("ename", "")))}</span>'
    return marks + (' <span class="meta">(showing the last good report)</span>' if has_html else "")


def runs_page(manifest: dict[str, Any], out_dir: Path) -> str:
    """runs.html: one row per run with its parameters and provenance (the technical table)."""
    rows = []
    for name, entry in manifest["runs"].items():
        html_rel = entry.get("html")
        has_html = bool(html_rel) and (out_dir / html_rel).exists()
        link = f'<a href="{html.escape(html_rel)}">{html.escape(name)}</a>' if has_html else html.escape(name)
        link += _status_marks(entry, has_html)
        rows.append(
            "<tr>"
            f"<td>{link}</td>"
            f"<td><code>{html.escape(entry.get('notebook', ''))}</code><br>set <code>{html.escape(entry.get('parameter_set', ''))}</code></td>"
            f"<td>{_table(entry.get('parameters_effective', entry.get('parameters', {})))}</td>"
            f"<td>{html.escape(str(entry.get('run_at', '')))}<br>{entry.get('elapsed_s', '')} s</td>"
            f"<td><code>{html.escape(entry.get('hashes', {}).get('data', '')[:16])}</code></td>"
            f"<td><code>{html.escape(str(entry.get('git_commit', '')))}</code></td>"
            f'<td class="records">{_format_records(entry.get("records", {}))}</td>'
            "</tr>"
        )
    versions = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in manifest["packages"].items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Runs and provenance: Ofsted children's services inspection reports</title>
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
<p><a href="index.html">Findings and reports</a></p>
<h1>Runs and provenance</h1>
<p>Every run of every report: its notebook and parameter set, the parameters in effect, when it ran, the data checksum and commit it ran on, and the values it recorded.</p>
<p class="meta">Built {html.escape(manifest["built_at"])} &middot; git <code>{html.escape(manifest["git_commit"])}</code>
&middot; processed-data checksum <code>{html.escape(manifest["data_checksum"])}</code></p>
<p class="meta">Packages: {versions}</p>
<div class="runs-wrap"><table>
<thead><tr><th>Report</th><th>Notebook</th><th>Parameters</th><th>Run</th><th>Data checksum</th><th>Git commit</th><th>Key values</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody></table></div>
<p class="meta">Machine-readable: <a href="manifest.json">manifest.json</a>.</p>
</body></html>
"""
    assert_offline(page, source="runs.html")
    return page


def write_index(manifest: dict[str, Any], layout: Layout) -> None:
    """Write index.html (the findings first, then the reports by question: analysis.publish.findings)
    and beside it runs.html (runs and provenance) and FINDINGS.md, each only where it changed."""
    sections = []
    for answer in findings.answers(manifest):
        items = "".join(f"<li>{html.escape(line)}</li>" for line in answer.lines)
        report = ""
        if answer.report and (layout.out_dir / "html" / f"{answer.report}.html").exists():
            title, _ = findings.notebook_title(manifest["runs"][answer.report].get("notebook", ""))
            report = f'<p class="see">Shown in <a href="html/{html.escape(answer.report)}.html">{html.escape(title)}</a>.</p>'
        sections.append(f"<h3>{html.escape(answer.question)}</h3><ul>{items}</ul>{report}")
    groups: dict[str, list[str]] = {}
    for name, entry in manifest["runs"].items():
        title, line = findings.notebook_title(entry.get("notebook", ""))
        html_rel = entry.get("html")
        has_html = bool(html_rel) and (layout.out_dir / html_rel).exists()
        label = html.escape(title) + (
            f' <span class="meta">(variant {html.escape(entry.get("parameter_set", ""))})</span>'
            if entry.get("parameter_set", "default") != "default"
            else ""
        )
        link = f'<a href="{html.escape(html_rel)}">{label}</a>' if has_html else label
        link += _status_marks(entry, has_html)
        groups.setdefault(findings.question_of(name), []).append(
            f"<li>{link}" + (f'<br><span class="meta">{html.escape(line)}</span>' if line else "") + "</li>"
        )
    questions = [(key, question) for key, question, _ in findings.QUESTIONS] + [("other", "Other reports")]
    listing = "".join(
        f"<h3>{html.escape(question)}</h3><ul>{''.join(groups[key])}</ul>"
        for key, question in questions
        if key in groups
    )
    authorities = (
        '<p><a href="authorities/index.html">Local authorities</a>: every inspection of each authority on one page, '
        "with a filter by name, region and grade.</p>"
        if manifest.get("authority_pages")
        else ""
    )
    pages = manifest.get("documents", {})  # title -> page (analysis.publish.documents)
    dataset = (
        "<p>The dataset: "
        + " &middot; ".join(f'<a href="{html.escape(page)}">{html.escape(title)}</a>' for title, page in pages.items())
        + ".</p>"
        if pages
        else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ofsted children's services inspections: findings and reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 960px; padding: 0 1em; color: #222; line-height: 1.45; }}
h3 {{ margin-bottom: 0.3em; }}
ul {{ margin-top: 0.2em; }}
.meta, .see {{ color: #555; font-size: 13px; }}
.failed {{ color: #b00; font-weight: bold; }}
</style></head>
<body>
<h1>Ofsted inspections of local authority children's services: findings and reports</h1>
<p>Ofsted's Single Inspection Framework (SIF, 2013-2018) judged many more councils inadequate than the
inspections before it; Ofsted said it had raised the bar, critics that it had moved the goalposts. These
reports test such claims on every judgement of every inspection, each value traceable to its report page.
The answers below are read from the reports' own records.</p>
<h2>What the reports found</h2>
{"".join(sections)}
<h2>The reports</h2>
{listing}
{authorities}
{dataset}
<p class="meta"><a href="runs.html">Runs and provenance</a>: parameters, checksums, commits and timings of every run.
Machine-readable: <a href="manifest.json">manifest.json</a>.</p>
</body></html>
"""
    assert_offline(page, source="index.html")
    write_atomic(layout.index, page)
    write_if_changed(layout.out_dir / "runs.html", runs_page(manifest, layout.out_dir))
    write_if_changed(layout.out_dir / "FINDINGS.md", findings.findings_markdown(manifest))


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and one rename (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` to `path` (atomically) unless the file already holds exactly that; True if written."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True
