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
# # The cited figures: do the published claims reproduce?
#
# The figures and claims this project tests come from a few press articles (listed, from the
# registry, under the first code cell). Each claim is an entry of the registry
# `src/analysis/claims/claims.yaml`: its source, a short quote, its kind (figure, rule or hypothesis) and,
# for each number it states, a named computation in `analysis.claims`, the published value and the
# tolerance (with its justification). **No verdict is stored anywhere**: this report computes every
# one from the processed data.
#
# - **reproduced**: the computed value is within the tolerance of the published one;
# - **differs**: it is not; the difference is shown, and the other bases (publication vs inspection
#   date, with or without the press-sourced rows, re-inspections counted or not, first vs latest
#   inspection per council, Adequate mapped or not) are all tried to find which reproduces the
#   published figure, naming the councils or inspections that make the difference;
# - **not testable**: the data cannot answer, for the reason the computation found;
# - **not yet tested**: a hypothesis whose model notebook has not produced a result yet.

# %% tags=["parameters"]
claims_file: str = "../src/analysis/claims/claims.yaml"  # claims registry; relative paths from notebooks/
include_secondary: bool = True  # keep the press-sourced SIF rows of the five councils whose reports are missing
date_basis: str = "published"  # "published" or "inspected": how a figure that does not fix it dates an inspection
seed: int = 20131101  # random seed (nothing here is random; every notebook follows one recipe)

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import claims, paths, snapshots
from analysis.data import load as load_data
from analysis.data import source_line
from analysis.publish import display as show
from analysis.publish.figures import FRAMEWORK_COLOURS, GRADE_COLOURS
from analysis.publish.records import data_checksum, package_versions, record, seed_everything
from analysis.vocab import GRADE_ORDER


def long_date(when, month: str = "%B") -> str:
    """'31 December 2016' (or with month="%b", '31 Dec 2016'), without a platform-specific strftime flag."""
    when = pd.Timestamp(when)
    return f"{when.day} {when.strftime(month + ' %Y')}"


def in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the registry's figure names (and the test names) in words for the reader:
    "requires improvement share" for requires_improvement_share. Only the display changes."""
    shown = frame.copy()
    for column in ("figure", "test"):
        if column in shown.columns:
            shown[column] = shown[column].str.replace("_", " ")
    return shown


seed_everything(seed)
show.setup()

registry_path = Path(claims_file) if Path(claims_file).is_absolute() else (paths.NOTEBOOKS / claims_file).resolve()
entries = claims.load_registry(registry_path)
windows = claims.windows(registry_path)  # the claims' time windows: no date is typed in this notebook
data = load_data(paths.DATA_PROCESSED)
run_defaults = {"include_secondary": include_secondary, "date_basis": date_basis}
evaluations = claims.evaluate(entries, data, run_defaults)
table = claims.verdict_table(evaluations, entries)
by_claim = claims.claim_verdicts(evaluations)
source = source_line(data.inspections, include_secondary)

record("parameters", {"claims_file": claims_file, "include_secondary": include_secondary, "date_basis": date_basis})
record("n_claims", len(entries))
record("n_figures", len(table))
record("verdict_counts", table["verdict"].value_counts().to_dict())
record("verdicts", {f"{r.claim}.{r.figure}": r.verdict for r in table.itertuples()})
record("computed", {f"{e.claim_id}.{e.figure}": claims.format_value(e.computed) for e in evaluations})
record("claim_verdicts", dict(zip(by_claim["claim"], by_claim["verdict"])))

articles = list({e["source"]["article"]: e["source"] for e in entries}.values())
display(
    Markdown(
        f"The {len(articles)} articles the claims come from:\n\n"
        + "\n".join(f"- *{a['article']}*, {a['outlet']}, {a['date']}" for a in articles)
    )
)
counts = table["verdict"].value_counts()
display(
    Markdown(
        f"**{len(entries)} claims** ({len(table)} figures) from `{registry_path.name}`, evaluated "
        f"{'with' if include_secondary else 'without'} the press-sourced rows, dating inspections by "
        f"**{date_basis}** date where a claim does not say: "
        + ", ".join(f"**{n}** {v}" for v, n in counts.items())
        + "."
    )
)

# %% [markdown]
# ## The verdict table
#
# One row per published figure. `test` is how the computed value is compared with the published one;
# `difference` is computed minus published (for sets, the names missing or extra; for named grades, the
# ones that differ).

# %%
display(in_words(table).set_index(["claim", "figure"]))

# %% [markdown]
# ## Verdict per claim
#
# A claim is reproduced when all its figures are, and differs when any figure differs.

# %%
summary = by_claim.merge(
    pd.DataFrame(
        [{"claim": e["id"], "kind": e["kind"], "article": e["source"]["article"], "quote": e["quote"]} for e in entries]
    ),
    on="claim",
)
display(summary.set_index("claim")[["kind", "verdict", "figures", "article", "quote"]])

# %% [markdown]
# ## What differs, and why
#
# For each figure that differs: by how much, and which other basis reproduces it (the fewest changes
# from the stated basis first), with the councils or inspections that enter or leave the count.

# %%
differs = table[table["verdict"] == "differs"]
if differs.empty:
    display(Markdown("_Every testable figure reproduces._"))
else:
    lines = [
        f"- **{r.claim} {r.figure}**: published {r.published}, computed {r.computed} (difference {r.difference}). {r.explanation}"
        for r in in_words(differs).itertuples()
    ]
    display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Not testable, and not yet tested
#
# Figures the data cannot answer, with the reason found; hypotheses whose model notebooks have not
# produced a result yet (their verdicts appear here once `notebooks/19_goalposts_verdict` and
# `notebooks/20_report_language` record them with `analysis.claims.record_hypothesis`).

# %%
pending = table[table["verdict"].isin(["not testable", claims.NOT_YET_TESTED])]
if pending.empty:
    display(Markdown("_None._"))
else:
    display(in_words(pending).set_index(["claim", "figure"])[["kind", "verdict", "explanation"]])

# %% [markdown]
# ## SIF judgement mix by year
#
# The overall effectiveness grades of SIF inspections (re-inspections included) by year of
# publication, or of inspection when `date_basis` is "inspected": the picture behind the year-by-year
# figures of *How Ofsted's SIF has changed the children's services landscape* (claims C04 to C08) and
# the "moved the goalposts" hypothesis (H01).

# %%
sif = snapshots.judgements_for(
    data, area="overall", framework="SIF", include_secondary=include_secondary, date_basis=date_basis
)
undated = int(sif["date"].isna().sum())  # left out of the figure and the table below
sif = sif.assign(year=sif["date"].dt.year.astype("Int64")).dropna(subset=["year"])
mix_by_year = snapshots.grade_mix_by(sif, "year")
record("sif_mix_by_year", {f"{int(r.year)}|{r.grade}": int(r.count) for r in mix_by_year.itertuples()})
fig, ax = plt.subplots(figsize=(9, 4))
sns.histplot(
    sif.assign(year=sif["year"].astype(int)),
    x="year",
    hue="grade",
    hue_order=GRADE_ORDER,
    palette=GRADE_COLOURS,
    multiple="fill",
    discrete=True,
    shrink=0.8,
    ax=ax,
)
totals = sif.groupby("year").size()
year_basis = "published" if date_basis == "published" else "inspected"
date_word, dated_units = ("publication", "results") if date_basis == "published" else ("inspection", "inspections")
first, last = sif["date"].min(), sif["date"].max()
ends = {
    first.year: f"from {first:%b}" if first.month > 1 else "",
    last.year: f"to {last:%b}" if last.month < 12 else "",
}
years = [int(year) for year in totals.index]
ax.set_xticks(years, [f"{year}\n{ends[year]}" if ends.get(year) else str(year) for year in years])
show.annotate_n(ax, {int(year): n for year, n in totals.items()})
ax.set(xlabel=f"Year {year_basis}", ylabel="Share of SIF inspections")
ax.set_title("SIF overall effectiveness by year", pad=16)
sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title="Overall effectiveness")
year_counts = {int(year): n for year, n in totals.items()}
year_note = show.small_n_note(year_counts, "inspections")
part_years = [str(year) for year, note in ends.items() if note]
ri_or_worse = (
    sif.assign(worse=sif["grade"].isin(["Requires improvement to be good", "Inadequate"]))
    .groupby("year")["worse"]
    .mean()
)
show.figure(
    fig,
    f"Overall effectiveness grades of SIF inspections (re-inspections included) by year {year_basis}: each bar is"
    f" 100% of that year's inspections, its n above it. The SIF {dated_units} run from {first:%B %Y} to {last:%B %Y}"
    + (
        f", so {' and '.join(part_years)} {'are part years' if len(part_years) > 1 else 'is a part year'}"
        if part_years
        else ""
    )
    + "."
    + ("" if include_secondary else " Without the press-sourced rows.")
    + (f" {undated} inspection(s) with no date of {date_word} left out." if undated else "")
    + (f" {year_note}" if year_note else ""),
    n=f"{len(sif):,} SIF inspections of {sif['la_code'].nunique()} authorities",
    source=source,
    alt=f"100% stacked bars of SIF overall effectiveness grades, one bar per year {year_basis} from {years[0]} to"
    f" {years[-1]}, each with its number of inspections above it, coloured from Outstanding to Inadequate."
    f" Requires improvement or inadequate is highest in {ri_or_worse.idxmax()} ({ri_or_worse.max():.0%} of"
    f" {totals[ri_or_worse.idxmax()]}) and lowest in {ri_or_worse.idxmin()} ({ri_or_worse.min():.0%} of"
    f" {totals[ri_or_worse.idxmin()]}).",
)
display(
    mix_by_year.pivot(index="year", columns="grade", values="count")
    .reindex(columns=GRADE_ORDER)
    .assign(total=totals)
    .rename(columns={"total": "Total"})
    .rename_axis(index=f"Year {year_basis}", columns="Overall effectiveness")
)

# %% [markdown]
# ## Leadership judgements in force at the date of claim C11
#
# Each council's SIF leadership, management and governance grade in force at the date of the
# registry window `dec_2016` (its latest SIF result published by then), the population of claim C11,
# against the figures of *Behind the Inspection Ratings*.

# %%
dec_2016 = pd.Timestamp(windows["dec_2016"]["as_at"])
leadership = claims.population(
    data,
    "dec_2016",
    area="leadership",
    selection="latest",
    include_secondary=include_secondary,
    date_basis="published",
    registry=registry_path,
)
computed_mix = snapshots.grade_counts(leadership)
c11 = next(e for e in entries if e["id"] == "C11")
published_c11 = {f["name"]: f["published"] for f in c11["figures"]}
total = int(computed_mix["count"].sum())
display(
    Markdown(
        f"Leadership grades in force on {long_date(dec_2016)}: **{total}** councils with a SIF result published by then "
        f'(published {c11["source"]["date"]}, *{c11["source"]["article"]}*; "just under half" requires improvement is drawn at '
        f"{published_c11['requires_improvement_share']:g}% of the {total} councils computed here)."
    )
)
published_counts = {
    "Outstanding": published_c11.get("outstanding"),
    "Good": published_c11.get("good"),
    "Requires improvement to be good": (published_c11["requires_improvement_share"] / 100 * total)
    if "requires_improvement_share" in published_c11
    else None,
    "Inadequate": published_c11.get("inadequate"),
}
compare_mix = computed_mix.assign(published=pd.Series(published_counts)).reset_index()
record("leadership_dec_2016", computed_mix["count"].to_dict())
fig, ax = plt.subplots(figsize=(8, 3.8))
sns.barplot(
    compare_mix, x="grade", y="count", hue="grade", palette=GRADE_COLOURS, order=GRADE_ORDER, legend=False, ax=ax
)
ax.scatter(
    range(len(GRADE_ORDER)),
    compare_mix.set_index("grade").loc[GRADE_ORDER, "published"],
    marker="D",
    color="black",
    zorder=3,
    label=f"published ({c11['source']['date']})",
)
ax.set(
    xlabel="",
    ylabel="Councils",
    title=f"SIF leadership grade in force on {long_date(dec_2016, '%b')} ({total} councils)",
)
ax.set_xticks(range(len(GRADE_ORDER)), ["Outstanding", "Good", "Requires improvement", "Inadequate"])
ax.legend(loc="upper left")
shown_mix = compare_mix.set_index("grade").loc[GRADE_ORDER]
off = (shown_mix["count"] - shown_mix["published"]).abs()
show.figure(
    fig,
    f"Each council's SIF leadership, management and governance grade in force on {long_date(dec_2016)} (its latest"
    " SIF result published by then; the population of claim C11): bars computed, diamonds the published counts of"
    f' {c11["source"]["article"]} ({c11["source"]["outlet"]}, {c11["source"]["date"]}), its "just under half"'
    f" requiring improvement drawn at {published_c11['requires_improvement_share']:g}% of the {total} councils"
    + ("" if include_secondary else ". Without the press-sourced rows"),
    n=f"{total} councils",
    source=f"{source}; published counts from the claims registry ({registry_path.name})",
    alt=f"Bar chart of the number of councils at each SIF leadership grade on {long_date(dec_2016)}, Outstanding to"
    f" Inadequate, with black diamonds for the published counts: computed "
    + ", ".join(f"{g} {int(c)}" for g, c in shown_mix["count"].items())
    + f"; the largest gap from the published count is {off.max():g} councils ({off.idxmax()}).",
)
display(
    shown_mix.rename(columns={"count": "Councils", "share": "Share (%)", "published": "Published"}).rename_axis(
        "Leadership grade"
    )
)

# %% [markdown]
# ## ILACS year one against SIF year one
#
# *New inspections reveal progress* compares the councils inspected in the first year of ILACS with
# those of the first year of the SIF (claims C17 and C19). Both windows are the registry's
# (`ilacs_year_one`, `sif_year_one`) and both date inspections by publication, as the article does,
# whatever `date_basis` is; the counts below are computed, next to the ones the article gives.

# %%
ilacs_window, sif_window = windows["ilacs_year_one"], windows["sif_year_one"]
ilacs_end = pd.Timestamp(ilacs_window["end"])
ilacs_y1 = claims.population(
    data, "ilacs_year_one", include_secondary=include_secondary, date_basis="published", registry=registry_path
)
sif_y1 = claims.population(
    data, "sif_year_one", include_secondary=include_secondary, date_basis="published", registry=registry_path
)
published_year_one = {
    (e["id"], f["name"]): f["published"] for e in entries if e["id"] in ("C17", "C19") for f in e["figures"]
}
display(
    Markdown(
        f"ILACS year one: each council's first ILACS judgement published from {long_date(ilacs_window['start'])} "
        f"to {long_date(ilacs_end)}, **{len(ilacs_y1)}** councils (the article: {published_year_one[('C17', 'councils')]}). "
        f"SIF year one: the SIF results published in {sif_window['year']}, **{len(sif_y1)}** results for "
        f"{sif_y1['la_code'].nunique()} councils (the article: {published_year_one[('C19', 'sif_councils')]})."
    )
)
year_one = pd.concat(
    [
        snapshots.grade_counts(sif_y1).assign(framework=f"SIF {sif_window['year']} (n={len(sif_y1)})"),
        snapshots.grade_counts(ilacs_y1).assign(framework=f"ILACS to {long_date(ilacs_end, '%b')} (n={len(ilacs_y1)})"),
    ]
).reset_index()
record("year_one", {r.framework.split(" (")[0] + "|" + r.grade: float(r.share) for r in year_one.itertuples()})
fig, ax = plt.subplots(figsize=(8, 3.8))
sns.barplot(
    year_one,
    x="grade",
    y="share",
    hue="framework",
    order=GRADE_ORDER,
    palette=[FRAMEWORK_COLOURS["SIF"], FRAMEWORK_COLOURS["ILACS"]],
    ax=ax,
)
ax.set(xlabel="", ylabel="% of councils", title="Overall effectiveness in the first year of each framework")
sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title="")
ax.set_xticks(range(len(GRADE_ORDER)), ["Outstanding", "Good", "Requires improvement", "Inadequate"])
ax.margins(y=0.1)
for bars, group in zip(ax.containers, year_one["framework"].unique()):  # each bar's count of councils on top
    counts = year_one[year_one["framework"] == group].set_index("grade")["count"].reindex(GRADE_ORDER)
    ax.bar_label(bars, labels=[f"{int(c)}" for c in counts], fontsize=8, padding=2)
group_n = {"SIF": len(sif_y1), "ILACS": len(ilacs_y1)}
year_one_note = show.small_n_note(group_n, "councils")
shares = year_one.set_index(["framework", "grade"])["share"]
show.figure(
    fig,
    f"Overall effectiveness grades in the first year of each framework, as shares of the councils (or SIF results)"
    f" of each: the SIF results published in {sif_window['year']} against each council's first ILACS judgement"
    f" published from {long_date(ilacs_window['start'])} to {long_date(ilacs_end)}, both dated by publication as"
    " the article does (claims C17 and C19). Each bar's count is on top of it, each framework's n in the legend"
    + ("" if include_secondary else ". Without the press-sourced rows")
    + (f". {year_one_note}" if year_one_note else ""),
    n=f"{len(sif_y1)} SIF results for {sif_y1['la_code'].nunique()} councils and {len(ilacs_y1)} ILACS councils",
    source=source,
    alt=f"Grouped bar chart of the share of councils at each overall grade, Outstanding to Inadequate, SIF"
    f" {sif_window['year']} (blue, {len(sif_y1)} results) beside ILACS year one (purple, {len(ilacs_y1)} councils):"
    " good or outstanding "
    + " against ".join(
        f"{shares.loc[(group, ['Outstanding', 'Good'])].sum():.0f}% ({group.split(' (')[0]})"
        for group in year_one["framework"].unique()
    )
    + ".",
)
display(
    year_one.pivot(index="grade", columns="framework", values="count")
    .reindex(index=GRADE_ORDER, columns=year_one["framework"].unique())
    .rename_axis(index="Overall effectiveness", columns="Councils, first year of")
)

# %% [markdown]
# ## Provenance
#
# The package versions and the checksum of the processed data this report was run with.

# %%
versions = record("package_versions", package_versions())
checksum = record("data_checksum", data_checksum(paths.DATA_PROCESSED))
display(pd.Series({"processed-data checksum (sha256)": checksum, **versions}, name="value").to_frame())
