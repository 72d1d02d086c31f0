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
# # Cohorts: did councils inspected later in a framework's cycle get better grades?
#
# Each council's first inspection of a framework (SIF from November 2013, ILACS from January 2018)
# falls in a *cohort*: the calendar year, or the half-year, in which it was published (or, with
# `date_basis="inspected"`, began on site). If grades were judged the same way throughout the cycle
# and councils were inspected in an order unrelated to how good they were, every cohort would have
# about the same grade mix. This report shows
#
# - the **grade mix of each cohort** (a 100% stacked bar chart);
# - an **ordinal logit of the grade on the cohort** (odds ratios of a better grade against the first
#   cohort, errors clustered by council) with the controls of H01: the council's last grade in the
#   previous framework, its IMD 2019 decile (**10 = most deprived**, 1 = least deprived, among the
#   councils with an IMD rank), its looked-after rate (children looked after per 10,000; for a SIF
#   inspection the figure the report itself prints in its context statistics, for an ILACS
#   inspection the DfE figure for the year before it began), its region and its type; and the joint
#   Wald test of the cohort terms. Cohorts with fewer than five councils are pooled with their
#   neighbour (listed). Because the DfE looked-after series in data/processed starts in 2021, the same
#   model is also shown without the looked-after rate;
# - a **balance check**: Ofsted did not schedule councils at random, so early and late cohorts (split
#   at the median date) are compared on what was fixed before inspection (prior grade, deprivation,
#   looked-after rate, region, LA type). A cohort effect is a learning or drift effect only if the
#   cohorts were alike beforehand, or once their differences are controlled for.
#
# Everything is computed by `analysis.models.cohorts` on the frame of `analysis.models.frame`
# (see their docstrings for each definition); this notebook only formats and plots.

# %% tags=["parameters"]
framework: str = "SIF"  # "SIF" or "ILACS": whose first inspections are grouped into cohorts
area: str = "overall"  # the judgement modelled (overall, help_protection, looked_after, leadership, ...)
cohort: str = "year"  # "year" (calendar year of the date) or "half-year" (e.g. "2015H2")
date_basis: str = "published"  # "published" or "inspected": how inspections are dated, hence put in cohorts
include_secondary: bool = True  # keep the press-sourced SIF rows of the five councils whose reports are missing
adequate_as_ri: bool = True  # read the prior framework's "Adequate" as RI in the prior grade (else apart)
seed: int = 20131101  # random seed (nothing here is random; every notebook follows one recipe)

# %%
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display
from matplotlib.ticker import PercentFormatter

from analysis import paths
from analysis.data import load as load_data
from analysis.data import source_line
from analysis.models import cohorts, learning, results
from analysis.models.frame import CONTROLS, COVARIATE_LABELS, covariate_coverage, inspection_frame
from analysis.publish import display as show
from analysis.publish.figures import GRADE_COLOURS
from analysis.publish.formats import interval, p_text
from analysis.publish.formats import p_value as p
from analysis.publish.records import data_checksum, package_versions, record, record_table, seed_everything
from analysis.vocab import AREA_LABELS, GOOD, GRADE_ORDER, OUTSTANDING

COHORT_UNITS = {"year": "calendar-year", "half-year": "half-year"}
DATE_WORDS = {"published": "its publication", "inspected": "the inspection's start on site"}
AXIS_DATE_WORDS = {"published": "publication", "inspected": "start on site"}
#: Covariate (frame column or control) -> its words in the tables.
if cohort not in COHORT_UNITS:
    raise ValueError(f"cohort must be one of {sorted(COHORT_UNITS)}, not {cohort!r}")

seed_everything(seed)
show.setup()
data = load_data(paths.DATA_PROCESSED)
options = dict(include_secondary=include_secondary, adequate_as_ri=adequate_as_ri, date_basis=date_basis)
record("parameters", dict(framework=framework, area=area, cohort=cohort, seed=seed, **options))

frame = inspection_frame(data, framework, area, first_only=True, **options)
frame = cohorts.with_cohort(frame, cohort)  # the frame's `cohort` column by the chosen unit
without_lar = learning.CONTROL_SETS["controlled_without_looked_after_rate"]
mix = cohorts.grade_mix_by_cohort(frame, cohort=cohort)
model = cohorts.cohort_model(frame, CONTROLS, cohort=cohort)
model_without_lar = cohorts.cohort_model(frame, without_lar, cohort=cohort)
balance = cohorts.balance_check(frame, cohort=cohort)
source = source_line(
    data.inspections,
    include_secondary,
    "IMD 2019, DfE looked-after rates and the reports' own context statistics (la_context)",
)
n_inspections = record("n_inspections", len(frame))

# %% [markdown]
# ## The councils and their covariates
#
# One row per council: its first inspection of the framework graded in the area. Each model drops
# the rows missing one of its covariates (counted below and in each model's table); nothing is
# imputed.

# %%
coverage = covariate_coverage(frame).set_index("covariate")
display(
    coverage.rename(
        index=COVARIATE_LABELS,
        columns={"n_present": "present", "n_missing": "missing", "share_present": "share present"},
    )
)
sizes = frame["cohort"].value_counts().sort_index().rename("inspections").to_frame().T
display(sizes)
display(
    Markdown(
        f"{len(frame)} first {framework} inspections graded in *{area}*, dated by {date_basis} date, in "
        f"{frame['cohort'].nunique()} {COHORT_UNITS[cohort]} cohorts ({int(frame['cohort'].isna().sum())} undated)."
    )
)

# %% [markdown]
# ## The grade mix of each cohort

# %%
order = [g for g in GRADE_ORDER if g in set(mix.table["grade"])]
labels = mix.table.drop_duplicates("cohort")[["cohort", "total"]]
# The part year: the collection's last calendar year (or half-year), if it stops before its end.
collected = pd.to_datetime(data.inspections["published_date" if date_basis == "published" else "start_date"])
partial = show.part_year(collected)
if partial is not None and cohort == "half-year":
    partial = f"{partial}H{1 if collected.max().month <= 6 else 2}"
partial = str(partial) if str(partial) in set(labels["cohort"]) else None
fig, ax = plt.subplots(figsize=(min(14, max(8, 1.1 * len(labels) + 4)), 4.5))
sns.histplot(
    mix.table,
    x="cohort",
    weights="count",
    hue="grade",
    hue_order=order,
    palette=GRADE_COLOURS,
    multiple="fill",
    discrete=True,
    shrink=0.85,
    alpha=1,
    ax=ax,
)
ax.set_xticks(range(len(labels)), [f"{c}\n(to {collected.max():%B})" if c == partial else c for c in labels["cohort"]])
show.annotate_n(ax, dict(zip(range(len(labels)), labels["total"])))
ax.yaxis.set_major_formatter(PercentFormatter(1))
unit = {"year": "calendar year", "half-year": "half-year"}[cohort]
ax.set(xlabel=f"Cohort: {unit} of {AXIS_DATE_WORDS[date_basis]}", ylabel="Share of the cohort's inspections")
sns.move_legend(ax, "upper left", bbox_to_anchor=(1, 1), title="Grade")
fig.tight_layout()
cohort_n = dict(zip(labels["cohort"], labels["total"]))
area_words = AREA_LABELS.get(area, area)[:1].lower() + AREA_LABELS.get(area, area)[1:]
good_or_better = mix.table[mix.table["grade"].isin([OUTSTANDING, GOOD])].groupby("cohort", sort=False)["share"].sum()
first, last = labels["cohort"].iloc[0], labels["cohort"].iloc[-1]
notes = [
    f"Grade mix of each {COHORT_UNITS[cohort]} cohort: the grade for {area_words} at each council's first "
    f"{framework} inspection, by the {unit} of {DATE_WORDS[date_basis]}; n per cohort above its bar.",
    show.small_n_note(cohort_n, "inspections"),
    f"{partial}: to {collected.max():%B %Y} only (the end of the collection)." if partial else "",
    f"{mix.n_undated} undated inspections left out." if mix.n_undated else "",
]
show.figure(
    fig,
    " ".join(note for note in notes if note),
    n=f"{mix.n:,} first {framework} inspections, one per council",
    source=source,
    alt=(
        f"100% stacked bar chart of {len(labels)} {COHORT_UNITS[cohort]} cohorts, {first} to {last}, each bar split "
        f"by grade from Inadequate (dark red, bottom) through Requires improvement to be good and Good to "
        f"Outstanding (dark blue, top). Good or better is {good_or_better[first]:.0f}% of the {first} cohort "
        f"({cohort_n[first]} inspections) and {good_or_better[last]:.0f}% of the {last} cohort "
        f"({cohort_n[last]} inspections)."
    ),
)
display(
    mix.table.pivot(index="cohort", columns="grade", values="share")
    .reindex(columns=order)
    .round(1)
    .rename_axis(columns="share of the cohort (%)")
)

# %% [markdown]
# ## The ordinal logit of the grade on the cohort
#
# Odds ratios of a better grade (at any cut-point) for each cohort against the first one, with 95%
# intervals clustered by council, under the H01 controls and under the same controls without the
# looked-after rate. An odds ratio above 1 means that cohort got better grades than the first, at
# equal prior grade, deprivation, looked-after rate, region and LA type.

# %%
fits = {"H01 controls": model, "without the looked-after rate": model_without_lar}
odds = pd.concat(
    {
        name: pd.DataFrame(
            {
                "n": fit.odds_ratios["n"].to_numpy(),
                "odds ratio (95% CI)": [
                    interval(r.odds_ratio, r.ci_low, r.ci_high) for r in fit.odds_ratios.itertuples()
                ],
                "p": [p(v) for v in fit.odds_ratios["p_value"]],
            },
            index=pd.Index([f"{c} vs {fit.reference_cohort}" for c in fit.odds_ratios["cohort"]], name="cohort"),
        )
        for name, fit in fits.items()
    },
    names=["controls"],
)
display(odds)
joint = pd.DataFrame(
    [
        {
            "controls": name,
            "reference cohort": fit.reference_cohort,
            "n fitted": fit.n,
            "dropped": fit.n_dropped,
            "missing": ", ".join(f"{COVARIATE_LABELS.get(k, k)} {v}" for k, v in fit.dropped_by.items()) or "none",
            "cohorts pooled": ", ".join(f"{k} -> {v}" for k, v in fit.pooled.items()) or "none",
            "Wald chi-square (df)": f"{fit.wald_chi2:.2f} ({fit.wald_df})",
            "p": p(fit.wald_p),
            "converged": fit.converged,
        }
        for name, fit in fits.items()
    ]
).set_index("controls")
display(joint)


def as_dict(fit: cohorts.CohortModel) -> dict:
    return {
        r.cohort: {"odds_ratio": r.odds_ratio, "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value, "n": r.n}
        for r in fit.odds_ratios.itertuples()
    }


def joint_dict(fit: cohorts.CohortModel) -> dict:
    return {
        "chi2": fit.wald_chi2,
        "df": fit.wald_df,
        "p_value": fit.wald_p,
        "n": fit.n,
        "n_dropped": fit.n_dropped,
        "reference_cohort": fit.reference_cohort,
    }


def joint_reading(fit: cohorts.CohortModel) -> str:
    if pd.isna(fit.wald_p):
        return "there is no cohort term to test (a single cohort after pooling)"
    verdict = "differ" if fit.wald_p < 0.05 else "do not differ detectably"
    return f"the cohorts {verdict} at the 5% level (joint Wald {p_text(fit.wald_p)}, {fit.wald_df} df, n = {fit.n} of {len(frame)})"


record("cohort_odds_ratios", as_dict(model))
record("cohort_joint_test", joint_dict(model))
record("cohort_odds_ratios_without_looked_after_rate", as_dict(model_without_lar))
record("cohort_joint_test_without_looked_after_rate", joint_dict(model_without_lar))
display(
    Markdown(
        f"With the H01 controls {joint_reading(model)}; without the looked-after rate "
        f"{joint_reading(model_without_lar)}."
    )
)

# %% [markdown]
# ## Balance: did early and late cohorts differ before inspection?
#
# Early = published (or inspected) on or before the median date, late = after. Numeric covariates:
# Welch t-test of the difference in means (late - early) and the standardised difference (over the
# pooled standard deviation; |d| > 0.2 is usually read as a noticeable imbalance); region and LA
# type: chi-square test of independence ("early" and "late" then give the share of the most common
# level). Prior grade rank: 1 = Outstanding .. 4 = Inadequate, so a negative difference means the
# late cohorts had better earlier grades; IMD decile: 10 = most deprived.

# %%
shown = balance.table.assign(
    p=[p(v) for v in balance.table["p_value"]],
).drop(columns="p_value")
BALANCE_WORDS = {
    "std_difference": "standardised difference",
    "n_early": "n early",
    "n_late": "n late",
    "n_missing": "n missing",
}
display(shown.set_index("covariate").rename(index=COVARIATE_LABELS, columns=BALANCE_WORDS))
tested = balance.table[balance.table["p_value"].notna()]
untested = balance.table[balance.table["p_value"].isna()]
imbalanced = tested[tested["p_value"] < 0.05]


def describe(r) -> str:
    covariate = COVARIATE_LABELS.get(r.covariate, r.covariate)
    if r.test == "Welch t":
        return (
            f"{covariate} (late - early = {r.difference:.2f}, standardised {r.std_difference:.2f}, {p_text(r.p_value)})"
        )
    return f"{covariate} (chi-square {r.statistic:.1f}, {p_text(r.p_value)})"


if len(imbalanced):
    finding = (
        "Early and late cohorts already differed before inspection in "
        + "; ".join(describe(r) for r in imbalanced.itertuples())
        + ": the cohort odds ratios are read net of these covariates, not as they come."
    )
elif len(tested):
    smallest = tested.loc[tested["p_value"].idxmin()]
    smallest_words = COVARIATE_LABELS.get(smallest["covariate"], smallest["covariate"])
    finding = (
        f"No covariate differed between early and late cohorts at the 5% level (the smallest p is "
        f"{p(smallest['p_value'])}, for {smallest_words}). This does not show the scheduling was random, only "
        f"that it is not visible in these covariates."
    )
else:
    finding = "No covariate could be tested."
record("balance_p", dict(zip(balance.table["covariate"], balance.table["p_value"])))
record("balance_std_difference", dict(zip(balance.table["covariate"], balance.table["std_difference"])))
record("balance_split_date", str(balance.split_date.date()))
if len(untested):
    finding += (
        " Not testable (no values in one of the groups): "
        + ", ".join(untested["covariate"].map(lambda c: COVARIATE_LABELS.get(c, c)))
        + "."
    )
display(
    Markdown(
        f"Split at {balance.split_date.date()} ({int(balance.table['n_early'].max())} early, "
        f"{int(balance.table['n_late'].max())} late; {balance.n_undated} undated). {finding}"
    )
)

# %% [markdown]
# ## The tidy results
#
# Every statistic above as one long table (written to `reports/tables/` by `make reports`), so others
# can reuse them.

# %%
tidy = results.combine([results.from_rows(found.rows()) for found in (mix, model, model_without_lar, balance)])
record_table(tidy)
display(tidy.head(12).rename(columns={"ci_low": "CI low", "ci_high": "CI high", "p_value": "p"}))
display(Markdown(f"{len(tidy)} rows, {tidy['model'].nunique()} models."))

# %% [markdown]
# ## Provenance
#
# The package versions and the checksum of the processed data this report was run with.

# %%
versions = record("package_versions", package_versions())
checksum = record("data_checksum", data_checksum(paths.DATA_PROCESSED))
display(pd.Series({"processed-data checksum (sha256)": checksum, **versions}, name="value").to_frame())
