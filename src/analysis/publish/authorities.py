"""One page per local authority, and an index of them with a filter: `reports/authorities/`.

From data/processed only (inspections, judgements, local_authorities, la_context,
statistical_neighbours): every inspection of the authority across the frameworks (SLAC, the 2012-13
child protection inspection, SIF, ILACS) on one timeline by judgement area, each grade as text on a
colour, with the report page and the source snippet; the grades in force (below); context over time
(looked-after rate, social worker turnover) and the IMD 2019 decile (analysis.models.frame.imd_deciles,
the deprivation models' deciles); the statistical neighbours' latest headline grades; links to
predecessors and successors.
Each inspection links to Ofsted's public page of the authority's reports and, when the raw files are
in data/raw, to the local PDF at the page the grade was read from.

Assumed: the grades "in force" are those of the latest inspection with a headline grade (overall
effectiveness; before 2013, safeguarding), ordered by start date, else publication date: a grade of
an area that later frameworks no longer judge (the LSCB, SLAC safeguarding) is not in force. A
secondary (press-sourced) grade is shown and marked. The grade colours are
the reports' own (analysis.publish.figures.GRADE_COLOURS, ColorBrewer RdBu, checked under simulated
colour blindness), and every grade is written out as well. Pages carry no build time, so an unchanged dataset rewrites
nothing. Nothing is fetched from a network: styles and the filter script are inline.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.las import ofsted_page
from analysis.models.frame import imd_deciles
from analysis.overview import inspection_date
from analysis.publish.figures import GRADE_COLOURS
from analysis.publish.html import write_if_changed
from analysis.vocab import AREA_LABELS

SHORT_AREA = {
    "overall": "Overall",
    "safeguarding": "Safeguarding",
    "help_protection": "Help and protection",
    "looked_after": "Children in care",
    "adoption": "Adoption",
    "care_leavers": "Care leavers",
    "leadership": "Leadership",
    "lscb": "LSCB",
    "capacity": "Capacity to improve",
}
GRADE_CLASS = {
    "Outstanding": "g1",
    "Good": "g2",
    "Adequate": "g3",
    "Requires improvement to be good": "g3",
    "Inadequate": "g4",
}
SHORT_GRADE = {"Requires improvement to be good": "Requires improvement"}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.2em; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top; font-size: 14px; }
thead th { position: sticky; top: 0; background: #f4f4f4; }
td.num { text-align: right; }
.meta, .snippet { color: #555; font-size: 12px; }
td.source { min-width: 18em; }
.wide { overflow-x: auto; }
.secondary { font-style: italic; }
label { margin-right: 1em; }
""" + (
    f".g1 {{ background: {GRADE_COLOURS['Outstanding']}; color: #fff; }} .g2 {{ background: {GRADE_COLOURS['Good']}; }}\n"
    f".g3 {{ background: {GRADE_COLOURS['Requires improvement to be good']}; }}\n"
    f".g4 {{ background: {GRADE_COLOURS['Inadequate']}; color: #fff; }} .g0 {{ background: {GRADE_COLOURS['Not judged']}; }}\n"
)


def _e(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _grade_cell(grade, secondary: bool = False) -> str:
    if grade is None or (isinstance(grade, float) and pd.isna(grade)) or grade == "":
        return "<td></td>"
    css = GRADE_CLASS.get(grade, "g0") + (" secondary" if secondary else "")
    mark = " (press)" if secondary else ""
    return f'<td class="{css}">{_e(SHORT_GRADE.get(grade, grade))}{mark}</td>'


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def load(data_dir: Path) -> dict[str, pd.DataFrame]:
    """The processed tables the pages need, as text (empty cells empty)."""
    names = ("inspections", "judgements", "local_authorities", "la_context", "statistical_neighbours")
    return {n: pd.read_csv(Path(data_dir) / f"{n}.csv", dtype=str, keep_default_na=False) for n in names}


def pages(
    data_dir: Path = paths.DATA_PROCESSED, raw_dir: Path | None = paths.DATA_RAW, folder: Path | None = None
) -> dict[str, str]:
    """File name -> HTML, for the index and every authority; `folder`: where they will be written
    (the local PDF links are relative to it; default reports/authorities)."""
    folder = paths.REPORTS / "authorities" if folder is None else folder
    t = load(data_dir)
    inspections, judgements, las = t["inspections"], t["judgements"], t["local_authorities"]
    inspections = inspections.assign(when=inspection_date(inspections)).sort_values(
        ["la_code", "when", "inspection_id"]
    )
    names = dict(zip(las["la_code"], las["la_name"]))
    grades = {(r.inspection_id, r.area): r for r in judgements.itertuples(index=False)}
    overall_latest: dict[str, tuple[str, str]] = {}  # la_code -> (grade, date) of the latest overall grade
    for inspection in inspections.itertuples(index=False):
        found = _headline(grades, inspection.inspection_id)
        if found is not None and found.grade != "Not judged":
            overall_latest[inspection.la_code] = (
                found.grade,
                str(inspection.when.date()) if pd.notna(inspection.when) else "",
            )
    context = t["la_context"]
    deciles = imd_deciles(context.assign(value=pd.to_numeric(context["value"], errors="coerce")))
    t["imd_decile"] = deciles
    out = {}
    for la in las.itertuples(index=False):
        rows = inspections[inspections["la_code"] == la.la_code]
        out[f"{la.la_code}.html"] = _authority(la, rows, grades, t, names, overall_latest, raw_dir, folder)
    out["index.html"] = _index(las, overall_latest)
    return out


def _headline(grades: dict, inspection_id: str):
    """The inspection's headline judgement: overall effectiveness, else (before 2013) safeguarding; None if neither."""
    return grades.get((inspection_id, "overall")) or grades.get((inspection_id, "safeguarding"))


def _links(codes: str, names: dict[str, str]) -> str:
    return ", ".join(f'<a href="{_e(c)}.html">{_e(names.get(c, c))}</a>' for c in codes.split(";") if c) or "none"


def _authority(
    la,
    rows: pd.DataFrame,
    grades: dict,
    t: dict,
    names: dict[str, str],
    latest: dict,
    raw_dir: Path | None,
    folder: Path,
) -> str:
    areas = [a for a in AREA_LABELS if any((i, a) in grades for i in rows["inspection_id"])]
    header = "".join(f"<th>{_e(SHORT_AREA[a])}</th>" for a in areas)
    body = []
    in_force: dict[str, tuple[str, str, str, bool]] = {}
    for r in rows.itertuples(index=False):
        date = str(r.when.date()) if pd.notna(r.when) else "date unknown"
        if r.date_precision in ("month", "year"):
            date += f" ({r.date_precision} only)"
        secondary = r.source_quality == "secondary"
        cells = []
        for area in areas:
            judgement = grades.get((r.inspection_id, area))
            cells.append(_grade_cell(judgement.grade if judgement else None, secondary))
        overall = _headline(grades, r.inspection_id)
        if overall is not None and overall.grade != "Not judged":  # the latest headline inspection so far
            in_force = {
                area: (grades[(r.inspection_id, area)].grade, date, r.inspection_type, secondary)
                for area in areas
                if (r.inspection_id, area) in grades and grades[(r.inspection_id, area)].grade != "Not judged"
            }
        source = _source_link(r, raw_dir, folder)
        snippet = f'<div class="snippet">{_e(overall.snippet)}</div>' if overall is not None and overall.snippet else ""
        body.append(
            f"<tr><td>{_e(date)}</td><td>{_e(r.framework)}</td><td>{_e(r.inspection_type)}</td>{''.join(cells)}"
            f'<td class="source">{source}{snippet}</td></tr>'
        )
    page = ofsted_page(la.ofsted_urn)
    ofsted = f'<a href="{_e(page)}">Ofsted\'s page of its inspection reports</a>' if page else "no Ofsted URN confirmed"
    force = "".join(
        f"<tr><th>{_e(SHORT_AREA[a])}</th>{_grade_cell(g, sec)}<td>{_e(d)}</td><td>{_e(kind)}</td></tr>"
        for a, (g, d, kind, sec) in in_force.items()
    )
    context = t["la_context"][t["la_context"]["la_code"] == la.la_code]
    imd = context[context["measure"] == "imd_avg_rank"]["value"]
    decile = t["imd_decile"].get(la.la_code)
    imd_text = (
        f"IMD 2019: decile {decile} of 10 among the {len(t['imd_decile'])} authorities with IMD data (10 = most deprived; "
        f"the deciles of the deprivation models), average LSOA rank {float(imd.iloc[0]):.0f} (1 = most deprived)"
        if len(imd) and decile is not None
        else "IMD 2019: not available"
    )
    wide = context[context["measure"].isin(["looked_after_rate", "sw_turnover_rate_fte"])].pivot_table(
        index="year", columns="measure", values="value", aggfunc="first"
    )
    years = "".join(
        f"<tr><td>{_e(y)}</td>"
        + "".join(f'<td class="num">{_e(row.get(m, ""))}</td>' for m in ("looked_after_rate", "sw_turnover_rate_fte"))
        + "</tr>"
        for y, row in wide.iterrows()
    )
    sn = t["statistical_neighbours"]
    neighbours = sn[sn["la_code"] == la.la_code].sort_values("rank", key=lambda c: c.astype(int))
    near = "".join(
        f'<tr><td class="num">{_e(n.rank)}</td><td><a href="{_e(n.neighbour_code)}.html">{_e(names.get(n.neighbour_code, n.neighbour_code))}</a></td>'
        f"{_grade_cell(latest.get(n.neighbour_code, ('', ''))[0])}<td>{_e(latest.get(n.neighbour_code, ('', ''))[1])}</td></tr>"
        for n in neighbours.itertuples(index=False)
    )
    status = (
        la.status
        + (f", until {la.valid_to}" if la.valid_to else "")
        + (f", from {la.valid_from}" if la.valid_from else "")
    )
    parts = [
        '<p><a href="index.html">All authorities</a> &middot; <a href="../index.html">Reports</a></p>',
        f"<h1>{_e(la.la_name)}</h1>",
        f'<p class="meta">{_e(la.la_code)} &middot; {_e(la.region)} &middot; {_e(la.la_type)} &middot; {_e(status)} &middot; {ofsted}</p>',
        f"<p>Predecessors: {_links(la.predecessor_codes, names)}. Successors: {_links(la.successor_codes, names)}.</p>",
        "<h2>Grades in force</h2>",
        '<p class="meta">The grades of the latest inspection with a headline grade (overall effectiveness; before 2013, '
        "safeguarding): the judgement in force, as Ofsted's page shows it.</p>",
        f"<table><thead><tr><th>Area</th><th>Grade</th><th>Inspected</th><th>Inspection</th></tr></thead><tbody>{force}</tbody></table>"
        if force
        else "<p>No graded inspection in the dataset.</p>",
        f"<h2>Every inspection ({len(rows)})</h2>",
        f'<div class="wide"><table><thead><tr><th>Inspected</th><th>Framework</th><th>Type</th>{header}<th>Source</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>'
        if body
        else "<p>None in the dataset.</p>",
        "<h2>Context</h2>",
        f"<p>{_e(imd_text)}.</p>",
        "<table><thead><tr><th>Year (to 31 March)</th><th>Looked-after children per 10,000</th><th>Social worker turnover, % (FTE)</th></tr></thead>"
        f"<tbody>{years}</tbody></table>"
        if years
        else "<p>No DfE context statistics for this authority.</p>",
        "<h2>Statistical neighbours (DfE, 2021)</h2>",
        f"<table><thead><tr><th>Rank</th><th>Authority</th><th>Latest headline grade</th><th>Inspected</th></tr></thead><tbody>{near}</tbody></table>"
        if near
        else "<p>None listed.</p>",
        '<p class="meta">Source: data/processed (inspections.csv, judgements.csv, la_context.csv, statistical_neighbours.csv). '
        "A grade marked (press) comes from press or council pages, not a report. Colours: ColorBrewer RdBu, ordinal and safe for colour-blind readers; every grade is also written out.</p>",
    ]
    return _page(f"{la.la_name}: children's services inspections", "\n".join(parts))


def _source_link(r, raw_dir: Path | None, folder: Path) -> str:
    """The report page the headline grade was read from: the local PDF when present, else the source text."""
    source = str(r.source)
    if source.startswith("ofsted/reports/") and raw_dir is not None:
        file, _, page = source.partition("#page=")
        local = raw_dir / file
        if local.is_file():
            target = Path(os.path.relpath(local.resolve(), folder.resolve())).as_posix()
            return f'<a href="{_e(target)}#page={_e(page)}">report, page {_e(page)}</a>'
    if source.startswith("ofsted/reports/"):
        return f"report {_e(Path(source.partition('#')[0]).name)}, page {_e(source.partition('#page=')[2])}"
    return _e(source if len(source) < 90 else source[:87] + "...")


def _index(las: pd.DataFrame, latest: dict) -> str:
    regions = sorted(set(las["region"]))
    grade_names = ["Outstanding", "Good", "Requires improvement to be good", "Adequate", "Inadequate", "none"]
    rows = []
    for la in las.sort_values("la_name").itertuples(index=False):
        grade, date = latest.get(la.la_code, ("", ""))
        rows.append(
            f'<tr data-name="{_e(la.la_name.lower())}" data-region="{_e(la.region)}" data-grade="{_e(grade or "none")}">'
            f'<td><a href="{_e(la.la_code)}.html">{_e(la.la_name)}</a></td><td>{_e(la.region)}</td><td>{_e(la.status)}</td>'
            f"{_grade_cell(grade)}<td>{_e(date)}</td></tr>"
        )
    options = lambda values: "".join(f'<option value="{_e(v)}">{_e(SHORT_GRADE.get(v, v))}</option>' for v in values)  # noqa: E731
    body = f"""<p><a href="../index.html">Reports</a></p>
<h1>Local authorities: every inspection on one page each</h1>
<p>{len(las)} authorities with children's services responsibilities since 2009 (abolished ones included). The
latest headline grade is the overall effectiveness grade (for the pre-2013 inspections, safeguarding).</p>
<p><label>Name <input id="filter" type="search" placeholder="type part of a name"></label>
<label>Region <select id="region"><option value="">all</option>{options(regions)}</select></label>
<label>Latest grade <select id="grade"><option value="">all</option>{options(grade_names)}</select></label>
<span id="count" class="meta"></span></p>
<table><thead><tr><th>Authority</th><th>Region</th><th>Status</th><th>Latest headline grade</th><th>Inspected</th></tr></thead>
<tbody id="authorities">{"".join(rows)}</tbody></table>
<script>
(function () {{
  var rows = Array.prototype.slice.call(document.querySelectorAll("#authorities tr"));
  var name = document.getElementById("filter"), region = document.getElementById("region"), grade = document.getElementById("grade");
  function update() {{
    var text = name.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row) {{
      var keep = row.dataset.name.indexOf(text) !== -1 && (!region.value || row.dataset.region === region.value)
        && (!grade.value || row.dataset.grade === grade.value);
      row.hidden = !keep;
      if (keep) shown += 1;
    }});
    document.getElementById("count").textContent = shown + " of " + rows.length + " shown";
  }}
  [name, region, grade].forEach(function (el) {{ el.addEventListener("input", update); el.addEventListener("change", update); }});
  update();
}})();
</script>"""
    return _page("Local authorities: children's services inspections", body)


def write_pages(out_dir: Path, data_dir: Path = paths.DATA_PROCESSED, raw_dir: Path | None = paths.DATA_RAW) -> int:
    """Write the pages under out_dir/authorities, each only if its content changed; the number written.

    Nothing is written when data_dir has no processed tables (a build of fixture notebooks)."""
    if not (Path(data_dir) / "local_authorities.csv").is_file():
        return 0
    folder = out_dir / "authorities"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    found = pages(data_dir, raw_dir, folder)
    for name, text in found.items():
        written += write_if_changed(folder / name, text)
    for stale in folder.glob("*.html"):
        if stale.name not in found:
            stale.unlink()
    return written
