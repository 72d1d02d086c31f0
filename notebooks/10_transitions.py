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
# # Transitions: does a council keep its place when the framework changes?
#
# Ofsted said the single inspection framework (SIF) *raised the bar*; its critics said it *moved the
# goalposts*. The two readings predict different things about the same councils inspected twice:
#
# - **raised the bar** (a threshold moved, the ruler did not): grades shift down at the change of
#   framework, but councils keep their order: the table of earlier grade against later grade is
#   *quasi-symmetric* with shifted margins;
# - **moved the goalposts** (a different ruler): councils' order is reshuffled across frameworks far
#   more than between two inspections under one framework, at the same time apart.
#
# For each pair of inspections (listed below), this report shows the table of grades, the shares that
# improved, stayed and declined, tests of marginal homogeneity (Stuart-Maxwell), symmetry (Bowker) and
# quasi-symmetry (a Poisson log-linear model, Agresti ch. 11), Kendall's tau-b and quadratic-weighted
# kappa with bootstrap intervals. Then the *penalty*: over every consecutive pair of every council's
# inspections, the extra reordering of a pair that crosses a framework change, at equal time apart.
# All of it is computed by `analysis.models.transitions` (see its docstring for each definition);
# the decision rule that reads these numbers is `src/analysis/models/verdict_rule.yaml`, committed
# before any of them was computed, and is applied in `19_goalposts_verdict`.

# %% tags=["parameters"]
pair: str = "all"  # "all", or the start of a comparison name, e.g. "last SIF -> first ILACS"
area: str = "all"  # "all", or an area (safeguarding, help_protection, looked_after, overall, leadership, ...)
adequate_as_ri: bool = True  # read the earlier frameworks' "Adequate" as RI (else a grade of its own)
binary: bool = False  # tables of good or better against below good, instead of the four grades
include_secondary: bool = True  # keep the press-sourced SIF rows of the five councils whose reports are missing
date_basis: str = "published"  # "published" or "inspected": how inspections are dated and put in order
n_boot: int = 2000  # bootstrap resamples for the intervals of shares, tau-b and kappa
seed: int = 20131101  # seed of every bootstrap

# %%
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import paths
from analysis.data import load as load_data
from analysis.data import source_line
from analysis.models import latent, results, transitions
from analysis.models import verdict as rule_of
from analysis.publish import display as show
from analysis.publish.formats import estimate_interval as interval
from analysis.publish.formats import p_value as p
from analysis.publish.records import data_checksum, package_versions, record, record_table, seed_everything

seed_everything(seed)
show.setup()
data = load_data(paths.DATA_PROCESSED)
options = dict(adequate_as_ri=adequate_as_ri, include_secondary=include_secondary, date_basis=date_basis)
record("parameters", dict(pair=pair, area=area, binary=binary, n_boot=n_boot, seed=seed, **options))


def chosen(name: str) -> bool:
    spec = transitions.COMPARISONS[name]
    return (pair == "all" or name.startswith(pair)) and (area == "all" or area in (spec.earlier_area, spec.later_area))


names = [name for name in transitions.comparisons() if chosen(name)]
if not names:
    raise ValueError(
        f"no comparison matches pair={pair!r} and area={area!r}; the comparisons: {transitions.comparisons()}"
    )
pair_options = {**options, "binary": binary}  # the penalty below is always on the grades (it has no binary form)
pair_frames = {name: transitions.pairs(data, name, **pair_options) for name in names}
summaries = {name: transitions.transition_summary(pair_frames[name], n_boot, seed) for name in names}
source = source_line(data.inspections, include_secondary)
DATE_WORDS = {"published": "publication date", "inspected": "the date the inspection began"}


def words(name: str) -> str:
    """A comparison's name as a figure shows it: an arrow between its two ends."""
    return name.replace(" -> ", " \u2192 ")


adequate_words = (
    "the earlier frameworks' Adequate read as Requires improvement"
    if adequate_as_ri
    else "the earlier frameworks' Adequate kept as a grade of its own"
)

# %% [markdown]
# ## The comparisons at a glance
#
# One row per comparison: councils with both inspections graded (n), years between them, the share
# whose later grade is better, the same or worse (95% bootstrap intervals), and the tests. A p-value
# below 0.05 for Stuart-Maxwell says the grade mix moved; for quasi-symmetry, that councils' order
# did *not* survive the move (tested on the table after sparse grades are merged, as listed).

# %%
overview = pd.DataFrame(
    [
        {
            "comparison": name,
            "n": s.n,
            "years apart (median, range)": "-"
            if s.n == 0
            else f"{s.years_median:.1f} ({s.years_min:.1f}-{s.years_max:.1f})",
            "improved": interval(s.share_improved),
            "same": interval(s.share_same),
            "declined": interval(s.share_declined),
            "Stuart-Maxwell p": p(s.stuart_maxwell.p_value),
            "Bowker p": p(s.bowker.p_value),
            "quasi-symmetry p": p(s.quasi_symmetry_lr.p_value),
            "MH | QS p": p(s.mh_given_qs_lr.p_value),
            "tau-b": interval(s.tau_b),
            "kappa (quadratic)": interval(s.kappa_quadratic),
            "merged for the log-linear tests": "; ".join(s.collapsed) or "none",
        }
        for name, s in summaries.items()
    ]
).set_index("comparison")
display(overview)
record("n_pairs", {name: s.n for name, s in summaries.items()})
# What 19_goalposts_verdict reads: the decision rule's inputs for each comparison.
record(
    "evidence",
    {
        name: {
            "n": s.n,
            "stuart_maxwell_p": s.stuart_maxwell.p_value,
            "net_decline": [s.net_decline.estimate, s.net_decline.ci_low, s.net_decline.ci_high],
            "quasi_symmetry_p": s.quasi_symmetry_lr.p_value,
            "tau_b": [s.tau_b.estimate, s.tau_b.ci_low, s.tau_b.ci_high],
            "kappa_quadratic": [s.kappa_quadratic.estimate, s.kappa_quadratic.ci_low, s.kappa_quadratic.ci_high],
        }
        for name, s in summaries.items()
    },
)

# %% [markdown]
# ## The tables
#
# Each heatmap: rows are the earlier grade, columns the later one; a cell holds the number of councils
# and its colour the share of its row. Cells on the diagonal kept their grade; above it (to the right)
# they declined.

# %%
shown = [s for s in summaries.values() if s.n > 0]
columns = 2
rows_needed = -(-len(shown) // columns)
fig, axes = plt.subplots(rows_needed, columns, figsize=(11, 4.2 * rows_needed), squeeze=False)
kept = {}  # comparison -> (councils that kept their grade, n): the diagonal of its table
abbreviated = False
for ax, s in zip(axes.flat, shown):
    table = transitions.transition_table(pair_frames[s.comparison])
    short = [g.replace("Requires improvement to be good", "RI") for g in table.grades]
    abbreviated = abbreviated or short != list(table.grades)
    shares = table.row_shares.fillna(0)
    kept[s.comparison] = (int(table.counts.to_numpy().trace()), s.n)
    # A heatmap drawn with imshow: seaborn's heatmap measures its tick labels by drawing the whole
    # figure, once per panel (about 0.5 s a panel here, 16 panels).
    ax.imshow(shares.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(short)), short)
    ax.set_yticks(range(len(short)), short)
    ax.grid(False)
    for (i, j), count in pd.DataFrame(table.counts.to_numpy()).stack().items():
        colour = "white" if shares.iloc[i, j] > 0.5 else "black"
        ax.text(j, i, str(count), ha="center", va="center", color=colour)
    small = s.n < show.SMALL_N
    title = s.comparison.replace(" -> ", " \u2192\n")  # the earlier end, then the later one
    ax.set_title(f"{title} (n = {s.n}{'*' if small else ''})", fontweight="bold" if small else "normal")
    ax.set(xlabel="Later grade", ylabel="Earlier grade")
for ax in list(axes.flat)[len(shown) :]:
    ax.axis("off")
fig.tight_layout()
panel_n = {words(s.comparison): s.n for s in shown}
shown_pairs = pd.concat([pair_frames[s.comparison] for s in shown]) if shown else pd.DataFrame(columns=["la_code"])
empty = [words(name) for name, s in summaries.items() if s.n == 0]
firm = {name: v for name, v in kept.items() if v[1] >= show.SMALL_N} or kept
most = max(firm, key=lambda name: firm[name][0] / firm[name][1])
least = min(firm, key=lambda name: firm[name][0] / firm[name][1])
notes = [
    f"Earlier against later grade of the same council, one panel per comparison ({len(shown)} with at least one "
    f"council): each cell counts the councils with that pair of grades and is shaded by its share of the row (the "
    f"earlier grade); cells on the diagonal kept their grade, cells right of it declined; n per panel in its title.",
    "RI: Requires improvement to be good." if abbreviated else "",
    "SLAC: the 2009-12 inspection of safeguarding and looked after children services."
    if any(s.comparison.startswith(transitions.SLAC) for s in shown)
    else "",
    f"Inspections dated by {DATE_WORDS[date_basis]}; {adequate_words}"
    + ("; tables of good or better against below good." if binary else "."),
    show.small_n_note(panel_n, "councils"),
    f"Not shown (no council with both grades): {'; '.join(empty)}." if empty else "",
]
show.figure(
    fig,
    " ".join(note for note in notes if note),
    n=(
        f"{sum(s.n for s in shown):,} pairs of grades in {len(shown)} comparisons, of "
        f"{shown_pairs['la_code'].nunique()} councils"
    ),
    source=source,
    alt=(
        f"{len(shown)} heatmaps in a grid of {columns} columns, one per comparison, with the earlier grade in rows "
        f"and the later grade in columns ({', '.join(short)}); each cell holds a number of councils and is shaded "
        f"darker blue the larger its share of the row. The share that kept its grade (the diagonal) is largest in "
        f"{words(most)} ({kept[most][0]} of {kept[most][1]}, {kept[most][0] / kept[most][1]:.0%}) and smallest in "
        f"{words(least)} ({kept[least][0]} of {kept[least][1]}, {kept[least][0] / kept[least][1]:.0%})."
    ),
)

# %% [markdown]
# ## Like with like: the cross-framework penalty
#
# Agreement between two inspections of one council falls with the time between them under any
# framework, so a cross-framework pair must be compared with within-framework pairs the same time
# apart. Each grade becomes its *ridit* within its framework and area (the share of that framework's
# grades below it plus half the share equal to it), which a pure shift of every grade leaves
# unchanged; the outcome is |ridit difference| of each consecutive pair of a council's inspections,
# regressed on years apart and on "crosses a framework change" (SLAC, 2012-13 child protection and
# 2013 looked-after inspections counted as frameworks of their own), errors clustered by council.
#
# **Two known limits of this estimator**, found by the simulation tests of the model
# (tests/models/test_transitions.py) after the rule was written: ridits estimated from each
# framework's own grades make the penalty slightly positive when there is no effect (about +0.009 at
# 150 councils; the test rejects in about 9% of simulated datasets at the 5% level, not 5%), and a
# threshold shift that moves grades by part of a step raises it too, although every council keeps its
# place. A positive penalty near the material size (0.05) is therefore weaker evidence of reordering
# than it looks; the verdict report shows it beside the other tests. Version 2 of the decision rule
# reads the penalty on a latent scale that a threshold shift leaves alone (the next section).

# %%
penalty = transitions.pair_model(data, **options)
penalty_by_framework = transitions.pair_model(data, framework_basis="framework", **options)
penalty_table = pd.DataFrame(
    [
        {
            "frameworks counted": basis,
            "penalty (|ridit diff.|)": interval(result.penalty, 3),
            "p": p(result.penalty.p_value),
            "per year apart": interval(result.years_apart, 3),
            "pairs": result.n_pairs,
            "crossing pairs": result.n_crossing,
            "councils": result.n_authorities,
            "mean within / crossing": f"{result.mean_within:.3f} / {result.mean_crossing:.3f}",
        }
        for basis, result in (
            ("SLAC, 2012-13 CP, 2013 LAC, SIF, ILACS (the rule's)", penalty),
            ("pre-SIF as one framework", penalty_by_framework),
        )
    ]
).set_index("frameworks counted")
display(penalty_table)
record(
    "penalty",
    {
        "estimate": penalty.penalty.estimate,
        "ci_low": penalty.penalty.ci_low,
        "ci_high": penalty.penalty.ci_high,
        "p_value": penalty.penalty.p_value,
        "n_pairs": penalty.n_pairs,
        "n_authorities": penalty.n_authorities,
    },
)
record(
    "penalty_pre_sif_as_one",
    {
        "estimate": penalty_by_framework.penalty.estimate,
        "ci_low": penalty_by_framework.penalty.ci_low,
        "ci_high": penalty_by_framework.penalty.ci_high,
        "p_value": penalty_by_framework.penalty.p_value,
        "n_pairs": penalty_by_framework.n_pairs,
        "n_authorities": penalty_by_framework.n_authorities,
    },
)
sequence = transitions.consecutive_pairs(transitions.headline_sequence(data, **options))
PAIR_KINDS = {0: "Within one framework", 1: "Crosses a framework change"}
plotted = sequence.assign(pair_kind=sequence["crosses_framework"].map(PAIR_KINDS))
fig, ax = plt.subplots(figsize=(8, 4))
sns.scatterplot(
    plotted,
    x="years_apart",
    y="abs_ridit_diff",
    hue="pair_kind",
    hue_order=list(PAIR_KINDS.values()),
    alpha=0.6,
    ax=ax,
    palette="colorblind",
)
ax.set(xlabel="Years between the two inspections", ylabel="Absolute difference in ridit")
sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title="Pair of inspections")
means = plotted.groupby("pair_kind")["abs_ridit_diff"].agg(["mean", "size"]).reindex(list(PAIR_KINDS.values()))
show.figure(
    fig,
    "Reordering against time apart: every consecutive pair of a council's inspections with a headline grade, the "
    "absolute difference of its two ridits (a grade's place among its framework's grades in the area, from 0 to 1) "
    "against the years between the two inspections, coloured by whether the pair crosses a framework change "
    "(the 2009-12 SLAC inspections of safeguarding and looked after children services, the 2012-13 child "
    "protection and the 2013 looked-after inspections counted as frameworks of their own). "
    f"Inspections dated by {DATE_WORDS[date_basis]}; {adequate_words}",
    n=f"{len(sequence):,} pairs of inspections of {sequence['la_code'].nunique()} councils",
    source=source,
    alt=(
        f"Scatter plot of {len(sequence)} pairs of inspections: years between the two inspections on the x axis "
        f"({sequence['years_apart'].min():.1f} to {sequence['years_apart'].max():.1f}), the absolute ridit difference "
        f"on the y axis (0 to {sequence['abs_ridit_diff'].max():.2f}), blue dots for pairs within one framework and "
        f"orange for pairs that cross a framework change. The mean difference is "
        f"{means.loc[PAIR_KINDS[0], 'mean']:.3f} within a framework ({means.loc[PAIR_KINDS[0], 'size']} pairs) and "
        f"{means.loc[PAIR_KINDS[1], 'mean']:.3f} across a change ({means.loc[PAIR_KINDS[1], 'size']} pairs)."
    ),
)

# %% [markdown]
# ## The same question on a latent scale (decision rule version 2)
#
# Version 2 of the decision rule (`src/analysis/models/verdict_rule_v2.yaml`, committed before this
# estimator was written) reads the penalty where a threshold shift cannot reach it: each framework's
# grades are cuts of a standard normal latent score at thresholds of its own (the probits of its
# cumulative grade shares), and the two latent scores of a consecutive pair correlate
# tanh(b0 + b1 years apart + b2 crosses a framework change), fitted by pairwise maximum likelihood.
# The penalty is the drop in that latent correlation across a framework change at the crossing pairs'
# median time apart; its interval is a bootstrap over councils that refits the thresholds too
# (`analysis.models.latent`; its simulation checks are in tests/models/test_latent.py). The same
# pairs as above.

# %%
rule_2 = rule_of.load_rule(rule_of.RULE_FILE_2)
latent_options = dict(n_boot=int(rule_2["penalty"]["n_boot"]), seed=seed, **options)
latent_penalty = latent.pair_model(data, **latent_options)
latent_by_framework = latent.pair_model(data, framework_basis="framework", **latent_options)
display(
    pd.DataFrame(
        [
            {
                "frameworks counted": basis,
                "latent penalty": interval(result.penalty, 3),
                "p (bootstrap)": p(result.penalty.p_value),
                f"rho within, {result.years:.1f} years apart": interval(result.rho_within, 2),
                "rho crossing": interval(result.rho_crossing, 2),
                "pairs": result.n_pairs,
                "crossing pairs": result.n_crossing,
                "councils": result.n_authorities,
                "threshold groups": result.n_groups,
                "resamples failed": f"{result.n_failed} of {result.n_boot}",
            }
            for basis, result in (
                ("SLAC, 2012-13 CP, 2013 LAC, SIF, ILACS (the rule's)", latent_penalty),
                ("pre-SIF as one framework", latent_by_framework),
            )
        ]
    ).set_index("frameworks counted")
)
for key, result in (("penalty_latent", latent_penalty), ("penalty_latent_pre_sif_as_one", latent_by_framework)):
    if not result.converged:
        raise RuntimeError(f"{key}: the latent pair model did not converge on the data")
    record(
        key,
        {
            "estimate": result.penalty.estimate,
            "ci_low": result.penalty.ci_low,
            "ci_high": result.penalty.ci_high,
            "p_value": result.penalty.p_value,
            "rho_within": result.rho_within.estimate,
            "rho_crossing": result.rho_crossing.estimate,
            "years": result.years,
            "n_pairs": result.n_pairs,
            "n_authorities": result.n_authorities,
            "n_boot": result.n_boot,
            "n_failed": result.n_failed,
        },
    )

# %% [markdown]
# ## The tidy results
#
# Every statistic above as one long table (written to `reports/tables/` by `make reports`), so others
# can reuse them.

# %%
tidy = results.combine([s.to_tidy() for s in summaries.values()] + [penalty.to_tidy(), latent_penalty.to_tidy()])
record_table(tidy)
display(tidy.head(12).rename(columns={"ci_low": "CI low", "ci_high": "CI high", "p_value": "p"}))
display(Markdown(f"{len(tidy)} rows, {tidy['comparison'].nunique()} comparisons."))

# %% [markdown]
# ## Provenance
#
# The package versions and the checksum of the processed data this report was run with.

# %%
versions = record("package_versions", package_versions())
checksum = record("data_checksum", data_checksum(paths.DATA_PROCESSED))
display(pd.Series({"processed-data checksum (sha256)": checksum, **versions}, name="value").to_frame())
