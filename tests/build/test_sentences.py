"""Sentences of the reports (analysis.build.language): furniture removal, sections and splitting on
pages checked by hand against the PDFs (a SIF, an ILACS standard and an ILACS short report), and the
lexicon's scoring and grade-word masking on known sentences."""

from __future__ import annotations

import ast
import pickle
import re
import socket
from pathlib import Path

import pytest

from analysis import lexicon
from analysis.build import language
from analysis.build.pdf_text import Report, classify, read_pdf_pages

SIF_REPORT = "80429_birmingham_2014-05-23.pdf"
ILACS_STANDARD = "2733690_cumberland_2024-11-26.pdf"
ILACS_SHORT = "80473_hartlepool_2024-05-16.pdf"  # an ILACS short inspection (inspections.csv)


def _report(report_dir: Path, name: str) -> Report:
    pages = read_pdf_pages(report_dir / name)
    return Report(name, "", "", "", "", tuple(pages), classify(pages))


@pytest.fixture(scope="module")
def texts(report_dir: Path) -> dict[str, language.ReportText]:
    return {name: language.read_text(_report(report_dir, name)) for name in (SIF_REPORT, ILACS_STANDARD, ILACS_SHORT)}


def _on(text: language.ReportText, page: int) -> list[language.Sentence]:
    return [s for s in text.sentences if s.page == page]


def test_sif_title_page_is_headline_judgements_without_its_footnote_or_marker(texts) -> None:
    page = _on(texts[SIF_REPORT], 1)
    assert {s.section for s in page} == {"headline judgements"}
    title = page[0].text
    # "board1" on the PDF page: the footnote marker is gone, and the footnote's text with it.
    assert "local safeguarding children board Inspection date: 18 March 2014" in title
    assert not any("Ofsted produces this report under its power" in s.text for s in texts[SIF_REPORT].sentences)


def test_sif_summary_page_drops_headings_page_number_and_paragraph_numbers(texts) -> None:
    page = _on(texts[SIF_REPORT], 3)
    assert [s.section for s in page] == ["summary"] * len(page)
    assert page[0].text == "This local authority has serious weaknesses and is not yet good because:"
    assert page[1].text == "The most vulnerable children in Birmingham continue to be failed by the local authority."
    assert page[2].text.startswith("There is an insufficient focus on children who need help")
    assert not any(s.text[0].isdigit() for s in page), [s.text[:20] for s in page if s.text[0].isdigit()]
    assert not any(s.text.startswith(("Section 1", "Summary of key findings")) for s in page)


def test_sif_judgement_page_starts_its_section_and_a_sentence_runs_on_over_the_page_break(texts) -> None:
    page = _on(texts[SIF_REPORT], 12)
    assert {s.section for s in page} == {"help and protection"}
    assert page[0].text.startswith("Children and young people in Birmingham who need help and protection still do")
    assert len(page) == 17
    last = page[-1].text
    assert last.startswith("Think Family (Troubled Families) works well to provide pathways for referral, and for")
    assert last.endswith("means they remain with their families.")  # the rest is on page 13, after its page number


def test_ilacs_standard_banner_is_removed_and_sections_follow_the_headings(texts) -> None:
    text = texts[ILACS_STANDARD]
    assert not any("Inspection of Cumberland local authority" in s.text for s in text.sentences[1:])
    assert not any("7 to 18 October 2024" in s.text for s in text.sentences if s.page > 1)
    first = _on(text, 1)
    assert first[0].section == "headline judgements"
    assert first[1].text == "This was the first inspection of Cumberland local authority children’s services."
    assert first[1].section == "summary"
    page2 = _on(text, 2)
    assert [s.text for s in page2 if s.section == "recommendations"] == [
        "The effectiveness of the response to children who have experienced neglect.",
        "The response to children who are privately fostered.",
        "The support for 16- and 17-year-olds who present as homeless.",
        "The timeliness and quality of return home interviews.",
    ]
    assert page2[4].section == "help and protection"
    assert page2[4].text.startswith("Most children and families benefit from thorough and robust screening")
    # A sentence that starts on page 2 and ends on page 3, across the banner and its date line.
    across = [s for s in text.sentences if s.text.startswith("Social workers do not always recognise the presenting")]
    assert len(across) == 1 and across[0].page == 2
    assert across[0].text.endswith("plans are adult-focused, with an emphasis on support to parents.")
    assert _on(text, 3)[0].text == "The emergency duty team is a small, responsive service."


def test_ilacs_short_report_pages(texts) -> None:
    text = texts[ILACS_SHORT]
    page2 = _on(text, 2)
    assert [s.text for s in page2[:2]] == [
        "Clarity for care leavers about their rights and entitlements through the care leavers offer.",
        "The support and responses to care leavers in custody.",
    ]
    assert {s.section for s in page2[2:]} == {"help and protection"}
    assert not any("Inspection of Hartlepool" in s.text or "18 March to 22 March 2024" in s.text for s in page2)
    assert not any(s.text.startswith("protection: outstanding") for s in text.sentences)
    page3 = _on(text, 3)
    assert "Children are visited regularly in line with their needs, and they are seen alone when appropriate." in [
        s.text for s in page3
    ]


def test_every_report_section_seen_in_the_three_reports(texts) -> None:
    sif = {s.section for s in texts[SIF_REPORT].sentences}
    assert {"summary", "recommendations", "help and protection", "children in care", "adoption", "care leavers"} <= sif
    assert {"leadership", "LSCB", "context", "back matter"} <= sif
    for name in (ILACS_STANDARD, ILACS_SHORT):
        found = {s.section for s in texts[name].sentences}
        assert {"summary", "recommendations", "help and protection", "children in care", "leadership"} <= found, name


def test_vader_scores_prose_only_and_grade_words_count_for_nothing(texts) -> None:
    for text in texts.values():
        for s in text.sentences:
            assert (s.vader is None) == (s.section not in lexicon.PROSE_SECTIONS)
    sif = texts[SIF_REPORT].sentences
    # Birmingham was judged inadequate throughout: unmasked, "inadequate" counts as negative every time.
    assert sum(s.negative for s in sif) < sum(s.negative_unmasked for s in sif)
    summary = _on(texts[SIF_REPORT], 3)
    # "... have ultimately failed to deliver adequate care ...": "adequate" is a grade word, masked.
    s = next(s for s in summary if "false dawns" in s.text)
    assert s.negative >= 1 and s.positive == 0


def test_no_sentence_is_longer_than_2000_characters_in_the_three_reports(texts) -> None:
    assert max(len(s.text) for t in texts.values() for s in t.sentences) < 2000


def test_each_row_holds_the_sentence_fields_in_order_as_their_definitions_give(texts, scorer) -> None:
    """ReportText.rows are plain tuples: each field, by name, is what its definition gives for the text."""
    vader = language._vader()
    for text in texts.values():
        assert len(text.rows) == len(text.sentences) > 100
        for row in text.rows:
            s = dict(zip(language.SENTENCE_FIELDS, row, strict=True))
            words = language.WORD.findall(s["text"])
            masked, unmasked = scorer.mask(s["text"]), scorer.unmasked(s["text"])
            counts, plain = _counts(scorer, masked), _counts(scorer, unmasked)
            assert isinstance(s["page"], int) and 1 <= s["page"] <= text.pages
            assert s["section"] in lexicon.SECTIONS
            assert (s["words"], s["syllables"]) == (len(words), sum(map(language._syllables, words)))
            assert [s[name] for name in ("negative", "positive", "procedure", "practice")] == [
                counts[name] for name in ("negative", "positive", "procedure", "practice")
            ]
            assert (s["negative_unmasked"], s["positive_unmasked"]) == (plain["negative"], plain["positive"])
            if s["section"] in lexicon.PROSE_SECTIONS:
                expected = vader.polarity_scores(scorer.grade.sub(language.VADER_MASK, s["text"]))["compound"]
                assert s["vader"] == round(expected, 4)


def _counts(scorer: lexicon.Scorer, prepared: str) -> dict[str, int]:
    """Each list's matches counted alone (Scorer.count), the reference for the one-pass counts."""
    return {name: scorer.count(prepared, name) for name in lexicon.LISTS}


def test_vader_without_its_emoji_pass_scores_as_the_library_does(
    texts, scorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """language.Vader skips the library's emoji pass only for texts without an emoji, and its scores
    are the library's: on every prose sentence of the three reports and on texts made for VADER's rules."""
    made = [
        "  Practice is GOOD but plans are not effective!!! ",
        "It is kind of helpful; without doubt the best, never so bad, at least not poor?",
        "No help was offered. The care is not the worst, but it could hardly be better.",
        "Children’s voices are heard :) and they are VERY happy",
        "",
    ]
    prose = [
        scorer.grade.sub(language.VADER_MASK, s.text)
        for text in texts.values()
        for s in text.sentences
        if s.section in lexicon.PROSE_SECTIONS
    ]
    library = language.SentimentIntensityAnalyzer()
    expected = [library.polarity_scores(t) for t in [*made, *prose]]
    vader = language.Vader()
    assert vader.copy_applies, "vaderSentiment is no longer 3.3.2: compare language.Vader with its new code"
    calls = []
    own = language.SentimentIntensityAnalyzer.polarity_scores
    monkeypatch.setattr(
        language.SentimentIntensityAnalyzer, "polarity_scores", lambda self, t: calls.append(t) or own(self, t)
    )
    assert [vader.polarity_scores(t) for t in [*made, *prose]] == expected
    assert calls == []  # every one of these texts went the short way
    with_emoji = "Children said they were happy \U0001f600 and safe"
    assert vader.polarity_scores(with_emoji) == own(library, with_emoji) and calls == [with_emoji]
    assert (
        vader.polarity_scores(with_emoji)["compound"]
        != own(library, "Children said they were happy  and safe")["compound"]
    )  # the emoji's description counts: the library's own pass ran


def test_quick_tests_before_the_grade_and_exclusion_regexes_change_no_text(texts, scorer) -> None:
    """Scorer.mask_grades and unmasked skip a regex only where it would change nothing."""
    made = [
        "GOOD, Good and good-quality work; ‘inadequate’ and Outstanding.",
        "Requires\n improvement to be good; serious   weaknesses.",
        "\u017ferious weaknesses and \u0130nadequate",  # letters IGNORECASE matches to s and i
        "As well as well-being, wellbeing and well being: carers are well supported.",
        "Nothing to mask here.",
    ]
    bodies = [*made, *(s.text for text in texts.values() for s in text.sentences)]
    for body in bodies:
        folded = " ".join(body.lower().replace("’", "'").split())
        assert scorer.unmasked(body) == scorer.exclude.sub(" ", folded)
        for text in (body, scorer.unmasked(body)):
            for replacement in (lexicon.MASK_WORD, language.VADER_MASK):
                assert scorer.mask_grades(text, replacement) == scorer.grade.sub(replacement, text)
    assert scorer.mask_grades(made[2]) == "gradeword and gradeword"
    assert sum(scorer.mask_grades(b) != b for b in bodies) > 50  # the regex did run where it matters


def test_words_counting_all_lists_at_once_and_tokens_agree_with_their_plain_definitions(texts, scorer) -> None:
    """On every sentence of the three reports: counts() is each list counted alone, and tokens() is
    the first form of its pattern (gradeword | a word of two or more letters | one letter)."""
    plain_tokens = re.compile(r"gradeword|[a-z][a-z'-]*[a-z]|[a-z]")
    made = "gradeword-quality children's a-b x- 'tis gradewords o'clock"
    assert lexicon.tokens(made) == [
        "gradeword",
        "quality",
        "children's",
        "a-b",
        "x",
        "tis",
        "gradeword",
        "s",
        "o'clock",
    ]
    for body in [made, *(s.text for text in texts.values() for s in text.sentences)]:
        for prepared in (scorer.mask(body), scorer.unmasked(body)):
            assert lexicon.tokens(prepared) == plain_tokens.findall(prepared)
            assert scorer.counts(lexicon.tokens(prepared)) == _counts(scorer, prepared)


def test_heading_prefilter_changes_no_paragraph(report_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HEADING_START only skips lines no heading can start: without it the paragraphs are the same."""
    reports = [_report(report_dir, name) for name in (SIF_REPORT, ILACS_STANDARD, ILACS_SHORT)]
    fast = [language.paragraphs(r) for r in reports]
    monkeypatch.setattr(language, "HEADING_START", re.compile(""))
    assert [language.paragraphs(r) for r in reports] == fast


# --- the lexicon on known sentences (no raw files) ---------------------------------------------


@pytest.fixture(scope="module")
def scorer() -> lexicon.Scorer:
    return lexicon.scorer()


def _score(scorer: lexicon.Scorer, text: str, mask: bool = True) -> dict[str, int]:
    prepared = scorer.mask(text) if mask else scorer.unmasked(text)
    return scorer.counts(lexicon.tokens(prepared))


def test_grade_words_are_masked_before_scoring(scorer) -> None:
    text = "Services for children in care are good and leadership is outstanding; help requires improvement to be good."
    assert scorer.mask(text).count(lexicon.MASK_WORD) == 3
    assert _score(scorer, text) == {"negative": 0, "positive": 0, "procedure": 0, "practice": 0}
    assert _score(scorer, text, mask=False)["positive"] == 3  # good, outstanding, and the "good" of "to be good"
    assert _score(scorer, "Practice is inadequate.") == {"negative": 0, "positive": 0, "procedure": 0, "practice": 0}
    assert _score(scorer, "Practice is inadequate.", mask=False)["negative"] == 1


def test_negated_praise_is_not_positive_and_the_criticism_counts(scorer) -> None:
    assert _score(scorer, "Plans are not effective and are not always timely.") == {
        "negative": 2,  # "not effective", "not always"
        "positive": 0,
        "procedure": 1,  # "plans"
        "practice": 0,
    }
    assert _score(scorer, "Some children are not receiving a sufficiently timely response.")["positive"] == 0
    assert _score(scorer, "Decisions are timely and effective.")["positive"] == 2


def test_stems_phrases_and_exclusions(scorer) -> None:
    found = scorer.terms(
        scorer.mask("Delays and drift in records, audits and case files; weaknesses persist."), "negative"
    )
    assert found == ["delays", "drift", "weaknesses"]
    assert scorer.terms(scorer.mask("Records, audits and case files."), "procedure") == [
        "records",
        "audits",
        "case files",
    ]
    assert scorer.terms(
        scorer.mask("Children are seen alone and their voice is heard in direct work."), "practice"
    ) == [
        "seen alone",
        "voice",
        "direct work",
    ]
    # "as well as" and "well-being" are not the praise "well"; "well supported" is.
    assert _score(scorer, "Health and well-being as well as education.")["positive"] == 0
    assert _score(scorer, "Carers are well supported.")["positive"] == 1
    # A hyphenated word is one word: "long-term" is not "too long".
    assert _score(scorer, "Too long-term a view.")["negative"] == 0
    assert _score(scorer, "Children wait too long.")["negative"] == 1


def test_counting_all_lists_at_once_agrees_with_each_list_alone(scorer) -> None:
    sentences = [
        "The local authority requires improvement to be good; practice is not consistently strong.",
        "Records of visits are poor, and audits do not always lead to timely action.",
        "Children's wishes and feelings are heard; life story work is creative and sensitive.",
    ]
    for text in sentences:
        prepared = scorer.mask(text)
        assert scorer.counts(lexicon.tokens(prepared)) == {name: scorer.count(prepared, name) for name in lexicon.LISTS}


def test_a_lexicon_term_without_justification_stops_loading_naming_it(tmp_path: Path) -> None:
    source = lexicon.LEXICON_FILE.read_text(encoding="utf-8").replace(
        "  drift: \"the inspectorate's word for plans that do not progress ('drift and delay')\"", '  drift: ""'
    )
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(source, encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match=r"negative.*justification.*drift"):
        lexicon.load(bad)


def test_splitter_vader_and_syllables_work_with_the_network_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """syntok, VADER and textstat 0.7.3 need no download: they run with every connection refused."""

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    language._vader.cache_clear()
    language._syllables.cache_clear()
    assert [language._syllables(w) for w in ("child", "children", "inadequate")] == [1, 2, 4]
    analyser = language._vader()
    assert analyser.polarity_scores("Practice is poor and children are unsafe.")["compound"] < -0.05
    split = [len(s) for p in language.segmenter.analyze("Dr. Smith visited. Children were seen.") for s in p]
    assert len(split) == 2


# --- the cache of read_text ----------------------------------------------------------------------


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "language-cache"
    monkeypatch.setenv(language.CACHE_ENV, str(root))
    language._prepared.cache_clear()
    yield root
    language._prepared.cache_clear()


def test_a_cached_report_reads_back_what_computing_it_again_gives(report_dir: Path, cache_root: Path) -> None:
    report = _report(report_dir, ILACS_SHORT)
    first = language.read_text_cached(report)
    entries = list(cache_root.glob("*/*.pickle"))
    assert [e.name for e in entries] == [f"{language.report_key(report)}.pickle"]
    assert entries[0].parent.name == language.fingerprint()
    again = language.read_text_cached(report)
    assert again == first == language.read_text(report) and again is not first
    # Another page text is another report: a new entry.
    changed = Report(
        report.file,
        report.sha256,
        report.urn,
        report.la_name_listed,
        report.listed_date,
        report.pages[:-1],
        report.report_type,
    )
    assert language.report_key(changed) != language.report_key(report)
    assert language.read_text_cached(changed) == language.read_text(changed)
    assert len(list(cache_root.glob("*/*.pickle"))) == 2


def test_changed_code_drops_the_old_cache_and_a_damaged_entry_is_computed_again(
    report_dir: Path, cache_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    report = _report(report_dir, ILACS_SHORT)
    language.read_text_cached(report)
    old = next(cache_root.iterdir())
    monkeypatch.setattr(language, "fingerprint", lambda: "0" * 16)
    language.read_text_cached(report)
    assert [p.name for p in cache_root.iterdir()] == ["0" * 16] and not old.exists()
    entry = cache_root / ("0" * 16) / f"{language.report_key(report)}.pickle"
    entry.write_bytes(b"not a pickle")
    with caplog.at_level("WARNING", logger="analysis.build.language"):
        assert language.read_text_cached(report) == language.read_text(report)
    assert "unreadable" in caplog.text and report.file in caplog.text
    assert pickle.loads(entry.read_bytes()) == language.read_text(report)


def test_a_cache_that_cannot_be_written_still_gives_the_sentences(
    report_dir: Path, cache_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    report = _report(report_dir, ILACS_SHORT)

    def full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with caplog.at_level("WARNING", logger="analysis.build.language"):
        assert language.read_text_cached(report) == language.read_text(report)
    assert "not written" in caplog.text and list(cache_root.glob("*/*")) == []


def test_the_cache_off_writes_nothing(report_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(language.CACHE_ENV, "off")
    monkeypatch.setattr(language, "CACHE_DIR", tmp_path / "never")
    report = _report(report_dir, ILACS_SHORT)
    assert language.read_text_cached(report) == language.read_text(report)
    assert not (tmp_path / "never").exists()


def test_the_cache_fingerprint_covers_the_code_the_sentences_depend_on() -> None:
    """A new import of project code into the language code must be added to CACHE_CODE (or shown not
    to change the result, like paths and pdf_text, whose Report is in the key)."""
    imported = set()
    for path in (Path(language.__file__), Path(lexicon.__file__)):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
    assert imported == {
        "analysis.lexicon",
        "analysis.paths",
        "analysis.build.pdf_text.ILACS",
        "analysis.build.pdf_text.Report",
    }
    assert {p.name for p in language.CACHE_CODE} == {"language.py", "lexicon.py", "lexicon.yaml"}
