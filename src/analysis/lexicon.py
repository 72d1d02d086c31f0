"""The word lists of the report-language study and how a sentence is scored with them.

Shared by both halves: the build (analysis.build.language) scores every sentence of every report with
these lists and writes the counts to data/processed; notebooks/20_report_language shows the lists
beside the results. The lists and one line of justification per term are in lexicon.yaml, beside
this module; what is assumed is said there and here:

- grade words (Ofsted's grades, and "adequate" and "serious weaknesses" of the earlier frameworks)
  are masked before scoring, so a sentence's score does not read back its report's grade;
  `mask=False` scores the unmasked text, for the other side of that choice;
- a positive term with a negator among the four words before it ("not effective", "not receiving a
  sufficiently timely") does not count as positive (four, one more than VADER's three-word window,
  for the inspectorate's "not always sufficiently ..."); the negated phrases that are criticisms are
  listed among the negative terms;
- matching is of whole words (a hyphenated word is one: "long-term" is not "long"), case-insensitive,
  after white space is folded; "*" ends a stem; the masked grade word stays a word, so no term is
  matched across it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
MASK = "GRADEWORD"  # what a grade word becomes before scoring (in no list)
MASK_WORD = MASK.lower()  # the same as a word of tokens()

#: Sections of a report whose sentences are prose (the measures per report are of these). Headline
#: judgements are the grade table; front matter is the title page and contents; back matter is
#: Ofsted's boilerplate (licence, addresses, what each grade means).
SECTIONS = (
    "headline judgements",
    "front matter",
    "summary",
    "recommendations",
    "summary for children",
    "context",
    "help and protection",
    "children in care",
    "adoption",
    "care leavers",
    "leadership",
    "LSCB",
    "inspection details",
    "other",
    "back matter",
)
PROSE_SECTIONS = tuple(s for s in SECTIONS if s not in ("headline judgements", "front matter", "back matter"))
#: The prose sections both SIF and ILACS reports have (ILACS reports have no LSCB review, adoption,
#: context, children's summary or inspection-details section): the like-for-like basis beside the
#: decision rule's all-prose measures, and the sections of the term tables.
COMPARABLE_SECTIONS = (
    "summary",
    "recommendations",
    "help and protection",
    "children in care",
    "care leavers",
    "leadership",
)
ALL_PROSE = "all prose"  # a report's measures over PROSE_SECTIONS (the decision rule's basis)
COMPARABLE_PROSE = "comparable prose"  # the same over COMPARABLE_SECTIONS
LISTS = ("negative", "positive", "procedure", "practice")


@dataclass(frozen=True)
class Lexicon:
    """The lists of lexicon.yaml, each term with its justification."""

    grade_words: tuple[str, ...]  # masked before scoring, longest first
    exclude: tuple[str, ...]  # phrases removed before matching ("as well")
    negators: tuple[str, ...]  # a positive term right after one of these does not count
    terms: dict[str, dict[str, str]]  # list name (LISTS) -> term -> justification


class LexiconError(ValueError):
    """lexicon.yaml is not as this module expects."""


def _term_pattern(term: str) -> str:
    """Regex of one term: whole words, "*" a stem, any white space between words, either apostrophe."""
    stem = term.endswith("*")
    words = term.rstrip("*").split()
    body = r"\s+".join(re.escape(word).replace("'", "['’]") for word in words)
    return r"\b" + body + (r"\w*" if stem else r"\b")


@cache
def load(path: Path = LEXICON_FILE) -> Lexicon:
    """Read and check lexicon.yaml (every term with a justification, every list present)."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [name for name in ("grade_words", "exclude", "negators", *LISTS) if name not in spec]
    if missing:
        raise LexiconError(f"{path}: expected the lists {missing}, found only {sorted(spec)}")
    terms: dict[str, dict[str, str]] = {}
    for name in LISTS:
        entries = spec[name]
        unjustified = [term for term, why in entries.items() if not isinstance(why, str) or not why.strip()]
        if unjustified:
            raise LexiconError(
                f"{path}: list {name!r}: every term needs one line of justification; none for {unjustified}"
            )
        terms[name] = {str(term).lower(): why for term, why in entries.items()}
    return Lexicon(
        grade_words=tuple(sorted((w.lower() for w in spec["grade_words"]), key=len, reverse=True)),
        exclude=tuple(sorted((w.lower() for w in spec["exclude"]), key=len, reverse=True)),
        negators=tuple(w.lower() for w in spec["negators"]),
        terms=terms,
    )


TOKEN = re.compile(r"gradeword|[a-z](?:[a-z'-]*[a-z])?")  # words of prepared text (MASK lower-cased)
NEGATION_WINDOW = 4  # a positive term with a negator among the 4 words before it does not count


def tokens(prepared: str) -> list[str]:
    """The words of text passed through Scorer.mask() or unmasked() (the masked grade word is one)."""
    return TOKEN.findall(prepared)


@dataclass(frozen=True)
class _Terms:
    """One list's terms indexed by first word: exact words, and stems (a one-word term ending in "*")."""

    exact: dict[str, tuple[tuple[tuple[str, ...], bool], ...]]  # first word -> (words, last is a stem), longest first
    stems: dict[str, tuple[str, ...]]  # stem -> itself (one-word stem terms)
    stem_lengths: tuple[int, ...]

    @classmethod
    def of(cls, terms) -> _Terms:
        exact: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        stems: dict[str, tuple[str, ...]] = {}
        for term in terms:
            stem = term.endswith("*")
            words = tuple(term.rstrip("*").replace("’", "'").split())
            if stem and len(words) == 1:
                stems[words[0]] = words
            else:
                exact.setdefault(words[0], []).append((words, stem))
        return cls(
            {w: tuple(sorted(c, key=lambda t: len(t[0]), reverse=True)) for w, c in exact.items()},
            stems,
            tuple(sorted({len(s) for s in stems}, reverse=True)),
        )

    def matches(self, words: list[str], skip_negated: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
        """(first, end) word positions of the matches, left to right, longest first, not overlapping.

        A match with a word of `skip_negated` among the NEGATION_WINDOW words before it is dropped."""
        out = []
        i, n = 0, len(words)
        while i < n:
            word = words[i]
            length = 0
            for candidate, stem in self.exact.get(word, ()):
                k = len(candidate)
                if i + k <= n and all(
                    words[i + j] == w or (stem and j == k - 1 and words[i + j].startswith(w))
                    for j, w in enumerate(candidate)
                ):
                    length = k
                    break
            if not length:
                for size in self.stem_lengths:
                    if len(word) >= size and word[:size] in self.stems:
                        length = 1
                        break
            if length:
                if not (skip_negated and skip_negated.intersection(words[max(0, i - NEGATION_WINDOW) : i])):
                    out.append((i, i + length))
                i += length
            else:
                i += 1
        return out


@dataclass(frozen=True)
class Scorer:
    """A Lexicon ready to score prepared text: count(prepared, list) gives its matches."""

    grade: re.Pattern[str]
    exclude: re.Pattern[str]
    lists: dict[str, _Terms]
    negators: frozenset[str]  # single words; a multi-word negator ("not always") starts with one
    grade_hints: tuple[str, ...]  # a run of letters of each grade word (_hints): quick test before `grade`
    exclude_hints: tuple[str, ...]  # the same for `exclude`
    seen: dict = field(default_factory=dict, compare=False, repr=False)  # word -> candidate terms (counts())

    def mask(self, text: str) -> str:
        """Lower-cased text, white space folded, excluded phrases removed and grade words masked."""
        return self.mask_grades(self.unmasked(text))

    def mask_grades(self, text: str, replacement: str = MASK_WORD) -> str:
        """`text` with each grade word replaced by `replacement` (any case, as `grade` matches).

        The same as grade.sub(replacement, text); the regex is skipped for a text that holds none of
        grade_hints in lower case nor a letter that IGNORECASE matches to an ASCII one (CASELESS_EXTRA),
        and so cannot hold a grade word (most sentences: it halves the time masking takes)."""
        if any(hint in text.lower() for hint in self.grade_hints) or any(c in text for c in CASELESS_EXTRA):
            return self.grade.sub(replacement, text)
        return text

    def unmasked(self, text: str) -> str:
        """Lower-cased text, white space folded, excluded phrases removed (grade words kept)."""
        folded = " ".join(text.lower().replace("’", "'").split())
        # exclude.sub, skipped for a text that holds none of exclude_hints (so no excluded phrase)
        return self.exclude.sub(" ", folded) if any(hint in folded for hint in self.exclude_hints) else folded

    def spans(self, words: list[str], name: str) -> list[tuple[int, int]]:
        """Word positions of list `name`'s matches in tokens(prepared)."""
        return self.lists[name].matches(words, self.negators if name == "positive" else frozenset())

    def count(self, prepared: str, name: str) -> int:
        """Matches of list `name` in text already passed through mask() or unmasked()."""
        return len(self.spans(tokens(prepared), name))

    def terms(self, prepared: str, name: str) -> list[str]:
        """The matched words of list `name`, for tests and the notebook's examples."""
        words = tokens(prepared)
        return [" ".join(words[a:b]) for a, b in self.spans(words, name)]

    def counts(self, words: list[str]) -> dict[str, int]:
        """Matches of every list in tokens(prepared), in one pass: the same as count() of each list.

        Each distinct word's candidate terms are looked up once per process (self.seen), and only the
        words that start a term of some list are gone over one by one (about one in fifteen)."""
        counts = dict.fromkeys(LISTS, 0)
        seen = self.seen
        for word in set(words).difference(seen):
            seen[word] = self._candidates(word)
        starting = list(map(seen.__getitem__, words))  # each word's candidate terms, () for most
        free = dict.fromkeys(LISTS, 0)  # a list's next match starts at or after this word
        n = len(words)
        for i in compress(range(n), starting):
            for name, exact, stem in starting[i]:
                if i < free[name]:
                    continue
                length = 0
                for candidate, last_stem in exact:
                    k = len(candidate)
                    if i + k <= n and all(
                        words[i + j] == w or (last_stem and j == k - 1 and words[i + j].startswith(w))
                        for j, w in enumerate(candidate[1:], start=1)
                    ):
                        length = k
                        break
                if not length and stem:
                    length = 1
                if length:
                    free[name] = i + length
                    if name == "positive" and self.negators.intersection(words[max(0, i - NEGATION_WINDOW) : i]):
                        continue
                    counts[name] += 1
        return counts

    def _candidates(self, word: str) -> tuple:
        out = []
        for name in LISTS:
            terms = self.lists[name]
            exact = tuple(
                (c, s)
                for c, s in terms.exact.get(word, ())
                if len(c) > 1 or c[0] == word or (s and word.startswith(c[0]))
            )
            stem = any(word[:size] in terms.stems for size in terms.stem_lengths if len(word) >= size)
            if exact or stem:
                out.append((name, exact, stem))
        return tuple(out)


#: The non-ASCII letters that re.IGNORECASE matches to ASCII ones (Python's `re` documentation):
#: a text with one of them goes to the grade regex whatever its hints.
CASELESS_EXTRA = "\u0130\u0131\u017f\u212a"  # İ ı ſ K (Kelvin sign)


def _hints(terms) -> tuple[str, ...]:
    """The longest run of letters of each term (lower case), less those that hold another: a text with
    none of them holds no term ("adequate" stands for "inadequate" too)."""
    runs = {max(re.findall(r"[a-z]+", term.lower()), key=len) for term in terms}
    return tuple(sorted(run for run in runs if not any(other != run and other in run for other in runs)))


@cache
def scorer(path: Path = LEXICON_FILE) -> Scorer:
    """The compiled lexicon of `path` (once per process)."""
    lexicon = load(path)

    def alternation(terms) -> str:
        return "|".join(_term_pattern(t) for t in sorted(terms, key=len, reverse=True))

    return Scorer(
        grade=re.compile(alternation(lexicon.grade_words), re.IGNORECASE),
        exclude=re.compile(alternation(lexicon.exclude)),
        lists={name: _Terms.of(lexicon.terms[name]) for name in LISTS},
        negators=frozenset(n.split()[0] for n in lexicon.negators),
        grade_hints=_hints(lexicon.grade_words),
        exclude_hints=_hints(lexicon.exclude),
    )
