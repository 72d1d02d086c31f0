"""Previous inspections and area statistics printed in SIF reports (2013-2018).

Every SIF report (and SIF re-inspection) has an 'Information about this local authority area'
section; this module reads from it:

- the earlier Ofsted inspections of the authority ('Previous Ofsted inspections', called 'Other
  Ofsted inspections' in the 2014 reports), and sometimes the same facts in a 'Progress since the
  last inspection' paragraph or in the body text: read_previous (parse_previous);
- which framework each earlier inspection was of, from the statement's words and date
  (earlier_type: SLAC 2009-12, the 2012-13 child protection inspection, the 2013 looked after
  children inspection; the rule and its edge cases are written there), and one inspection from the
  several statements that may name it (merge_earlier). A statement naming more than one earlier
  inspection at once is a recap and gives no record (_previous_statements);
- the size of the child population and the social care caseload ('Children living in this area',
  'Child protection in this area', 'Children looked after in this area'): parse_context.

check_context compares the looked-after count, the under-18 population and the looked-after rate
the report prints, which catches misread numbers (footnote digits glued to numbers, for one).

The text is read from the PDFs through analysis.build.pdf_text; white space is folded to single spaces
before matching, since sentences wrap across lines and pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass

from analysis.build.patterns import REQUIRES_IMPROVEMENT, clip
from analysis.build.pdf_text import SIF_REINSPECTION, Report
from analysis.build.records import ContextStat, PreviousInspection, Recap
from analysis.vocab import ADEQUATE, CHILD_PROTECTION, LOOKED_AFTER_CHILDREN, MONTHS, SIF, SLAC, normalise_grade

# --------------------------------------------------------------------------------------------
# Shared text handling
# --------------------------------------------------------------------------------------------

_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"

# Private-use glyphs PDFium returns for list bullets ("\uf06e", "\uf0b7", ...) and the soft
# hyphen ("\ufffe" appears in "well\ufffeconceived") are dropped before matching.
_JUNK = re.compile(r"[\ue000-\uf8ff\ufffe\u00ad]")


@dataclass(frozen=True)
class _Text:
    """A report's text as one string with white space folded, and where each page starts in it."""

    flat: str
    page_starts: tuple[int, ...]

    def page_at(self, position: int) -> int:
        """1-based page number of a character position."""
        page = 1
        for index, start in enumerate(self.page_starts, start=1):
            if start <= position:
                page = index
        return page


@functools.lru_cache(maxsize=2)
def _fold(report: Report) -> _Text:
    """Join the pages with single spaces, folding all white space, and remember page offsets.

    Cached for the last two reports: parse_previous and parse_context of one report share it."""
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    for page in report.pages:
        # str.split() splits on exactly the characters re's \s matches in str patterns (str.isspace).
        text = " ".join(_JUNK.sub(" ", page).split()) + " "
        starts.append(length)
        parts.append(text)
        length += len(text)
    return _Text("".join(parts), tuple(starts))


# --------------------------------------------------------------------------------------------
# Grades
# --------------------------------------------------------------------------------------------

# Grade words as the reports write them, most specific first ("inadequate" before "adequate").
_GRADE = (
    r"(?:grade \d \((?:outstanding|good|adequate|inadequate)\)"
    r"|outstanding|good|inadequate|adequate|satisfactory"
    rf"|{REQUIRES_IMPROVEMENT})"
)
# Warrington 2015: "the local authority was found to have made adequate progress": not a grade.
_GRADE_RE = re.compile(rf"\b{_GRADE}(?! progress)", re.I)


def _grade(word: str) -> str:
    """Normalised grade label for a grade word as printed.

    Quirks: Oxfordshire 2014 writes "judged to be Grade 2 (Good)"; Leicestershire 2017 "judged to
    require improvement", Norfolk 2018 "were found to require improvement", the Knowsley 2017
    re-inspection "they required improvement". Bury 2016 says the 2012 safeguarding and looked after
    inspection judged the authority "satisfactory for both": that framework's grade 3 was called
    "adequate", so "satisfactory" is read as Adequate here (clean.normalise_grade does not know it).
    """
    word = re.sub(r"\s+", " ", word.strip().lower())
    inner = re.fullmatch(r"grade \d \((\w+)\)", word)
    if inner:
        word = inner.group(1)
    if word == "satisfactory":
        return ADEQUATE
    word = re.sub(r"^(required|requiring)\b", "requires", word)
    return normalise_grade(word)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Date:
    """A date phrase read from a sentence."""

    start: dt.date | None
    end: dt.date | None
    precision: str  # "day", "month", "year", "published month" or "published day"
    span: tuple[int, int]  # where in the searched text the date was found


_DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    # Sandwell 2015: "took place between 25 February and 6 March 2013" / "between 24 and 28 June 2013".
    ("range2", rf"between (\d{{1,2}}) ({_MONTH}) and (\d{{1,2}}) ({_MONTH}) (\d{{4}})"),
    ("range1", rf"between (\d{{1,2}}) and (\d{{1,2}}) ({_MONTH}) (\d{{4}})"),
    # Leicester 2017: "was published in 20 March 2015" (a day date in a 'published' sentence).
    ("day", rf"\b(\d{{1,2}}) ({_MONTH}) (\d{{4}})"),
    ("month", rf"\b({_MONTH}) (\d{{4}})"),
    # Calderdale 2015: "Subsequent inspections ... in 2012 and 2013 continued to judge ...": the
    # latest year is the previous inspection.
    ("years", r"\b(20\d\d) and (20\d\d)\b"),
    # Rochdale 2014: "was in 2012"; Rutland 2017: "The last inspection for children looked after in 2011".
    ("year", r"\b(20\d\d|199\d)\b"),
)


def _date_at(kind: str, match: re.Match[str]) -> _Date:
    """A _Date from one match of a _DATE_PATTERNS pattern."""
    g = [x.lower() if x else x for x in match.groups()]
    if kind == "range2":
        year = int(g[4])
        return _Date(
            dt.date(year, MONTHS[g[1]], int(g[0])), dt.date(year, MONTHS[g[3]], int(g[2])), "day", match.span()
        )
    if kind == "range1":
        year, month = int(g[3]), MONTHS[g[2]]
        return _Date(dt.date(year, month, int(g[0])), dt.date(year, month, int(g[1])), "day", match.span())
    if kind == "day":
        return _Date(dt.date(int(g[2]), MONTHS[g[1]], int(g[0])), None, "day", match.span())
    if kind == "month":
        return _Date(dt.date(int(g[1]), MONTHS[g[0]], 1), None, "month", match.span())
    if kind == "years":
        return _Date(dt.date(max(int(g[0]), int(g[1])), 1, 1), None, "year", match.span())
    return _Date(dt.date(int(g[0]), 1, 1), None, "year", match.span())


def _dates(text: str) -> list[_Date]:
    """Every date phrase of a text in order, leaving out those inside a longer one ("March 2013" in
    "between 25 February and 6 March 2013", "2013" in "March 2013")."""
    if not re.search(r"\d\d", text):  # every pattern has a number: a quick first test
        return []
    found = [_date_at(kind, match) for kind, pattern in _DATE_PATTERNS for match in re.finditer(pattern, text, re.I)]
    found = [
        d
        for d in found
        if not any(o is not d and o.span[0] <= d.span[0] and d.span[1] <= o.span[1] and o.span != d.span for o in found)
    ]
    return sorted(found, key=lambda d: d.span)


def _find_date(text: str, before: int | None = None) -> _Date | None:
    """The date of the inspection a sentence is about.

    If `before` is given (where the verb "judged"/"found" is) the last date before it is taken:
    Nottinghamshire 2015 "Following the unannounced inspection by Ofsted in 2009, ..., and the
    inspection of safeguarding and arrangements for looked after children in March 2010, which found
    overall effectiveness for safeguarding to be inadequate" is about March 2010. Otherwise the first.
    """
    found = _dates(text)
    if not found:
        return None
    earlier = [d for d in found if before is not None and d.span[1] <= before]
    date = earlier[-1] if earlier else found[0]
    # Bedford 2017, Central Bedfordshire, Walsall, the re-inspections ...: "The previous inspection
    # ... was published in February 2013". That is when the report came out, not when inspectors
    # visited (usually one to three months before): say so in the precision rather than pretend.
    if re.search(r"published\s+(?:in\s+)?$", text[: date.span[0]], re.I):
        date = _Date(date.start, date.end, "published " + date.precision, date.span)
    return date


# --------------------------------------------------------------------------------------------
# Previous inspections
# --------------------------------------------------------------------------------------------

SIF_TYPE = SIF

# What the earlier inspection covered, read from the words before its date.
_SAFE_WORDS = r"safeguard\w*|protection of children|child protection|help and protection"
_LAC_WORDS = r"looked[ -]after|children in care"
_SAFE_RE = re.compile(_SAFE_WORDS, re.I)
_LAC_RE = re.compile(_LAC_WORDS, re.I)
# Inspections of other services that the same paragraphs list: not what this parser reads.
_OTHER_SERVICE_RE = re.compile(
    r"fostering|adoption service|children[’']s homes?\b|contact, referral|schools|children[’']s centre|lscb|board",
    re.I,
)
# A sentence speaks of an earlier inspection ("The previous inspection of ...", "The last inspection
# of ...", "were last inspected in", "Ofsted's inspection of services for looked after children in
# February 2010 found ...", "An inspection of safeguarding and arrangements for looked after children
# took place in March 2010", "A follow up inspection ...", "Subsequent inspections of ...").
_EARLIER_RE = re.compile(
    r"\b(?:previous|last|most recent|subsequent|follow up|earlier)\b[^.]{0,80}?\binspect"
    r"|\binspect\w*\s+of\s+(?:safeguarding|services for|[^.]{0,60}?arrangements for)"
    r"|\b(?:last|previously)\s+inspected\b"
    r"|\binspected\s+in\b",
    re.I,
)
# The grade must be a judgement, not a description of today's services ("are now good").
_JUDGED_RE = re.compile(
    r"\b(?:judged?|judgements?|judgments?|found|rated|graded)\b|local authority was\s+(?=" + _GRADE + ")", re.I
)


# Where a sentence ends: '.' or ';' before a space; also before "The previous/last ..." and a section
# heading, because some paragraphs lose their full stop in the PDF text (Portsmouth 2014: "... judged
# to be making satisfactory progress at the interim inspection in January 2014  The previous
# inspection of Portsmouth's safeguarding arrangements was in May 2011.").
# The text is folded (_fold): its only white space is single spaces, so " " stands for \s here.
# Found as the positions just after each '.' or ';' followed by a space (str.find: several times
# faster than a regular expression whose first character is a class), and just after each space
# before those words (a lookahead, so "... Ofsted inspections The previous ..." gives both).
_SENTENCE_STOPS = (". ", "; ")
_SENTENCE_BREAK_RE = re.compile(r" (?=The (?:previous|last) |(?:Previous|Other) Ofsted [Ii]nspections )")


def _sentence_ends(flat: str) -> list[int]:
    """Sorted positions where a sentence ends (see above)."""
    ends = {match.start() + 1 for match in _SENTENCE_BREAK_RE.finditer(flat)}
    for stop in _SENTENCE_STOPS:
        at = flat.find(stop)
        while at != -1:
            ends.add(at + 1)
            at = flat.find(stop, at + 1)
    return sorted(ends)


def _sentences(text: _Text) -> list[tuple[int, str]]:
    """(start position, sentence) pairs, stripped, empty ones left out (see _sentence_ends)."""
    flat = text.flat
    out: list[tuple[int, str]] = []
    start = 0
    for end in [*_sentence_ends(flat), len(flat)]:
        piece = flat[start:end]
        sentence = piece.strip()
        if sentence:
            out.append((start + len(piece) - len(piece.lstrip()), sentence))
        start = end
    return out


def _area_of(text: str) -> str | None:
    """'safeguarding' or 'looked_after' if text names exactly one of them, else None."""
    safe, lac = bool(_SAFE_RE.search(text)), bool(_LAC_RE.search(text))
    if safe and not lac:
        return "safeguarding"
    if lac and not safe:
        return "looked_after"
    return None


def _area_grades(text: str, first: int = 0) -> list[tuple[str | None, str, int]]:
    """(area or None, grade, position) for every grade word in text[first:], with the area it is about.

    The area of a grade is the one its own clause names: "good for safeguarding, adequate for
    looked after children's services and good for overall effectiveness" (Coventry 2014),
    "adequate for children looked after and inadequate for safeguarding" (Wiltshire 2015), "found
    overall effectiveness of safeguarding services to be inadequate" (Nottinghamshire 2015),
    "For looked after children, it judged overall effectiveness and capacity for improvement to be
    adequate" (Birmingham 2014). "for both" gives area "both"; a clause naming only "overall
    effectiveness" gives "overall". The clause before a grade reaches back to the previous grade (or
    the end of its own "for ..." phrase) or full stop, and may start before `first` (the subject can
    precede the verb "judged"). Coventry 2014's third grade, "... adequate for looked after
    children's services and good for overall effectiveness", is thus "overall", not looked-after.
    """
    found: list[tuple[str | None, str, int]] = []
    matches = [m for m in _GRADE_RE.finditer(text) if m.start() >= first]
    previous_end = 0
    for index, match in enumerate(matches):
        after = text[match.end() :]
        # "judged adequate overall at this inspection for both safeguarding and ..." (Warrington 2015)
        for_phrase = re.match(
            r"\s*(?:\(grade \d\)\s*)?(?:overall at this inspection\s+)?(?:for|in)\s+(.*?)(?=,|;|\.|\band\b\s+\w+\s+for\b|$)",
            after,
            re.I,
        )
        area: str | None = None
        if for_phrase:
            phrase = for_phrase.group(1)
            area = "both" if re.match(r"both\b", phrase, re.I) else _area_of(phrase)
        if area is None:
            # From the verb first ("... Children's services found safeguarding inadequate", Leeds
            # 2015), then back to the previous grade or full stop.
            left_starts = (previous_end,) if index else (first, 0)
            for left_start in left_starts:
                clause = re.split(r"[.;]|\bwhile\b", text[left_start : match.start()])[-1]
                area = _area_of(clause)
                if area:
                    break
        if area is None and for_phrase and re.search(r"overall effectiveness", for_phrase.group(1), re.I):
            area = "overall"
        found.append((area, _grade(match.group(0)), match.start()))
        previous_end = match.end() + (for_phrase.end() if for_phrase else 0)
    return found


@dataclass(frozen=True)
class _Statement:
    """One sentence about an earlier inspection, with the sentence that may carry its grade."""

    position: int
    sentence: str
    grade_text: str  # from the date to the end of the sentence, plus the next sentence if needed
    recap: str = ""  # the whole sentence, when it names more than one earlier inspection (see below)


def _names_several(sentence: str) -> bool:
    """Does a sentence name more than one earlier inspection by date? Two date phrases (not one
    range), or two years joined ("in 2012 and 2013", Calderdale 2015; "the two previous safeguarding
    inspections in 2010 and 2011", Peterborough 2015; "since the inspections of services for children
    looked after in 2010 and child protection in 2013, which were both judged to be adequate",
    Suffolk 2016)."""
    found = _dates(sentence)
    return len(found) > 1 or any(re.fullmatch(r"20\d\d and 20\d\d", sentence[d.span[0] : d.span[1]]) for d in found)


def _previous_statements(text: _Text) -> list[_Statement]:
    """Sentences that name an earlier inspection, and the text that gives its grade.

    A sentence naming more than one earlier inspection is a recap (`_Statement.recap` holds it): its
    date and grade cannot be tied to one inspection, and what it recaps is stated one inspection at a
    time elsewhere in the report (the 'Previous Ofsted inspections' section), so it makes no record
    (read_previous lists it). Greenwich 2016, split in two below, is one.
    """
    sentences = _sentences(text)
    # Every _EARLIER_RE branch holds "inspect" (any case): a quick first test, by position in the
    # text lowered once (lower() keeps positions unless a character lowers to two; then per sentence).
    lowered = text.flat.lower()
    same_length = len(lowered) == len(text.flat)
    out: list[_Statement] = []
    for index, (position, sentence) in enumerate(sentences):
        end = position + len(sentence)
        # Long 'sentences' are page furniture run together (title page, contents list): skip them.
        if (
            len(sentence) > 600
            or (lowered.find("inspect", position, end) == -1 if same_length else "inspect" not in sentence.lower())
            or "Inspection date" in sentence
            or not _EARLIER_RE.search(sentence)
            or re.match(r"since\b", sentence, re.I)
        ):
            continue
        # Greenwich 2016 names two inspections in one sentence: "... the previous Ofsted
        # inspections of child protection (in 2012), which judged services to be good, and of
        # children looked after (in 2010), which judged services to be adequate." Split it.
        pieces = re.split(r",\s+and\s+(?=of\s)", sentence)
        recap = sentence if len(pieces) > 1 or _names_several(sentence) else ""
        offset = 0
        for piece in pieces:
            second = sentences[index + 1][1] if index + 1 < len(sentences) else ""
            # The grade is often in the next sentence: "The local authority was judged to be
            # adequate." / "It was judged to be adequate." / "Ofsted judged that services were
            # inadequate." / "Services for children looked after were judged to be adequate at this
            # inspection." (West Sussex 2016) / "For looked after children, it judged ..." (Birmingham 2014).
            # "The arrangements were judged to be inadequate" (Somerset 2015), "The authority was judged
            # adequate overall at this inspection for both ..." (Warrington 2015), "Services to children
            # looked after were adequate." (Leeds 2015).
            joins = re.match(
                r"(?:the (?:local )?authority|it\b|ofsted judged|services (?:for|to)|the overall effectiveness"
                r"|for looked after|the arrangements|they were)",
                second,
                re.I,
            )
            # Only a sentence that judges (Suffolk 2016: "... which were both judged to be adequate.
            # Services for children looked after are particularly strong ..., with some aspects
            # showing outstanding performance." is description, not a judgement).
            if joins and (_JUDGED_RE.search(second) or re.search(rf"\b(?:was|were) {_GRADE}", second, re.I)):
                grade_text = piece + " " + second
            else:
                grade_text = piece
            out.append(_Statement(position + offset, piece, grade_text, recap))
            offset += len(piece) + 1
    return out


def _sif_judgements(text: str) -> list[tuple[str, str]]:
    """(area, grade) pairs from a list of an earlier SIF inspection's judgements.

    The re-inspections list them: "The judgements for the local authority were: Overall
    effectiveness: inadequate Children who need help and protection: inadequate ..." (Sandwell,
    Surrey, Torbay, ...), or in prose: "The overall effectiveness of the local authority was judged
    to be inadequate. The experiences and progress of children who need help and protection were
    judged to be inadequate. ... The graded judgment for adoption performance was that it was
    inadequate." (Knowsley 2017).
    """
    labels = {
        "overall": r"overall effectiveness",
        "help_protection": r"children who need help and protection",
        "looked_after": r"children looked after and achieving permanence",
        "adoption": r"adoption performance",
        "care_leavers": r"(?:experiences and progress of )?care leavers",
        "leadership": r"leadership, management and governance",
    }
    out: list[tuple[str, str]] = []
    for area, label in labels.items():
        match = re.search(
            rf"{label}(?:\s*[:–-]\s*|[^.:]{{0,40}}?\b(?:were|was)\s+(?:judged\s+(?:to\s+)?(?:be\s+)?|that (?:it|they)\s+(?:was\s+|were\s+)?)?)({_GRADE})",
            text,
            re.I,
        )
        if match:
            out.append((area, _grade(match.group(1))))
    if out:
        return out
    # Norfolk 2018: "The local authority was judged inadequate in respect of children looked after,
    # care leavers and overall effectiveness, while adoption, care leavers and leadership,
    # management and governance were found to require improvement." Care leavers sits in both
    # lists (a slip in the report), so its grade is left out.
    match = re.search(rf"judged ({_GRADE}) in respect of (.*?), while (.*?) were found to ({_GRADE})", text, re.I)
    if match:
        first, second = match.group(2).lower(), match.group(3).lower()
        for area, label in (
            ("overall", "overall effectiveness"),
            ("looked_after", "children looked after"),
            ("adoption", "adoption"),
            ("leadership", "leadership"),
        ):
            in_first, in_second = label in first, label in second
            if in_first != in_second:
                out.append((area, _grade(match.group(1) if in_first else match.group(4))))
    return out


# The sentence introduces an earlier SIF inspection as a whole: "The last inspection report for the
# local authority's children's services was published in August 2014." / "The previous single
# inspection of ..." / "The last inspection of the local authority's children's services was in
# July 2015." (Norfolk 2018).
_SIF_SUBJECT_RE = re.compile(
    r"single inspection|inspection report for the local authority[’']s children[’']s services"
    r"|inspection of the local authority[’']s children[’']s services|local authority children[’']s services was",
    re.I,
)


#: The typing rule's dates. The unannounced inspections of arrangements for the protection of
#: children began in June 2012; the SLAC programme (from 2009) ran into the summer of 2012 (West
#: Berkshire 2015: "safeguarding and looked after children services (SLAC) was in August 2012"); the
#: inspections of services for looked after children were of 2013.
CHILD_PROTECTION_FROM = dt.date(2012, 6, 1)
LOOKED_AFTER_FROM = dt.date(2013, 1, 1)

# A statement names the 2012-13 framework by its title words ("arrangements for the protection of
# children"); "safeguarding" names the SLAC's safeguarding half and is used for both in the later
# reports ("safeguarding arrangements/arrangements for the protection of children", Isle of Wight 2014).
_CP_WORDS_RE = re.compile(r"protection of children|child protection", re.I)
_SLAC_NAMED_RE = re.compile(r"\bSLAC\b")


def _wording(subject: str, sentence: str) -> str:
    """What a statement's subject names: "SLAC" (both halves, or the word SLAC), "looked after",
    "child protection" (the 2012-13 title words, without "safeguarding") or "safeguarding"."""
    has_safe, has_lac = bool(_SAFE_RE.search(subject)), bool(_LAC_RE.search(subject))
    if (has_safe and has_lac) or _SLAC_NAMED_RE.search(sentence):
        return "SLAC"
    if has_lac:
        return "looked after"
    if _CP_WORDS_RE.search(subject) and not re.search(r"safeguard", subject, re.I):
        return "child protection"
    return "safeguarding"


def earlier_type(wording: str, start: dt.date, precision: str) -> tuple[str, str]:
    """(inspection type, the clause of the rule that gave it) for one statement about an earlier inspection.

    The rule, from the statement's wording (_wording) and date:

    1. A statement naming both halves of the inspection or the word "SLAC" is SLAC, whatever its date
       (edge case when dated from June 2012: West Berkshire 2015, "SLAC ... in August 2012").
    2. Looked after children alone: 2013 or later is the 2013 looked after children inspection;
       earlier it is the looked-after half of a SLAC (edge case when dated June to December 2012,
       between the two programmes: the SLAC's last months).
    3. Safeguarding or child protection alone: before June 2012 it is the safeguarding half of a SLAC
       (the 2012-13 framework did not exist yet; edge case when the words are "protection of children",
       which the later reports use for both); from June 2012 it is the child protection inspection.
       A year alone of 2012 cannot be placed either side of June: the words decide ("protection of
       children" child protection, else SLAC; an edge case).
    A publication date is read as the date (the visit was one to three months before it).

    merge_earlier adds a rule across statements: a safeguarding grade from June 2012 typed child
    protection and a SLAC looked-after grade of the same authority and month are one SLAC (the
    child protection inspection graded no looked-after services: Barnsley 2014 "safeguarding
    arrangements was in June 2012" beside "services for looked after children was in June 2012"),
    and a year-only statement takes the type of the one inspection of that year it joins.

    Every clause ending "(edge)" is an edge case; the build counts the inspections each clause typed
    and lists those typed by an edge case (validation.json, earlier_inspections: typing_rules,
    edge_case_inspections; 24 of the 198 earlier inspections in the current build, pinned in
    tests/build/test_tables.py).
    """
    year_only = precision == "year"
    if wording == "SLAC":
        late = not year_only and start >= CHILD_PROTECTION_FROM
        return SLAC, "SLAC named, from June 2012 (edge)" if late else "SLAC named"
    if wording == "looked after":
        if start >= LOOKED_AFTER_FROM:
            return LOOKED_AFTER_CHILDREN, "looked after, 2013 or later"
        if not year_only and start >= CHILD_PROTECTION_FROM:
            return SLAC, "looked after, June to December 2012 (edge)"
        return SLAC, "looked after, before 2013"
    if year_only and start.year == CHILD_PROTECTION_FROM.year:
        if wording == "child protection":
            return CHILD_PROTECTION, "child protection named, 2012 year only (edge)"
        return SLAC, "safeguarding, 2012 year only (edge)"
    if start < CHILD_PROTECTION_FROM:
        if wording == "child protection":
            return SLAC, "child protection named, before June 2012 (edge)"
        return SLAC, "safeguarding, before June 2012"
    return CHILD_PROTECTION, f"{wording}, from June 2012"


def _record(
    kind: str, area: str, grade: str, date: _Date, page: int, snippet: str, **facts: object
) -> PreviousInspection:
    """One PreviousInspection (the snippet cut to 200 characters); facts: wording, rule, in_section, statement."""
    return PreviousInspection(
        inspection_type=kind,
        start_date=date.start,
        end_date=date.end,
        date_precision=date.precision,
        grade=grade,
        area=area,
        page=page,
        snippet=clip(snippet, context_style=True),
        **facts,  # type: ignore[arg-type]
    )


def _from_statement(
    statement: _Statement, reinspection: bool, text: _Text, in_section: bool = False
) -> list[PreviousInspection]:
    """The previous-inspection records one statement gives (none if it is not about CP/LAC/SIF)."""
    sentence = statement.sentence
    verb = _JUDGED_RE.search(sentence)
    date = _find_date(sentence, verb.start() if verb else None)
    if date is None:
        return []
    subject = sentence[: date.span[0]]
    page = text.page_at(statement.position)
    judged_in_sentence = _JUDGED_RE.search(sentence, date.span[1])
    if not (_SAFE_RE.search(subject) or _LAC_RE.search(subject)) and judged_in_sentence:
        # The date comes first: "In January 2010, inspection of Safeguarding and Looked After
        # Children's services found safeguarding inadequate." (Leeds 2015); "At the last Ofsted
        # inspection in 2015, help and protection services were judged to be still inadequate."
        # (Doncaster 2018). The subject then runs on to the verb.
        subject = sentence[: judged_in_sentence.start()]
    facts = dict(in_section=in_section, statement=statement.position)
    if _SIF_SUBJECT_RE.search(subject):
        window = text.flat[statement.position : statement.position + 900]
        window = re.split(
            r"Ofsted carried out|The local authority has had|Local leadership|Children living in", window
        )[0]
        return [
            _record(SIF_TYPE, area, grade, date, page, sentence, **facts) for area, grade in _sif_judgements(window)
        ]
    if _OTHER_SERVICE_RE.search(subject) or not (_SAFE_RE.search(subject) or _LAC_RE.search(subject)):
        return []
    grade_text = statement.grade_text[date.span[1] :]

    def quote(position: int) -> str:
        """The text from the date to the grade word at `position` in grade_text: the grade is often
        in the next sentence ("... was in January 2013. The local authority was inadequate.")."""
        start, grade_at = max(0, date.span[0] - 60), date.span[1] + position
        if start:  # begin at a word
            start = statement.grade_text.find(" ", start) + 1 or start
        text_ = statement.grade_text[start : grade_at + 25]
        if len(text_) > 200:
            text_ = (
                statement.grade_text[start : start + 95] + " … " + statement.grade_text[grade_at - 75 : grade_at + 25]
            )
        return text_

    judged = _JUDGED_RE.search(grade_text)
    if not judged:
        return []
    grades = _area_grades(grade_text, judged.start())
    if not grades:
        return []
    has_safe, has_lac = bool(_SAFE_RE.search(subject)), bool(_LAC_RE.search(subject))
    records: list[PreviousInspection] = []
    if reinspection:
        # A re-inspection follows a SIF inspection, and its 'previous inspection' sentences are about
        # that SIF even when worded like the old frameworks: Birmingham 2016 "The previous inspection
        # of the local authority's safeguarding arrangements was in March 2014" (the SIF of
        # Jan-Mar 2014), Coventry 2017 "services for children who need help and protection",
        # Doncaster 2018 "At the last Ofsted inspection in 2015, help and protection services were
        # judged to be still inadequate".
        area = "help_protection" if has_safe and not has_lac else "looked_after" if has_lac and not has_safe else None
        if area:
            records.append(_record(SIF_TYPE, area, grades[0][1], date, page, quote(grades[0][2]), **facts))
        return records
    # West Sussex 2016: "... services for children looked after was in November 2010, as part of the
    # inspection of Safeguarding and Looked After Children (SLAC) inspection."
    wording = _wording(subject, sentence)
    kind, rule = earlier_type(wording, date.start, date.precision)
    facts |= dict(wording=wording, rule=rule)
    if wording != "SLAC":
        area = "looked_after" if wording == "looked after" else "safeguarding"
        # The first grade is the judgement ("adequate in overall effectiveness", Stockton 2016).
        records.append(_record(kind, area, grades[0][1], date, page, quote(grades[0][2]), **facts))
        if kind == SLAC:
            # A SLAC graded both halves; the other half's grade, where this statement names it
            # (Calderdale 2015: "Ofsted's inspection of services for looked after children in
            # February 2010 found services to be adequate, with safeguarding arrangements for children
            # judged to be inadequate").
            other = "safeguarding" if area == "looked_after" else "looked_after"
            labelled = [(g, at) for a, g, at in grades[1:] if a in (other, "both")]
            if labelled:
                records.append(_record(kind, other, labelled[0][0], date, page, quote(labelled[0][1]), **facts))
        return records
    labelled = [(a, g, at) for a, g, at in grades if a in ("safeguarding", "looked_after", "both", "overall")]
    if any(a != "overall" for a, _, _ in labelled):
        # Coventry 2014: "good for safeguarding, adequate for looked after children's services and
        # good for overall effectiveness": three grades.
        seen: set[str] = set()
        for area, grade, at in labelled:
            for one in ("safeguarding", "looked_after") if area == "both" else (area,):
                if one not in seen:
                    seen.add(one)
                    records.append(_record(kind, one, grade, date, page, quote(at), **facts))
    elif len({g for _, g, _ in grades}) == 1:
        # Bradford 2014: "The previous inspection of Bradford's safeguarding and looked after children
        # services was in May 2012. The local authority was judged to be good." One grade for an
        # inspection that graded safeguarding and looked after children separately: which one it is
        # cannot be told, so it is kept as the inspection's 'overall' grade, not as either area. So is
        # "judged to be good for overall effectiveness" (Enfield 2015).
        records.append(_record(kind, "overall", grades[0][1], date, page, quote(grades[0][2]), **facts))
    return records


def _section_span(text: _Text) -> tuple[int, int] | None:
    """Where the 'Previous/Other Ofsted inspections' section is (the last heading: the first is
    often in the contents list), up to the next heading."""
    # A heading starts with a capital and is followed by a capitalised sentence; the same words in
    # running text ("... on previous Ofsted inspections, early help ...", Somerset 2015) are not.
    heads = [h for h in re.finditer(r"(?:Previous|Other) Ofsted [Ii]nspections\s+(?=[A-Z])", text.flat)]
    if not heads:
        return None
    start = heads[-1].start()
    end_match = re.search(
        r"Local leadership|Other information about|Children living in|Information about this inspection|Executive summary",
        text.flat[start + 30 :],
    )
    end = start + 30 + end_match.start() if end_match else start + 3000
    return start, end


def read_previous(report: Report) -> tuple[list[PreviousInspection], list[Recap]]:
    """Earlier Ofsted inspections of child protection and looked-after children that a SIF report
    names, and the recap statements that name several at once (which give no record).

    Records from the 'Previous Ofsted inspections' ('Other Ofsted inspections') section come first,
    then any other earlier inspections named elsewhere (the 'Progress since the last inspection'
    paragraph, the executive summary), so the first record of an area is the section's. Every
    mention is kept (merge_earlier makes one inspection of them and the build lists the merge), but
    for a SIF re-inspection, whose earlier SIF's judgements are returned with inspection_type "SIF"
    and their SIF area keys, repeats (same area, date and grade) are dropped.
    """
    text = _fold(report)
    reinspection = report.report_type == SIF_REINSPECTION
    section = _section_span(text)
    records: list[tuple[int, int, PreviousInspection]] = []
    recaps: list[Recap] = []
    for statement in _previous_statements(text):
        in_section = section is not None and section[0] <= statement.position < section[1]
        found = _from_statement(statement, reinspection, text, in_section)
        if statement.recap:
            recap = Recap(text.page_at(statement.position), clip(statement.recap, context_style=True))
            if found and recap not in recaps:
                recaps.append(recap)
            continue
        for record in found:
            records.append((0 if in_section else 1, statement.position, record))
    records.sort(key=lambda item: item[:2])
    out: list[PreviousInspection] = []
    seen: set[tuple] = set()
    for _, _, record in records:
        key = (record.inspection_type, record.area, record.start_date, record.grade)
        if record.inspection_type != SIF_TYPE or key not in seen:
            seen.add(key)
            out.append(record)
    return out, recaps


def parse_previous(report: Report) -> list[PreviousInspection]:
    """The records of read_previous (without the recaps)."""
    return read_previous(report)[0]


def previous_grade(records: list[PreviousInspection], area: str) -> PreviousInspection | None:
    """The record the report gives first for an area (the section's, see parse_previous), or None."""
    return next((record for record in records if record.area == area), None)


# --------------------------------------------------------------------------------------------
# One authority's earlier inspections: the records of its reports merged into inspections
# --------------------------------------------------------------------------------------------

#: Which record of an inspection gives its date and source: the most precise date first.
_PRECISION_RANK = {"day": 0, "month": 1, "published day": 2, "published month": 3, "year": 4}
#: The earlier inspection types that graded each area (a year-only record joins one of these).
_TYPES_GRADING = {
    "safeguarding": (SLAC, CHILD_PROTECTION),
    "looked_after": (SLAC, LOOKED_AFTER_CHILDREN),
    "overall": (SLAC,),
}
PAIRED_RULE = "safeguarding from June 2012 beside a SLAC looked-after grade of the same month (edge)"
YEAR_JOIN_RULE = "year only, typed by the one inspection of that year it joins (edge)"


@dataclass(frozen=True)
class EarlierInspection:
    """One earlier inspection of an authority and the records naming it (merge_earlier).

    records[0] gives the date and the source; `grades` holds one record per area graded.
    """

    inspection_type: str
    records: tuple[tuple[str, PreviousInspection], ...]  # (report file, record)
    grades: tuple[tuple[str, PreviousInspection], ...]
    conflicts: tuple[str, ...] = ()  # "area: grade (file p. n) v grade (file p. m)": the first is kept

    @property
    def statements(self) -> list[tuple[str, int]]:
        """The statements (report file, position) this inspection was read from, in record order."""
        return list(dict.fromkeys((file, record.statement) for file, record in self.records))


def _month_span(record: PreviousInspection) -> tuple[int, int]:
    """First and last month (as year * 12 + month) of a record's dates."""
    start = record.start_date
    end = record.end_date or start
    assert start is not None and end is not None
    return start.year * 12 + start.month, end.year * 12 + end.month


def _same_visit(a: tuple[str, PreviousInspection], b: tuple[str, PreviousInspection]) -> bool:
    """Do two records dated at least by month (same type) name the same inspection?

    The same month, or overlapping months for a range ("between 25 February and 6 March 2013" and
    "March 2013", Sandwell 2015); one report naming one inspection at most two months apart
    (Isle of Wight 2014: "November 2012" in the progress paragraph, "January 2013" in the section);
    a publication month up to three months after the visit month.
    """
    (file_a, ra), (file_b, rb) = a, b
    pub_a, pub_b = ra.date_precision.startswith("published"), rb.date_precision.startswith("published")
    ma, mb = _month_span(ra), _month_span(rb)
    if pub_a == pub_b:
        if ma[0] <= mb[1] and mb[0] <= ma[1]:
            return True
        return file_a == file_b and ra.area == rb.area and abs(ma[0] - mb[0]) <= 2
    visit, published = (mb, ma) if pub_a else (ma, mb)
    return 0 <= published[0] - visit[1] <= 3


def merge_earlier(named: list[tuple[str, PreviousInspection]]) -> list[EarlierInspection]:
    """One authority's earlier inspections from the records its reports give (report file, record),
    in report order (records of type "SIF" are left out: the earlier SIF is a report of its own).

    1. Typing across statements: a safeguarding record typed child protection (dated June to
       December 2012) whose month has a SLAC looked-after record is SLAC (see earlier_type).
    2. Records of one type dated at least by month are one inspection when _same_visit says so.
    3. A year-only record ("the last inspection in 2012") joins the one inspection of that year and
       of a type that graded its area (its own type first); it is retyped to it if need be (an edge
       case). With none (or more than one) it is an inspection of its own, dated by the year.
    Grades: one per area, from the first record that gives it (the most precisely dated, the
    section's first); a different grade for the same area from another record is a conflict, listed.
    """
    items = [(file, record) for file, record in named if record.inspection_type != SIF_TYPE]
    lac_months = {
        _month_span(record)[0]
        for _, record in items
        if record.inspection_type == SLAC and record.area == "looked_after" and record.date_precision != "year"
    }
    for index, (file, record) in enumerate(items):
        if (
            record.inspection_type == CHILD_PROTECTION
            and record.date_precision != "year"
            and record.start_date is not None
            and record.start_date < LOOKED_AFTER_FROM
            and _month_span(record)[0] in lac_months
        ):
            items[index] = (file, dataclasses.replace(record, inspection_type=SLAC, rule=PAIRED_RULE))
    groups: list[list[int]] = []
    for index, (_, record) in enumerate(items):
        if record.date_precision == "year":
            continue
        for group in groups:
            first = items[group[0]][1]
            if first.inspection_type == record.inspection_type and any(
                _same_visit(items[i], items[index]) for i in group if items[i][1].date_precision != "year"
            ):
                group.append(index)
                break
        else:
            groups.append([index])
    for index, (file, record) in enumerate(items):
        if record.date_precision != "year":
            continue
        year = record.start_date.year if record.start_date else None
        candidates = [
            group
            for group in groups
            if items[group[0]][1].inspection_type in _TYPES_GRADING[record.area]
            and any(items[i][1].start_date and items[i][1].start_date.year == year for i in group)
        ]
        own = [group for group in candidates if items[group[0]][1].inspection_type == record.inspection_type]
        chosen = own if len(own) == 1 else candidates if len(candidates) == 1 else []
        if chosen:
            kind = items[chosen[0][0]][1].inspection_type
            if kind != record.inspection_type:
                items[index] = (file, dataclasses.replace(record, inspection_type=kind, rule=YEAR_JOIN_RULE))
            chosen[0].append(index)
        else:
            groups.append([index])
    out: list[EarlierInspection] = []
    for group in sorted(groups, key=min):
        order = sorted(
            group,
            key=lambda i: (_PRECISION_RANK[items[i][1].date_precision], not items[i][1].in_section, i),
        )
        records = tuple(items[i] for i in order)
        home = records[0][0]
        by_area: dict[str, tuple[str, PreviousInspection]] = {}
        conflicts: list[str] = []
        for file, record in sorted(records, key=lambda item: item[0] != home):
            kept = by_area.setdefault(record.area, (file, record))
            if kept[1].grade != record.grade:
                conflicts.append(
                    f"{record.area}: {kept[1].grade} ({kept[0]} p. {kept[1].page}) v {record.grade} ({file} p. {record.page})"
                )
        areas = [area for area in _TYPES_GRADING if area in by_area]
        out.append(
            EarlierInspection(
                records[0][1].inspection_type, records, tuple(by_area[a] for a in areas), tuple(conflicts)
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Context statistics
# --------------------------------------------------------------------------------------------

# A number as printed: digits with comma grouping (a footnote digit may follow, see _number),
# digits grouped by a space ("Approximately 62 100 children", Hull 2015), a plain number or decimal,
# or a small number in words ("no children were being looked after", Isles of Scilly 2016).
_NUMBER = r"\d{1,3}(?:,\d{3,})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?!\d)|\d+(?:\.\d+)?"
_WORD_NUMBERS = {
    word: value
    for value, word in enumerate(
        "no one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_COUNT = rf"(?:{_NUMBER}|\b(?:{'|'.join(_WORD_NUMBERS)}))"


def _number(text: str) -> tuple[float, str]:
    """The value of a printed number, and a note if it was written in words or lost a footnote digit.

    Footnote markers in the PDFs are superscript digits that PDFium returns inline, glued to the
    number before them: "56,2002" is 56,200 with footnote 2 (Cheshire West and Chester 2016).
    A comma group must be exactly three digits, so extra digits after the last group are a footnote.
    """
    text = text.strip().rstrip(",")
    if text.lower() in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[text.lower()]), f"written in words: {text!r}"
    note = ""
    if "," in text:
        head, *groups = text.split(",")
        integer_last, dot, decimals = groups[-1].partition(".")
        if len(integer_last) > 3:
            note = f"footnote marker {integer_last[3:]!r} removed from {text!r}"
            groups[-1] = integer_last[:3] + dot + decimals
            text = ",".join([head, *groups])
    return float(text.replace(",", "").replace(" ", "")), note


@dataclass(frozen=True)
class _Measure:
    """One way a statistic is printed."""

    name: str
    pattern: str  # group 'n' is the number


_LA = r"(?:[Ll]ocal [Aa]uthority|LA|council)"
# Patterns for each statistic, tried in order; the first match in the area-statistics part is the
# current figure (the comparison with an earlier date, "This is a reduction from 7,361 at 31 March
# 2014", comes after it).
_MEASURES: tuple[_Measure, ...] = (
    # "Approximately 166,507 children and young people under the age of 18 years live in Norfolk."
    # Buckinghamshire 2014 "117,900children", Ealing 2016 "80,700 children under the age of 18",
    # Medway 2015 "children and young people under 18 years old".
    _Measure("children_under_18", rf"(?P<n>{_NUMBER}) ?children(?: and young people)? under (?:the age of )?18"),
    # Coventry 2014: "There are currently approximately 70,500 children and young people in Coventry
    # aged between 0-17 years old".
    _Measure("children_under_18", rf"(?P<n>{_NUMBER}) children and young people in [A-Z][\w ]+? aged between 0-17"),
    # "Approximately 17 % of the local authority's children are living in poverty." / "... children
    # aged under 16 years are living in low-income families." Gloucestershire 2017: "Approximately
    # 14.4% (at 31 August 2014) of the ..."; a footnote digit may follow the % sign ("25%3");
    # Northumberland 2016 "children live in poverty".
    _Measure(
        "poverty_pct",
        rf"(?P<n>\d+(?:\.\d+)?) ?%\d?(?: \([^)]{{0,40}}\))? of the {_LA}[’']s children[^.]{{0,60}}?"
        r"(?:(?:are|were) living|live) in (?P<what>poverty|low[ -]?income families)",
    ),
    # Lewisham 2016: "Approximately one in three of the local authority's children are living in
    # poverty." Read as 100/3 and noted.
    _Measure(
        "poverty_pct",
        rf"\b(?P<n>one in (?:two|three|four|five|six|seven|eight|nine|ten)) of the {_LA}[’']s children[^.]{{0,60}}?"
        r"(?:are|were) living in (?P<what>poverty|low[ -]?income families)",
    ),
    # "4,534 children had been identified through assessment as being formally in need"; Bury 2016
    # "children and young people had been identified"; Swindon 2014 "1,470 children who were open to
    # children's social care (...) had been identified"; Croydon 2017 "identified through assessment
    # (in the previous 12 months) as being formally in need".
    # Wakefield 2016 "2,108 children (DfE definition) had been identified", Doncaster 2015 "were
    # identified", Essex 2014 "as being in need", City of London 2016 "37 children had been
    # identified in need of a specialist children's service".
    _Measure(
        "children_in_need",
        rf"(?P<n>{_COUNT}) children(?: and young people)?(?:(?!per 10,000)[^.]){{0,120}}? (?:had been|have been|were) identified"
        r"(?: through assessment)?(?: \([^)]{0,40}\))?(?: as being)?(?: formally)? in need of a specialist",
    ),
    # Wiltshire 2015: "there were 3,038 open cases where children had been identified through
    # assessment as being formally in need" (cases, read as children).
    _Measure("children_in_need", rf"there were (?P<n>{_NUMBER}) open cases where children had been identified"),
    # Buckinghamshire 2014: "assessment had identified 2,428 children as being formally in need".
    _Measure("children_in_need", rf"assessment had identified (?P<n>{_COUNT}) children as being formally in need"),
    # Wolverhampton 2017 gives the rate first and the count in brackets: "354 children and young
    # people per 10,000 population (2,042) had been identified through assessment ...".
    _Measure("children_in_need", rf"per 10,000 population \((?P<n>{_NUMBER})\) had been identified through assessment"),
    # "522 children and young people were the subject of a child protection plan"; Blackpool 2014
    # writes "a children protection plan".
    _Measure(
        "child_protection_plans",
        rf"(?P<n>{_COUNT}) children(?: and young people)? (?:were|are) (?:the )?subjects? (?:of|to) (?:a )?child(?:ren)? protection plans?",
    ),
    # Wolverhampton 2017: "36 children and young people per 10,000 (209) were the subject of a child
    # protection plan".
    _Measure("child_protection_plans", rf"per 10,000 \((?P<n>{_NUMBER})\) were the subject of a child protection plan"),
    # "1,052 children are being looked after by the local authority"; Tameside 2016 "437 are being
    # looked after"; Solihull 2016 "360 children (provisional year end data) are being looked after".
    _Measure(
        "looked_after",
        rf"(?P<n>{_COUNT}) (?:children )?(?:and young people )?(?:\([^)]{{0,40}}\) )?(?:are|were) (?:being )?looked after by the {_LA}",
    ),
    # Gloucestershire 2017 "the local authority is looking after 604 children"; Bromley 2016 "was
    # looking after 281 children".
    _Measure("looked_after", rf"the {_LA} (?:is|was) looking after (?P<n>{_NUMBER}) children"),
    # Windsor and Maidenhead 2015: "Children in care in this area At 3 March 2015, 102 children are in
    # the care of the local authority".
    _Measure("looked_after", rf"(?P<n>{_NUMBER}) children (?:are|were) in the care of the {_LA}"),
)
# "(a rate of 63.2 per 10,000 children)", right after the looked-after count. Greenwich 2016:
# "518 children were being looked after by the local authority, two fewer than at 31 March 2015 (the
# same rate of 80 per 10,000 children)".
_RATE_RE = re.compile(rf"^[^.]{{0,60}}?\((?:a|the same) rate of (?P<n>{_NUMBER}) per 10,000")


def _context_span(text: _Text) -> tuple[int, int]:
    """Where to look for the area statistics: from the last 'Children living in this area' heading
    (the first may be in the contents list; Gateshead 2016 writes 'Children living in Gateshead')
    for 9,000 characters, which covers the child protection and looked-after paragraphs that follow.
    Without the heading, the whole text."""
    # The heading is followed by the figure ("... this area Approximately 48,000"), unlike the same
    # words in running text ("Children living in Camden access comprehensive health services").
    heads = [
        m.start()
        for m in re.finditer(
            r"Children (?:and young people )?living in (?:this area|the area|[A-Z]\w+)\s+(?:Approximately|There|\d)",
            text.flat,
        )
    ]
    if not heads:
        return 0, len(text.flat)
    return heads[-1], min(len(text.flat), heads[-1] + 9000)


def parse_context(report: Report) -> list[ContextStat]:
    """Area statistics from 'Information about this local authority area' of a SIF report.

    Measures: children_under_18, poverty_pct (note: "in poverty" or "low-income families"),
    children_in_need, child_protection_plans, looked_after and looked_after_rate (per 10,000).
    Only the current figure is read, not the earlier one it is compared with. Numbers written in
    words ("nine") are read and say so in `note`; footnote digits glued to a number are removed and
    noted (see _number).
    """
    text = _fold(report)
    start, end = _context_span(text)
    section = text.flat[start:end]
    stats: list[ContextStat] = []
    done: set[str] = set()
    for measure in _MEASURES:
        if measure.name in done:
            continue
        match = re.search(measure.pattern, section)
        if not match:
            continue
        done.add(measure.name)
        raw = match.group("n")
        fraction = re.fullmatch(r"one in (\w+)", raw)
        if fraction:
            value, note = round(100 / _WORD_NUMBERS[fraction.group(1)], 1), f"written as {raw!r}"
        else:
            value, note = _number(raw)
        if measure.name == "poverty_pct":
            what = match.group("what").lower()
            note = "; ".join(filter(None, ["in poverty" if what == "poverty" else "low-income families", note]))
        sentence_start = section.rfind(". ", 0, match.start()) + 2 if section.rfind(". ", 0, match.start()) >= 0 else 0
        sentence_start = max(sentence_start, match.start() - 60)
        snippet = section[sentence_start : match.end() + 60]
        page = text.page_at(start + match.start())
        stats.append(ContextStat(measure.name, value, page, clip(snippet, context_style=True), note))
        if measure.name == "looked_after":
            rate = _RATE_RE.search(section[match.end() :])
            if rate:
                rate_value, rate_note = _number(rate.group("n"))
                rate_snippet = section[match.start() : match.end() + rate.end()]
                stats.append(
                    ContextStat(
                        "looked_after_rate", rate_value, page, clip(rate_snippet, context_style=True), rate_note
                    )
                )
    return stats


# --------------------------------------------------------------------------------------------
# Consistency check
# --------------------------------------------------------------------------------------------

#: Allowed difference between the printed looked-after rate and the one computed from the printed
#: count and population: 5% of the printed rate, plus 0.5 because most rates are printed rounded to
#: whole numbers ("a rate of 20 per 10,000"). Why 5%: the count is at a recent date (e.g. 30 June
#: 2015) while the population is a mid-year estimate one to three years older, and the rate may use
#: the DfE's own population base; child populations change by around 1% a year, so honest figures
#: agree to a few per cent. A misread number (a glued footnote digit makes a tenfold error) or a
#: count and rate taken at different dates by the report itself lands well outside.
RATE_TOLERANCE = 0.05
RATE_ROUNDING = 0.5


def check_context(stats: list[ContextStat]) -> list[str]:
    """Messages for area statistics that contradict each other; [] when consistent or not checkable.

    Checks looked_after / children_under_18 x 10,000 against looked_after_rate (tolerance
    RATE_TOLERANCE of the printed rate plus RATE_ROUNDING) and that percentages lie in 0-100.
    """
    values = {stat.measure: stat for stat in stats}
    problems: list[str] = []
    poverty = values.get("poverty_pct")
    if poverty and not 0 <= poverty.value <= 100:
        problems.append(f"poverty_pct {poverty.value} is not a percentage (page {poverty.page})")
    needed = ("looked_after", "children_under_18", "looked_after_rate")
    if all(name in values for name in needed):
        count, population, rate = (values[name].value for name in needed)
        computed = count / population * 10_000 if population else float("inf")
        if abs(computed - rate) > RATE_TOLERANCE * rate + RATE_ROUNDING:
            problems.append(
                f"looked_after {count:g} / children_under_18 {population:g} x 10,000 = {computed:.1f}, "
                f"but the report prints a rate of {rate:g} per 10,000 (page {values['looked_after_rate'].page}; "
                f"tolerance {RATE_TOLERANCE:.0%} + {RATE_ROUNDING})"
            )
    return problems
