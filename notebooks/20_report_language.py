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
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import claims, logodds, paths
from analysis import lexicon as lexicon_lists
from analysis.publish.figures import FRAMEWORK_COLOURS
from analysis.publish.records import data_checksum, package_versions, record, record_table, seed_everything
from analysis.text import language

seed_everything(seed)
sns.set_theme(style="white", context="notebook")
pd.set_option("display.max_colwidth", 160, "display.width", 180)
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
    f"analysis.build.language; data/processed (checksum {data_checksum(paths.DATA_PROCESSED)[:12]})"
)
colours = {"SIF": FRAMEWORK_COLOURS["SIF"], "ILACS standard": FRAMEWORK_COLOURS["ILACS"], "ILACS short": "#c2a5cf"}

# %% [markdown]
# ## The reports compared
#
# Reports per comparison group and overall grade in the chosen section (a report without that section
# is absent). The 2013 looked after children reports and the one LSCB review belong to no group.

# %%
counts = shown.pivot_table(index="group", columns="grade", values="inspection_id", aggfunc="count", fill_value=0)
counts = counts.reindex(columns=[g for g in language.GRADES if g in counts.columns])
counts["all"] = counts.sum(axis=1)
display(counts)
display(
    Markdown(
        f"{len(shown)} reports of {shown['la_code'].nunique()} authorities; section {section!r}; "
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
    (negative, f"share of sentences negative ({lexicon})", False),
    ("words", "words (log scale)", True),
    ("words_per_sentence", "words per sentence", False),
    ("procedure_share", "procedure share", False),
]
order = [g for g in language.GRADES if g in set(shown["grade"])]
fig, axes = plt.subplots(1, 4, figsize=(16, 4.2), sharey=False)
for ax, (column, label, log) in zip(axes, panels):
    sns.boxplot(
        shown, x="grade", y=column, hue="group", order=order, hue_order=list(groups), palette=colours,
        fliersize=2, ax=ax, legend=ax is axes[-1],
    )
    ax.set(xlabel="", ylabel=label, yscale="log" if log else "linear")
    ax.set_xticks(range(len(order)), [g.replace("Requires improvement to be good", "RI") for g in order], rotation=20)
if axes[-1].get_legend() is not None:
    sns.move_legend(axes[-1], "upper left", bbox_to_anchor=(1, 1), title="")
fig.tight_layout()
plt.show()
display(
    Markdown(
        f"*Figure 1. Language measures per report by overall grade and group, section {section!r} "
        f"(" + ", ".join(f"{g} n = {int((shown['group'] == g).sum())}" for g in groups) + f"). Source: {source}.*"
    )
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
            "measure": e.measure,
            "grade controlled": e.controls_grade,
            "mean SIF": round(e.mean_sif, 3),
            f"mean {compare}": round(e.mean_ilacs, 3),
            "coefficient": round(e.coefficient, 4),
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
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.hlines(range(len(controlled)), [e.d_low for e in controlled], [e.d_high for e in controlled], color="#444", lw=2)
ax.plot([e.d for e in controlled], range(len(controlled)), "o", color=FRAMEWORK_COLOURS["ILACS"])
ax.axvline(0, color="grey", ls=":", lw=1)
for edge in (-0.2, 0.2):
    ax.axvline(edge, color="grey", ls="--", lw=0.7)
ax.set_yticks(range(len(controlled)), [e.measure for e in controlled])
ax.set(xlabel=f"d, {compare} against SIF (within grade and authority)")
fig.tight_layout()
plt.show()
display(
    Markdown(
        f"*Figure 2. Standardised framework effect with 95% interval per measure, {compare} against SIF, section "
        f"{section!r}, grade controlled (dashed: the rule's material size, |d| = 0.2; n = {controlled[0].n} reports). "
        f"Source: {source}.*"
    )
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
    display(top[["side", "term", "z", "delta", "count_a", "count_b"]].rename(columns={"count_a": "SIF", "count_b": group}).round(2))
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(top) + 1))
    sns.barplot(top, y="term", x="z", hue="side", palette={"SIF": colours["SIF"], group: colours[group]}, ax=ax, legend=False)
    ax.set(xlabel=f"z of the log-odds ratio (> 0: more in SIF; < 0: more in {group})", ylabel="")
    fig.tight_layout()
    plt.show()
    display(
        Markdown(
            f"*Figure 3 ({group}). The {top_terms} words most distinctive of each side, within overall grade, "
            f"section {term_section!r} (SIF {int(ranked['count_a'].sum()):,} and {group} {int(ranked['count_b'].sum()):,} "
            f"words of the table). Source: {source}.*"
        )
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
display(shown_quotes.groupby("key").head(1)[["key", "group", "grade", "text", "inspection_id", "page"]].head(4 * top_terms))

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
display(examples.groupby(["kind", "group"]).head(1)[["kind", "key", "text", "inspection_id", "page"]])

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
display(pd.DataFrame([{"hypothesis": v.hypothesis, "verdict": v.verdict, "by": v.reason, "evidence": v.evidence} for v in verdicts.values()]))

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
    robust.append({"statistic": name, "basis": basis, "d (95% CI)": f"{e.d:.2f} ({e.d_low:.2f} to {e.d_high:.2f})", "n": e.n, "method": e.method})
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
tidy = pd.DataFrame([e.row() for e in effects]).drop_duplicates(["comparison", "statistic"]).sort_values(["comparison", "statistic"])
tidy = tidy.reset_index(drop=True)
record_table(tidy)
record("verdicts", {v.hypothesis: {"verdict": v.verdict, "by": v.reason} for v in verdicts.values()})
display(tidy.head(12))
display(Markdown(f"{len(tidy)} rows."))

# %% [markdown]
# ## Provenance
#
# The package versions and the checksum of the processed data this report was run with.

# %%
versions = record("package_versions", package_versions())
checksum = record("data_checksum", data_checksum(paths.DATA_PROCESSED))
display(pd.Series({"processed-data checksum (sha256)": checksum, **versions}, name="value").to_frame())
