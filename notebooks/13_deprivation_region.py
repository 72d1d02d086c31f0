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
# # Deprivation, region and single grades: what else goes with a council's grade?
#
# Three questions about SIF and ILACS grades besides the framework change:
#
# - **Deprivation.** Webb, Bennett and Bywaters (2022) found the odds of a good or outstanding grade
#   fell by 16% per IMD decile more deprived (odds ratio 0.84, 95% CI 0.75-0.94; 374 inspections
#   2011-19, a multilevel logit with spending controls). Here: a logit of good or better on the IMD
#   2019 decile (**10 = most deprived**) with calendar-year effects, errors clustered by council, in
#   each framework, set beside the published estimate; and the share good or better in the
#   least-deprived 40% of councils (deciles 1-4) against the most-deprived 40% (deciles 7-10), with a
#   cluster-bootstrap interval.
# - **Region (H09).** The region terms of the same logit (with IMD decile and year effects), tested
#   jointly by a cluster-robust Wald test in each framework, and the gap between London and the West
#   Midlands.
# - **Consistency of inspection.** The share of grade variance lying between lead inspectors (a
#   random-intercept model), where the processed data name them; never a list of inspectors.
# - **Sub-judgements and single grades.** How often a SIF overall grade differs from one of its key
#   judgements (H04), how often the key judgements span two or more grades (H08, SIF and ILACS), how
#   the sub-judgements spread within each overall grade, and whether the previous framework's grade
#   predicts the first SIF grade (H03).
#
# Everything is computed by `analysis.models.deprivation` and `analysis.models.judgements` (see their
# docstrings for each definition and assumption); this notebook only formats and plots.

# %% tags=["parameters"]
include_secondary: bool = True  # keep the press-sourced SIF rows of the five councils whose reports are missing
adequate_as_ri: bool = True  # read the prior framework's "Adequate" as RI in the prior grade (else apart)
date_basis: str = "published"  # "published" or "inspected": how inspections are dated (year effects, order)
first_only: bool = False  # each council's first inspection of a framework only (else re-inspections too)
n_boot: int = 2000  # bootstrap resamples for the intervals of shares (deprivation gap, H04, H08)
inspector_boot: int = 400  # refits of the lead-inspector variance share's cluster bootstrap
seed: int = 20131101  # seed of every bootstrap

# %%
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import paths
from analysis.data import load as load_data
from analysis.data import source_line
from analysis.models import deprivation, judgements, results
from analysis.models.frame import inspection_frame
from analysis.publish import display as show
from analysis.publish.figures import FRAMEWORK_COLOURS, GRADE_COLOURS
from analysis.publish.formats import interval, p_text
from analysis.publish.formats import p_value as p
from analysis.publish.records import data_checksum, package_versions, record, record_table, seed_everything
from analysis.vocab import AREA_LABELS, FRAMEWORKS, GRADE_ORDER, ILACS, KEY_AREAS, SIF

seed_everything(seed)
show.setup()
data = load_data(paths.DATA_PROCESSED)
options = dict(include_secondary=include_secondary, adequate_as_ri=adequate_as_ri, date_basis=date_basis)
record("parameters", dict(first_only=first_only, n_boot=n_boot, inspector_boot=inspector_boot, seed=seed, **options))

frameworks = (SIF, ILACS)
frames = {fw: inspection_frame(data, fw, "overall", first_only=first_only, **options) for fw in frameworks}
published = deprivation.WEBB_BENNETT_BYWATERS_2022
source = source_line(data.inspections, include_secondary, "IMD 2019 (la_context)")
which = "first inspections" if first_only else "inspections (re-inspections included)"


# %% [markdown]
# ## Deprivation: odds of good or better per IMD decile
#
# Odds ratio of good or better per IMD decile *more* deprived (below 1: more deprived councils less
# often good), calendar-year effects, errors clustered by council; the published estimate's standard
# error is recovered from its interval, and the difference test assumes the two estimates independent.
# Their population (2011-19, pre-SIF and SIF inspections, with spending controls) overlaps ours but
# is not the same.

# %%
gradients = deprivation.deprivation_by_framework(data, frameworks, "overall", first_only=first_only, **options)
record(
    "deprivation",
    {
        g.framework: {
            "odds_ratio": g.odds_ratio,
            "ci_low": g.ci_low,
            "ci_high": g.ci_high,
            "p_value": g.p_value,
            "n": g.n,
            "published_within_ci": g.published_within_ci,
            "difference_p": g.difference_p,
        }
        for g in gradients.gradients
    },
)
display(
    pd.DataFrame(
        [
            {
                "framework": g.framework,
                "odds ratio per decile (95% CI)": interval(g.odds_ratio, g.ci_low, g.ci_high),
                "p": p(g.p_value),
                "n": g.n,
                "councils": g.n_authorities,
                "dropped": g.n_dropped,
                "years pooled": ", ".join(f"{k} -> {v}" for k, v in g.pooled_years.items()) or "none",
                "0.84 within the CI": g.published_within_ci,
                "difference from 0.84: p": p(g.difference_p),
            }
            for g in gradients.gradients
        ]
    ).set_index("framework")
)
points = pd.DataFrame(
    [
        {"estimate": f"{g.framework} (n = {g.n})", "odds_ratio": g.odds_ratio, "low": g.ci_low, "high": g.ci_high}
        for g in gradients.gradients
    ]
    + [
        {
            "estimate": "Webb, Bennett and Bywaters (2022)",
            "odds_ratio": published.odds_ratio,
            "low": published.ci_low,
            "high": published.ci_high,
        }
    ]
)
colours = [FRAMEWORK_COLOURS[g.framework] for g in gradients.gradients] + ["#252525"]
fig, ax = plt.subplots(figsize=(8, 2.8))
ax.hlines(points["estimate"], points["low"], points["high"], colors=colours, linewidth=2.5)
sns.scatterplot(points, x="odds_ratio", y="estimate", hue="estimate", palette=colours, s=80, legend=False, ax=ax)
ax.axvline(1, color="grey", linestyle=":", linewidth=1)
ax.set(xscale="log", xlabel="Odds ratio of good or better per IMD decile more deprived (log scale)", ylabel="")
ax.set_xticks([0.6, 0.7, 0.8, 0.9, 1.0, 1.2], ["0.6", "0.7", "0.8", "0.9", "1.0", "1.2"])
ax.minorticks_off()
fig.tight_layout()
show.figure(
    fig,
    f"Odds ratio of a good or outstanding overall grade per IMD 2019 decile more deprived, with 95% intervals: "
    f"each framework's {which}, from a logit with calendar-year effects and errors clustered by council, beside the "
    f"published estimate of Webb, Bennett and Bywaters (2022): {published.population}. The dotted line "
    "at 1 marks no gradient",
    n=", ".join(f"{g.n:,} {g.framework} inspections of {g.n_authorities} councils" for g in gradients.gradients),
    source=f"{source}; {published.citation}",
    alt=(
        "Dot-and-interval chart, log scale: odds ratio of good or better per IMD decile more deprived (x) for "
        + ", ".join(
            f"{row.estimate} {row.odds_ratio:.2f} ({row.low:.2f} to {row.high:.2f})" for row in points.itertuples()
        )
        + f"; {sum(points['high'] < 1)} of the {len(points)} intervals lie wholly below 1, the no-gradient line."
    ),
)
display(
    Markdown(
        " ".join(
            f"{g.framework}: {g.odds_ratio:.2f} per decile; the published {published.odds_ratio:.2f} "
            f"{'lies within' if g.published_within_ci else 'lies outside'} its interval (difference "
            f"{p_text(g.difference_p)})."
            for g in gradients.gradients
        )
    )
)

# %% [markdown]
# ## Least-deprived 40% against most-deprived 40%
#
# Share good or better among the inspections of councils in IMD deciles 1-4 and in deciles 7-10;
# the difference has a 95% cluster-bootstrap interval (councils resampled), the odds ratio (most vs
# least deprived) a cluster-robust one.

# %%
gaps = {fw: deprivation.least_vs_most_deprived(f, n_boot, seed) for fw, f in frames.items()}
record(
    "deprivation_gap",
    {
        fw: {
            "share_least": g.share_least,
            "share_most": g.share_most,
            "difference": g.difference,
            "ci_low": g.ci_low,
            "ci_high": g.ci_high,
            "odds_ratio": g.odds_ratio,
            "p_value": g.p_value,
            "n": g.n_least + g.n_most,
        }
        for fw, g in gaps.items()
    },
)
display(
    pd.DataFrame(
        [
            {
                "framework": fw,
                "good or better, deciles 1-4": f"{g.share_least:.0%} of {g.n_least}",
                "good or better, deciles 7-10": f"{g.share_most:.0%} of {g.n_most}",
                "difference (95% CI)": interval(g.difference, g.ci_low, g.ci_high),
                "odds ratio most vs least (95% CI)": interval(g.odds_ratio, *g.odds_ratio_ci),
                "p": p(g.p_value),
            }
            for fw, g in gaps.items()
        ]
    ).set_index("framework")
)

# %% [markdown]
# ## Region (H09)
#
# Odds ratios of good or better for each region against London, in the logit with IMD decile and
# year effects, errors clustered by council; the joint test of the region terms (the cluster-robust
# Wald test is H09's statistic; the unclustered likelihood-ratio test of the same terms is shown
# beside it); and London against the West Midlands from the same model, with the raw shares.

# %%
regions = {fw: deprivation.h09_region(data, fw, first_only=first_only, **options) for fw in frameworks}
record(
    "h09",
    {
        "sif_p": regions[SIF].wald_p,  # the reading 19_goalposts_verdict records (cluster-robust Wald)
        "ilacs_p": regions[ILACS].wald_p,
        "sif_lr_p": regions[SIF].lr_p,  # the other reading of the rule's words (unclustered likelihood ratio)
        "ilacs_lr_p": regions[ILACS].lr_p,
    },
)
record(
    "region_tests",
    {
        fw: {"wald_chi2": r.wald_chi2, "wald_df": r.wald_df, "wald_p": r.wald_p, "lr_p": r.lr_p, "n": r.n}
        for fw, r in regions.items()
    },
)
record(
    "london_vs_west_midlands",
    {
        fw: {
            "odds_ratio": r.london_vs_west_midlands,
            "ci_low": r.london_vs_west_midlands_ci[0],
            "ci_high": r.london_vs_west_midlands_ci[1],
            "p_value": r.london_vs_west_midlands_p,
            "share_good_london": r.share_good_london,
            "share_good_west_midlands": r.share_good_west_midlands,
        }
        for fw, r in regions.items()
    },
)
by_region = pd.concat(
    {
        fw: pd.DataFrame(
            {
                "n": r.odds_ratios["n"].to_numpy(),
                "good or better": [f"{v:.0%}" for v in r.odds_ratios["share_good"]],
                "odds ratio (95% CI)": [
                    "1 (reference)" if r.odds_ratios["region"].iloc[i] == r.reference_region else interval(*row)
                    for i, row in enumerate(r.odds_ratios[["odds_ratio", "ci_low", "ci_high"]].to_numpy())
                ],
            },
            index=pd.Index(r.odds_ratios["region"], name="region"),
        )
        for fw, r in regions.items()
    },
    axis=1,
)
display(by_region)
display(
    pd.DataFrame(
        [
            {
                "framework": fw,
                "n": r.n,
                "dropped": r.n_dropped,
                "Wald chi-square (df)": f"{r.wald_chi2:.1f} ({r.wald_df})",
                "Wald p (H09)": p(r.wald_p),
                "likelihood-ratio p": p(r.lr_p),
                "London vs West Midlands OR (95% CI)": interval(
                    r.london_vs_west_midlands, *r.london_vs_west_midlands_ci
                ),
                "p": p(r.london_vs_west_midlands_p),
                "good or better: London / West Midlands": f"{r.share_good_london:.0%} / "
                f"{r.share_good_west_midlands:.0%}",
            }
            for fw, r in regions.items()
        ]
    ).set_index("framework")
)
display(
    Markdown(
        " ".join(
            f"{fw}: the region terms are {'jointly significant' if r.wald_p < 0.05 else 'not jointly significant'} "
            f"at the 5% level (Wald {p_text(r.wald_p)}; likelihood-ratio {p_text(r.lr_p)}); London's odds of good "
            f"or better are {r.london_vs_west_midlands:.1f} times the West Midlands' at equal deprivation and year "
            f"({p_text(r.london_vs_west_midlands_p)})."
            for fw, r in regions.items()
        )
    )
)

# %% [markdown]
# ## Consistency of inspection: lead inspectors
#
# The share of the variance of the grade rank (1 = Outstanding .. 4 = Inadequate) that lies between
# lead inspectors, from a random-intercept model (REML), with a 95% percentile interval from a
# cluster bootstrap that resamples inspectors (`inspector_boot` refits, each by the same REML computed
# from the groups' sums, `deprivation.reml_share`, which agrees with statsmodels' MixedLM to 1e-5 in
# the tests; the point estimate is MixedLM's). Only the share is shown: no inspector is named or ranked.


# %%
def with_inspectors(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The frame with a `lead_inspector` column with values, taken from the inspections table if the
    frame lacks it; None when the processed data do not name the inspectors."""
    if "lead_inspector" not in frame and "lead_inspector" in data.inspections:
        named = data.inspections.drop_duplicates("inspection_id").set_index("inspection_id")["lead_inspector"]
        frame = frame.assign(lead_inspector=frame["inspection_id"].map(named))  # assign keeps frame.attrs
    if "lead_inspector" not in frame or not frame["lead_inspector"].notna().any():
        return None
    return frame


named_frames = {fw: with_inspectors(f) for fw, f in frames.items()}
shares = {
    fw: deprivation.lead_inspector_variance_share(f, interval="cluster", n_boot=inspector_boot, seed=seed)
    for fw, f in named_frames.items()
    if f is not None
}
if shares:
    record(
        "lead_inspector_variance_share",
        {
            "available": True,
            **{
                fw: {"share": v.share, "ci_low": v.ci_low, "ci_high": v.ci_high, "n": v.n, "inspectors": v.n_inspectors}
                for fw, v in shares.items()
            },
        },
    )
    display(
        pd.DataFrame(
            [
                {
                    "framework": fw,
                    "share between inspectors (95% CI)": interval(v.share, v.ci_low, v.ci_high),
                    "inspections": v.n,
                    "inspectors": v.n_inspectors,
                    "dropped": v.n_dropped,
                    "refits": v.n_boot,
                }
                for fw, v in shares.items()
            ]
        ).set_index("framework")
    )
    display(
        Markdown(
            " ".join(
                f"{fw}: {v.share:.1%} of the variance of the grade lies between the {v.n_inspectors} lead inspectors "
                f"(95% CI {v.ci_low:.1%} to {v.ci_high:.1%}; {v.n} inspections, {v.n_dropped} without a named inspector)."
                for fw, v in shares.items()
            )
        )
    )
else:
    record("lead_inspector_variance_share", {"available": False})
    display(
        Markdown(
            "The processed data do not name the lead inspectors yet (no `lead_inspector` column with values in "
            "`inspections.csv`): the variance share is not estimated in this run."
        )
    )
missing = [fw for fw, f in named_frames.items() if f is None and shares]
if missing:
    display(Markdown(f"No lead inspector is named for {', '.join(missing)}."))

# %% [markdown]
# ## Sub-judgements and single grades
#
# The key judgements are help and protection, children looked after (in care) and leadership, plus,
# for ILACS inspections that grade them apart (from 2023), care leavers. An inspection counts only
# if its overall grade and every key judgement are graded (the others are counted as dropped).
# Intervals: 95% percentile bootstrap resampling councils.

# %%
h04 = judgements.h04_overall_differs(data, first_only=first_only, n_boot=n_boot, seed=seed, **options)
h08 = judgements.h08_key_judgements_span(data, first_only=first_only, n_boot=n_boot, seed=seed, **options)
record("h04", {"estimate": h04.share, "ci_low": h04.ci_low, "ci_high": h04.ci_high, "n": h04.n})
pooled = h08.pooled
record("h08", {"estimate": pooled.share, "ci_low": pooled.ci_low, "ci_high": pooled.ci_high, "n": pooled.n})
display(
    pd.DataFrame(
        [
            {
                "hypothesis": hypothesis,
                "statistic": s.statistic,
                "share (95% CI)": interval(s.share, s.ci_low, s.ci_high),
                "count": f"{s.count} of {s.n}",
                "dropped": s.n_dropped,
            }
            for hypothesis, s in [("H04", h04), ("H08", pooled), *(("H08, one framework", s) for s in h08.by_framework)]
        ]
    ).set_index("hypothesis")
)
sif_span = next(s for s in h08.by_framework if s.frameworks == (SIF,))
display(
    Markdown(
        f"{h04.share:.0%} of SIF inspections have an overall grade that differs from at least one key judgement, and "
        f"{pooled.share:.0%} of SIF and ILACS inspections have key judgements that span two or more grades. "
        + (
            "Under SIF the two counts are equal: every SIF inspection whose overall grade differs from a key judgement "
            "also has key judgements of two or more grades (none has three equal key judgements and another overall "
            "grade)."
            if sif_span.count == h04.count and sif_span.n == h04.n
            else f"Under SIF, {h04.count} of {h04.n} inspections differ and {sif_span.count} of {sif_span.n} span "
            f"two or more grades."
        )
    )
)

# %% [markdown]
# ### How the sub-judgements spread within each overall grade
#
# For each overall grade: the share of complete inspections whose key judgements all equal it, the
# share with a key judgement better and worse than it, and the mean range of the key judgements
# (worst minus best, in grade steps). The figure shows the grade of each key judgement within each
# overall grade.

# %%
wide = judgements.key_judgement_grades(data, frameworks, first_only=first_only, **options)
spreads = {fw: judgements.subjudgement_spread(wide, fw) for fw in frameworks}
record(
    "subjudgement_spread",
    {fw: s.summary.set_index("overall_grade").to_dict(orient="index") for fw, s in spreads.items()},
)
SPREAD_COLUMNS = {
    "overall_grade": "overall grade",
    "n": "complete inspections",
    "share_all_key_equal": "share with every key judgement equal to it",
    "share_key_better": "share with a key judgement better",
    "share_key_worse": "share with a key judgement worse",
    "mean_key_range": "mean range of the key judgements (grade steps)",
}
display(
    pd.concat(
        {fw: s.summary.rename(columns=SPREAD_COLUMNS).set_index("overall grade") for fw, s in spreads.items()},
        names=["framework"],
    )
)
areas = list(KEY_AREAS)
area_names = {area: AREA_LABELS[area].split(" (")[0] for area in areas}  # "Leadership (SIF: ...; ILACS: ...)"
fig, axes = plt.subplots(len(frameworks), len(areas), figsize=(15, 4.4 * len(frameworks)), squeeze=False, sharey=True)
bar_n = {}  # (framework, overall grade, area) -> key judgements graded: the n of each bar
for row, (fw, s) in zip(axes, spreads.items()):
    for ax, area in zip(row, areas):
        cells = s.table[(s.table["area"] == area) & (s.table["count"] > 0)]
        order = [g for g in GRADE_ORDER if g in set(s.table["overall_grade"])]
        sns.histplot(
            cells.assign(overall_grade=pd.Categorical(cells["overall_grade"], categories=order)),
            x="overall_grade",
            weights="count",
            hue="grade",
            hue_order=GRADE_ORDER,
            palette=GRADE_COLOURS,
            multiple="fill",
            discrete=True,
            shrink=0.85,
            alpha=1,
            legend=ax is axes.flat[len(areas) - 1],
            ax=ax,
        )
        totals = cells.groupby("overall_grade")["count"].sum()
        bar_n.update({(fw, g, area): int(totals.get(g, 0)) for g in order})
        show.annotate_n(ax, {i: int(totals.get(g, 0)) for i, g in enumerate(order)})
        ax.set_xticks(range(len(order)), [textwrap.fill(g, 11) for g in order], fontsize="small")
        ax.set_title(textwrap.fill(f"{fw}: {area_names[area]}", 38), pad=16)
        ax.set(xlabel="Overall grade", ylabel="Share of key judgements")
sns.move_legend(axes.flat[len(areas) - 1], "upper left", bbox_to_anchor=(1.04, 1), title="Key judgement grade")
fig.tight_layout()
spread_cells = pd.concat([s.table.assign(framework=fw) for fw, s in spreads.items()])
spread_cells = spread_cells[spread_cells["area"].isin(areas)]
equal = spread_cells[spread_cells["grade"] == spread_cells["overall_grade"]].groupby("framework")["count"].sum()
graded = spread_cells.groupby("framework")["count"].sum()
smallest = min(bar_n, key=bar_n.get)
few = {}  # framework and overall grade -> the fewest key judgements of a bar of it
for (fw, grade, _), count in bar_n.items():
    few[f"{fw}, {grade} overall"] = min(count, few.get(f"{fw}, {grade} overall", count))
show.figure(
    fig,
    f"Grade of each key judgement within each overall grade, {which} with an overall grade, as shares of the "
    f"inspections in which the key judgement is graded (the n above each bar; ILACS's care leavers judgement, "
    f"graded from 2023, is not shown). " + show.small_n_note(few, "inspections"),
    n="; ".join(f"{s.n:,} complete {fw} inspections ({s.n_dropped} dropped)" for fw, s in spreads.items()),
    source=source,
    alt=(
        f"Grid of 100% stacked bar charts, one row per framework ({', '.join(frameworks)}) and one column per key "
        f"judgement ({', '.join(area_names[a] for a in areas)}); x: the overall grade, bars coloured by the key "
        f"judgement's grade from Outstanding (dark blue) to Inadequate (red). Most key judgements equal the overall "
        f"grade: "
        + ", ".join(f"{equal.get(fw, 0) / graded[fw]:.0%} under {fw}" for fw in frameworks)
        + f". The smallest bar, {smallest[0]} {area_names[smallest[2]].lower()} within {smallest[1]} overall, "
        f"rests on {bar_n[smallest]} inspections."
    ),
)

# %% [markdown]
# ### H03: does the previous framework's grade predict the first SIF grade?
#
# Odds ratio of a better first SIF overall grade per grade better in the last pre-SIF inspection
# (safeguarding or overall), in an ordinal logit with IMD decile, errors clustered by council. H03
# ("past performance is not an indicator of current performance") is supported if the interval
# includes 1. Always each council's first SIF inspection, whatever `first_only` says.

# %%
h03 = judgements.h03_prior_grade(data, **options)
COLUMN_WORDS = {
    "imd_decile": "IMD decile",
    "prior_grade_score": "pre-SIF grade",
}  # model columns, as a reader says them


def words(column: str) -> str:
    return COLUMN_WORDS.get(column, column.replace("_", " "))


record(
    "h03",
    {"odds_ratio": h03.odds_ratio, "ci_low": h03.ci_low, "ci_high": h03.ci_high, "p_value": h03.p_value, "n": h03.n},
)
display(
    pd.DataFrame(
        [
            {
                "odds ratio per grade better (95% CI)": interval(h03.odds_ratio, h03.ci_low, h03.ci_high),
                "p": p(h03.p_value),
                "n": h03.n,
                "dropped": h03.n_dropped,
                "missing": ", ".join(f"{words(k)} {v}" for k, v in h03.dropped_by.items()) or "none",
                "controls": ", ".join(words(c) for c in h03.controls),
                "converged": h03.converged,
            }
        ],
        index=pd.Index(["SIF first grade on the pre-SIF grade"], name="model"),
    ).T
)

# %% [markdown]
# ## The tidy results
#
# Every statistic above as one long table (written to `reports/tables/` by `make reports`), so others
# can reuse them.

# %%
found = [gradients, *gaps.values(), *regions.values(), *shares.values(), h04, h08, *spreads.values(), h03]
tidy = results.combine([results.from_rows(item.rows()) for item in found])
record_table(tidy)
first_framework = tidy["comparison"].str.extract(r"^(pre-SIF|SIF|ILACS)", expand=False).map(FRAMEWORKS.index)
preview = tidy.assign(order=first_framework).sort_values(["model", "order"], kind="stable")  # frameworks in time order
display(preview.drop(columns="order").reset_index(drop=True).head(12).rename(columns=lambda c: c.replace("_", " ")))
display(Markdown(f"{len(tidy)} rows, {tidy['model'].nunique()} models."))

# %% [markdown]
# ## Provenance
#
# The package versions and the checksum of the processed data this report was run with.

# %%
versions = record("package_versions", package_versions())
checksum = record("data_checksum", data_checksum(paths.DATA_PROCESSED))
display(pd.Series({"processed-data checksum (sha256)": checksum, **versions}, name="value").to_frame())
