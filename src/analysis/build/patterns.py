"""Text helpers the report parsers share: the snippet kept as the record of where a value was read,
and the wording of "requires improvement" every framework's reports use in their own variants."""

from __future__ import annotations

from analysis.vocab import fold

#: "Requires improvement (to be good)" as the reports print it: "Require improvement" (sic, Isle of
#: Wight 2014, Thurrock 2016), "required improvement" / "requiring improvement" in the previous-
#: inspection sentences of SIF reports, wrapped over lines ("Requires \nimprovement to be \ngood",
#: Darlington 2018). Use with re.IGNORECASE ("Requires Improvement", Lambeth 2018).
REQUIRES_IMPROVEMENT = r"(?:requires?|required|requiring)\s+improvement(?:\s+to\s+be\s+good)?"

#: Records promise snippets of at most this many characters (records.Judgement.snippet).
SNIPPET_LIMIT = 200


def clip(text: str, limit: int = SNIPPET_LIMIT, *, context_style: bool = False) -> str:
    """The text with white space folded, cut to at most `limit` characters with "…" when cut.

    context_style: the snippets of parse_sif_context (previous inspections, area statistics) were
    written from text already cleaned page by page, only stripped at the ends, with any space before
    the "…" dropped; kept that way so the committed data stay byte-identical.
    """
    text = text.strip() if context_style else fold(text)
    trim_before_ellipsis = context_style
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    return (head.rstrip() if trim_before_ellipsis else head) + "…"
