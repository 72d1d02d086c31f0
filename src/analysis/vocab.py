"""The dataset's vocabulary: grades, judgement areas, frameworks, inspection and report types,
source qualities and the few fixed numbers every stage shares. Both halves of the package (the build
and the analysis) import these names; nobody retypes the strings.

Assumptions made here (each is stated in the data dictionary and the validation report):
- Grades form one ordered category Outstanding (1) > Good (2) > Requires improvement to be good (3)
  > Inadequate (4). The pre-2013 frameworks' "Adequate" keeps its own label and is ranked 3 beside
  RI; whether it counts as RI is a switch (`adequate_as_ri`) in every analysis that uses ranks.
- Judgement areas are mapped to harmonised keys by the crosswalk in AREA_CROSSWALK below.
"""

from __future__ import annotations

# ------------------------------------------------------------------------------------------------
# Frameworks, inspection types, report types, source qualities

#: Inspection frameworks in time order (the order of every table and chart).
PRE_SIF = "pre-SIF"
SIF = "SIF"
ILACS = "ILACS"
FRAMEWORKS: list[str] = [PRE_SIF, SIF, ILACS]


def in_time_order(frameworks) -> list[str]:
    """The framework names in time order (pre-SIF, SIF, ILACS), any other name after them."""
    return sorted(frameworks, key=lambda f: FRAMEWORKS.index(f) if f in FRAMEWORKS else len(FRAMEWORKS))


#: inspections.csv `inspection_type`. The earlier (framework "pre-SIF") inspections are of three
#: frameworks, told apart by the type: SLAC, the inspection of safeguarding and looked after children
#: services (2009 to mid-2012: one inspection grading safeguarding, looked-after children's services
#: and the capacity to improve of each); CHILD_PROTECTION, the unannounced inspection of local
#: authority arrangements for the protection of children (mid-2012 to 2013, one grade); and
#: LOOKED_AFTER_CHILDREN, the 2013 inspection of services for looked after children. How a statement
#: in a SIF report is typed is written down in analysis.build.parse_sif_context (earlier_type).
SLAC = "SLAC"
CHILD_PROTECTION = "child protection"
LOOKED_AFTER_CHILDREN = "looked after children"
SIF_REINSPECTION = "SIF re-inspection"
LSCB_REVIEW = "LSCB review"
ILACS_STANDARD = "ILACS standard"
ILACS_SHORT = "ILACS short"
#: The inspection types of the earlier (pre-SIF) frameworks, in time order.
EARLIER_TYPES: tuple[str, ...] = (SLAC, CHILD_PROTECTION, LOOKED_AFTER_CHILDREN)
INSPECTION_TYPES: list[str] = [
    *EARLIER_TYPES,
    SIF,
    SIF_REINSPECTION,
    LSCB_REVIEW,
    ILACS_STANDARD,
    ILACS_SHORT,
]

#: Report types, as the PDF classifier names them (extraction_log.csv `report_type`). ILACS reports
#: are standard or short: the official ODS tells which (the report text does not).
LAC_2013 = "looked after children 2013"
UNKNOWN_REPORT = "unknown"
REPORT_TYPES: tuple[str, ...] = (SIF, SIF_REINSPECTION, ILACS, LAC_2013, LSCB_REVIEW, UNKNOWN_REPORT)

#: Where a row's value comes from: the report itself, Ofsted's statistics ODS, or press / council pages.
PRIMARY = "primary"
OFFICIAL = "official"
SECONDARY = "secondary"
SOURCE_QUALITIES: list[str] = [PRIMARY, OFFICIAL, SECONDARY]

#: Local authorities that existed during the SIF cycle (Nov 2013 - Dec 2017), as Ofsted counts them.
SIF_ERA_AUTHORITIES = 152

#: Direction of a grade change between two inspections (by grade rank: -1 is a better grade).
CHANGE_LABELS: dict[int, str] = {-1: "improved", 0: "same", 1: "declined"}

#: Month names as the reports print them (lower-cased) -> month number, for the date parsers.
MONTHS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november december".split(), start=1
    )
}

OUTSTANDING = "Outstanding"
GOOD = "Good"
REQUIRES_IMPROVEMENT = "Requires improvement to be good"
ADEQUATE = "Adequate"
INADEQUATE = "Inadequate"
NOT_JUDGED = "Not judged"

#: grade label -> rank (1 best). "Adequate" shares rank 3 with RI; "Not judged" has no rank.
GRADE_RANK: dict[str, int] = {OUTSTANDING: 1, GOOD: 2, REQUIRES_IMPROVEMENT: 3, ADEQUATE: 3, INADEQUATE: 4}
GRADE_ORDER: list[str] = [OUTSTANDING, GOOD, REQUIRES_IMPROVEMENT, INADEQUATE]
GRADE_ORDER_WITH_ADEQUATE: list[str] = [OUTSTANDING, GOOD, ADEQUATE, REQUIRES_IMPROVEMENT, INADEQUATE]

# Spellings seen in the reports and the ODS, lower-cased with white space folded.
_GRADE_SPELLINGS: dict[str, str] = {
    "outstanding": OUTSTANDING,
    "good": GOOD,
    "requires improvement to be good": REQUIRES_IMPROVEMENT,
    "requires improvement": REQUIRES_IMPROVEMENT,
    # "Require improvement" (sic) appears in some SIF judgement tables.
    "require improvement": REQUIRES_IMPROVEMENT,
    "require improvement to be good": REQUIRES_IMPROVEMENT,
    "requires improvement to be good.": REQUIRES_IMPROVEMENT,
    "adequate": ADEQUATE,
    # Bury 2016 reports its earlier inspections as "satisfactory for both": the pre-2010 name of the
    # third grade, which later frameworks called adequate.
    "satisfactory": ADEQUATE,
    "inadequate": INADEQUATE,
    "not judged": NOT_JUDGED,
}


def fold(text: object) -> str:
    """Text with every run of white space folded to one space: labels, names, dates and grades wrap
    over lines in the PDFs, and spreadsheet cells carry stray line breaks."""
    return " ".join(str(text).split())  # str.split() splits on what re's \s matches (str.isspace)


class GradeError(ValueError):
    """A grade text that is none of the known grades."""


def normalise_grade(text: str) -> str:
    """The canonical label for a grade as printed ("Require improvement" -> RI). Raises GradeError."""
    key = fold(text).strip(".:").lower()
    try:
        return _GRADE_SPELLINGS[key]
    except KeyError:
        raise GradeError(f"unknown grade {text!r}: expected one of {sorted(set(_GRADE_SPELLINGS.values()))}") from None


def grade_rank(grade: str) -> int | None:
    """Rank 1 (Outstanding) .. 4 (Inadequate); None for 'Not judged'."""
    return GRADE_RANK.get(grade)


#: Harmonised judgement areas. Each framework's wording maps onto one key; a key is comparable
#: across frameworks only where the crosswalk says so (see docs in data/processed/README.md).
AREA_LABELS: dict[str, str] = {
    "overall": "Overall effectiveness",
    "help_protection": "Children who need help and protection",
    "looked_after": "Children looked after / in care",
    "adoption": "Adoption performance",
    "care_leavers": "Care leavers",
    "leadership": "Leadership (SIF: leadership, management and governance; ILACS: impact of leaders)",
    "lscb": "Local Safeguarding Children Board",
    "safeguarding": "Overall effectiveness of safeguarding (pre-SIF: SLAC safeguarding; 2012-13 child protection)",
    "capacity": "Capacity to improve (pre-SIF)",
}

#: The key judgements the overall grade is built from, in SIF and ILACS alike. Adoption and care
#: leavers are sub-judgements under SIF (2.1, 2.2) and the LSCB is reviewed separately.
KEY_AREAS: tuple[str, ...] = ("help_protection", "looked_after", "leadership")
#: ILACS inspections from 1 January 2023 grade care leavers separately, as a fourth key judgement.
ILACS_KEY_AREAS: tuple[str, ...] = (*KEY_AREAS, "care_leavers")

#: Area giving an inspection's headline grade, in order of preference: SIF and ILACS have an overall
#: effectiveness judgement; pre-SIF safeguarding inspections judged safeguarding, and pre-SIF
#: looked-after inspections looked-after services.
HEADLINE_AREAS: tuple[str, ...] = ("overall", "safeguarding", "looked_after")

#: framework -> {harmonised key: source wording}. SIF looked-after includes care leavers as a
#: sub-judgement; ILACS looked-after covered "children in care and care leavers" until 31 Dec 2022
#: and "children in care" after, when care leavers got their own judgement.
AREA_CROSSWALK: dict[str, dict[str, str]] = {
    SIF: {
        "overall": "Overall effectiveness (Children's services in X are ...)",
        "help_protection": "Children who need help and protection",
        "looked_after": "Children looked after and achieving permanence",
        "adoption": "Adoption performance",
        "care_leavers": "Experiences and progress of care leavers",
        "leadership": "Leadership, management and governance",
        "lscb": "Review of the effectiveness of the Local Safeguarding Children Board",
    },
    ILACS: {
        "overall": "Overall effectiveness",
        "leadership": "The impact of leaders on social work practice with children and families",
        "help_protection": "The experiences and progress of children who need help and protection",
        "looked_after": "The experiences and progress of children in care (and care leavers, before 2023)",
        "care_leavers": "The experiences and progress of care leavers (from 1 January 2023)",
    },
    PRE_SIF: {
        "overall": "SLAC: overall effectiveness, or one grade for the whole inspection, as a SIF report names it",
        "safeguarding": "Overall effectiveness of safeguarding / arrangements for the protection of children",
        "looked_after": "Overall effectiveness of services for looked after children",
        "capacity": "Capacity to improve",
    },
}
