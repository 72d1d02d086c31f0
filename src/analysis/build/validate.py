"""Validation: cross-checks on the built tables and the validation report.

What is measured here is shown, never hidden: the files accounted for, reports per type, the
authorities with a SIF report, parser-against-official agreement on ILACS judgements, the framework
rules (overall never better than the best nor worse than the worst key judgement; an inadequate key
judgement comes with an inadequate overall) with every exception listed, the consistency of the
statistics printed in SIF reports, the earlier inspections by type (how each was typed, every merge
of several statements into one, the recaps that made no row), the lead inspectors read, the
statistical neighbour table, and the known gaps in the collection.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from analysis.build import authorities as las
from analysis.build import covariates, official
from analysis.build.parse_sif_context import check_context
from analysis.build.records import Inputs
from analysis.schema import INTERIM_TABLES, TABLES, Field
from analysis.vocab import (
    AREA_CROSSWALK,
    AREA_LABELS,
    EARLIER_TYPES,
    ILACS,
    ILACS_KEY_AREAS,
    KEY_AREAS,
    LAC_2013,
    LSCB_REVIEW,
    OFFICIAL,
    PRE_SIF,
    PRIMARY,
    SECONDARY,
    SIF,
    SIF_ERA_AUTHORITIES,
    SIF_REINSPECTION,
)

_PANDERA_TYPES = {"string": str, "integer": "Int64", "number": float, "date": str, "boolean": bool}


def pandera_schema(table: str, fields: list[Field]) -> pa.DataFrameSchema:
    """A strict pandera schema for one table from its fields."""
    columns = {}
    for field in fields:
        checks = []
        if field.enum:
            checks.append(pa.Check.isin(list(field.enum)))
        if field.type == "date":
            checks.append(pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"))
        columns[field.name] = pa.Column(
            _PANDERA_TYPES[field.type], checks=checks, nullable=not field.required, unique=field.unique, coerce=False
        )
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=table)


def validate_table(table: str, frame: pd.DataFrame, fields: list[Field]) -> pd.DataFrame:
    """Enforce a table's schema and primary key; raise pandera's error naming every failing value."""
    frame = pandera_schema(table, fields).validate(frame, lazy=True)
    key = (TABLES | INTERIM_TABLES)[table]["primary_key"]
    duplicated = frame[frame.duplicated(key, keep=False)]
    if not duplicated.empty:
        raise ValueError(f"{table}: primary key {key} is not unique:\n{duplicated.head(20).to_string()}")
    return frame


def key_grades(inspections: pd.DataFrame, judgements: pd.DataFrame, framework: str) -> pd.DataFrame:
    """One row per primary or official inspection of a framework: overall rank and key-judgement ranks.

    Secondary (press-sourced) rows are left out: some of their sub-judgements were inferred by the
    compiler. Inspections with a key judgement 'Not judged' (no rank) are left out too.
    """
    keys = ILACS_KEY_AREAS if framework == "ILACS" else KEY_AREAS
    chosen = inspections[(inspections["framework"] == framework) & (inspections["source_quality"] != SECONDARY)]
    wide = judgements[
        judgements["inspection_id"].isin(chosen["inspection_id"]) & judgements["area"].isin(("overall", *keys))
    ].pivot(index="inspection_id", columns="area", values="grade_rank")
    return wide.dropna(subset=["overall", *KEY_AREAS])


def rule_exceptions(inspections: pd.DataFrame, judgements: pd.DataFrame, framework: str) -> dict[str, Any]:
    """Check the two framework rules on one framework's inspections; list every exception."""
    wide = key_grades(inspections, judgements, framework)
    keys = wide[[c for c in wide.columns if c != "overall"]]
    outside = wide[(wide["overall"] < keys.min(axis=1)) | (wide["overall"] > keys.max(axis=1))]
    inadequate_key = wide[(keys == 4).any(axis=1)]
    not_inadequate = inadequate_key[inadequate_key["overall"] != 4]
    leadership_inadequate = wide[wide["leadership"] == 4]
    return {
        "key_judgements": list(keys.columns),
        "inspections_checked": int(len(wide)),
        "overall_within_key_range": int(len(wide) - len(outside)),
        "overall_outside_key_range": sorted(outside.index),
        "with_inadequate_key_judgement": int(len(inadequate_key)),
        "inadequate_key_but_overall_not_inadequate": sorted(not_inadequate.index),
        "leadership_inadequate": int(len(leadership_inadequate)),
        "leadership_inadequate_overall_not_inadequate": sorted(
            leadership_inadequate[leadership_inadequate["overall"] != 4].index
        ),
    }


def context_checks(inputs: Inputs) -> dict[str, Any]:
    """SIF report statistics: looked-after count / under-18s x 10,000 against the stated rate."""
    checked, failing = 0, {}
    for parsed in inputs.parsed.values():
        if parsed.report_type not in (SIF, SIF_REINSPECTION):
            continue
        measures = {stat.measure for stat in parsed.context}
        if {"looked_after", "children_under_18", "looked_after_rate"} <= measures:
            checked += 1
            problems = check_context(parsed.context)
            if problems:
                failing[parsed.file] = problems
    return {"reports_checked": checked, "consistent": checked - len(failing), "inconsistent": failing}


def name_checks(inputs: Inputs) -> dict[str, Any]:
    """Does the authority a report names on page 1 resolve to the authority of its Ofsted URN?"""
    mismatched, unresolved, checked = [], [], 0
    for report in inputs.reports:
        name = inputs.parsed[report.file].la_name
        if not name:
            unresolved.append({"file": report.file, "name": None})
            continue
        checked += 1
        expected = las.la_code_for_urn(report.urn, inputs.local_authorities)
        try:
            found = las.la_code_for_name(name, inputs.local_authorities)
        except las.LocalAuthorityError:
            unresolved.append({"file": report.file, "name": name})
            continue
        if found != expected:
            mismatched.append({"file": report.file, "name": name, "name_code": found, "urn_code": expected})
    return {
        "reports_checked": checked,
        "agree": checked - len(mismatched) - len(unresolved),
        "mismatched": mismatched,
        "unresolved": unresolved,
    }


def earlier_checks(inspections: pd.DataFrame, earlier: dict[str, Any] | None) -> dict[str, Any]:
    """The earlier (pre-SIF) inspections: rows by type, how the types were chosen, every merge of
    several statements into one inspection, the recap statements that made no row, conflicts."""
    earlier = earlier or {}
    pre = inspections[inspections["framework"] == PRE_SIF]
    named = pre[pre["inspection_id"].str.contains("-prev-", regex=False)]
    merges = earlier.get("merges", [])
    return {
        "inspections_by_type": {t: int((pre["inspection_type"] == t).sum()) for t in EARLIER_TYPES},
        "named_in_sif_reports_by_type": {t: int((named["inspection_type"] == t).sum()) for t in EARLIER_TYPES},
        "reports_of_their_own": int(len(pre) - len(named)),
        "authorities_by_type": {
            t: int(pre.loc[pre["inspection_type"] == t, "la_code"].nunique()) for t in EARLIER_TYPES
        },
        "typing_rules": earlier.get("rules", []),
        "edge_case_inspections": sorted(earlier.get("edge_cases", [])),
        "merges": len(merges),
        "statements_merged": int(sum(len(m["statements"]) - 1 for m in merges)),
        "merge_list": merges,
        "merged_into_own_report": earlier.get("into_own_report", []),
        "recaps_without_row": earlier.get("recaps", []),
        "grade_conflicts": earlier.get("conflicts", []),
    }


def lead_inspector_checks(inputs: Inputs) -> dict[str, Any]:
    """How many reports of each type name a lead inspector the parser read; the reports that do not."""
    by_type: dict[str, dict[str, int]] = {}
    missing: list[str] = []
    for report in sorted(inputs.reports, key=lambda r: r.file):
        if report.report_type not in (SIF, SIF_REINSPECTION, ILACS, LAC_2013, LSCB_REVIEW):
            continue
        counts = by_type.setdefault(report.report_type, {"reports": 0, "named": 0})
        counts["reports"] += 1
        if inputs.parsed[report.file].lead_inspector:
            counts["named"] += 1
        else:
            missing.append(report.file)
    sif_ilacs = [by_type.get(t, {"reports": 0, "named": 0}) for t in (SIF, SIF_REINSPECTION, ILACS)]
    reports, named = sum(c["reports"] for c in sif_ilacs), sum(c["named"] for c in sif_ilacs)
    return {
        "by_report_type": dict(sorted(by_type.items())),
        "sif_and_ilacs_reports": reports,
        "sif_and_ilacs_named": named,
        "sif_and_ilacs_coverage": named / reports if reports else None,
        "missing": missing,
    }


def summarise(
    inputs: Inputs, tables: dict[str, pd.DataFrame], matches: pd.DataFrame, earlier: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every number of the validation report, as plain JSON-able values (`earlier`: the log of
    tables._previous_rows)."""
    inspections, judgements, log = tables["inspections"], tables["judgements"], tables["extraction_log"]
    primary_sif = inspections[(inspections["framework"] == "SIF") & (inspections["source_quality"] == PRIMARY)]
    first_sif = primary_sif[primary_sif["inspection_type"] == "SIF"]
    agreement = official.agreement(matches)
    per_area = (
        agreement.groupby("area")["agree"].agg(["size", "sum"]).rename(columns={"size": "compared", "sum": "agree"})
        if not agreement.empty
        else pd.DataFrame(columns=["compared", "agree"])
    )
    disagreements = agreement[~agreement["agree"]] if not agreement.empty else agreement
    current = set(inputs.local_authorities.loc[inputs.local_authorities["status"] == "current", "la_code"])
    # SIF-era authorities: those already existing when the cycle began (no valid_from), 152 of them.
    sif_era = inputs.local_authorities[inputs.local_authorities["valid_from"].isna()]
    without_sif_report = sorted(set(sif_era["la_code"]) - set(first_sif["la_code"]))
    secondary = inspections[inspections["source_quality"] == SECONDARY]
    return {
        "files": {
            "report_files": int(len(log)),
            "parsed": int((log["status"] == "parsed").sum()),
            "failed": log.loc[log["status"] == "failed", ["file", "reason"]].to_dict("records"),
            "not_used": log.loc[log["status"] == "not used", ["file", "reason"]].to_dict("records"),
            "skipped": log.loc[log["status"] == "skipped", ["file", "reason"]].to_dict("records"),
            "with_warnings": log.loc[log["reason"].notna() & (log["status"] == "parsed"), ["file", "reason"]].to_dict(
                "records"
            ),
        },
        "reports_per_type": dict(sorted(collections.Counter(log["report_type"].fillna("unreadable")).items())),
        "inspections_per_framework_and_source": {
            f"{f} / {q}": int(n) for (f, q), n in inspections.groupby(["framework", "source_quality"]).size().items()
        },
        "sif": {
            "authorities_in_sif_era": SIF_ERA_AUTHORITIES,
            "authorities_in_sif_era_in_table": int(len(sif_era)),
            "authorities_with_primary_sif_report": int(first_sif["la_code"].nunique()),
            "sif_reports": int(len(first_sif)),
            "reinspection_reports": int((primary_sif["inspection_type"] == SIF_REINSPECTION).sum()),
            "sif_era_authorities_without_report": without_sif_report,
            "sif_era_authorities_without_report_names": _names(without_sif_report, inputs.local_authorities),
            "covered_by_secondary_source": sorted(set(secondary["la_code"]) & set(without_sif_report)),
            "published_date_from_manifest": sorted(
                inspections.loc[
                    (inspections["framework"] == "SIF") & (inspections["published_date_source"] == "manifest"),
                    "inspection_id",
                ]
            ),
        },
        "ilacs": {
            "official_history_rows": int(len(inputs.ods_history)),
            "reports": int((log["report_type"] == "ILACS").sum()),
            "reports_matched_to_official": int(matches["ods_row"].notna().sum()) if not matches.empty else 0,
            "reports_not_in_official": matches.loc[matches["ods_row"].isna(), ["file", "reason"]].to_dict("records")
            if not matches.empty
            else [],
            "official_rows_without_report": int((inspections["source_quality"] == OFFICIAL).sum()),
            "official_rows_without_report_why": [
                {
                    "ods_row": int(r["ods_row"]),
                    "la_name": r["la_name"],
                    "start_date": r["start_date"].isoformat(),
                    "reason": r["reason"],
                }
                for _, r in official.history_without_report(inputs.ods_history, matches).iterrows()
            ],
            "agreement_per_area": {
                area: {"compared": int(r["compared"]), "agree": int(r["agree"])} for area, r in per_area.iterrows()
            },
            "agreement_overall": float(agreement["agree"].mean()) if not agreement.empty else None,
            "disagreements": disagreements.to_dict("records"),
        },
        "rules": {framework: rule_exceptions(inspections, judgements, framework) for framework in ("SIF", "ILACS")},
        "context_statistics": context_checks(inputs),
        "report_names": name_checks(inputs),
        "earlier_inspections": earlier_checks(inspections, earlier),
        "lead_inspector": lead_inspector_checks(inputs),
        "statistical_neighbours": neighbour_checks(tables.get("statistical_neighbours")),
        "known_gaps": {
            "current_authorities": len(current),
            "note": f"The report set was collected for the {len(current)} authorities of 2025. The SIF reports of "
            f"{_names(without_sif_report, inputs.local_authorities)} are not in it; the secondary table gives what press "
            f"and council pages reported for {_names(sorted(set(secondary['la_code']) & set(without_sif_report)), inputs.local_authorities)} "
            "(flagged secondary). ILACS inspections in the official statistics with no report in the collection are listed above.",
        },
    }


def neighbour_checks(neighbours: pd.DataFrame | None) -> dict[str, Any]:
    """The statistical neighbour table: authorities, rows, neighbours per authority."""
    if neighbours is None:
        return {"authorities": 0, "rows": 0, "neighbours_per_authority": {}}
    per = neighbours.groupby("la_code").size().value_counts()
    return {
        "authorities": int(neighbours["la_code"].nunique()),
        "rows": int(len(neighbours)),
        "neighbours_per_authority": {str(k): int(v) for k, v in sorted(per.items())},
    }


def _names(codes: list[str], authorities: pd.DataFrame) -> str:
    """Authority names for codes, joined for a sentence."""
    names = authorities.set_index("la_code")["la_name"]
    return ", ".join(names[code] for code in codes) or "none"


def one_line(summary: dict[str, Any]) -> str:
    """A one-line build summary for the console."""
    files, sif, ilacs = summary["files"], summary["sif"], summary["ilacs"]
    rate = ilacs["agreement_overall"]
    return (
        f"built: {files['parsed']}/{files['report_files']} reports parsed, {len(files['skipped'])} skipped; "
        f"{sif['authorities_with_primary_sif_report']} authorities with a SIF report; "
        f"ILACS parser agrees with the official file on {rate:.1%} of judgements"
        if rate is not None
        else "built (no ILACS comparison)"
    )


def _list(items: list, empty: str = "none") -> str:
    return ", ".join(f"`{i}`" for i in items) if items else empty


def validation_markdown(summary: dict[str, Any]) -> str:
    """The validation report as Markdown (no timestamps: the same data give the same report)."""
    files, sif, ilacs, rules, ctx = (
        summary["files"],
        summary["sif"],
        summary["ilacs"],
        summary["rules"],
        summary["context_statistics"],
    )
    lines = [
        "# Validation report",
        "",
        "Generated by `make data` (analysis.validate) from the raw files named in `data/raw/sources.yaml`.",
        "",
        "## Files accounted for",
        f"- Report files: {files['report_files']}; parsed: {files['parsed']}; skipped: {len(files['skipped'])}.",
    ]
    lines += [f"  - skipped `{s['file']}`: {s['reason']}" for s in files["skipped"]]
    lines += [f"- Parser failed: {len(files['failed'])}; read but not used: {len(files['not_used'])}."]
    lines += [f"  - `{s['file']}`: {s['reason']}" for s in files["failed"] + files["not_used"]]
    lines += [
        f"- Parsed with notes or warnings: {len(files['with_warnings'])} (listed in `data/processed/extraction_log.csv`)."
    ]
    lines += ["", "## Reports per type", "", "| type | reports |", "|---|---|"]
    lines += [f"| {t} | {n} |" for t, n in summary["reports_per_type"].items()]
    lines += ["", "## Inspections per framework and source", "", "| framework / source | inspections |", "|---|---|"]
    lines += [f"| {k} | {n} |" for k, n in summary["inspections_per_framework_and_source"].items()]
    lines += [
        "",
        "## SIF coverage",
        f"- Authorities in the SIF era (Ofsted's count): {sif['authorities_in_sif_era']}.",
        f"- Authorities with a primary SIF report: {sif['authorities_with_primary_sif_report']} "
        f"({sif['sif_reports']} SIF reports, {sif['reinspection_reports']} re-inspections).",
        f"- SIF-era authorities without a report in the collection: {_list(sif['sif_era_authorities_without_report'])} "
        f"({sif['sif_era_authorities_without_report_names']}); covered by the secondary table: {_list(sif['covered_by_secondary_source'])}.",
        f"- SIF reports printing no publication date (the listing date is used, flagged `manifest`): {len(sif['published_date_from_manifest'])}.",
        "",
        "## ILACS: parser against the official statistics",
        f"- Official ILACS history rows: {ilacs['official_history_rows']}; ILACS reports: {ilacs['reports']}; "
        f"matched: {ilacs['reports_matched_to_official']}; official rows with no report: {ilacs['official_rows_without_report']}.",
        f"- Reports not in the official history: {len(ilacs['reports_not_in_official'])}.",
    ]
    lines += [f"  - `{r['file']}`: {r['reason']}" for r in ilacs["reports_not_in_official"]]
    lines += ["- Official rows with no report in the collection (kept in the dataset as `source_quality=official`):"]
    lines += [
        f"  - row {r['ods_row']} {r['la_name']} ({r['start_date']}): {r['reason']}"
        for r in ilacs["official_rows_without_report_why"]
    ]
    rate = ilacs["agreement_overall"]
    lines += [
        "",
        f"Agreement on every judgement of every matched report: **{rate:.2%}**." if rate is not None else "",
        "",
        "| area | compared | agree |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {v['compared']} | {v['agree']} |" for a, v in ilacs["agreement_per_area"].items()]
    if ilacs["disagreements"]:
        lines += ["", "Disagreements (the official file wins in the dataset):"]
        lines += [
            f"- `{d['file']}` {d['area']}: parser {d['parser_grade']!r}, official {d['official_grade']!r}"
            for d in ilacs["disagreements"]
        ]
    lines += ["", "## Framework rules", ""]
    for framework, r in rules.items():
        lines += [
            f"### {framework}",
            f"- Key judgements: {', '.join(r['key_judgements'])}"
            + (" (care leavers from January 2023, where graded)." if framework == "ILACS" else "."),
            f"- Primary or official inspections with overall and the key judgements: {r['inspections_checked']}.",
            f"- Overall within the range of the key judgements: {r['overall_within_key_range']}; exceptions: {_list(r['overall_outside_key_range'])}.",
            f"- With an inadequate key judgement: {r['with_inadequate_key_judgement']}; of these not inadequate overall: {_list(r['inadequate_key_but_overall_not_inadequate'])}.",
            f"- Leadership inadequate: {r['leadership_inadequate']}; of these not inadequate overall: {_list(r['leadership_inadequate_overall_not_inadequate'])}.",
            "",
        ]
    lines += [
        "## Statistics printed in SIF reports",
        f"- Reports giving looked-after count, under-18 population and rate: {ctx['reports_checked']}; consistent: {ctx['consistent']}.",
    ]
    lines += [f"  - `{f}`: {'; '.join(p)}" for f, p in sorted(ctx["inconsistent"].items())]
    names = summary["report_names"]
    lines += [
        "",
        "## Authority names printed in the reports",
        f"- Reports whose page-1 name resolves to the authority of their Ofsted URN: {names['agree']} of {names['reports_checked']}.",
    ]
    lines += [
        f"  - `{m['file']}`: names {m['name']!r} ({m['name_code']}), URN gives {m['urn_code']}"
        for m in names["mismatched"]
    ]
    lines += [f"  - `{u['file']}`: name {u['name']!r} not resolved" for u in names["unresolved"]]
    lines += _earlier_markdown(summary["earlier_inspections"])
    lead = summary["lead_inspector"]
    lines += [
        "",
        "## Lead inspectors",
        f"- SIF and ILACS reports naming a lead inspector the parser read: {lead['sif_and_ilacs_named']} of "
        f"{lead['sif_and_ilacs_reports']}"
        + (f" ({lead['sif_and_ilacs_coverage']:.1%})." if lead["sif_and_ilacs_coverage"] is not None else "."),
    ]
    lines += [f"  - {t}: {c['named']} of {c['reports']}" for t, c in lead["by_report_type"].items()]
    lines += [f"  - no lead inspector read: `{f}`" for f in lead["missing"]]
    sn = summary["statistical_neighbours"]
    lines += [
        "",
        "## Statistical neighbours",
        f"- DfE groupings (April 2021): {sn['authorities']} authorities, {sn['rows']} rows; neighbours per "
        f"authority: {', '.join(f'{k}: {v}' for k, v in sn['neighbours_per_authority'].items()) or 'none'}.",
    ]
    text = summary.get("text")
    if text is not None:
        lines += [
            "",
            "## Report language (report_text.csv, data/interim/sentences.parquet)",
            f"- Reports read: {text['reports_read']}; with prose sentences (a row in report_text.csv): "
            f"{text['reports_with_text']}; without: {len(text['reports_without_text'])}.",
        ]
        lines += [f"  - `{r}`: {why}" for r, why in text["reports_without_text"].items()]
        lines += [
            f"- Sentences: {text['sentences']} ({text['prose_sentences']} in prose sections; "
            f"{text['share_of_words_in_prose']:.1%} of words); page-furniture lines removed: {text['furniture_lines_removed']}.",
            f"- Sentences over 2,000 characters (a sign of a failed split): {text['sentences_over_2000_chars']}. The longest:",
        ]
        lines += [
            f'  - {x["chars"]} characters, `{x["inspection_id"]}` p{x["page"]} ({x["section"]}): "{x["start"]}..."'
            for x in text["longest_sentences"]
        ]
        lines += ["- Sentences per section: " + ", ".join(f"{k} {v}" for k, v in text["sections"].items()) + "."]
        lines += [
            f"- Left out of the term tables (no overall grade): {', '.join(text['term_tables_without_grade']) or 'none'}."
        ]
    lines += ["", "## Known gaps", "", summary["known_gaps"]["note"], ""]
    return "\n".join(lines)


def _earlier_markdown(earlier: dict[str, Any]) -> list[str]:
    """The earlier-inspections section of the validation report."""
    lines = [
        "",
        "## Earlier (pre-SIF) inspections",
        "- Inspections by type (named in SIF reports + reports of their own): "
        + "; ".join(
            f"{t}: {n} ({earlier['named_in_sif_reports_by_type'][t]} + {n - earlier['named_in_sif_reports_by_type'][t]})"
            for t, n in earlier["inspections_by_type"].items()
        )
        + ".",
        "- Authorities with one: " + "; ".join(f"{t}: {n}" for t, n in earlier["authorities_by_type"].items()) + ".",
        "- How the type was chosen (`parse_sif_context.earlier_type`; inspections whose statements used each clause):",
    ]
    lines += [f"  - {r['inspection_type']}: {r['rule']}: {r['inspections']}" for r in earlier["typing_rules"]]
    lines += [f"- Inspections typed by an edge-case clause: {len(earlier['edge_case_inspections'])}."]
    lines += [
        f"- Inspections read from more than one statement (merged): {earlier['merges']} "
        f"({earlier['statements_merged']} statements merged into another's row):"
    ]
    for merge in earlier["merge_list"]:
        parts = "; ".join(f"p. {s['page']} ({s['typed_by']})" for s in merge["statements"])
        lines.append(f"  - `{merge['inspection_id']}`: {parts}")
    lines += [
        f"- Named in a SIF report and a report of its own (not added again): {len(earlier['merged_into_own_report'])}:"
    ]
    lines += [
        f"  - `{m['inspection_id']}` named in `{m['statements'][0]['file']}` p. {m['statements'][0]['page']}"
        for m in earlier["merged_into_own_report"]
    ]
    lines += [
        f"- Recap statements naming several inspections at once (no row made): {len(earlier['recaps_without_row'])}:"
    ]
    lines += [f"  - `{r['file']}` p. {r['page']}: {r['statement']}" for r in earlier["recaps_without_row"]]
    lines += [f"- Grades in conflict within a merged inspection (the first kept): {len(earlier['grade_conflicts'])}."]
    lines += [f"  - `{c['inspection_id']}`: {c['conflict']}" for c in earlier["grade_conflicts"]]
    return lines


def write_validation_report(summary: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(validation_markdown(summary), encoding="utf-8")


def data_dictionary_markdown(fields: dict[str, list[Field]]) -> str:
    """data/processed/README.md: every table and column, the grade scale and the area crosswalk."""
    lines = [
        "# data/processed: the judgement dataset",
        "",
        "Generated by `make data`; do not edit by hand. Machine-readable: `datapackage.json` (Frictionless).",
        "Validation: `reports/validation.md` and `validation.json`.",
        "",
        "## Grades",
        "Outstanding (1) > Good (2) > Requires improvement to be good (3) > Inadequate (4). The pre-2013",
        "frameworks' **Adequate** keeps its own label with rank 3; counting it as RI is an explicit switch",
        "(`adequate_as_ri`) in the analysis functions, never done silently.",
        "",
        "## Judgement areas (harmonised keys) and the crosswalk",
        "",
        "| key | meaning | " + " | ".join(AREA_CROSSWALK) + " |",
        "|---|---|" + "---|" * len(AREA_CROSSWALK),
    ]
    for key, label in AREA_LABELS.items():
        lines.append(
            f"| `{key}` | {label} | " + " | ".join(AREA_CROSSWALK[f].get(key, "") for f in AREA_CROSSWALK) + " |"
        )

    def table_section(heading: str, description: str, columns: list[Field]) -> list[str]:
        return [
            "",
            f"## {heading}",
            "",
            description,
            "",
            "| column | type | description |",
            "|---|---|---|",
            *(f"| `{f.name}` | {f.type} | {f.description} |" for f in columns),
        ]

    for table, spec in TABLES.items():
        lines += table_section(f"{table}.csv", spec["description"], fields[table])
    for table, spec in INTERIM_TABLES.items():
        heading = f"data/interim/{table}.parquet (not committed; `make data` rebuilds it)"
        lines += table_section(heading, spec["description"], spec["fields"])
    lines += [
        "",
        "The word lists, one line of justification per term, are in `src/analysis/lexicon.yaml`; how a sentence",
        "is split and scored is in `src/analysis/build/language.py`, and the decision rule that turns the",
        "measures into verdicts on H05-H07 in `src/analysis/text/language_rule.yaml`.",
    ]
    lines += ["", "## la_context measures", "", "| measure | from |", "|---|---|"]
    lines += [f"| `{m.measure}` | DfE/ONS `{m.file}`, column `{m.column}` |" for m in covariates.DFE_MEASURES]
    lines += [
        "| `imd_avg_rank` | IMD 2019: population-weighted mean LSOA rank (1 = most deprived), year 2019 |",
        "| `imd_share_most_deprived_decile` | IMD 2019: share of LSOAs in the most deprived national decile, year 2019 |",
    ]
    lines += [
        f'| `sif_report_{m}` | printed in the SIF report ("Information about this local authority area"); source gives the page |'
        for m in SIF_REPORT_MEASURES
    ]
    lines += [
        "",
        "The method of each (suppression marks, code changes, IMD aggregation) is documented in `src/analysis/covariates.py`.",
        "",
        "## How to cite",
        "",
        "Cite this dataset as `CITATION.cff` at the top of the repository gives it (its `references`: the dataset,",
        "with the package version of `datapackage.json`), and Ofsted's reports and statistics as its primary sources.",
        "Each table's sources, licences and SHA-256 are in `datapackage.json`.",
    ]
    return "\n".join(lines) + "\n"


#: Statistics read from SIF reports (analysis.parse_sif_context), stored as `sif_report_<measure>`.
SIF_REPORT_MEASURES = (
    "children_under_18",
    "poverty_pct_in_poverty",
    "poverty_pct_low_income_families",
    "children_in_need",
    "child_protection_plans",
    "looked_after",
    "looked_after_rate",
)
