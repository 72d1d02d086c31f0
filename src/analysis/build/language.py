"""Sentences of a report, with their page and section, and each sentence's language counts.

Runs in the worker process that read the report (analysis.build.extract.parse_one), on the same
page texts the parsers read: no second pass over the PDFs. What is done, in order:

1. Page furniture is removed (FURNITURE below, each rule with the report that showed it): running
   headers and the "Inspection of ..." banner, page numbers, footnote markers and footnote texts,
   bullet glyphs, and PDFium's U+FFFE (a hyphen at a line break) is read as "-".
2. Each line is assigned to a section (analysis.lexicon.SECTIONS) by the headings in HEADINGS, a
   heading being one to three whole lines that match a pattern in full (a sentence that merely starts
   with the same words is not a heading); heading lines themselves are not sentences. A report starts
   in "headline judgements" (the title page and grade table); an ILACS report's summary starts after
   the "Overall effectiveness" row of its table.
3. Lines are joined into paragraphs (a numbered paragraph, a bullet, a heading or a blank line starts
   a new one, and the paragraph number or bullet is dropped; a paragraph runs on over a page break),
   and each paragraph is split into sentences by syntok (rule based, no model). A sentence's page is
   the page its first word is on.
4. Each sentence is scored: words; syllables (textstat 0.7.3, whose counts come from pyphen's bundled
   hyphenation dictionary: nothing downloaded), for the Flesch reading ease of each section; matches
   of the lexicon's four lists (analysis.lexicon), with grade words masked and, for the negative and
   positive lists, also unmasked; and, for sentences of the prose sections
   (analysis.lexicon.PROSE_SECTIONS), VADER's compound score (vaderSentiment, its bundled lexicon,
   nothing downloaded) of the sentence with grade words masked, and the masked words counted for the
   term tables.

5. The result is kept in a cache (CACHE_DIR, not committed), one file per report, named by the
   SHA-256 of the report (its file, type and every page's text) in a folder named by the fingerprint of
   the code that computes it (this module, analysis.lexicon and lexicon.yaml, and the versions of
   syntok, vaderSentiment, textstat and pyphen): a rebuild reuses a report's sentences only if both are
   the same, so the result is the one computing it again would give (tests check this). A folder of an
   older fingerprint is removed when the code changes; an unreadable entry is computed again and
   replaced. The first build on a machine computes every report (about 16 s in the two workers here,
   431 reports, of which syntok takes about half and VADER a fifth); later builds read them back (under
   1 s). `ANALYSIS_LANGUAGE_CACHE=off` turns the cache off (make bench times both); a folder path
   there puts it elsewhere.

Assumed: headings and boilerplate are recognised from their wording (the patterns below); a line
that no heading claims stays in the section before it. Known limit: SIF reports that give adoption
or care leavers no heading of their own (many early SIF reports grade them inside the looked after
children section) have their sentences in "children in care"; the validation report counts the
sentences per section.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import pickle
import re
import shutil
import sys
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import textstat
from syntok import segmenter
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

from analysis import lexicon, paths
from analysis.build.pdf_text import ILACS, Report

log = logging.getLogger(__name__)

GRADE_SUFFIX = r"(?:(?:\s+(?:is|are)(?: that (?:it|they))?)?:?\s*(?:outstanding|good|requires? improvement(?: to be good)?|inadequate|adequate)\.?)?"
TRAILER = r"[?:]?(?:\s+\d{1,3})?"  # a question mark or colon, and a page number in a list of headings

#: Section headings: (pattern matched in full against one to three folded, lower-cased lines, section
#: or None for a heading that changes nothing, report that showed the wording).
HEADINGS: tuple[tuple[str, str | None, str], ...] = (
    (r"contents", "front matter", "80429_birmingham_2014-05-23.pdf p2"),
    (r"section 1:? the local authority", None, "80429_birmingham_2014-05-23.pdf p3"),
    (r"(?:inspection judgements about )?the local authority", None, "SIF reports, judgement part"),
    (r"inspection findings", None, "SIF reports, 2016 onward"),
    (
        r"(?:section 1:? the local authority [–-] )?(?:summary of (?:key )?findings|executive summary|summary)",
        "summary",
        "80429_birmingham_2014-05-23.pdf p3; 'Section 1: The local authority - Summary of findings',"
        " 80426_barnsley_2014-08-08.pdf p3",
    ),
    (r"summary for children and young people", "summary for children", "SIF reports"),
    (
        r"what does the local authority need to improve|recommendations|areas for improvement"
        r"|what needs to improve(?: in this local authority)?",
        "recommendations",
        "SIF: 'What does the local authority need to improve?'; ILACS: 'What needs to improve?'",
    ),
    (
        r"information about this local authority area|children living in this area|child protection in this area"
        r"|children looked after in this area|other information about this area|previous ofsted inspections"
        r"|other ofsted inspections|local leadership",
        "context",
        "SIF reports, 'Information about this local authority area'",
    ),
    (
        r"(?:the )?experiences? and progress of children who need help and protection",
        "help and protection",
        "SIF and ILACS judgement sections",
    ),
    (
        r"(?:the )?experiences? and progress of children looked after and achieving permanence",
        "children in care",
        "SIF judgement section",
    ),
    (
        r"(?:the )?experiences? and progress of children in care(?: and care leavers)?",
        "children in care",
        "ILACS; 2018-19 ILACS reports join care leavers to children in care",
    ),
    (
        r"(?:the graded judge?ment (?:about|for) the )?(?:the )?experiences? and progress of care leavers",
        "care leavers",
        "SIF ('The graded judgement for the experiences and progress of care leavers is inadequate',"
        " 80429_birmingham_2014-05-23.pdf p25; '... about the experience ...' later) and ILACS",
    ),
    (
        r"(?:the graded judge?ment (?:about|for) )?adoption performance",
        "adoption",
        "SIF judgement section; 'The graded judgment for adoption performance is that it requires improvement',"
        " 80418_norfolk_2015-10-20.pdf p27",
    ),
    (r"leadership, management and governance", "leadership", "SIF judgement section"),
    (
        r"(?:the )?impact of leaders on social work practice(?: with children and families)?",
        "leadership",
        "ILACS judgement section",
    ),
    (
        r"(?:section 2:? )?(?:review of )?(?:inspection findings [–-] )?the (?:effectiveness of the )?local safeguarding"
        r" children board(?: \(lscb\))?",
        "LSCB",
        "SIF reports, section 2",
    ),
    (r"information about this inspection|the inspection team", "inspection details", "SIF reports"),
    (
        r"what the inspection judg(?:e)?ments mean(?::? (?:for )?the (?:local authority|lscb))?",
        "back matter",
        "SIF reports: the grade descriptors ('What the inspection judgements mean: the local authority', two lines)",
    ),
)
_HEADINGS = tuple((re.compile(f"(?:{p}){GRADE_SUFFIX}{TRAILER}"), s, why) for p, s, why in HEADINGS)
#: The words a heading of HEADINGS can start with: lines starting otherwise are not tried (speed; the
#: tests check that every heading still starts with one).
HEADING_START = re.compile(
    r"(?:contents|section|inspection|the|summary|executive|what|recommendations|areas|information|children"
    r"|child|other|previous|local|experiences?|leadership|impact|review|adoption)\b"
)

#: Lines that start Ofsted's boilerplate at the end of a report (no heading before it).
BACK_MATTER = re.compile(
    r"(?:the office for standards in education, children['’]s services and skills \(ofsted\)|ofsted has a remit"
    r"|if you would like a copy of this document|© crown copyright|any complaints about the inspection)"
)

#: Furniture rules (what, pattern, report that showed it).
FURNITURE = (
    ("page number or footnote marker on a line of its own", r"^\s*\d{1,3}\s*$", "80418_norfolk_2015-10-20.pdf p4"),
    (
        "running banner 'Inspection of ... services' and its dates (and page number) line",
        r"^inspection of .{0,100}$ then ^.*\d{4}(\s+\d{1,3})?$",
        "2733690_cumberland_2024-11-26.pdf p2 onward; the page number above it, 80494_enfield_2024-09-04.pdf",
    ),
    (
        "footnote text: a marker line, or a line starting with the marker and a capital, after a blank line",
        r"^\s*$ then ^\d{1,2}( [A-Z].*)?$ to the end of the page",
        "80429_birmingham_2014-05-23.pdf p1; 80418_norfolk_2015-10-20.pdf p4",
    ),
    ("footnote marker stuck to a word ('board1')", r"(?<=[a-z)’'])\d{1,2}\b", "80429_birmingham_2014-05-23.pdf p1"),
    ("bullet glyph", "[\\uf06e\\uf02d\\uf0a7\\uf0be\\uf0b7◼•▪●]", "SIF and ILACS bullet lists"),
)
#: A line that is only a grade: right after a heading it is the heading's grade, not a sentence.
GRADE_LINE = re.compile(r"(?:outstanding|good|requires? improvement(?: to be good)?|inadequate|adequate)\.?")
#: The judgement sections: a "Summary" heading inside one is that section's own summary (SIF), and
#: "Recommendations" inside the LSCB section are the board's.
JUDGEMENT_SECTIONS = ("help and protection", "children in care", "adoption", "care leavers", "leadership", "LSCB")
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
BANNER = re.compile(r"^\s*(?:[A-Z][\w ,&'’.-]{0,60} )?Inspection of .{0,100}$")
BANNER_DATES = re.compile(r"^.*\d{4}(?:\s+\d{1,3})?\s*$")  # "7 to 18 October 2024 2"; Enfield 2024: no page number
FOOTNOTE_START = re.compile(r"^\s*\d{1,2}(?:\s+[A-Z(‘“].*)?\s*$")
STUCK_MARKER = re.compile(r"(?<=[a-z)’'])\d{1,2}\b")
BULLET = re.compile("^\\s*[\\uf06e\\uf02d\\uf0a7\\uf0be\\uf0b7◼•▪●]\\s*")
NUMBER = re.compile(
    r"^\s*(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)](?:\s+|(?=[A-Z]))"
)  # "12. ", "b) ", "20.Life-story" (2018 ILACS)
OVERALL_ROW = re.compile(r"^overall effectiveness\b")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
VADER_NEGATIVE, VADER_POSITIVE = -0.05, 0.05  # VADER's documented thresholds of its compound score
VADER_MASK = "gradeword"  # what a grade word becomes for VADER (not in its lexicon: neutral)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a report and its counts (see the module docstring)."""

    page: int  # 1-based page its first word is on
    section: str  # analysis.lexicon.SECTIONS
    text: str  # white space folded, furniture removed
    words: int
    syllables: int  # textstat 0.7.3's syllable count (pyphen's bundled en_US hyphenation) of its words
    negative: int  # matches of the lexicon's negative list, grade words masked
    positive: int  # the same, positive list
    negative_unmasked: int  # negative list, grade words not masked
    positive_unmasked: int
    procedure: int  # procedure list (masked text)
    practice: int  # practice list
    vader: float | None  # VADER compound score of the masked sentence, -1..1; None outside PROSE_SECTIONS


#: Sentence's fields, in order: the columns of ReportText.rows.
SENTENCE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Sentence))


@dataclass(frozen=True)
class ReportText:
    """A report's sentences, what furniture was removed, and its word counts for the term tables."""

    # One tuple per sentence, of Sentence's fields in order (SENTENCE_FIELDS): plain tuples, as they
    # travel from the worker process and sit in the cache (the reports' 177,000 sentences pickle and
    # unpickle in 0.2 s as tuples, 0.8 s as Sentence objects); `sentences` gives them as Sentence records.
    rows: tuple[tuple, ...]
    pages: int
    furniture_lines: int  # lines removed as furniture (page numbers, banners, footnotes)
    terms: dict[str, Counter]  # prose section -> masked, lower-cased word counts

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(Sentence(*row) for row in self.rows)


def clean_page(text: str, number: int) -> tuple[list[str], int]:
    """A page's lines with the furniture removed, and how many lines were removed.

    `number` is 1-based. On the first page the banner is furniture only where the title repeats it
    below (80533_nottingham_2022-09-05.pdf, 80538_plymouth_2024-03-15.pdf): otherwise it is the title."""
    lines = text.replace("\ufffe", "-").split("\n")
    removed = 0

    def next_line(start: int, skip_numbers: bool = False) -> int | None:
        return next(
            (
                i
                for i in range(start, len(lines))
                if lines[i].strip() and not (skip_numbers and PAGE_NUMBER.match(lines[i]))
            ),
            None,
        )

    # Running banner (ILACS, late SIF): the first non-empty lines, after the page number if it comes
    # first (80494_enfield_2024-09-04.pdf), and its dates line.
    first = next_line(0, skip_numbers=True)
    if first is not None and BANNER.match(lines[first].strip()) and not lines[first].strip().endswith("."):
        end = first + 1
        dates = next_line(end)
        if dates is not None and BANNER_DATES.match(lines[dates]) and len(lines[dates]) < 80:
            end = dates + 1
        after = next_line(end, skip_numbers=True)
        if number > 1 or (after is not None and BANNER.match(lines[after].strip())):
            removed += sum(1 for line in lines[:end] if line.strip())  # the page number above it too
            lines = lines[end:]
    # Footnote texts: after a blank line, a line that is a marker (alone or before its text) to the end.
    for i in range(1, len(lines)):
        if not lines[i - 1].strip() and FOOTNOTE_START.match(lines[i]) and i > len(lines) // 3:
            tail = [line for line in lines[i:] if line.strip()]
            if tail and not PAGE_NUMBER.match(tail[0]) or len(tail) > 1:
                removed += len(tail)
                lines = lines[:i]
                break
    while lines and not lines[0].strip():  # a paragraph runs on over a page break
        lines = lines[1:]
    kept = []
    for line in lines:
        if PAGE_NUMBER.match(line):
            removed += 1
            continue
        kept.append(STUCK_MARKER.sub("", line.rstrip()))
    return kept, removed


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def _heading(lines: list[str], i: int) -> tuple[int, str | None] | None:
    """(lines the heading takes, its section) if a heading starts at lines[i], else None."""
    if not HEADING_START.match(_fold(lines[i])):
        return None
    for k in (3, 2, 1):  # the longest heading first: "What the inspection judgements mean: the local / authority"
        if i + k > len(lines) or not all(line.strip() for line in lines[i : i + k]):
            continue
        candidate = _fold(" ".join(lines[i : i + k]))
        if len(candidate) > 160:
            continue
        for pattern, section, _ in _HEADINGS:
            if pattern.fullmatch(candidate):
                return k, section
    return None


def paragraphs(report: Report) -> tuple[list[tuple[str, str, list[tuple[int, int]]]], int]:
    """(section, paragraph text, [(offset, page)...]) for every paragraph, and furniture lines removed."""
    section = "headline judgements"
    out: list[tuple[str, str, list[tuple[int, int]]]] = []
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    length = 0
    removed_total = 0

    def flush() -> None:
        nonlocal parts, starts, length
        if parts:
            out.append((section, " ".join(parts), starts))
        parts, starts, length = [], [], 0

    for number, page_text in enumerate(report.pages, start=1):
        lines, removed = clean_page(page_text, number)
        removed_total += removed
        contents = False
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                flush()
                i += 1
                continue
            if contents:  # the rest of a contents page is front matter
                i += 1
                continue
            folded = _fold(line)
            if BACK_MATTER.match(folded) and section != "back matter":
                flush()
                section = "back matter"
            # The title page's grade table names the judgement areas: no headings there.
            heading = None if number == 1 and section == "headline judgements" else _heading(lines, i)
            if heading is not None:
                flush()
                taken, new = heading
                if new == "front matter":
                    contents = True
                kept = (section in JUDGEMENT_SECTIONS and new == "summary") or (
                    section == "LSCB" and new == "recommendations"
                )
                if new is not None and not kept:
                    section = new
                i += taken
                if i < len(lines) and GRADE_LINE.fullmatch(_fold(lines[i])):
                    i += 1
                continue
            bullet = BULLET.match(line) or NUMBER.match(line)
            if bullet:
                flush()
                line = line[bullet.end() :]
            text = line.strip()
            if text:
                starts.append((length + (1 if parts else 0), number))
                length += len(text) + (1 if parts else 0)
                parts.append(text)
            if section == "headline judgements" and report.report_type == ILACS and OVERALL_ROW.match(folded):
                flush()
                section = "summary"
            i += 1
    flush()
    return out, removed_total


@cache
def _syllables(word: str) -> int:
    """Syllables of one word by textstat (pinned at 0.7.3: later releases need an NLTK download)."""
    return textstat.syllable_count(word)


class Vader(SentimentIntensityAnalyzer):
    """VADER (vaderSentiment 3.3.2) with its scores unchanged, less its per-character emoji pass when a
    text has no emoji.

    polarity_scores first rebuilds the text character by character, replacing each emoji by its
    description: for a text with none of its emoji characters that gives back the text itself (none of
    the reports' 171,000 prose sentences has one), and skipping it takes VADER's time on them from
    7.2 s to 6.0 s here. For such a text this runs the rest of 3.3.2's polarity_scores, copied line for line;
    a text with an emoji, or any other vaderSentiment version, goes to the library's own.
    tests/build/test_sentences.py checks that the scores are the library's on every real prose sentence
    and on texts made to reach each branch."""

    COPIED_FROM = "3.3.2"

    def __init__(self) -> None:
        super().__init__()
        self.single_emoji = frozenset(key for key in self.emojis if len(key) == 1)  # what the pass looks for
        self.copy_applies = version("vaderSentiment") == self.COPIED_FROM

    def polarity_scores(self, text):
        if not self.copy_applies or not (text.isascii() or self.single_emoji.isdisjoint(text)):
            return super().polarity_scores(text)
        # vaderSentiment 3.3.2, SentimentIntensityAnalyzer.polarity_scores after its emoji loop:
        text = text.strip()

        sentitext = SentiText(text)

        sentiments = []
        words_and_emoticons = sentitext.words_and_emoticons
        for i, item in enumerate(words_and_emoticons):
            valence = 0
            # check for vader_lexicon words that may be used as modifiers or negations
            if item.lower() in BOOSTER_DICT:
                sentiments.append(valence)
                continue
            if (
                i < len(words_and_emoticons) - 1
                and item.lower() == "kind"
                and words_and_emoticons[i + 1].lower() == "of"
            ):
                sentiments.append(valence)
                continue

            sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)

        sentiments = self._but_check(words_and_emoticons, sentiments)

        valence_dict = self.score_valence(sentiments, text)

        return valence_dict


@cache
def _vader() -> Vader:
    return Vader()


def _page_at(starts: list[tuple[int, int]], offsets: list[int], offset: int) -> int:
    """The page of the paragraph's character `offset`: that of the last page start at or before it."""
    return starts[max(0, bisect_right(offsets, offset) - 1)][1]


def read_text(report: Report) -> ReportText:
    """Sentences and counts of one report (see the module docstring)."""
    scorer = lexicon.scorer()
    vader = _vader()
    found, removed = paragraphs(report)
    rows: list[tuple] = []  # Sentence's fields, in order
    words_of: dict[str, list[str]] = {}  # prose section -> its masked words, in order (terms below)
    for section, text, starts in found:
        offsets = [start for start, _ in starts]
        prose = section in lexicon.PROSE_SECTIONS
        for paragraph in segmenter.analyze(text):
            for tokens in paragraph:
                if not tokens:
                    continue
                body = "".join([token.spacing + token.value for token in tokens]).strip()
                words = WORD.findall(body)
                if not words:
                    continue
                unmasked = scorer.unmasked(body)
                masked_text = scorer.mask_grades(unmasked)  # = scorer.mask(body)
                masked = lexicon.tokens(masked_text)
                counts = scorer.counts(masked)
                # Without a grade word the two texts are one: count once.
                plain = counts if masked_text == unmasked else scorer.counts(lexicon.tokens(unmasked))
                rows.append(
                    (
                        _page_at(starts, offsets, tokens[0].offset),  # page
                        section,
                        body,  # text
                        len(words),  # words
                        sum(map(_syllables, words)),  # syllables
                        counts["negative"],
                        counts["positive"],
                        plain["negative"],  # negative_unmasked
                        plain["positive"],  # positive_unmasked
                        counts["procedure"],
                        counts["practice"],
                        round(vader.polarity_scores(scorer.mask_grades(body, VADER_MASK))["compound"], 4)
                        if prose
                        else None,  # vader
                    )
                )
                if prose:
                    words_of.setdefault(section, []).extend(masked)
    terms = {section: Counter(words) for section, words in words_of.items()}
    for section_terms in terms.values():
        section_terms.pop(lexicon.MASK_WORD, None)
    return ReportText(tuple(rows), len(report.pages), removed, terms)


# ---------------------------------------------------------------------------------------------
# The cache of read_text (item 5 of the module docstring)
# ---------------------------------------------------------------------------------------------

CACHE_DIR: Path = paths.DATA_INTERIM / "language-cache"
CACHE_ENV = "ANALYSIS_LANGUAGE_CACHE"  # "off": no cache; a folder: the cache there; unset: CACHE_DIR
#: What read_text's result depends on besides the report: the code (files under src/analysis) and the
#: libraries (their versions). tests/build/test_sentences.py checks that the files cover the analysis
#: modules this module and analysis.lexicon import.
CACHE_CODE: tuple[Path, ...] = (Path(__file__), Path(lexicon.__file__), lexicon.LEXICON_FILE)
CACHE_LIBRARIES: tuple[str, ...] = ("syntok", "vaderSentiment", "textstat", "pyphen")


@cache
def fingerprint() -> str:
    """SHA-256 (first 16 hex digits) of CACHE_CODE's bytes, CACHE_LIBRARIES' versions and Python's version."""
    digest = hashlib.sha256()
    for path in CACHE_CODE:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in CACHE_LIBRARIES:
        digest.update(f"{name}={version(name)}\0".encode())
    digest.update(f"python={sys.version_info[:2]} pickle={pickle.HIGHEST_PROTOCOL}".encode())
    return digest.hexdigest()[:16]


def report_key(report: Report) -> str:
    """SHA-256 of every field of the report (file, checksum, listing, type and each page's text)."""
    return hashlib.sha256(json.dumps(dataclasses.asdict(report), ensure_ascii=False).encode("utf-8")).hexdigest()


def cache_folder() -> Path | None:
    """This code's cache folder (created; other fingerprints' folders beside it removed), or None when off."""
    setting = os.environ.get(CACHE_ENV, "")
    if setting.lower() == "off":
        return None
    return _prepared(Path(setting) if setting else CACHE_DIR, fingerprint())


@cache
def _prepared(root: Path, current: str) -> Path:
    folder = root / current
    folder.mkdir(parents=True, exist_ok=True)
    for other in root.iterdir():
        if other.is_dir() and other.name != current:
            shutil.rmtree(other, ignore_errors=True)  # results of code that has since changed
    return folder


def read_text_cached(report: Report) -> ReportText:
    """read_text(report), from the cache when this code has computed it for this report before."""
    folder = cache_folder()
    if folder is None:
        return read_text(report)
    entry = folder / f"{report_key(report)}.pickle"
    if entry.is_file():
        try:
            found = pickle.loads(entry.read_bytes())  # noqa: S301 - a file this code wrote, in the project's own folder
            if isinstance(found, ReportText):
                return found
            log.warning(
                "%s: language cache entry %s holds %s, not a ReportText: computed again",
                report.file,
                entry,
                type(found).__name__,
            )
        except Exception as error:  # noqa: BLE001 - a damaged entry is computed again and replaced
            log.warning("%s: language cache entry %s unreadable (%r): computed again", report.file, entry, error)
    text = read_text(report)
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(pickle.dumps(text, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, entry)
    except OSError as error:  # a full or read-only disk costs the next build time, not this build its sentences
        log.warning("%s: language cache entry %s not written (%r)", report.file, entry, error)
        partial.unlink(missing_ok=True)
    return text
