"""How the reports show figures and tables, so that every report reads the same way.

Figures: `figure(fig, caption, n=..., source=..., alt=...)` shows a chart as a numbered figure: the
image with its alt text (what the chart shows, for a reader who cannot see it), and a caption
"Figure k. <caption> n = <n>. Source: <source>." Figures are numbered in the order a notebook shows
them (the counter starts again at setup()). A figure without a caption, n, source or alt text is an
error, not a figure without them.

Tables: setup() makes `table()` the HTML form of every DataFrame and Series a notebook displays, so
`display(frame)` gives, everywhere:
- one number format per column: a column whose values are all whole numbers prints them as whole
  numbers with thousands separators (a count held as a float because of a missing value prints
  "8", not "8.000"); any other numeric column prints every value with the same number of decimals,
  the fewest (at most DECIMALS) that show each of its values as stored ("1.000" beside "0.967",
  never "1.0" beside "0.967"), more decimals (up to 6) only where a value would otherwise print as
  0; a float column of whole numbers beside columns with decimals takes theirs ("48.0" beside
  "32.8") unless it has a gap (then it is a count); a column named p (P_COLUMNS) prints p-values as
  "0.015" or "<0.001"; a date prints as YYYY-MM-DD; a missing value prints as MISSING;
- text (and the row labels) left-aligned, numbers right-aligned; text never cut short;
- the column headers kept in view while a long table scrolls (a table of more than SCROLL_ROWS rows
  scrolls in a box of its own).
The table HTML is deterministic: the table ids come from a counter, not a random uuid. A table of more
than MAX_CELLS cells (none in the reports) is left to pandas, which shows its first and last rows and
says how many there are.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython import get_ipython
from IPython.display import HTML, display

DECIMALS = 3  # the most decimals a table column prints, unless a value would show as 0 (then up to 6)
P_COLUMNS = ("p", "p value", "p-value", "p_value", "pvalue")  # columns printed as p-values ("<0.001")
MISSING = "-"  # how a table prints a missing value (as analysis.publish.formats does)
SCROLL_ROWS = 25  # tables with more rows scroll in their own box, their headers kept in view
FIGURE_DPI = 110  # resolution of the embedded PNGs
MAX_CELLS = 100_000  # larger tables keep pandas' own (shortened, and saying so) HTML
SMALL_N = 10  # a bar, share or cell resting on fewer units than this is marked as small n

_counter = {"figure": 0, "table": 0}


def setup() -> None:
    """Call once in a notebook's setup cell: table formats, the seaborn theme, figure numbers from 1."""
    _counter.update(figure=0, table=0)
    sns.set_theme(style="whitegrid", context="notebook")
    pd.set_option("display.max_colwidth", None, "display.max_rows", 500, "display.max_columns", 60)
    shell = get_ipython()  # None outside a kernel (plain Python): tables then keep pandas' own HTML
    if shell is not None:
        formatter = shell.display_formatter.formatters["text/html"]
        formatter.for_type(pd.DataFrame, table)
        formatter.for_type(pd.Series, table)


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def figure_html(fig: Any, caption: str, *, n: int | str, source: str, alt: str) -> str:
    """The HTML of the next numbered figure (and the figure closed): see the module docstring.

    `fig` is a matplotlib Figure or anything with a .figure (a seaborn FacetGrid); `n` the number of
    units the figure rests on, as a count (printed with thousands separators) or a phrase
    ("1,204 judgements of 431 inspections")."""
    for name, value in (("caption", caption), ("source", source), ("alt", alt)):
        if not str(value).strip():
            raise ValueError(f"figure: {name} is empty (every figure needs a caption, n, a source and alt text)")
    if n is None or (isinstance(n, str) and not n.strip()):
        raise ValueError("figure: n is missing (every figure states the number of units it rests on)")
    fig = getattr(fig, "figure", fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    _counter["figure"] += 1
    number = _counter["figure"]
    count = f"{n:,}" if isinstance(n, int) else str(n)
    text = caption.strip().rstrip(".")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure class="report-figure" id="figure-{number}">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt.strip(), quote=True)}">'
        f"<figcaption><strong>Figure {number}.</strong> {html.escape(text)}. n = {html.escape(count)}."
        f" Source: {html.escape(source.strip().rstrip('.'))}.</figcaption></figure>"
    )


def figure(fig: Any, caption: str, *, n: int | str, source: str, alt: str) -> None:
    """Show `fig` as the next numbered figure with its caption, n, source and alt text."""
    display(HTML(figure_html(fig, caption, n=n, source=source, alt=alt)))


def annotate_n(ax: Any, counts: Mapping[Any, int], *, small: int = SMALL_N, horizontal: bool = False) -> list[Any]:
    """Write each bar's n beside the plot: above the bar at x (or, `horizontal`, right of the bar at y),
    in the axes' margin, a small n (fewer than `small`) in bold with an asterisk ("5*"). `counts` maps
    the bar's position on its axis (data coordinates) to its n. The texts made, left to right."""
    transform = ax.get_yaxis_transform() if horizontal else ax.get_xaxis_transform()
    texts = []
    for position, n in counts.items():
        label = f"{int(n):,}" + ("*" if n < small else "")
        weight = "bold" if n < small else "normal"
        if horizontal:
            texts.append(
                ax.text(
                    1.01, position, label, transform=transform, va="center", ha="left", fontsize=8, fontweight=weight
                )
            )
        else:
            texts.append(
                ax.text(
                    position, 1.01, label, transform=transform, ha="center", va="bottom", fontsize=8, fontweight=weight
                )
            )
    return texts


def small_n_note(counts: Mapping[Any, int], unit: str, *, small: int = SMALL_N) -> str:
    """A caption sentence naming the bars with small n: "Fewer than 10 inspections (marked *): 2013 (5), 2018 (7)."
    (empty when there are none)."""
    few = [f"{key} ({int(n)})" for key, n in counts.items() if n < small]
    return f"Fewer than {small} {unit} (marked *): {', '.join(few)}." if few else ""


def part_year(dates: pd.Series) -> int | None:
    """The last calendar year of `dates` if it is a part year: the data stop before its December (the
    collection ended during that year: the reports run to March 2025), else None."""
    last = pd.to_datetime(dates).max()
    if pd.isna(last):
        return None
    return int(last.year) if last.month < 12 else None


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def _decimals(values: pd.Series) -> int | None:
    """None for a column of whole numbers; else the fewest decimals (<= DECIMALS) that show it as stored."""
    finite = [float(v) for v in values.dropna() if math.isfinite(float(v))]
    if all(v == round(v) for v in finite):
        return None
    for digits in range(1, DECIMALS + 1):
        if all(abs(v - round(v, digits)) < 1e-9 for v in finite):
            return digits
    smallest = min((abs(v) for v in finite if v != 0), default=1.0)
    for digits in range(DECIMALS, 7):  # a small value keeps one significant digit, up to 6 decimals
        if round(smallest, digits) != 0:
            return digits
    return 6


def _number_format(digits: int | None):
    def show(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return MISSING
        if isinstance(value, bool):
            return str(value)
        if digits is None:
            return f"{value:,.0f}" if math.isfinite(float(value)) else str(value)
        return f"{value:,.{digits}f}"

    return show


def _p_format(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _is_p(label: Any) -> bool:
    last = label[-1] if isinstance(label, tuple) else label
    return str(last).strip().lower() in P_COLUMNS


def _formats(frame: pd.DataFrame, numeric: list[bool]) -> list:
    """Each column's formatter (see the module docstring).

    A float column of whole numbers with a gap is a count (pandas holds counts as floats only when a
    value is missing): whole numbers. One without a gap, beside float columns that need decimals, is a
    measure that happens to be whole (a share of 48.0%): it takes the fewest decimals those columns use."""
    decimals = [
        _decimals(frame.iloc[:, i]) if numeric[i] and not _is_p(frame.columns[i]) else None
        for i in range(frame.shape[1])
    ]
    floats = [numeric[i] and pd.api.types.is_float_dtype(frame.iloc[:, i]) for i in range(frame.shape[1])]
    others = [d for d, is_float in zip(decimals, floats) if is_float and d is not None]
    out = []
    for i in range(frame.shape[1]):
        if not numeric[i]:
            out.append(_text_format)
        elif _is_p(frame.columns[i]):
            out.append(_p_format)
        else:
            digits = decimals[i]
            if digits is None and floats[i] and others and not frame.iloc[:, i].isna().any():
                digits = min(others)
            out.append(_number_format(digits))
    return out


def _text_format(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
    return str(value)


def table(data: pd.DataFrame | pd.Series) -> str:
    """The HTML of a table in the reports' format (see the module docstring)."""
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    if frame.size > MAX_CELLS:
        return frame._repr_html_()
    _counter["table"] += 1
    uuid = f"r{_counter['table']}"
    numeric = [
        pd.api.types.is_numeric_dtype(frame.iloc[:, i]) and not pd.api.types.is_bool_dtype(frame.iloc[:, i])
        for i in range(frame.shape[1])
    ]
    formats = _formats(frame, numeric)
    if frame.columns.is_unique and frame.index.is_unique:
        styler = frame.style
        styler.set_uuid(uuid)
        styler.cell_ids = False
        for i, column in enumerate(frame.columns):
            formatter = formats[i]
            styler.format(formatter, subset=pd.IndexSlice[:, [column]], escape="html")
        styler.format_index(_text_format, axis=0, escape="html")
        styler.format_index(_text_format, axis=1, escape="html")
        styles = [
            {"selector": "td", "props": "text-align: left; vertical-align: top;"},
            {"selector": "th.row_heading", "props": "text-align: left; vertical-align: top;"},
            {"selector": "th.col_heading", "props": "text-align: left; vertical-align: bottom;"},
            {"selector": "th.index_name", "props": "text-align: left;"},
            {"selector": "thead", "props": "position: sticky; top: 0; z-index: 1;"},
            {"selector": "thead th", "props": "background: #fff;"},
        ]
        styles += [
            {"selector": f"td.col{i}, th.col_heading.col{i}", "props": "text-align: right; white-space: nowrap;"}
            for i, is_number in enumerate(numeric)
            if is_number
        ]
        styler.set_table_styles(styles)
        styler.set_table_attributes('class="report-table"')
        body = styler.to_html()
    else:  # Styler needs unique labels: the same formats applied to a copy as text, the same CSS by position
        shown = pd.DataFrame(
            {i: [formats[i](v) for v in frame.iloc[:, i]] for i in range(frame.shape[1])},
            index=frame.index,
        )
        shown.columns = frame.columns
        body = shown.to_html(
            border=0, classes="report-table", escape=True, na_rep=MISSING, sparsify=False, table_id=f"T_{uuid}"
        )
        body = body.replace('<tr style="text-align: right;">', "<tr>")
        levels = frame.index.nlevels
        rules = [
            ("td", "text-align: left; vertical-align: top;"),
            ("th", "text-align: left; vertical-align: top;"),
            ("thead", "position: sticky; top: 0; z-index: 1;"),
            ("thead th", "background: #fff;"),
        ] + [
            (f"tbody td:nth-child({levels + i + 1})", "text-align: right; white-space: nowrap;")
            for i, is_number in enumerate(numeric)
            if is_number
        ]
        css = " ".join(f"#T_{uuid} {selector} {{ {props} }}" for selector, props in rules)
        body = f'<style type="text/css">{css}</style>{body}'
    scroll = ' style="max-height: 70vh; overflow: auto;"' if len(frame) > SCROLL_ROWS else ""
    return f'<div class="table-wrap"{scroll}>{body}</div>'
