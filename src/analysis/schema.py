"""The public contract of data/processed: one data dictionary, from which come both the pandera
schemas enforced at build time (analysis.build.validate) and the Frictionless `datapackage.json`
describing every column. Plain data: importing it loads no schema library.

Writing the dictionary once keeps the schema, the documentation and the checks from drifting apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from analysis.lexicon import ALL_PROSE, COMPARABLE_PROSE, COMPARABLE_SECTIONS, PROSE_SECTIONS, SECTIONS
from analysis.vocab import AREA_LABELS, FRAMEWORKS, GRADE_RANK, INSPECTION_TYPES, NOT_JUDGED, SOURCE_QUALITIES

GRADES = [*GRADE_RANK, NOT_JUDGED]


@dataclass(frozen=True)
class Field:
    """One column: name, Frictionless type, description, and the checks it must pass."""

    name: str
    type: str  # Frictionless: string, integer, number, date, boolean
    description: str
    required: bool = True  # no missing values allowed
    enum: tuple[str, ...] | None = None
    unique: bool = False


LA_TYPES: dict[str, str] = {
    "E06": "Unitary Authority",
    "E08": "Metropolitan District",
    "E09": "London Borough",
    "E10": "County",
}

LA_FIELDS: list[Field] = [
    Field(
        "la_code",
        "string",
        "Canonical ONS code: the code in use today, or the last one of an abolished authority.",
        unique=True,
    ),
    Field(
        "la_name",
        "string",
        "Authority name (ONS style without 'Council'); the pre-2019 county is 'Dorset County'.",
        unique=True,
    ),
    Field("dfe_la_number", "integer", "DfE three-digit LA number ('old_la_code' in DfE files).", unique=True),
    Field(
        "ofsted_urn",
        "integer",
        "Ofsted URN of the authority's children's services (reports.ofsted.gov.uk/provider/44/URN); empty for the abolished authorities, whose URN no raw file confirms.",
        required=False,
    ),
    Field("region", "string", "English region."),
    Field("la_type", "string", "Type of authority, from the code prefix.", enum=tuple(LA_TYPES.values())),
    Field("status", "string", "current or abolished.", enum=("current", "abolished")),
    Field(
        "predecessor_codes",
        "string",
        "';'-joined codes of authorities whose area it took over in a reorganisation.",
        required=False,
    ),
    Field("successor_codes", "string", "';'-joined codes of the authorities that took over its area.", required=False),
    Field("former_codes", "string", "';'-joined earlier ONS codes of the same authority.", required=False),
    Field(
        "newer_codes",
        "string",
        "';'-joined later ONS codes of the same authority that the sources do not (yet) use.",
        required=False,
    ),
    Field("valid_from", "date", "Day the authority was created, if since 2013.", required=False),
    Field("valid_to", "date", "Last day of an abolished authority.", required=False),
]


TABLES: dict[str, dict] = {
    "inspections": dict(
        description="One row per inspection of a local authority's children's services (inspections 2009-2025: the SIF and ILACS ones, 2013-2025, from their reports; the earlier ones as the SIF reports name them), "
        "from the report PDFs, the official ILACS history, earlier inspections named in SIF reports, "
        "and (flagged secondary) press reports for the five authorities whose SIF reports are missing.",
        sources=["ofsted_reports", "ofsted_outcomes_ods", "secondary_press"],
        foreign_keys=[("la_code", "local_authorities", "la_code")],
        primary_key=["inspection_id"],
        fields=[
            Field(
                "inspection_id",
                "string",
                "Stable identifier: the report file stem, or 'ods-<la_code>-<start>' for official-only rows, '<report stem>-prev-<type>' for earlier inspections named in a report (type slug: slac, child-protection, looked-after-children), 'secondary-<la_code>-<n>' for press-sourced rows.",
                unique=True,
            ),
            Field("la_code", "string", "Canonical ONS code of the authority inspected (see local_authorities.csv)."),
            Field("la_name", "string", "Authority name (canonical, from local_authorities.csv)."),
            Field(
                "framework",
                "string",
                "Inspection framework: pre-SIF (before Nov 2013), SIF (Nov 2013-2018), ILACS (2018-).",
                enum=tuple(FRAMEWORKS),
            ),
            Field(
                "inspection_type",
                "string",
                "Kind of inspection within the framework. pre-SIF rows carry the earlier framework: 'SLAC' (inspection of safeguarding and looked after children services, 2009 to mid-2012), 'child protection' (unannounced inspection of arrangements for the protection of children, mid-2012 to 2013), 'looked after children' (inspection of services for looked after children, 2013); the rule that types an inspection named in a SIF report is in analysis.build.parse_sif_context.earlier_type.",
                enum=tuple(INSPECTION_TYPES),
            ),
            Field(
                "start_date",
                "date",
                "First day on site (the first of the month, or 1 January, when the source gives only a month or a year; see date_precision).",
                required=False,
            ),
            Field("end_date", "date", "Last day on site.", required=False),
            Field(
                "date_precision",
                "string",
                "Precision of the dates given in this row: 'day', 'month' or 'year' (earlier inspections named in a SIF report often only by month or year), or 'unknown'.",
                enum=("day", "month", "year", "unknown"),
            ),
            Field("published_date", "date", "Date the report was published.", required=False),
            Field(
                "published_date_source",
                "string",
                "'report' (printed in it), 'official' (ODS), 'manifest' (the date on Ofsted's listing page, used when the report prints none), 'later report' (an earlier inspection's publication month as a SIF report names it), 'secondary' or 'none'.",
                enum=("report", "official", "manifest", "later report", "secondary", "none"),
            ),
            Field(
                "source",
                "string",
                "Where the row comes from: raw file path with #page=N, or ODS sheet and row, or a press URL.",
            ),
            Field(
                "source_quality",
                "string",
                "primary (the report itself), official (Ofsted's statistics ODS), secondary (press or council pages).",
                enum=tuple(SOURCE_QUALITIES),
            ),
            Field(
                "official_source",
                "string",
                "For ILACS reports matched to the official ODS: its sheet and row.",
                required=False,
            ),
            Field(
                "previous_inspection_id",
                "string",
                "For a SIF re-inspection: the inspection_id of the SIF inspection it follows.",
                required=False,
            ),
            Field(
                "lead_inspector",
                "string",
                "The lead inspector the report names ('Lead inspector: ...'; 'Reporting inspector' in the 2013 looked after children reports; two names joined by '; ' where a report names two), as printed without titles such as 'HMI' or 'Her/His Majesty's Inspector'; empty for rows without a report of their own.",
                required=False,
            ),
        ],
    ),
    "judgements": dict(
        description="One row per graded judgement of an inspection, on harmonised judgement areas.",
        sources=["ofsted_reports", "ofsted_outcomes_ods", "secondary_press"],
        foreign_keys=[("inspection_id", "inspections", "inspection_id")],
        primary_key=["inspection_id", "area"],
        fields=[
            Field("inspection_id", "string", "Inspection (inspections.csv)."),
            Field(
                "area",
                "string",
                "Harmonised judgement area; the crosswalk is in data/processed/README.md.",
                enum=tuple(AREA_LABELS),
            ),
            Field("area_label", "string", "The source's own wording of the judgement."),
            Field(
                "grade", "string", "Grade label. 'Adequate' (pre-2013 frameworks) keeps its label.", enum=tuple(GRADES)
            ),
            Field(
                "grade_rank",
                "integer",
                "1 Outstanding, 2 Good, 3 Requires improvement (and the old Adequate), 4 Inadequate; empty for Not judged.",
                required=False,
            ),
            Field(
                "page",
                "integer",
                "Page of the report the grade was read from (1-based); empty for official or secondary rows.",
                required=False,
            ),
            Field(
                "snippet",
                "string",
                "The report text the grade was read from (white space folded, at most 200 characters); for secondary rows the press quote; empty for official rows.",
                required=False,
            ),
            Field(
                "source_quality",
                "string",
                "As in inspections.csv, for this value: an ILACS grade that the official ODS gives differently is 'official'.",
                enum=tuple(SOURCE_QUALITIES),
            ),
        ],
    ),
    "local_authorities": dict(
        description="One row per local authority with children's services responsibilities since 2013.",
        sources=["la_lookup", "dfe_childrens_social_care", "ofsted_outcomes_ods"],
        foreign_keys=[],
        primary_key=["la_code"],
        fields=LA_FIELDS,
    ),
    "la_context": dict(
        description="Context statistics by authority and year (long format): DfE children in need, referrals, child protection plans, workforce, population, looked-after children; IMD 2019; and the statistics printed in SIF reports.",
        sources=["dfe_childrens_social_care", "imd2019", "ofsted_reports"],
        foreign_keys=[("la_code", "local_authorities", "la_code")],
        primary_key=["la_code", "year", "measure", "source"],
        fields=[
            Field("la_code", "string", "Canonical ONS code."),
            Field(
                "year",
                "integer",
                "Year: DfE collection year ending 31 March; 2019 for IMD; the inspection's start year for report statistics.",
            ),
            Field("measure", "string", "What is measured (see data/processed/README.md)."),
            Field("value", "number", "The value."),
            Field("source", "string", "File the value comes from (with #page=N for report statistics)."),
        ],
    ),
    "statistical_neighbours": dict(
        description="The DfE statistical neighbour groupings (April 2021): for each authority its ten statistical neighbours, closest first. The 152 authorities of April 2021 and, from the file's 'Old SNs' block, the four abolished in 2019 and 2021 (Bournemouth, Poole, Dorset County, Northamptonshire); the 2023 authorities (Cumberland, Westmorland and Furness) are not in it.",
        sources=["dfe_childrens_social_care"],
        foreign_keys=[("la_code", "local_authorities", "la_code"), ("neighbour_code", "local_authorities", "la_code")],
        primary_key=["la_code", "rank"],
        fields=[
            Field("la_code", "string", "Canonical ONS code of the authority (local_authorities.csv)."),
            Field("neighbour_code", "string", "Canonical ONS code of its statistical neighbour."),
            Field("rank", "integer", "1 (the closest neighbour) to 10."),
        ],
    ),
    "inspections_wide": dict(
        description="One row per inspection (as inspections.csv) with every judgement area's grade as a column, for reuse in a spreadsheet: the same values as inspections.csv and judgements.csv, joined (an area the inspection did not judge is empty).",
        sources=["ofsted_reports", "ofsted_outcomes_ods", "secondary_press"],
        foreign_keys=[("inspection_id", "inspections", "inspection_id"), ("la_code", "local_authorities", "la_code")],
        primary_key=["inspection_id"],
        fields=[
            Field("inspection_id", "string", "Inspection (inspections.csv).", unique=True),
            Field("la_code", "string", "Canonical ONS code of the authority."),
            Field("la_name", "string", "Authority name."),
            Field("framework", "string", "pre-SIF, SIF or ILACS.", enum=tuple(FRAMEWORKS)),
            Field("inspection_type", "string", "Kind of inspection (inspections.csv).", enum=tuple(INSPECTION_TYPES)),
            Field("start_date", "date", "First day on site (see inspections.csv date_precision).", required=False),
            Field("end_date", "date", "Last day on site.", required=False),
            Field("published_date", "date", "Date the report was published.", required=False),
            Field(
                "source_quality",
                "string",
                "primary, official or secondary (inspections.csv).",
                enum=tuple(SOURCE_QUALITIES),
            ),
            Field(
                "report_page",
                "string",
                "Ofsted's public page of the authority's inspection reports (reports.ofsted.gov.uk/provider/44/URN); empty for an abolished authority whose URN no raw file confirms.",
                required=False,
            ),
            *[
                Field(f"grade_{area}", "string", f"Grade of: {label}.", required=False, enum=tuple(GRADES))
                for area, label in AREA_LABELS.items()
            ],
        ],
    ),
    "report_text": dict(
        description="The language of each report (issue 9; analysis.build.language, analysis.build.text_tables): measures per report and prose section, and over all its prose ('all prose'). Sentences split by syntok after page furniture is removed; lexicon terms (src/analysis/lexicon.yaml) counted with grade words masked (and, in the *_unmasked columns, not); VADER scores the sentence with grade words masked. Every sentence: data/interim/sentences.parquet (rebuilt by `make data`, not committed).",
        sources=["ofsted_reports"],
        foreign_keys=[("inspection_id", "inspections", "inspection_id")],
        primary_key=["inspection_id", "section"],
        fields=[
            Field("inspection_id", "string", "Inspection (inspections.csv): the report file stem."),
            Field(
                "section",
                "string",
                "Prose section of the report; 'all prose' (every section but headline judgements, front and back matter: the decision rule's basis); 'comparable prose' (the sections SIF and ILACS reports both have: analysis.lexicon.COMPARABLE_SECTIONS).",
                enum=(*PROSE_SECTIONS, ALL_PROSE, COMPARABLE_PROSE),
            ),
            Field("report_pages", "integer", "Pages of the whole report."),
            Field("sentences", "integer", "Sentences in the section."),
            Field("words", "integer", "Words (runs of letters, apostrophes and hyphens starting with a letter)."),
            Field(
                "syllables",
                "integer",
                "Syllables of the words (textstat 0.7.3, from pyphen's en_US hyphenation dictionary).",
            ),
            Field(
                "negative_sentences",
                "integer",
                "Sentences with at least one term of the lexicon's negative list (grade words masked).",
            ),
            Field(
                "positive_sentences",
                "integer",
                "The same, positive list (a positive term with a negator among the four words before it does not count).",
            ),
            Field("negative_sentences_unmasked", "integer", "Negative sentences with grade words not masked."),
            Field("positive_sentences_unmasked", "integer", "Positive sentences with grade words not masked."),
            Field("vader_negative_sentences", "integer", "Sentences whose VADER compound score is -0.05 or less."),
            Field("vader_positive_sentences", "integer", "Sentences whose VADER compound score is 0.05 or more."),
            Field("vader_mean", "number", "Mean VADER compound score of the sentences (-1 to 1)."),
            Field(
                "procedure_terms",
                "integer",
                "Matches of the lexicon's procedure list (records, audits, timescales, ...).",
            ),
            Field(
                "practice_terms",
                "integer",
                "Matches of the lexicon's practice list (direct work, visits, the child's voice, ...).",
            ),
            Field("words_per_sentence", "number", "words / sentences."),
            Field(
                "flesch_reading_ease",
                "number",
                "Flesch reading ease, 206.835 - 1.015 words per sentence - 84.6 syllables per word (higher: easier to read).",
            ),
            Field("negative_share", "number", "negative_sentences / sentences."),
            Field("positive_share", "number", "positive_sentences / sentences."),
            Field("negative_share_unmasked", "number", "negative_sentences_unmasked / sentences."),
            Field("positive_share_unmasked", "number", "positive_sentences_unmasked / sentences."),
            Field("vader_negative_share", "number", "vader_negative_sentences / sentences."),
            Field("vader_positive_share", "number", "vader_positive_sentences / sentences."),
            Field(
                "procedure_share",
                "number",
                "procedure_terms / (procedure_terms + practice_terms); empty when both are 0.",
                required=False,
            ),
        ],
    ),
    "report_terms": dict(
        description="Word counts of the reports' prose (grade words masked) by comparison group (SIF with its re-inspections, ILACS standard, ILACS short), the inspection's overall grade and section, for the sections both frameworks' reports have ('comparable prose' sums them) and the words used at least 200 times in the section over all groups: the input of the log-odds comparison of notebooks/20_report_language (analysis.logodds).",
        sources=["ofsted_reports", "ofsted_outcomes_ods"],
        foreign_keys=[],
        primary_key=["group", "grade", "section", "term"],
        fields=[
            Field("group", "string", "Comparison group.", enum=("SIF", "ILACS standard", "ILACS short")),
            Field("grade", "string", "Overall grade of the inspection.", enum=tuple(GRADES)),
            Field(
                "section",
                "string",
                "A section both SIF and ILACS reports have (analysis.lexicon.COMPARABLE_SECTIONS), or 'comparable prose' (their sum).",
                enum=(*COMPARABLE_SECTIONS, COMPARABLE_PROSE),
            ),
            Field("term", "string", "A word, lower-cased (analysis.lexicon.tokens)."),
            Field("count", "integer", "Times used."),
        ],
    ),
    "report_quotes": dict(
        description="Example sentences the report-language notebook quotes, each with its report and page: for the ten words that most distinguish each pair of groups within grade (comparable prose, analysis.logodds with its default prior), two sentences per word; and for each group, grade and lexicon list, three sentences with a term of the list. Chosen by the lowest SHA-256 of the sentence text, so the same on every build.",
        sources=["ofsted_reports", "ofsted_outcomes_ods"],
        foreign_keys=[("inspection_id", "inspections", "inspection_id")],
        primary_key=["kind", "key", "inspection_id", "page", "text"],
        fields=[
            Field("kind", "string", "'distinguishing' or 'lexicon <list>'."),
            Field("key", "string", "'<group a> vs <group b>: <word>' or '<group>, <grade>'."),
            Field("inspection_id", "string", "Inspection (inspections.csv)."),
            Field("page", "integer", "Page of the report the sentence starts on (1-based)."),
            Field("section", "string", "Section of the report.", enum=PROSE_SECTIONS),
            Field("group", "string", "Comparison group of the report.", enum=("SIF", "ILACS standard", "ILACS short")),
            Field("grade", "string", "Overall grade of the inspection.", enum=tuple(GRADES)),
            Field("text", "string", "The sentence, white space folded, page furniture removed."),
            Field("source", "string", "Raw file path with #page=N."),
        ],
    ),
    "extraction_log": dict(
        description="One row per raw report file: read and parsed, or skipped with the reason.",
        sources=["ofsted_reports"],
        foreign_keys=[],
        primary_key=["file"],
        fields=[
            Field("file", "string", "Report file name.", unique=True),
            Field("sha256", "string", "SHA-256 of the file."),
            Field("report_type", "string", "Classification from the title.", required=False),
            Field(
                "status",
                "string",
                "parsed; skipped (unreadable: not a PDF, truncated); failed (the parser raised: see reason); not used (a report of a type the dataset does not take).",
                enum=("parsed", "skipped", "failed", "not used"),
            ),
            Field("reason", "string", "Why skipped, or warnings raised while parsing.", required=False),
        ],
    ),
}


#: Tables written to data/interim (large, rebuilt by `make data`, not committed; not in datapackage.json).
INTERIM_TABLES: dict[str, dict] = {
    "sentences": dict(
        description="Every sentence of every report (data/interim/sentences.parquet), in reading order, with its page, section and counts (analysis.build.language).",
        primary_key=["inspection_id", "sentence"],
        fields=[
            Field("inspection_id", "string", "Inspection (inspections.csv): the report file stem."),
            Field("sentence", "integer", "Number of the sentence in the report, from 1."),
            Field("page", "integer", "Page its first word is on (1-based)."),
            Field("section", "string", "Section of the report (analysis.lexicon.SECTIONS).", enum=SECTIONS),
            Field("text", "string", "The sentence, white space folded, page furniture removed."),
            Field("words", "integer", "Words."),
            Field("syllables", "integer", "Syllables of its words (textstat 0.7.3)."),
            Field("negative", "integer", "Matches of the negative list, grade words masked."),
            Field("positive", "integer", "Matches of the positive list, grade words masked."),
            Field("negative_unmasked", "integer", "Matches of the negative list, grade words kept."),
            Field("positive_unmasked", "integer", "Matches of the positive list, grade words kept."),
            Field("procedure", "integer", "Matches of the procedure list."),
            Field("practice", "integer", "Matches of the practice list."),
            Field(
                "vader",
                "number",
                "VADER compound score, grade words masked; empty outside the prose sections.",
                required=False,
            ),
        ],
    ),
}


#: Licences of the data (sources.yaml names each source's); the authority lookup is data-to-insight's (MIT).
LICENCES = {
    "OGL-UK-3.0": {
        "name": "OGL-UK-3.0",
        "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "title": "Open Government Licence v3.0",
    },
    "MIT": {
        "name": "MIT",
        "path": "https://opensource.org/license/mit",
        "title": "MIT License (data-to-insight lookup)",
    },
}
TITLE = "Ofsted judgements of English local authority children's services: inspections 2009-2025, reports 2013-2025"


def datapackage(
    fields_by_table: dict[str, list[Field]],
    sources: dict[str, dict] | None = None,
    files: dict[str, tuple[str, int]] | None = None,
    version: str = "",
    created: str = "",
) -> dict:
    """A Frictionless Data Package descriptor for data/processed.

    `sources`: data/raw/sources.yaml's sources (id -> record), for each resource's sources and
    licences; `files`: table -> (sha256, bytes) of its CSV; `version`: the package version; `created`:
    an ISO date-time. The build passes the newest access date of sources.yaml as `created`, so the same
    inputs give the same descriptor byte for byte."""
    resources = []
    for table, spec in TABLES.items():
        resource = {
            "name": table.replace("_", "-"),
            "path": f"{table}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
            "description": spec["description"],
        }
        if files and table in files:
            digest, size = files[table]
            resource["hash"] = f"sha256:{digest}"
            resource["bytes"] = size
        if sources is not None:
            named = [sources[s] for s in spec["sources"]]
            resource["sources"] = [
                {
                    "title": s["title"],
                    **({"path": s["url"].replace("/{URN}", "")} if s["url"].startswith("http") else {}),
                }
                for s in named
            ]
            licences = {}
            for s in named:
                name = next((key for key in LICENCES if s["licence"].startswith(key)), None)
                licences[name or s["licence"]] = LICENCES[name] if name else {"name": "other", "title": s["licence"]}
            resource["licenses"] = [licences[key] for key in sorted(licences)]
        resource["schema"] = {
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "description": f.description,
                    "constraints": {
                        k: v
                        for k, v in (
                            ("required", f.required),
                            ("unique", f.unique),
                            ("enum", list(f.enum) if f.enum else None),
                        )
                        if v
                    },
                }
                for f in fields_by_table[table]
            ],
            "primaryKey": spec["primary_key"],
            "foreignKeys": [
                {"fields": column, "reference": {"resource": other.replace("_", "-"), "fields": key}}
                for column, other, key in spec["foreign_keys"]
            ],
            "missingValues": [""],
        }
        resources.append(resource)
    package = {
        "profile": "tabular-data-package",
        "name": "ofsted-la-childrens-services-judgements",
        "title": TITLE,
        "licenses": [LICENCES["OGL-UK-3.0"], LICENCES["MIT"]],
        "sources": [{"title": "data/raw/sources.yaml (every raw file with its publisher page and SHA-256)"}],
        "resources": resources,
    }
    if version:
        package["version"] = version
    if created:
        package["created"] = created
    return package


def write_datapackage(path: Path, fields_by_table: dict[str, list[Field]], **metadata) -> None:
    """Write datapackage.json (stable key order) for the given table fields; `metadata`: datapackage()'s."""
    path.write_text(
        json.dumps(datapackage(fields_by_table, **metadata), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
