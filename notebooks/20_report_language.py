# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (Ofsted LA analysis)
#     language: python
#     name: ofsted-analysis
# ---

# %% [markdown]
# # Report language: do ILACS reports dwell less on negatives, say less, and speak more of practice?
#
# Community Care's account of Ofsted's review of ILACS (seed article "Ofsted to increase management
# oversight of inspections to boost consistency, following review") makes three claims about the
# reports themselves, registered as hypotheses H05-H07:
#
# - **H05**: ILACS moved inspections "away from a default focus on negatives" (against SIF);
# - **H06**: ILACS reports are "shorter and more succinct";
# - **H07**: academics who shadowed inspections found ILACS "too focused on paperwork and procedure
#   rather than practice".
#
# The 431 report PDFs hold the text to test them. At build time every report is split into sentences
# (syntok, after page furniture is removed), each sentence with its page and section, and scored by a
# transparent domain lexicon (`src/analysis/lexicon.yaml`, one line of justification per term, grade
# words masked so a score does not read back the grade) and by VADER. This notebook reads only the
# small committed tables this produces (`report_text.csv`, `report_terms.csv`, `report_quotes.csv`).
#
# An inadequate report is negative under any framework, and SIF judged more councils inadequate, so
# every comparison is **within overall grade** (and within authority): a mixed model of each measure on
# the framework and the grade with a random intercept per authority, the framework effect as a
# standardised difference *d* with its interval. The verdicts follow the decision rule committed before
# any sentence was scored (`src/analysis/text/language_rule.yaml`); they are always computed on the
# rule's basis (all prose sections, grade words masked, the domain lexicon), whatever the parameters
# below choose for the exploratory tables and figures.

# %% tags=["parameters"]
lexicon: str = "domain"  # negativity measure shown: "domain" (grade words masked), "domain-unmasked" or "vader"
section: str = "all prose"  # report_text section: "all prose", "comparable prose" or one section such as "leadership"
compare: str = "ILACS"  # ILACS side of the comparison with SIF: "ILACS" (both types), "ILACS standard" or "ILACS short"
top_terms: int = 15  # words shown per side in the distinguishing-terms table
seed: int = 20180101  # seed of every random step (none here draws at random; kept for the runner's check)

# %%
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import claims, logodds, paths
from analysis import lexicon as lexicon_lists
from analysis.publish import display as show
from analysis.publish.figures import FRAMEWORK_COLOURS
from analysis.publish.records import data_checksum, package_versions, record, record_table, seed_everything
from analysis.text import language

seed_everything(seed)
show.setup()
if lexicon not in language.NEGATIVE_MEASURE:
    raise ValueError(f"lexicon must be one of {sorted(language.NEGATIVE_MEASURE)}, not {lexicon!r}")
if compare not in language.COMPARISONS:
    raise ValueError(f"compare must be one of {sorted(language.COMPARISONS)}, not {compare!r}")
reports = language.reports(paths.DATA_PROCESSED)
if section not in set(reports["section"]):
    raise ValueError(f"section must be one of {sorted(set(reports['section']))}, not {section!r}")
terms = pd.read_csv(paths.DATA_PROCESSED / "report_terms.csv")
quotes = pd.read_csv(paths.DATA_PROCESSED / "report_quotes.csv")
record("parameters", dict(lexicon=lexicon, section=section, compare=compare, top_terms=top_terms, seed=seed))
ilacs_side = language.COMPARISONS[compare]
groups = ("SIF", *ilacs_side)
shown = language.section_frame(reports, section, groups)
source = (
    f"Ofsted inspection reports ({reports['inspection_id'].nunique()} PDFs), split and scored by "
    "analysis.build.language; data/processed"
)
colours = {"SIF": FRAMEWORK_COLOURS["SIF"], "ILACS standard": FRAMEWORK_COLOURS["ILACS"], "ILACS short": "#c2a5cf"}
COLOUR_NAMES = {"SIF": "blue", "ILACS standard": "purple", "ILACS short": "light purple"}  # for the alt texts
#: How a reader names each measure (report_text.csv column, or log_words) and each `lexicon` option.
LEXICON_NAMES = {
    "domain": "domain lexicon, grade words masked",
    "domain-unmasked": "domain lexicon, grade words unmasked",
    "vader": "VADER",
}
MEASURE_LABELS = {
    **{column: f"share of sentences negative ({LEXICON_NAMES[k]})" for k, column in language.NEGATIVE_MEASURE.items()},
    **{column: f"share of sentences positive ({LEXICON_NAMES[k]})" for k, column in language.POSITIVE_MEASURE.items()},
    "negative_balance": "negative balance (negative / negative + positive sentences)",
    "words": "words of prose",
    "log_words": "words of prose (log)",
    "words_per_sentence": "words per sentence",
    "flesch_reading_ease": "Flesch reading ease",
    "procedure_share": "procedure share (procedure / procedure + practice terms)",
    "vader_mean": "mean VADER compound score",
}
GRADE_TICKS = {g: textwrap.fill(g, 12) for g in language.GRADES}  # "Requires improvement to be good" in three lines

# %% [markdown]
# ## The reports compared
#
# Reports per comparison group and overall grade in the chosen section (a report without that section
# is absent). The 2013 looked after children reports and the one LSCB review belong to no group.

# %%
counts = shown.pivot_table(index="group", columns="grade", values="inspection_id", aggfunc="count", fill_value=0)
counts = counts.reindex(
    index=[g for g in groups if g in counts.index], columns=[g for g in language.GRADES if g in counts.columns]
)
counts["all"] = counts.sum(axis=1)
display(counts.rename_axis(index="report group", columns="overall grade"))
display(
    Markdown(
        f"{len(shown)} reports of {shown['la_code'].nunique()} authorities; section: {section}; "
        f"{int(shown['sentences'].sum()):,} sentences, {int(shown['words'].sum()):,} words."
    )
)

# %% [markdown]
# ## Distributions by framework
#
# Each measure per report, by group and overall grade: the share of sentences with negative language
# (the chosen method), the words of prose (log scale), words per sentence, and the procedure share
# (procedure terms over procedure and practice terms).

# %%
negative = language.NEGATIVE_MEASURE[lexicon]
panels = [
    (negative, f"Share of sentences negative\n({LEXICON_NAMES[lexicon]})", False),
    ("words", "Words of prose (log scale)", True),
    ("words_per_sentence", "Words per sentence", False),
    ("procedure_share", "Procedure share\n(procedure / procedure + practice terms)", False),
]
order = [g for g in language.GRADES if g in set(shown["grade"])]
width = 0.8 / len(groups)  # seaborn's dodge: the boxes of a grade share 0.8 of its slot, in hue order
fig, axes = plt.subplots(2, 2, figsize=(14, 9.5), sharey=False)
box_n = {}  # (group, grade) -> the fewest reports a box of it rests on (a measure can be missing)
for ax, (column, label, log) in zip(axes.flat, panels):
    sns.boxplot(
        shown,
        x="grade",
        y=column,
        hue="group",
        order=order,
        hue_order=list(groups),
        palette=colours,
        fliersize=2,
        ax=ax,
        legend=ax is axes.flat[1],
    )
    ax.set(xlabel="Overall grade", ylabel=label, yscale="log" if log else "linear")
    ax.set_xticks(range(len(order)), [GRADE_TICKS[g] for g in order])
    valued = shown.dropna(subset=[column]).groupby(["grade", "group"]).size()
    counts_here = {
        x + (j - (len(groups) - 1) / 2) * width: int(valued.get((grade, group), 0))
        for x, grade in enumerate(order)
        for j, group in enumerate(groups)
    }
    show.annotate_n(ax, counts_here)
    for (grade, group), count in valued.items():
        box_n[(group, grade)] = min(count, box_n.get((group, grade), count))
if axes.flat[1].get_legend() is not None:
    sns.move_legend(axes.flat[1], "upper left", bbox_to_anchor=(1.02, 1), title="Report group")
fig.tight_layout()
medians = shown.groupby(["group", "grade"])[negative].median()
best, worst = order[0], order[-1]
rises = [g for g in groups if medians.get((g, worst), float("nan")) > medians.get((g, best), float("nan"))]
words_median = shown.groupby("group")["words"].median().reindex(list(groups)).dropna()
few = {f"{group} {grade}": box_n[(group, grade)] for group in groups for grade in order if (group, grade) in box_n}
show.figure(
    fig,
    f"Language measures per report by overall grade and comparison group, section: {section}: the share of "
    f"sentences with negative language ({LEXICON_NAMES[lexicon]}), the words of prose (log scale), words per "
    "sentence and the procedure share (procedure terms over procedure and practice terms). Boxes show the median "
    "and quartiles, whiskers 1.5 times the interquartile range, dots the reports beyond them; the n above each box "
    "is its number of reports. " + show.small_n_note(few, "reports"),
    n=f"{len(shown):,} reports ("
    + ", ".join(f"{g} {int((shown['group'] == g).sum()):,}" for g in groups)
    + f") of {shown['la_code'].nunique()} authorities",
    source=source,
    alt=(
        f"Four panels of box plots, x: overall grade ({', '.join(order)}), boxes coloured by group "
        f"({', '.join(f'{g} {COLOUR_NAMES[g]}' for g in groups)}): share of sentences negative, words of prose (log scale), words per sentence and the "
        f"procedure share. The median negative share is higher for {worst} than for {best} in {len(rises)} of the "
        f"{len(groups)} groups (SIF: {medians.get(('SIF', worst), float('nan')):.2f} against "
        f"{medians.get(('SIF', best), float('nan')):.2f}); the longest reports are {words_median.idxmax()}'s "
        "(median words: " + ", ".join(f"{g} {v:,.0f}" for g, v in words_median.items()) + ")."
    ),
)

# %% [markdown]
# ## Models within grade and authority
#
# The framework effect on each measure (ILACS side minus SIF) as *d*, the coefficient over the pooled
# within-framework standard deviation, from the mixed model with the overall grade (and, for contrast,
# without it: the grade control is what separates "inspectors write more negatively" from "more
# councils were inadequate"). Readability is the Flesch reading ease (higher: easier), from syllables
# counted by textstat 0.7.3 (pinned: its later releases download an NLTK corpus at run time).

# %%
measures = [
    negative,
    language.POSITIVE_MEASURE[lexicon],
    "negative_balance",
    "log_words",
    "words_per_sentence",
    "flesch_reading_ease",
    "procedure_share",
    "vader_mean",
]
effects = []
for measure in measures:
    for control in (True, False):
        effects.append(language.effect(reports, measure, ilacs_side, section, control_grade=control))
table = pd.DataFrame(
    [
        {
            "measure": MEASURE_LABELS.get(e.measure, e.measure),
            "grade controlled": e.controls_grade,
            "mean SIF": e.mean_sif,
            f"mean {compare}": e.mean_ilacs,
            "coefficient": e.coefficient,
            "d (95% CI)": f"{e.d:.2f} ({e.d_low:.2f} to {e.d_high:.2f})",
            "n SIF": e.n_sif,
            f"n {compare}": e.n_ilacs,
            "authorities": e.authorities,
            "method": e.method,
        }
        for e in effects
    ]
)
display(table)
controlled = [e for e in effects if e.controls_grade]
fig, ax = plt.subplots(figsize=(8.5, 0.6 * len(controlled) + 1.2))
ax.hlines(range(len(controlled)), [e.d_low for e in controlled], [e.d_high for e in controlled], color="#444", lw=2)
ax.plot([e.d for e in controlled], range(len(controlled)), "o", color=FRAMEWORK_COLOURS["ILACS"])
ax.axvline(0, color="grey", ls=":", lw=1)
for edge in (-0.2, 0.2):
    ax.axvline(edge, color="grey", ls="--", lw=0.7)
measure_ticks = [MEASURE_LABELS.get(e.measure, e.measure) for e in controlled]
ax.set_yticks(range(len(controlled)), [textwrap.fill(t[0].upper() + t[1:], 38) for t in measure_ticks])
ax.invert_yaxis()  # the measures top to bottom in the table's order
ax.set(xlabel=f"Standardised difference d, {compare} against SIF\n(within grade and authority, 95% CI)")
fig.tight_layout()
largest = max(controlled, key=lambda e: abs(e.d))
material = [e for e in controlled if abs(e.d) >= 0.2 and (e.d_low > 0 or e.d_high < 0)]
show.figure(
    fig,
    f"Standardised framework effect d with its 95% interval per measure, {compare} against SIF, within overall grade "
    f"and authority (mixed model with the grade and a random intercept per authority), section: {section}; the "
    "dashed lines mark the rule's material size, |d| = 0.2",
    n=f"{controlled[0].n:,} reports ({controlled[0].n_sif:,} SIF, {controlled[0].n_ilacs:,} {compare}) of "
    f"{controlled[0].authorities} authorities",
    source=source,
    alt=(
        f"Dot-and-interval chart of d (x) for {len(controlled)} measures (y), {compare} against SIF, with a dotted "
        f"line at 0 and dashed lines at -0.2 and 0.2. {len(material)} of the {len(controlled)} measures have |d| of at "
        f"least 0.2 with an interval that excludes 0; the largest effect is on {MEASURE_LABELS.get(largest.measure, largest.measure)}, "
        f"d = {largest.d:.2f} ({largest.d_low:.2f} to {largest.d_high:.2f})."
    ),
)

# %% [markdown]
# ## The words that most distinguish the frameworks, within grade
#
# The log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008; computed by
# `analysis.logodds`), per overall grade and pooled over grades by inverse variance; *z* above 0: used
# more in SIF reports. Term counts exist for the sections both frameworks' reports have; for another
# section the comparable prose is used.

# %%
term_section = section if section in set(terms["section"]) else lexicon_lists.COMPARABLE_PROSE
pairs = {g: logodds.distinguishing(terms, "SIF", g, term_section) for g in ilacs_side}
for group, ranked in pairs.items():
    top = pd.concat([ranked.head(top_terms).assign(side="SIF"), ranked.tail(top_terms)[::-1].assign(side=group)])
    display(Markdown(f"**SIF against {group}, {term_section}** ({len(ranked)} words used at least 200 times)"))
    shown_terms = top[["side", "term", "z", "delta", "count_a", "count_b"]].rename(
        columns={"count_a": "SIF", "count_b": group}
    )
    display(shown_terms.reset_index(drop=True))
    fig, ax = plt.subplots(figsize=(7.5, 0.22 * len(top) + 1.2))
    sns.barplot(top, y="term", x="z", hue="side", palette={"SIF": colours["SIF"], group: colours[group]}, ax=ax)
    sns.move_legend(ax, "lower right", title="More used in")
    ax.set(xlabel=f"z of the log-odds ratio\n(> 0: more in SIF; < 0: more in {group})", ylabel="")
    fig.tight_layout()
    first_sif, first_group = top.iloc[0], top[top["side"] == group].iloc[0]
    show.figure(
        fig,
        f"The {top_terms} words most distinctive of SIF reports and the {top_terms} most distinctive of {group} "
        f"reports, by the z of the log-odds ratio with an informative Dirichlet prior, within overall grade and "
        f"pooled over grades, section: {term_section}",
        n=f"{int(ranked['count_a'].sum()):,} SIF and {int(ranked['count_b'].sum()):,} {group} occurrences of the "
        f"{len(ranked):,} words used at least 200 times",
        source=source,
        alt=(
            f"Horizontal bar chart of z (x) for {len(top)} words (y): at the top, in {COLOUR_NAMES['SIF']}, the "
            f"{top_terms} words most used in SIF reports, from {first_sif['term']!r} (z = {first_sif['z']:.1f}); "
            f"below, in {COLOUR_NAMES[group]}, the {top_terms} most used in {group} reports, from "
            f"{first_group['term']!r} (z = {first_group['z']:.1f})."
        ),
    )

# %% [markdown]
# ### In their own words
#
# Example sentences for the most distinctive words, each with its report and page (chosen at build
# time by the lowest SHA-256 of the sentence, so the same on every build; for the comparable prose).

# %%
shown_quotes = quotes[quotes["kind"] == "distinguishing"]
wanted = {f"SIF vs {g}" for g in ilacs_side}
shown_quotes = shown_quotes[shown_quotes["key"].str.split(":").str[0].isin(wanted)]
one_each = shown_quotes.groupby("key").head(1)
comparison, word = one_each["key"].str.split(": ", n=1).str[0], one_each["key"].str.split(": ", n=1).str[1]
side_order = comparison.map({f"SIF vs {g}": i for i, g in enumerate(ilacs_side)})  # ILACS standard before short
one_each = one_each.assign(comparison=comparison, word=word, side_order=side_order)
one_each = one_each.sort_values("side_order", kind="stable").head(4 * top_terms)
display(
    one_each[["comparison", "word", "group", "grade", "text", "inspection_id", "page"]]
    .rename(
        columns={"group": "sentence from", "grade": "overall grade", "text": "sentence", "inspection_id": "inspection"}
    )
    .reset_index(drop=True)
)

# %% [markdown]
# ## The lexicon
#
# Every term, the list it is in and why (from `src/analysis/lexicon.yaml`), and example sentences in
# which each list matched.

# %%
lists = lexicon_lists.load()
display(
    pd.DataFrame(
        [(name, term, why) for name, entries in lists.terms.items() for term, why in entries.items()],
        columns=["list", "term", "justification"],
    )
)
display(Markdown(f"Masked as grade words: {', '.join(lists.grade_words)}; negators: {', '.join(lists.negators)}."))
examples = quotes[quotes["kind"].str.startswith("lexicon") & quotes["group"].isin(groups)]
examples = examples.groupby(["kind", "group"]).head(1)
examples = examples.assign(order=examples["group"].map(list(groups).index)).sort_values(
    ["kind", "order"], kind="stable"
)
display(
    examples[["kind", "key", "text", "inspection_id", "page"]]
    .rename(
        columns={
            "kind": "matched list",
            "key": "group, overall grade",
            "text": "sentence",
            "inspection_id": "inspection",
        }
    )
    .reset_index(drop=True)
)

# %% [markdown]
# ## Verdicts on H05-H07
#
# By the committed rule, on its basis (all prose, grade words masked, the domain lexicon; ILACS standard
# and short against SIF, H06 ILACS standard against SIF), recorded with `claims.record_hypothesis` so the
# cited-figures report shows them. The same statistics on the like-for-like basis (the sections both
# frameworks' reports have), with grade words unmasked, and as a balance of negative against positive
# sentences (a report more evaluative in both directions is not thereby more negative) follow: shown,
# not recorded, and in no rule.

# %%
rule = language.load_rule()
evidence = language.evidence(reports, rule)
verdicts = language.decide(evidence, rule)
for v in verdicts.values():
    claims.record_hypothesis(v.hypothesis, v.verdict, v.evidence)
display(
    pd.DataFrame(
        [
            {"hypothesis": v.hypothesis, "verdict": v.verdict, "by": v.reason, "evidence": v.evidence}
            for v in verdicts.values()
        ]
    )
)

both = ("ILACS standard", "ILACS short")
checks = [
    ("H05 negative, grade words unmasked", "negative_share_unmasked", both, language.ALL_PROSE),
    ("H05 negative balance (negative / negative + positive)", "negative_balance", both, language.ALL_PROSE),
    ("H05 negative", "negative_share", both, lexicon_lists.COMPARABLE_PROSE),
    ("H05 negative, grade words unmasked", "negative_share_unmasked", both, lexicon_lists.COMPARABLE_PROSE),
    ("H05 VADER negative", "vader_negative_share", both, lexicon_lists.COMPARABLE_PROSE),
    ("H06 log words", "log_words", ("ILACS standard",), lexicon_lists.COMPARABLE_PROSE),
    ("H06 words per sentence", "words_per_sentence", ("ILACS standard",), lexicon_lists.COMPARABLE_PROSE),
    ("H07 procedure share", "procedure_share", both, lexicon_lists.COMPARABLE_PROSE),
]
robust = []
for name, measure, side, basis in checks:
    e = language.effect(reports, measure, side, basis)
    effects.append(e)
    robust.append(
        {
            "statistic": name,
            "basis": basis,
            "d (95% CI)": f"{e.d:.2f} ({e.d_low:.2f} to {e.d_high:.2f})",
            "n": e.n,
            "method": e.method,
        }
    )
display(pd.DataFrame(robust))

# %% [markdown]
# ## Limits
#
# Lexicons count words, not meaning: "little impact" counts as positive, a negated criticism outside the
# four-word window as negative. The procedure and practice lists are this project's, and the 0.5 balance
# point of H07 depends on them. Ofsted's house style changed over time within each framework, so a
# framework effect is also an effect of the years it covers; the short inspection's report is shorter by
# design. SIF reports also review the LSCB and describe the area's context, sections ILACS reports do
# not have: the rule's all-prose basis includes them, the comparable-prose rows above do not.

# %% [markdown]
# ## The tidy results
#
# Every effect above as one long table (written to `reports/tables/` by `make reports`).

# %%
tidy = (
    pd.DataFrame([e.row() for e in effects])
    .drop_duplicates(["comparison", "statistic"])
    .sort_values(["comparison", "statistic"])
)
tidy = tidy.reset_index(drop=True)
record_table(tidy)
record("verdicts", {v.hypothesis: {"verdict": v.verdict, "by": v.reason} for v in verdicts.values()})
display(tidy.head(12).rename(columns=lambda c: c.replace("_", " ")))
display(Markdown(f"{len(tidy)} rows."))

# %% [markdown]
# ## Provenance
#
# The package versions and the checksum of the processed data this report was run with.

# %%
versions = record("package_versions", package_versions())
checksum = record("data_checksum", data_checksum(paths.DATA_PROCESSED))
display(pd.Series({"processed-data checksum (sha256)": checksum, **versions}, name="value").to_frame())
