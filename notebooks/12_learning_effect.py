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
# # The learning effect: did later inspections of a framework get better grades?
#
# Critics of the single inspection framework (SIF) said councils inspected late in its cycle had
# learned what inspectors wanted from the reports already published. If so, the chance of a better
# grade at a council's first inspection rises with the time since the framework began, or with the
# number of the framework's reports already published, **after** accounting for what differed
# between early and late councils anyway (Ofsted did not schedule them at random: see
# `11_cohorts`). This report shows
#
# - **H01** (verdict_rule.yaml): the odds ratio of a better grade per year since the SIF began, in an
#   ordinal logit of the first SIF overall grade with the controls prior-framework grade, IMD 2019
#   decile (10 = most deprived), looked-after rate, region and LA type, errors clustered by council;
# - the **slopes side by side**: SIF and ILACS, per year and per 10 reports already published,
#   ordinal and good-or-better, raw and under each control set. A slope present raw that vanishes
#   under the controls is a finding in itself: the later councils were different councils, not
#   better-taught ones. (The DfE looked-after series in data/processed starts in 2021, so most first
#   ILACS inspections lack the looked-after rate; the set without it is shown too.);
# - **predicted probabilities** of each grade over the cycle and **average marginal effects** of the
#   clock, from the model with the chosen clock and control set (delta-method intervals);
# - **peer learning**: whether a council did better once more of its statistical neighbours had had
#   their report published, net of the clock.
#
# Everything is computed by `analysis.models.learning` (see its docstring for each definition);
# this notebook only formats and plots.

# %% tags=["parameters"]
framework: str = "both"  # "SIF", "ILACS" or "both" (side by side)
area: str = "overall"  # the judgement modelled (overall, help_protection, looked_after, leadership, ...)
time_unit: str = "years"  # clock of the predictions and marginal effects: "years" or "reports" (learning.TIMES)
controls: str = "controlled"  # controls of the predictions and marginal effects: a key of learning.CONTROL_SETS
include_secondary: bool = True  # keep the press-sourced SIF rows of the five councils whose reports are missing
adequate_as_ri: bool = True  # read the prior framework's "Adequate" as RI in the prior grade (else apart)
date_basis: str = "published"  # "published" or "inspected": how inspections are dated and put in order
seed: int = 20131101  # random seed (nothing here is random; every notebook follows one recipe)

# %%
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import paths
from analysis.data import load as load_data
from analysis.data import source_line
from analysis.models import learning, results
from analysis.models.frame import COVARIATE_LABELS, covariate_coverage, inspection_frame
from analysis.publish import display as show
from analysis.publish.figures import GRADE_COLOURS
from analysis.publish.formats import interval
from analysis.publish.formats import p_value as p
from analysis.publish.records import data_checksum, package_versions, record, record_table, seed_everything
from analysis.vocab import AREA_LABELS, GRADE_ORDER, ILACS, INADEQUATE, SIF
from analysis.vocab import FRAMEWORKS as FRAMEWORK_ORDER

FRAMEWORKS = {SIF: (SIF,), ILACS: (ILACS,), "both": (SIF, ILACS)}
#: How the tables and figures name the covariates, outcomes and control sets (the records keep the keys).
OUTCOME_WORDS = {"ordinal": "ordinal", "good_or_better": "good or better"}
CONTROL_SET_WORDS = {
    "raw": "raw",
    "controlled": "controlled",
    "controlled_without_looked_after_rate": "controlled without the looked-after rate",
}
CONTROL_SET_PHRASES = {
    "raw": "no controls (the clock alone)",
    "controlled": "the H01 controls",
    "controlled_without_looked_after_rate": "the H01 controls without the looked-after rate",
}
DATE_WORDS = {"published": "publication date", "inspected": "the date the inspection began"}
if framework not in FRAMEWORKS:
    raise ValueError(f"framework must be one of {sorted(FRAMEWORKS)}, not {framework!r}")
if time_unit not in learning.TIMES:
    raise ValueError(f"time_unit must be one of {sorted(learning.TIMES)}, not {time_unit!r}")
if controls not in learning.CONTROL_SETS:
    raise ValueError(f"controls must be one of {sorted(learning.CONTROL_SETS)}, not {controls!r}")

seed_everything(seed)
show.setup()
data = load_data(paths.DATA_PROCESSED)
options = dict(include_secondary=include_secondary, adequate_as_ri=adequate_as_ri, date_basis=date_basis)
record("parameters", dict(framework=framework, area=area, time_unit=time_unit, controls=controls, seed=seed, **options))

frameworks = FRAMEWORKS[framework]
chosen = learning.CONTROL_SETS[controls]
frames = {fw: inspection_frame(data, fw, area, first_only=True, **options) for fw in frameworks}
slopes = learning.learning_slopes(data, frameworks, area, first_only=True, **options)
h01 = learning.h01_learning_slope(data, **options)
source = source_line(
    data.inspections,
    include_secondary,
    "IMD 2019, DfE looked-after rates and the reports' own context statistics (la_context)",
)


# %% [markdown]
# ## The councils and their covariates
#
# One row per council: its first inspection of the framework graded in the area. A model drops the
# rows missing one of its covariates (counted in each table); nothing is imputed.

# %%
coverage = pd.concat(
    {fw: covariate_coverage(f).set_index("covariate")[["n_present", "n_missing"]] for fw, f in frames.items()},
    axis=1,
)
display(coverage.rename(index=COVARIATE_LABELS, columns={"n_present": "present", "n_missing": "missing"}))

# %% [markdown]
# ## H01: the SIF learning slope under the controls
#
# The statistic the verdict reads (always the first SIF overall grade, whatever `framework`, `area`
# and `controls` say): odds ratio of a better grade per year since 1 November 2013, ordinal logit,
# controls prior grade, IMD decile, looked-after rate, region and LA type, errors clustered by
# council. Above 1: councils inspected later did better at equal covariates.

# %%
record(
    "h01",
    {"odds_ratio": h01.odds_ratio, "ci_low": h01.ci_low, "ci_high": h01.ci_high, "p_value": h01.p_value, "n": h01.n},
)
display(
    pd.DataFrame(
        [
            {
                "odds ratio per year (95% CI)": interval(h01.odds_ratio, h01.ci_low, h01.ci_high),
                "p": p(h01.p_value),
                "n": h01.n,
                "dropped": h01.n_dropped,
                "missing": ", ".join(f"{COVARIATE_LABELS.get(k, k)} {v}" for k, v in h01.dropped_by.items()) or "none",
                "converged": h01.converged,
            }
        ],
        index=pd.Index([learning.H01_STATISTIC], name="statistic"),
    ).T
)

# %% [markdown]
# ## The slopes side by side
#
# Odds ratio (95% interval) and rows fitted, for each outcome ("ordinal": a better grade at any
# cut-point; "good_or_better": good or outstanding against the rest), clock ("years": per year since
# the framework began; "reports": per 10 of the framework's reports already published) and control
# set ("raw": the clock alone). "not fitted": fewer than three complete rows per parameter.

# %%
table = slopes.table()
record("slopes", table.drop(columns="note").to_dict(orient="records"))
side = slopes.side_by_side()
slope_rows = pd.MultiIndex.from_product(
    [learning.OUTCOMES, list(learning.TIMES), list(slopes.control_sets)], names=side.index.names
)
display(
    side.reindex(index=slope_rows, columns=[fw for fw in FRAMEWORK_ORDER if fw in side.columns])
    .dropna(how="all")
    .rename(index={**OUTCOME_WORDS, **CONTROL_SET_WORDS})
    .rename_axis(index=["outcome", "clock", "control set"])
)

# %% [markdown]
# ### Raw against controlled
#
# Each slope raw and under each control set: "rises" when its interval lies above 1, "falls" when
# below, "flat" when it includes 1; a slope that rises (or falls) raw and is flat under a control set
# *vanishes* under those controls.


# %%
def direction(estimate: float, low: float, high: float) -> str:
    if pd.isna(estimate):
        return "not fitted"
    return "rises" if low > 1 else ("falls" if high < 1 else "flat")


def reading(raw: str, controlled: str) -> str:
    if "not fitted" in (raw, controlled):
        return "not fitted"
    if raw == controlled:
        return "no slope, raw or controlled" if raw == "flat" else "survives the controls"
    if controlled == "flat":
        return "vanishes under the controls"
    return "appears only under the controls" if raw == "flat" else "reverses under the controls"


keys = ["framework", "outcome", "time"]
raw_slopes = table[table["control_set"] == "raw"].set_index(keys)
readings = pd.DataFrame(
    {"raw": [f"{interval(r.odds_ratio, r.ci_low, r.ci_high)}, n={r.n}" for r in raw_slopes.itertuples()]},
    index=raw_slopes.index,
)
found_readings = {}
for name in (n for n in slopes.control_sets if n != "raw"):
    under = table[table["control_set"] == name].set_index(keys).reindex(raw_slopes.index)
    readings[name] = [f"{interval(r.odds_ratio, r.ci_low, r.ci_high)}, n={r.n}" for r in under.itertuples()]
    readings[f"reading ({name})"] = [
        reading(direction(a.odds_ratio, a.ci_low, a.ci_high), direction(b.odds_ratio, b.ci_low, b.ci_high))
        for a, b in zip(raw_slopes.itertuples(), under.itertuples())
    ]
    found_readings[name] = dict(zip(readings.index, readings[f"reading ({name})"]))
record("slope_readings", {name: {" ".join(k): v for k, v in got.items()} for name, got in found_readings.items()})
display(
    readings.rename(
        columns={
            **CONTROL_SET_WORDS,
            **{f"reading ({name})": f"reading ({CONTROL_SET_WORDS.get(name, name)})" for name in CONTROL_SET_WORDS},
        },
        index=OUTCOME_WORDS,
    ).rename_axis(index=["framework", "outcome", "clock"])
)


def listed(got: dict, what: str) -> str:
    found = [" ".join(OUTCOME_WORDS.get(part, part) for part in k) for k, v in got.items() if v == what]
    return "; ".join(found) if found else "none"


display(
    Markdown(
        "\n".join(
            f"- Under *{CONTROL_SET_WORDS.get(name, name)}*: **vanish** {listed(got, 'vanishes under the controls')}; "
            f"**survive** {listed(got, 'survives the controls')}; not fitted {listed(got, 'not fitted')}."
            for name, got in found_readings.items()
        )
    )
)

# %% [markdown]
# ## Predicted probabilities over the cycle
#
# The ordinal model with the chosen clock and control set: every fitted council is given the same
# clock value and its predicted probability of each grade averaged, at nine points from the
# earliest to the latest inspection; "Good or better" is Good + Outstanding. Bands: 95% delta-method
# intervals (cluster-robust by council).

# %%
predicted, effects, not_fitted = {}, {}, {}
for fw, f in frames.items():
    try:
        predicted[fw] = learning.predicted_probabilities(f, "ordinal", time_unit, chosen)
        effects[fw] = learning.marginal_effects(f, "ordinal", time_unit, chosen)
    except ValueError as error:
        not_fitted[fw] = str(error)


def at(pp, where: str) -> list[float]:
    rows = pp.table[pp.table["grade"] == learning.GOOD_OR_BETTER]
    row = rows.iloc[0] if where == "start" else rows.iloc[-1]
    return [row["time_value"], row["probability"], row["ci_low"], row["ci_high"]]


record(
    "predicted_good_or_better",
    {fw: {"start": at(pp, "start"), "end": at(pp, "end"), "n": pp.n} for fw, pp in predicted.items()},
)
clock_label = {"years": "years since the framework began", "reports": "reports of the framework already published"}
grade_lines = [*GRADE_ORDER, learning.GOOD_OR_BETTER]  # the legend's order: best grade first, then good or better
colours = {**GRADE_COLOURS, learning.GOOD_OR_BETTER: "#252525"}
clock_format = ".1f" if time_unit == "years" else ".0f"
controls_named = ", ".join(COVARIATE_LABELS.get(c, c) for c in chosen)
prior_note = (
    (
        "; the earlier frameworks' Adequate read as Requires improvement in the prior grade"
        if adequate_as_ri
        else "; the earlier frameworks' Adequate kept apart in the prior grade"
    )
    if "prior_grade" in chosen
    else ""
)  # only a pre-SIF prior grade can be Adequate: the note is for the SIF figure
area_label = AREA_LABELS.get(area, area)
area_words = area_label[:1].lower() + area_label[1:]
for fw, pp in predicted.items():  # one figure per framework
    fig, ax = plt.subplots(figsize=(8, 4.3))
    for grade in [g for g in grade_lines if g in set(pp.table["grade"])]:
        rows = pp.table[pp.table["grade"] == grade]
        dashed = grade == learning.GOOD_OR_BETTER
        sns.lineplot(
            rows,
            x="time_value",
            y="probability",
            color=colours[grade],
            label=grade,
            linestyle="--" if dashed else "-",
            legend=False,
            ax=ax,
        )
        ax.fill_between(rows["time_value"], rows["ci_low"], rows["ci_high"], color=colours[grade], alpha=0.15)
    ax.set(
        title=fw,
        xlabel=clock_label[time_unit][:1].upper() + clock_label[time_unit][1:],
        ylabel="Average predicted probability",
        ylim=(0, 1),
    )
    ax.legend(title="Grade", loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    fig.tight_layout()
    start, end = at(pp, "start"), at(pp, "end")
    inadequate = pp.table[pp.table["grade"] == INADEQUATE]["probability"]
    show.figure(
        fig,
        f"Average predicted probability of each grade for {area_words} at a council's first {fw} inspection "
        f"against {clock_label[time_unit]}, from the ordinal logit with {CONTROL_SET_PHRASES[controls]}"
        + (f" ({controls_named})" if chosen else "")
        + ": every fitted council given the same clock value, at nine points from the earliest to the latest "
        "inspection; bands: 95% delta-method intervals (clustered by council); dashed: Good or better (Good or "
        f"Outstanding). Inspections dated by {DATE_WORDS[date_basis]}{prior_note if fw == SIF else ''}",
        n=f"{pp.n:,} first {fw} inspections, one per council ({pp.n_dropped} left out for a missing covariate)",
        source=source,
        alt=(
            f"Line chart of the average predicted probability (0 to 1) of each grade at a first {fw} inspection "
            f"against {clock_label[time_unit]} ({start[0]:{clock_format}} to {end[0]:{clock_format}}): solid lines "
            f"for Outstanding (dark blue), Good (light blue), Requires improvement to be good (orange) and "
            f"Inadequate (red), a dashed black line for Good or better, each in a shaded 95% band. Good or better "
            f"goes from {start[1]:.0%} (95% interval {start[2]:.0%} to {start[3]:.0%}) to {end[1]:.0%} "
            f"({end[2]:.0%} to {end[3]:.0%}); Inadequate from {inadequate.iloc[0]:.0%} to {inadequate.iloc[-1]:.0%}."
        ),
    )
for fw, why in not_fitted.items():
    display(Markdown(f"**{fw}**: the model with {CONTROL_SET_PHRASES[controls]} is not fitted ({why})."))


# %% [markdown]
# ## Marginal effects
#
# Average over the fitted councils of the change in the probability of each grade per year (or per
# 10 reports), with 95% delta-method intervals and Wald p-values.

# %%
record(
    "marginal_effects",
    {
        fw: {r.grade: [r.effect, r.ci_low, r.ci_high, r.p_value] for r in me.table.itertuples()}
        for fw, me in effects.items()
    },
)
if effects:
    display(
        pd.concat(
            {
                fw: pd.DataFrame(
                    {
                        "change in probability (95% CI)": [
                            interval(r.effect, r.ci_low, r.ci_high, 3) for r in me.table.itertuples()
                        ],
                        "p": [p(v) for v in me.table["p_value"]],
                        "n": me.n,
                    },
                    index=pd.Index(me.table["grade"], name="grade"),
                )
                for fw, me in effects.items()
            },
            names=["framework"],
        )
    )
    display(Markdown(f"Effects {next(iter(effects.values())).unit}; with {CONTROL_SET_PHRASES[controls]}."))
else:
    display(Markdown("No model could be fitted with these controls."))

# %% [markdown]
# ## Peer learning
#
# For each first inspection: how many of the council's statistical neighbours had had their report
# of the same framework published before it. The odds ratio of good or better per such neighbour is
# estimated with the years since the framework began in the model, so it is learning from
# neighbours over and above the general drift.

# %%
neighbours_file = paths.DATA_PROCESSED / "statistical_neighbours.csv"
peers = {}
if neighbours_file.exists():
    neighbours = pd.read_csv(neighbours_file, dtype={"la_code": str, "neighbour_code": str})
    peers = {fw: learning.peer_learning(f, neighbours) for fw, f in frames.items()}
    display(
        pd.DataFrame(
            [
                {
                    "framework": fw,
                    "odds ratio (95% CI)": interval(pl.odds_ratio, pl.ci_low, pl.ci_high),
                    "per": pl.unit,
                    "p": p(pl.p_value),
                    "clock odds ratio per year": f"{pl.clock_odds_ratio:.2f}",
                    "n": pl.n,
                    "dropped": pl.n_dropped,
                    "without neighbours in the frame": pl.n_without_neighbours,
                }
                for fw, pl in peers.items()
            ]
        ).set_index("framework")
    )
    record(
        "peer_learning",
        {
            "available": True,
            **{
                fw: {
                    "odds_ratio": pl.odds_ratio,
                    "ci_low": pl.ci_low,
                    "ci_high": pl.ci_high,
                    "p_value": pl.p_value,
                    "n": pl.n,
                }
                for fw, pl in peers.items()
            },
        },
    )
else:
    display(
        Markdown(
            "The statistical-neighbours table (`statistical_neighbours.csv`) is not in the processed data yet: "
            "peer learning is not estimated in this run."
        )
    )
    record("peer_learning", {"available": False})

# %% [markdown]
# ## The tidy results
#
# Every statistic above as one long table (written to `reports/tables/` by `make reports`), so others
# can reuse them.

# %%
found = [slopes, h01, *predicted.values(), *effects.values(), *peers.values()]
tidy = results.combine([results.from_rows(item.rows()) for item in found])
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
