"""The answers, first: what the reports found, from their records, for the landing page and FINDINGS.md.

Everything here is read from the manifest's run records (what each notebook recorded with
`record(...)` and `claims.record_hypothesis`): nothing is computed or typed by hand. A question whose
run has not run (or failed) says so instead of an answer. Each answer links to the report that shows
it. The reports are grouped by the question they answer, listed by the title of their notebook (its
first heading) and a line taken from the notebook's opening paragraph, never by file name.

FINDINGS.md carries no build time or commit, so the same data and notebooks give the same file; it is
committed at reports/FINDINGS.md and a test checks it equals a fresh build's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.paths import ROOT
from analysis.vocab import in_time_order

#: The questions, in the order a reader meets them: (key, question, notebooks that answer it).
QUESTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("dataset", "What does the dataset hold?", ("00_data_overview",)),
    ("claims", "Do the figures the articles cite reproduce?", ("01_cited_figures",)),
    (
        "goalposts",
        'Did the SIF "raise the bar" or "move the goalposts"?',
        ("19_goalposts_verdict", "10_transitions", "11_cohorts", "12_learning_effect", "13_deprivation_region"),
    ),
    ("language", "Did ILACS reports change how inspectors write?", ("20_report_language",)),
)


@dataclass(frozen=True)
class Answer:
    """One question's computed answer."""

    key: str
    question: str
    lines: tuple[str, ...]  # plain sentences (Markdown-safe, no HTML)
    report: str | None  # run name of the report that shows it (its default set), None if it has not run


def _records(manifest: dict[str, Any], run: str) -> dict[str, Any] | None:
    entry = manifest.get("runs", {}).get(run)
    if not entry or entry.get("status") != "ok":
        return None
    return entry.get("records", {})


def _hypotheses(records: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (key.removeprefix("hypothesis."), value.get("verdict", "?"))
        for key, value in records.items()
        if key.startswith("hypothesis.")
    )


def answers(manifest: dict[str, Any]) -> list[Answer]:
    """Each question's answer from the runs' records (see the module docstring)."""
    out = []
    for key, question, notebooks in QUESTIONS:
        run = notebooks[0]
        records = _records(manifest, run)
        if records is None:
            out.append(Answer(key, question, (f"Not answered in this build: {run} has not run successfully.",), None))
            continue
        if key == "dataset":
            rate = records.get("parser_agreement_overall")
            lines = (
                f"{records.get('n_inspections')} inspections of {records.get('n_authorities')} local authorities "
                f"with {records.get('n_judgements')} graded judgements, under the frameworks "
                + ", ".join(in_time_order(records.get("frameworks", [])))
                + ".",
                "The ILACS parser agrees with Ofsted's official statistics on "
                + (f"{rate:.1%}" if isinstance(rate, (int, float)) else "an unknown share")
                + " of judgements; every value is traceable to its report page.",
            )
        elif key == "claims":
            counts = records.get("verdict_counts", {})
            figures = records.get("n_figures")
            lines = (
                f"Of {figures} figures in {records.get('n_claims')} claims of the seed articles: "
                + ", ".join(f"{verdict} {n}" for verdict, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
                + ".",
            )
        elif key == "goalposts":
            verdict = records.get("verdict", {})
            lines = (
                f"Verdict by the decision rule committed before the results (version {records.get('rule_version')}): "
                f"{verdict.get('headline', 'none')}."
                + (f" {verdict['note'][0].upper()}{verdict['note'][1:]}." if verdict.get("note") else ""),
                *(  # each primary comparison, unless the rule's note names it already
                    f"{c['comparison']}: {c['verdict']}."
                    for c in verdict.get("by_comparison", [])
                    if f"{c['comparison']}: {c['verdict']}" not in verdict.get("note", "")
                ),
                "Hypotheses: " + "; ".join(f"{h} {v}" for h, v in _hypotheses(records)) + ".",
            )
        else:  # language
            lines = ("Hypotheses: " + "; ".join(f"{h} {v}" for h, v in _hypotheses(records)) + ".",)
        out.append(Answer(key, question, lines, run))
    return out


def findings_markdown(manifest: dict[str, Any]) -> str:
    """reports/FINDINGS.md: the answers, with the report that shows each."""
    lines = [
        "# Findings",
        "",
        "Generated by `make reports` from the reports' own records (`analysis.publish.findings`); do not edit by",
        "hand. Each answer names the report that shows it, with its method, its n and its limits.",
    ]
    for answer in answers(manifest):
        lines += ["", f"## {answer.question}", ""]
        lines += [f"- {line}" for line in answer.lines]
        if answer.report:
            lines += ["", f"Report: `reports/html/{answer.report}.html` (notebook `notebooks/{answer.report}.ipynb`)."]
    return "\n".join(lines) + "\n"


_HEADING = re.compile(r"^#\s+(.+)$", re.M)


def notebook_title(notebook: str) -> tuple[str, str]:
    """(title, one line) from a notebook's first markdown cell: its first heading and the first sentence
    of the paragraph after it. Falls back to the file's stem."""
    path = ROOT / notebook
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return Path(notebook).stem, ""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell.get("source", []))
        match = _HEADING.search(text)
        if not match:
            continue
        rest = [p.strip() for p in text[match.end() :].split("\n\n") if p.strip()]
        first = re.sub(r"[*`]", "", " ".join(rest[0].split())) if rest else ""  # Markdown emphasis off
        sentence = re.split(r"(?<=[.?!])\s", first, maxsplit=1)[0] if first else ""
        return match.group(1).strip(), sentence
    return Path(notebook).stem, ""


def question_of(run: str) -> str:
    """The key of the question a run answers ('other' for any other notebook)."""
    stem = run.split("--", 1)[0]
    return next((key for key, _, notebooks in QUESTIONS if stem in notebooks), "other")
