"""The report-language tables: every sentence (data/interim) and the small committed tables built from them.

From what analysis.build.language found in each report (ParsedReport.text), joined to the report's
row in inspections.csv (framework, inspection type) and its overall grade in judgements.csv:

- `sentences` (data/interim/sentences.parquet, not committed): one row per sentence, with its
  report, page, section, text and counts;
- `report_text` (report_text.csv): the measures per report and prose section, over all prose
  sections ("all prose", the decision rule's basis) and over the sections both frameworks' reports
  have ("comparable prose", analysis.lexicon.COMPARABLE_SECTIONS): words, sentences, words per sentence, the shares of sentences with a
  negative or positive term (lexicon, grade words masked and not), the Flesch reading ease, the same by
  VADER's compound score
  (<= -0.05 negative, >= 0.05 positive, its documented thresholds), procedure and practice terms;
- `report_terms` (report_terms.csv): counts of every word (grade words masked) by comparison group
  (SIF, ILACS standard, ILACS short), overall grade and section, for the comparable sections
  ("comparable prose" sums them) and the words used at least TERM_FLOOR times in that section over
  the groups (rarer words are shrunk to no difference by the log-odds prior anyway);
- `report_quotes` (report_quotes.csv): example sentences, with report and page, for the words that
  most distinguish each pair of groups within grade (comparable prose, analysis.logodds, default
  prior) and for each lexicon list (sentences of the comparable sections), chosen deterministically (the lowest SHA-256 of the sentence text among those that
  qualify, so no random draw and the same sentences on every build).

Assumed: a report's group is its inspection type (SIF re-inspections count as SIF; the 2013 looked
after children reports and the LSCB review are in report_text but no group); a report without an
overall grade (none of the grouped ones) would be left out of the term tables and logged.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pandas as pd

from analysis import lexicon, logodds, schema
from analysis.build.language import SENTENCE_FIELDS as ROW_FIELDS
from analysis.build.language import VADER_NEGATIVE, VADER_POSITIVE
from analysis.build.records import Inputs
from analysis.lexicon import ALL_PROSE, COMPARABLE_PROSE, COMPARABLE_SECTIONS
from analysis.vocab import ILACS_SHORT, ILACS_STANDARD, SIF, SIF_REINSPECTION

#: Comparison group of each inspection type.
GROUP_OF = {SIF: "SIF", SIF_REINSPECTION: "SIF", ILACS_STANDARD: ILACS_STANDARD, ILACS_SHORT: ILACS_SHORT}
GROUPS = ("SIF", ILACS_STANDARD, ILACS_SHORT)
TERM_FLOOR = 200  # a word is in report_terms when used at least this often in the section, all groups together
QUOTED_TERMS = 10  # words quoted per pair of groups and direction (the most distinguishing, comparable prose)
QUOTES_PER_TERM = 2
QUOTES_PER_LIST = 3  # per group and grade and lexicon list
#: The columns of data/interim/sentences.parquet, from its schema: the report, the sentence's number,
#: then the fields of analysis.build.language.Sentence of the same names.
SENTENCE_FIELDS = schema.INTERIM_TABLES["sentences"]["fields"]
SENTENCE_COLUMNS = [f.name for f in SENTENCE_FIELDS]


def sentences(inputs: Inputs) -> pd.DataFrame:
    """One row per sentence of every report whose text was read, in report and reading order."""
    rows = []
    for file in sorted(inputs.parsed):
        text = inputs.parsed[file].text
        if text is None:
            continue
        stem = file.removesuffix(".pdf")
        rows.extend((stem, number, *row) for number, row in enumerate(text.rows, start=1))
    frame = pd.DataFrame(rows, columns=[*SENTENCE_COLUMNS[:2], *ROW_FIELDS])[SENTENCE_COLUMNS]
    types = {"integer": "Int64", "number": float}
    return frame.astype({f.name: types[f.type] for f in SENTENCE_FIELDS if f.type in types})


def report_text(inputs: Inputs, frame: pd.DataFrame) -> pd.DataFrame:
    """Measures per report and prose section, and over all prose (see the module docstring)."""
    prose = frame[frame["section"].isin(lexicon.PROSE_SECTIONS)]
    prose = prose.assign(
        neg=prose["negative"] > 0,
        pos=prose["positive"] > 0,
        neg_u=prose["negative_unmasked"] > 0,
        pos_u=prose["positive_unmasked"] > 0,
        vneg=prose["vader"] <= VADER_NEGATIVE,
        vpos=prose["vader"] >= VADER_POSITIVE,
    )
    comparable = prose[prose["section"].isin(COMPARABLE_SECTIONS)].assign(section=COMPARABLE_PROSE)
    both = pd.concat([prose, prose.assign(section=ALL_PROSE), comparable], ignore_index=True)
    grouped = both.groupby(["inspection_id", "section"], sort=True)
    out = grouped.agg(
        sentences=("text", "size"),
        words=("words", "sum"),
        syllables=("syllables", "sum"),
        negative_sentences=("neg", "sum"),
        positive_sentences=("pos", "sum"),
        negative_sentences_unmasked=("neg_u", "sum"),
        positive_sentences_unmasked=("pos_u", "sum"),
        vader_negative_sentences=("vneg", "sum"),
        vader_positive_sentences=("vpos", "sum"),
        vader_mean=("vader", "mean"),
        procedure_terms=("procedure", "sum"),
        practice_terms=("practice", "sum"),
    ).reset_index()
    pages = {file.removesuffix(".pdf"): p.text.pages for file, p in inputs.parsed.items() if p.text is not None}
    out.insert(2, "report_pages", out["inspection_id"].map(pages).astype("Int64"))
    out["words_per_sentence"] = out["words"] / out["sentences"]
    # Flesch (1948) reading ease with the en_US constants textstat uses: higher is easier.
    out["flesch_reading_ease"] = 206.835 - 1.015 * out["words_per_sentence"] - 84.6 * out["syllables"] / out["words"]
    out["negative_share"] = out["negative_sentences"] / out["sentences"]
    out["positive_share"] = out["positive_sentences"] / out["sentences"]
    out["negative_share_unmasked"] = out["negative_sentences_unmasked"] / out["sentences"]
    out["positive_share_unmasked"] = out["positive_sentences_unmasked"] / out["sentences"]
    out["vader_negative_share"] = out["vader_negative_sentences"] / out["sentences"]
    out["vader_positive_share"] = out["vader_positive_sentences"] / out["sentences"]
    terms = out["procedure_terms"] + out["practice_terms"]
    out["procedure_share"] = (out["procedure_terms"] / terms).where(terms > 0)
    order = {s: i for i, s in enumerate((*lexicon.PROSE_SECTIONS, ALL_PROSE, COMPARABLE_PROSE))}
    out = out.sort_values(["inspection_id", "section"], key=lambda c: c.map(order) if c.name == "section" else c)
    for column in [c for c in out.columns if c.endswith(("_sentences", "_terms")) or c in ("sentences", "words")]:
        out[column] = out[column].astype("Int64")
    return out.reset_index(drop=True)


def groups(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """inspection_id -> group (GROUPS) and overall grade, for the reports in a comparison group."""
    inspections = tables["inspections"]
    judgements = tables["judgements"]
    overall = judgements[judgements["area"] == "overall"].set_index("inspection_id")["grade"]
    rows = inspections[
        inspections["inspection_type"].isin(GROUP_OF) & inspections["source"].str.startswith("ofsted/reports/")
    ]
    out = pd.DataFrame(
        {
            "inspection_id": rows["inspection_id"],
            "group": rows["inspection_type"].map(GROUP_OF),
            "grade": rows["inspection_id"].map(overall),
        }
    )
    return out.sort_values("inspection_id").reset_index(drop=True)


def report_terms(inputs: Inputs, grouping: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Word counts by group, grade and section (see the module docstring), and the inspections left
    out for want of an overall grade."""
    graded = grouping.dropna(subset=["grade"])
    missing = sorted(set(grouping["inspection_id"]) - set(graded["inspection_id"]))
    totals: dict[tuple[str, str, str], Counter] = {}
    for inspection, group, grade in graded.itertuples(index=False):
        text = inputs.parsed[inspection + ".pdf"].text
        if text is None:
            continue
        for section, counts in text.terms.items():
            if section in COMPARABLE_SECTIONS:
                totals.setdefault((group, grade, section), Counter()).update(counts)
                totals.setdefault((group, grade, COMPARABLE_PROSE), Counter()).update(counts)
    by_section: dict[str, Counter] = {}
    for (_, _, section), counts in totals.items():
        by_section.setdefault(section, Counter()).update(counts)
    kept = {section: {w for w, n in counts.items() if n >= TERM_FLOOR} for section, counts in by_section.items()}
    rows = [
        (group, grade, section, word, n)
        for (group, grade, section), counts in totals.items()
        for word, n in counts.items()
        if word in kept[section]
    ]
    frame = pd.DataFrame(rows, columns=["group", "grade", "section", "term", "count"])
    order = {s: i for i, s in enumerate((*COMPARABLE_SECTIONS, COMPARABLE_PROSE))}
    frame = frame.sort_values(
        ["section", "group", "grade", "term"], key=lambda c: c.map(order) if c.name == "section" else c
    ).reset_index(drop=True)
    frame["count"] = frame["count"].astype("Int64")
    return frame, missing


def report_quotes(frame: pd.DataFrame, grouping: pd.DataFrame, terms: pd.DataFrame) -> pd.DataFrame:
    """Example sentences for the distinguishing words and for each lexicon list (module docstring)."""
    prose = frame[frame["section"].isin(COMPARABLE_SECTIONS)].merge(
        grouping.dropna(subset=["grade"]), on="inspection_id"
    )
    # The deterministic order: SHA-256 of the text, then report and sentence number.
    keys = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in prose["text"]]
    prose = prose.assign(_key=keys).sort_values(["_key", "inspection_id", "sentence"]).reset_index(drop=True)
    scorer = lexicon.scorer()
    wanted: dict[str, set[str]] = {}  # group -> words to quote
    ranked_pairs = []
    for i, a in enumerate(GROUPS):
        for b in GROUPS[i + 1 :]:
            ranked = logodds.distinguishing(terms, a, b, COMPARABLE_PROSE)
            ranked_pairs.append(
                (a, b, list(ranked["term"].head(QUOTED_TERMS)), list(ranked["term"].tail(QUOTED_TERMS))[::-1])
            )
            wanted.setdefault(a, set()).update(ranked_pairs[-1][2])
            wanted.setdefault(b, set()).update(ranked_pairs[-1][3])
    # Each wanted word's first sentences in that order, in one pass over the sentences.
    first: dict[tuple[str, str], list[int]] = {}
    remaining = {group: set(words) for group, words in wanted.items()}  # words still short of quotes
    for index, (group, text) in enumerate(zip(prose["group"], prose["text"])):
        words = remaining.get(group)
        if not words:
            if not any(remaining.values()):
                break  # every word has its quotes
            continue
        for word in words.intersection(lexicon.tokens(scorer.mask(text))):
            found = first.setdefault((group, word), [])
            found.append(index)
            if len(found) == QUOTES_PER_TERM:
                words.discard(word)
    picked: list[tuple[str, str, int]] = []
    for a, b, words_a, words_b in ranked_pairs:
        for group, words in ((a, words_a), (b, words_b)):
            for word in words:
                picked += [("distinguishing", f"{a} vs {b}: {word}", i) for i in first.get((group, word), [])]
    for (group, grade), part in prose.groupby(["group", "grade"], sort=True):
        for name in lexicon.LISTS:
            picked += [
                (f"lexicon {name}", f"{group}, {grade}", i) for i in part.index[part[name] > 0][:QUOTES_PER_LIST]
            ]
    rows = prose.loc[[i for _, _, i in picked]].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "kind": [k for k, _, _ in picked],
            "key": [key for _, key, _ in picked],
            "inspection_id": rows["inspection_id"],
            "page": rows["page"].astype("Int64"),
            "section": rows["section"],
            "group": rows["group"],
            "grade": rows["grade"],
            "text": rows["text"],
            "source": "ofsted/reports/" + rows["inspection_id"] + ".pdf#page=" + rows["page"].astype(str),
        }
    )
    return out.sort_values(["kind", "key", "inspection_id", "page", "text"]).reset_index(drop=True)


def longest(frame: pd.DataFrame, k: int = 5) -> list[dict]:
    """The k longest sentences (a failed split shows here first), for the validation report."""
    lengths = frame["text"].str.len()
    top = frame.assign(chars=lengths).sort_values(["chars", "inspection_id", "sentence"], ascending=[False, True, True])
    return [
        dict(inspection_id=r.inspection_id, page=int(r.page), section=r.section, chars=int(r.chars), start=r.text[:80])
        for r in top.head(k).itertuples(index=False)
    ]


def summary(inputs: Inputs, frame: pd.DataFrame, text: pd.DataFrame, missing_grade: list[str]) -> dict:
    """The validation numbers of the text tables."""
    read = sorted(f.removesuffix(".pdf") for f, p in inputs.parsed.items() if p is not None)
    with_rows = set(text.loc[text["section"] == ALL_PROSE, "inspection_id"])
    no_row = {
        r: "; ".join(w for w in inputs.parsed[r + ".pdf"].warnings if w.startswith("sentence"))
        or "no prose sentence found"
        for r in read
        if r not in with_rows
    }
    lengths = frame["text"].str.len()
    return dict(
        reports_read=len(read),
        reports_with_text=len(with_rows),
        reports_without_text=no_row,
        sentences=int(len(frame)),
        prose_sentences=int(frame["section"].isin(lexicon.PROSE_SECTIONS).sum()),
        sentences_over_2000_chars=int((lengths > 2000).sum()),
        longest_sentences=longest(frame),
        sections=dict(sorted(Counter(frame["section"]).items())),
        term_tables_without_grade=missing_grade,
        furniture_lines_removed=int(sum(p.text.furniture_lines for p in inputs.parsed.values() if p.text is not None)),
        share_of_words_in_prose=float(
            np.round(
                frame.loc[frame["section"].isin(lexicon.PROSE_SECTIONS), "words"].sum() / max(1, frame["words"].sum()),
                4,
            )
        ),
    )
