"""The dataset's documents as pages of the site: the validation report (reports/validation.md, written by
`make data`) and the data dictionary (data/processed/README.md), rendered from their Markdown to
self-contained HTML beside the index (reports/validation.html, reports/data-dictionary.html), so that
a reader of the reports opens them in the browser. Markdown by mistune (nbconvert's own renderer),
raw HTML in the Markdown escaped; relative links are rewritten to work from the page's folder (a link
to the other document goes to its page); every heading gets an anchor and the page a contents list.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

import mistune

from analysis import paths
from analysis.publish.html import assert_offline, write_if_changed


@dataclass(frozen=True)
class Document:
    """One Markdown document published as a page."""

    page: str  # file name of the page in the reports folder
    title: str  # the page's title
    label: str  # how a report's header links to it


VALIDATION = Document("validation.html", "Validation report", "validation report")
DATA_DICTIONARY = Document("data-dictionary.html", "Data dictionary", "data dictionary")


def sources(data_dir: Path = paths.DATA_PROCESSED) -> dict[Document, Path]:
    """Each document and the Markdown file it is rendered from."""
    return {VALIDATION: paths.REPORTS / "validation.md", DATA_DICTIONARY: Path(data_dir) / "README.md"}


_MARKDOWN = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
_HEADING = re.compile(r"<h([1-3])>(.*?)</h\1>", re.S)
_HREF = re.compile(r'href="([^"#:]+)(#[^"]*)?"')


def _slug(text: str, seen: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", re.sub(r"<[^>]+>", "", html.unescape(text)).lower()).strip("-") or "section"
    slug, k = base, 2
    while slug in seen:
        slug, k = f"{base}-{k}", k + 1
    seen.add(slug)
    return slug


def render(source: Path, document: Document, out_dir: Path, pages: dict[Path, str]) -> str:
    """The HTML page of one Markdown file (`pages`: Markdown file -> page name, for links between them)."""
    # Load inputs.
    text = source.read_text(encoding="utf-8")
    # Process data.
    body = _MARKDOWN(text)
    seen: set[str] = set()
    contents = []

    def anchor(match: re.Match[str]) -> str:
        level, inner = match.group(1), match.group(2)
        slug = _slug(inner, seen)
        if level != "1":
            contents.append(f'<li class="toc-h{level}"><a href="#{slug}">{inner}</a></li>')
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    body = _HEADING.sub(anchor, body)

    def relink(match: re.Match[str]) -> str:
        target = (source.parent / html.unescape(match.group(1))).resolve()
        fragment = match.group(2) or ""
        if target in pages:
            return f'href="{pages[target]}{fragment}"'
        return f'href="{html.escape(Path(os.path.relpath(target, out_dir)).as_posix())}{fragment}"'

    body = _HREF.sub(relink, body)
    nav = f'<nav class="toc"><strong>Contents</strong><ul>{"".join(contents)}</ul></nav>' if contents else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(document.title)}: Ofsted children's services inspections</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; padding: 0 1em; color: #222; line-height: 1.45; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; font-size: 14px; }}
thead th {{ position: sticky; top: 0; background: #f4f4f4; }}
code {{ font-size: 90%; background: #f6f6f6; padding: 0 2px; }}
nav.toc {{ border: 1px solid #ddd; background: #fafafa; padding: 0.4em 1em; font-size: 14px; }}
nav.toc ul {{ margin: 0.2em 0; padding-left: 1.2em; }}
nav.toc li.toc-h3 {{ margin-left: 1.2em; }}
@media (min-width: 1400px) {{
  nav.toc {{ position: fixed; top: 1em; left: 1em; width: 16em; max-height: calc(100vh - 2em); overflow-y: auto; }}
}}
.meta {{ color: #555; font-size: 13px; }}
</style></head>
<body>
<p class="meta"><a href="index.html">Findings and reports</a> &middot; rendered from <code>{html.escape(source.name)}</code></p>
{nav}
{body}
</body></html>
"""
    assert_offline(page, source=document.page)
    return page


def write_documents(out_dir: Path, data_dir: Path = paths.DATA_PROCESSED) -> list[str]:
    """Render every document whose Markdown exists into out_dir, each only if it changed; the pages written."""
    found = {document: path for document, path in sources(data_dir).items() if path.is_file()}
    pages = {path.resolve(): document.page for document, path in found.items()}
    written = []
    for document, path in found.items():
        if write_if_changed(Path(out_dir) / document.page, render(path, document, Path(out_dir).resolve(), pages)):
            written.append(document.page)
    for document in sources(data_dir):  # a document no longer there leaves no stale page
        if document not in found:
            (Path(out_dir) / document.page).unlink(missing_ok=True)
    return written


#: The raw sources' record (names, publishers, licences, checksums), linked from every report.
RAW_SOURCES = paths.ROOT / "data" / "raw" / "sources.yaml"


def links(notebook: str, target: Path, out_dir: Path) -> dict[str, str]:
    """label -> link relative to the report page `target`: the notebook's source, the document pages
    that exist in out_dir, and the raw sources' record."""
    found = {}
    source = (paths.ROOT / notebook).with_suffix(".py") if notebook else None
    if source is not None and source.is_file():
        found["notebook source"] = Path(os.path.relpath(source, target.parent)).as_posix()
    for document in (DATA_DICTIONARY, VALIDATION):
        page = Path(out_dir) / document.page
        if page.is_file():
            found[document.label] = Path(os.path.relpath(page, target.parent)).as_posix()
    if RAW_SOURCES.is_file():
        found["raw sources and checksums"] = Path(os.path.relpath(RAW_SOURCES, target.parent)).as_posix()
    return found
