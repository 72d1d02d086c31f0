"""What the report parsers return: every value with the page and text it came from.

These small records are the hand-over between the parsers (parse_sif, parse_ilacs) and the build,
which turns them into the public tables (inspections.csv, judgements.csv, ...); `Inputs` is the
hand-over from the build's load step to process and validate.
Pages are 1-based, as a reader of the PDF counts them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.build.pdf_text import Report

if TYPE_CHECKING:  # annotations only: the parsers that import this module need no pandas
    import pandas as pd

    from analysis.build.language import ReportText


@dataclass(frozen=True)
class Judgement:
    """One graded judgement as the report prints it."""

    area: str  # harmonised key: overall, help_protection, looked_after, adoption, care_leavers, leadership, lscb, ...
    area_label: str  # the report's own wording, white space folded
    grade: str  # normalised label (clean.normalise_grade): Outstanding, Good, Requires improvement to be good, ...
    page: int
    snippet: str  # the text the grade was read from (<= 200 characters)


@dataclass(frozen=True)
class PreviousInspection:
    """An earlier inspection that a report names (e.g. the 2012 child protection inspection), one grade.

    One statement may give several records (a SLAC statement grading safeguarding and looked-after
    children's services); they share `statement`. How the type is chosen: parse_sif_context.earlier_type.
    """

    inspection_type: str  # vocab.SLAC, CHILD_PROTECTION, LOOKED_AFTER_CHILDREN, or "SIF" (re-inspections)
    start_date: dt.date | None  # first day if the report gives one, else the first of the month
    end_date: dt.date | None
    date_precision: str  # "day", "month", "year" (year only: 1 January), or "published month" /
    # "published day" when the report gives the date the earlier report was published, not the visit
    grade: str  # normalised label
    area: str  # harmonised key of that grade: safeguarding, looked_after, overall (SLAC); SIF keys for "SIF"
    page: int
    snippet: str
    wording: str = ""  # what the statement names: "SLAC", "child protection", "safeguarding", "looked after"
    rule: str = ""  # which clause of the typing rule gave inspection_type (parse_sif_context.earlier_type)
    in_section: bool = False  # read from the 'Previous Ofsted inspections' section
    statement: int = 0  # where the statement starts in the report's folded text (one id per statement)


@dataclass(frozen=True)
class Recap:
    """A statement naming more than one earlier inspection at once ("since the inspections of services
    for children looked after in 2010 and child protection in 2013, which were both judged to be
    adequate", Suffolk 2016): it makes no inspection row (parse_sif_context.read_previous)."""

    page: int
    snippet: str


@dataclass(frozen=True)
class ContextStat:
    """A statistic from the report's 'Information about this local authority area'."""

    measure: (
        str  # children_under_18, poverty_pct, children_in_need, child_protection_plans, looked_after, looked_after_rate
    )
    value: float
    page: int
    snippet: str
    note: str = ""  # e.g. the poverty measure wording: "in poverty" or "low-income families"


@dataclass
class ParsedReport:
    """Everything one parser read from one report. Missing values stay None and are named in warnings."""

    file: str
    report_type: str
    la_name: str | None = None
    la_name_page: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    dates_page: int | None = None
    dates_snippet: str = ""
    published_date: dt.date | None = None
    published_page: int | None = None
    published_from_manifest: bool = False  # True when the report prints no publication date
    judgements: list[Judgement] = field(default_factory=list)
    previous: list[PreviousInspection] = field(default_factory=list)
    context: list[ContextStat] = field(default_factory=list)
    previous_recaps: list[Recap] = field(default_factory=list)
    lead_inspector: str | None = None  # as printed, titles ("HMI", "Her Majesty's Inspector") removed
    lead_inspector_page: int | None = None
    warnings: list[str] = field(default_factory=list)
    text: ReportText | None = None  # sentences and their counts (analysis.build.language), set by extract.parse_one

    def grade(self, area: str) -> str | None:
        """The grade for a harmonised area, or None."""
        for judgement in self.judgements:
            if judgement.area == area:
                return judgement.grade
        return None


@dataclass
class Inputs:
    """Everything the build read from data/raw (the hand-over from load to process and validate)."""

    reports: list[Report]  # every readable report PDF with its text (analysis.build.pdf_text)
    read_log: list[dict[str, str]]  # one row per report file that could not be read: file, sha256, reason
    parsed: dict[str, ParsedReport]  # report file -> what its parser found
    ods_history: pd.DataFrame  # Ofsted's official ILACS history (analysis.build.official)
    local_authorities: pd.DataFrame  # the canonical authority table (analysis.build.authorities)
    la_context: pd.DataFrame  # DfE / IMD context, long format (analysis.build.covariates)
    secondary: pd.DataFrame  # press-sourced SIF judgements of the five authorities without a report
    statistical_neighbours: pd.DataFrame  # DfE statistical neighbours (analysis.build.authorities)
