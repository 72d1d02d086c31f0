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
# # What the dataset holds
#
# An overview of the processed dataset of Ofsted inspections of English local authority children's
# services: how many inspections there are per framework and year, how grades are distributed, the
# mix of judgements in each area, how complete the dataset is against Ofsted's official counts, and
# what the build's validation found.
#
# Three frameworks are covered: the inspections before the single inspection framework (**pre-SIF**:
# child protection, safeguarding and looked-after children inspections, graded on a scale with
# *Adequate*), the **single inspection framework** (SIF, which inspected every authority of the time
# once) and **inspections of local authority children's services** (ILACS, which followed it). The
# years each framework spans in the data are given below, computed from it; no figure in this report
# is typed by hand.

# %% tags=["parameters"]
framework: str = "all"  # framework to describe: "all", "pre-SIF", "SIF" or "ILACS"
include_secondary: bool = True  # keep inspections and grades known only from press or council pages
as_at: str = ""  # "YYYY-MM-DD": only the judgements in force then (each authority's latest graded inspection published by then); "" for all
seed: int = 20131101  # random seed (nothing here is random; set so every notebook follows one recipe)

# %%
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import overview, paths
from analysis.data import load as load_data
from analysis.data import select_inspections, source_line
from analysis.publish import display as show
from analysis.publish.figures import FRAMEWORK_COLOURS, GRADE_COLOURS
from analysis.publish.records import data_checksum, package_versions, record, seed_everything
from analysis.vocab import (
    AREA_LABELS,
    FRAMEWORKS,
    GRADE_ORDER_WITH_ADEQUATE,
    NOT_JUDGED,
    SIF_ERA_AUTHORITIES,
    in_time_order,
)

seed_everything(seed)
show.setup()

processed = load_data(paths.DATA_PROCESSED)
inspections_all, judgements_all, validation = processed.inspections, processed.judgements, processed.validation
inspections, judged = overview.overview_tables(
    inspections_all, judgements_all, processed.local_authorities, framework, include_secondary, as_at
)
inspections = inspections.assign(year=overview.inspection_year(inspections))
judged = judged.merge(inspections[["inspection_id", "year"]], on="inspection_id", how="left")

# What the figures' captions say of the data: the sources, the selection and the part year.
source = source_line(inspections_all, include_secondary)
year_dates = overview.inspection_date(inspections)  # the dates inspection_year reads the year from
part = show.part_year(year_dates)
part_note = f"{part}: to {year_dates.max():%B} only." if part else ""
scope = (
    "Selection: "
    + ("every framework" if framework == "all" else f"the {framework} framework")
    + ("" if include_secondary else ", without the rows known only from secondary sources")
    + (f", the judgements in force on {as_at}" if as_at else "")
    + "."
)


def year_labels(years: list[int]) -> list[str]:
    """Tick labels of the years, the part year marked with the month the data stop."""
    return [f"{year}\nto {year_dates.max():%b}" if year == part else str(year) for year in years]


record("parameters", {"framework": framework, "include_secondary": include_secondary, "as_at": as_at})
record("n_inspections", len(inspections))
record("n_judgements", len(judged))
record("n_authorities", inspections["la_code"].nunique())
record("frameworks", sorted(inspections["framework"].unique()))
record("n_secondary_inspections", int((inspections["source_quality"] == "secondary").sum()))
record("latest_published", None if inspections.empty else str(inspections["published_date"].max().date()))
if as_at:
    record("n_in_force_estimated_dates", int(inspections["published_estimated"].sum()))

span = overview.inspection_year(inspections_all).groupby(inspections_all["framework"]).agg(["min", "max"])
display(
    Markdown(
        "In the dataset: "
        + "; ".join(
            f"**{fw}** inspections from {span.loc[fw, 'min']} to {span.loc[fw, 'max']}"
            for fw in FRAMEWORKS
            if fw in span.index
        )
        + "."
    )
)

selection = "every framework" if framework == "all" else f"the {framework} framework"
display(
    Markdown(
        f"This report covers **{selection}**"
        + ("" if include_secondary else ", leaving out rows known only from secondary sources")
        + (
            f", keeping the judgements in force on **{as_at}**: those of each authority's latest graded inspection"
            f" published by then (a later inspection replaces every grade of the one before, including areas it"
            f" does not grade); {int(inspections['published_estimated'].sum())} of these inspections have an"
            f" estimated publication date (end of inspection plus the framework's median lag, as their report"
            f" gives none)"
            if as_at
            else ""
        )
        + f": **{len(inspections):,} inspections** of **{inspections['la_code'].nunique()} authorities**"
        f" with **{len(judged):,} judgements** (of {len(inspections_all):,} inspections in the dataset)."
    )
)

# %% [markdown]
# ## Inspections per framework and year
#
# The year is the year the inspectors were on site (or, when the start date is unknown, the year of
# publication). SIF inspected every authority once (plus re-inspections of those judged inadequate);
# ILACS inspects every authority in turn, on a cycle of a few years.

# %%
per_year = overview.inspections_per_year(inspections)
record("inspections_per_year", {str(year): row.to_dict() for year, row in per_year.iterrows()})
if inspections.empty:
    display(Markdown("_No inspections match the parameters._"))
else:
    dated = inspections.dropna(subset=["year"]).assign(year=lambda d: d["year"].astype(int))
    frameworks_shown = [f for f in FRAMEWORKS if f in per_year.columns]
    fig, ax = plt.subplots(figsize=(11, 4))
    sns.histplot(
        dated,
        x="year",
        hue="framework",
        multiple="stack",
        discrete=True,
        shrink=0.85,
        hue_order=frameworks_shown,
        palette=FRAMEWORK_COLOURS,
        ax=ax,
    )
    ax.set(xlabel="Year of inspection", ylabel="Inspections", title="Inspections per framework and year")
    years_shown = [int(y) for y in per_year.index]
    ax.set_xticks(years_shown, year_labels(years_shown), fontsize=9)
    ax.get_legend().set_title("Framework")
    per_year_total = per_year.sum(axis=1)
    spans = "; ".join(
        f"{fw} {per_year.index[per_year[fw] > 0].min()}-{per_year.index[per_year[fw] > 0].max()}"
        for fw in frameworks_shown
    )
    undated = len(inspections) - len(dated)
    show.figure(
        fig,
        "Inspections per year of inspection (the year the inspectors were on site, or of publication where the"
        " start date is unknown), stacked by framework. "
        + scope
        + (f" {undated} inspection(s) with no date left out." if undated else "")
        + (f" {part_note}" if part_note else ""),
        n=f"{len(dated):,} inspections of {dated['la_code'].nunique()} authorities",
        source=source,
        alt=f"Stacked bar chart of inspections per year of inspection, {years_shown[0]} to {years_shown[-1]},"
        f" coloured by framework ({spans}); the most in one year, {per_year_total.max()}, in"
        f" {per_year_total.idxmax()}"
        + (f"; {part} holds {per_year_total.loc[part]} inspections to {year_dates.max():%B} only" if part else "")
        + ".",
    )
    display(
        per_year.T.rename(columns={part: f"{part} (to {year_dates.max():%B})"} if part else {}).rename_axis(
            index="Framework", columns="Year of inspection"
        )
    )

# %% [markdown]
# ## Grades by framework and year
#
# Each inspection's headline grade: overall effectiveness under SIF and ILACS; under the pre-SIF
# frameworks, the overall effectiveness of safeguarding (or of services for looked-after children,
# for inspections of those alone). *Adequate* is kept apart from *Requires improvement to be good*:
# they are different scales, and whether one stands for the other is an assumption (see the data
# dictionary).

# %%
headline = overview.headline_judgements(judged)
grade_order = [g for g in GRADE_ORDER_WITH_ADEQUATE if g in set(headline["grade"])]
shares_by_framework = overview.grade_shares(headline, by=["framework"])
record("headline_grade_shares", {f: row.round(4).to_dict() for f, row in shares_by_framework.iterrows()})
if headline.empty:
    display(Markdown("_No graded judgements match the parameters._"))
else:
    frameworks_present = [f for f in FRAMEWORKS if f in set(headline["framework"])]
    graded = headline.dropna(subset=["year"])
    graded = graded[graded["grade"].isin(grade_order)].assign(year=lambda d: d["year"].astype(int))
    bar_n = {fw: graded[graded["framework"] == fw].groupby("year").size() for fw in frameworks_present}
    grid = sns.displot(
        graded,
        x="year",
        hue="grade",
        col="framework",
        col_order=frameworks_present,
        hue_order=grade_order,
        palette=GRADE_COLOURS,
        multiple="fill",
        discrete=True,
        shrink=0.85,
        facet_kws={"sharex": False},
        height=3.6,
        aspect=1.25,
    )
    grid.set_axis_labels("Year of inspection", "Share of inspections")
    grid.set_titles("{col_name}", pad=16)
    for axis, name in zip(grid.axes.flat, frameworks_present):
        years = [int(y) for y in bar_n[name].index]
        axis.set_xticks(years, year_labels(years), fontsize=9)
        show.annotate_n(axis, bar_n[name].to_dict())
    grid.legend.set_title("Headline grade")
    grid.figure.suptitle("Headline grade by framework and year", y=1.08)
    counts = {f"{fw} {year}": n for fw in frameworks_present for year, n in bar_n[fw].items()}
    good_or_better = {
        fw: graded.loc[graded["framework"] == fw, "grade"].isin(["Outstanding", "Good"]).mean()
        for fw in frameworks_present
    }
    smallest = min(counts, key=counts.get)
    undated = int(headline["year"].isna().sum())
    show.figure(
        grid,
        "Share of each headline grade per framework and year of inspection: each bar is 100% of that year's"
        " inspections of the framework, its n above it. The headline grade is overall effectiveness under SIF"
        " and ILACS and, under the pre-SIF frameworks, the overall effectiveness of safeguarding (or of"
        " services for looked-after children); Adequate is kept apart from Requires improvement to be good. "
        + scope
        + (f" {undated} inspection(s) with no date left out." if undated else "")
        + "".join(f" {note}" for note in (show.small_n_note(counts, "inspections"), part_note) if note),
        n=f"{len(graded):,} inspections of {graded['la_code'].nunique()} authorities",
        source=source,
        alt=f"Panels of 100% stacked bars, one per framework ({', '.join(frameworks_present)}), one bar"
        " per year of inspection with its number of inspections above it, coloured by headline grade from"
        " Outstanding to Inadequate. Share good or outstanding: "
        + ", ".join(f"{fw} {share:.0%}" for fw, share in good_or_better.items())
        + f". The smallest bar, {smallest}, rests on {counts[smallest]} inspection(s).",
    )
    display(
        (shares_by_framework * 100)
        .round(1)
        .reindex([f for f in FRAMEWORKS if f in shares_by_framework.index])
        .rename_axis(index="Framework", columns="Headline grade (% of inspections)")
    )

# %% [markdown]
# ## Judgement mix per area
#
# Every judgement in the selection, by harmonised area. Areas are comparable across frameworks only
# where the crosswalk says so (for instance SIF's "children looked after and achieving permanence"
# and ILACS's "children in care"). *Not judged* marks areas the framework graded but the inspection
# did not (e.g. adoption in some authorities).

# %%
mix = overview.judgement_mix(judged)
record("judgement_mix", {area: row.to_dict() for area, row in mix.iterrows()})
if not mix.empty:
    area_order = [a for a in AREA_LABELS if a in mix.index]
    hue_order = [g for g in [*GRADE_ORDER_WITH_ADEQUATE, NOT_JUDGED] if g in set(judged["grade"])]
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(area_order) + 1.2))
    sns.histplot(
        judged.assign(area=pd.Categorical(judged["area"], categories=area_order, ordered=True)),
        y="area",
        hue="grade",
        hue_order=hue_order,
        palette=GRADE_COLOURS,
        multiple="fill",
        discrete=True,
        shrink=0.8,
        ax=ax,
    )
    ax.set(xlabel="Share of judgements", ylabel="", title="Grades per judgement area")
    # the bars stand at 0, 1, ... in area_order (top first): label them in words, their n at the right
    ax.set_yticks(
        range(len(area_order)), [textwrap.fill(AREA_LABELS[a], 48, break_on_hyphens=False) for a in area_order]
    )
    area_n = mix.loc[area_order].sum(axis=1)
    show.annotate_n(ax, dict(enumerate(area_n)), horizontal=True)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.08, 1), title="Grade")
    graded_mix = mix.loc[area_order].drop(columns=NOT_JUDGED)
    inadequate = graded_mix["Inadequate"] / graded_mix.sum(axis=1)
    area_good = (graded_mix["Outstanding"] + graded_mix["Good"]) / graded_mix.sum(axis=1)
    larger = area_n >= show.SMALL_N  # the alt text's range: areas with enough judgements to compare
    area_good, inadequate = area_good[larger], inadequate[larger]
    area_note = show.small_n_note({AREA_LABELS[a]: n for a, n in zip(area_order, area_n)}, "judgements")
    show.figure(
        fig,
        "Share of each grade among the judgements of each harmonised area, every judgement in the selection"
        " counted, each area's n at the right. Areas are comparable across frameworks only where the crosswalk"
        " says so; Not judged marks an area the framework graded but the inspection did not. "
        + scope
        + (f" {area_note}" if area_note else ""),
        n=f"{len(judged):,} judgements of {judged['inspection_id'].nunique()} inspections",
        source=source,
        alt=f"Horizontal 100% stacked bars, one per judgement area ({len(area_order)} areas, overall effectiveness"
        " at the top), coloured by grade, each area's number of judgements at the right. Among the areas with"
        f" {show.SMALL_N} or more judgements, good or outstanding ranges from {area_good.min():.0%}"
        f" ({AREA_LABELS[area_good.idxmin()]}) to"
        f" {area_good.max():.0%} ({AREA_LABELS[area_good.idxmax()]}); the largest inadequate share is"
        f" {inadequate.max():.0%} ({AREA_LABELS[inadequate.idxmax()]}, {area_n[inadequate.idxmax()]} judgements).",
    )
    display(mix.loc[area_order].rename(index=AREA_LABELS).rename_axis(index="Judgement area", columns="Grade"))

# %% [markdown]
# ## Coverage against the official counts
#
# Under SIF Ofsted inspected each authority of the time once; the dataset should hold a SIF inspection
# for every one of them (some authorities' SIF reports are not in the collected report set and are
# known from secondary sources only, so leaving secondary rows out lowers this count). For ILACS the
# reference is Ofsted's official history of ILACS inspections. With `as_at` set, both sides count only
# inspections published by then.

# %%
sif_facts = validation.get("sif", {})
display(
    Markdown(
        f"Authorities inspected under SIF: **{sif_facts.get('authorities_in_sif_era', SIF_ERA_AUTHORITIES)}**;"
        f" without their SIF report in the collection: **{len(sif_facts.get('sif_era_authorities_without_report', []))}**"
        f" (known from a secondary source: **{len(sif_facts.get('covered_by_secondary_source', []))}**)."
    )
)
cover = overview.coverage(
    select_inspections(inspections_all, framework, include_secondary), validation, as_at, inspections_all
)
record(
    "coverage",
    {
        check: {"in_dataset": int(r["in_dataset"]), "official": None if pd.isna(r["official"]) else int(r["official"])}
        for check, r in cover.iterrows()
    },
)
display(
    cover.rename(columns={"in_dataset": "In the dataset", "official": "Official count", "share": "Share"}).rename_axis(
        "Check"
    )
)

# %% [markdown]
# ## Validation results
#
# What the data build checked, for the whole dataset (these numbers do not depend on the parameters):
# how often the report parser's ILACS grades agree with Ofsted's official file, how the overall grade
# sits with the key judgements, and the known gaps. Under SIF these are rules of the framework (overall
# effectiveness within the range of the key judgements; inadequate leadership, or another inadequate
# key judgement, making the overall grade inadequate), so any inspection breaking them is an
# exception. ILACS has no rule that an inadequate leadership or key judgement forces an inadequate
# overall grade: there the same counts are observations, not exceptions. An inspection is counted
# once however many checks it appears in.

# %%
if not validation:
    display(Markdown("_data/processed/validation.json is missing: run `make data`._"))
else:
    files = validation.get("files", {})
    ilacs = validation.get("ilacs", {})
    sif = validation.get("sif", {})
    agreement = pd.DataFrame(ilacs.get("agreement_per_area", {})).T
    if not agreement.empty:
        agreement["agreement"] = (agreement["agree"] / agreement["compared"]).round(4)
    overall_agreement = ilacs.get("agreement_overall")
    record("parser_agreement_overall", overall_agreement)
    summary_lines = [
        f"- Report files: {files.get('report_files', '?')}, parsed {files.get('parsed', '?')},"
        f" skipped {len(files.get('skipped', []))}, parsed with warnings {len(files.get('with_warnings', []))}.",
        "- ILACS parser agreement with the official file: "
        + (f"**{overall_agreement:.1%}** of judgements" if overall_agreement is not None else "not computed")
        + f" ({len(ilacs.get('disagreements', []))} disagreements; {ilacs.get('reports_matched_to_official', '?')}"
        f" of {ilacs.get('reports', '?')} ILACS reports matched to an official row).",
        f"- SIF: {sif.get('authorities_with_primary_sif_report', '?')} of {sif.get('authorities_in_sif_era', '?')}"
        f" authorities have their SIF report; without one: {', '.join(sif.get('sif_era_authorities_without_report', [])) or 'none'}"
        f" (covered by a secondary source: {', '.join(sif.get('covered_by_secondary_source', [])) or 'none'}).",
    ]
    display(Markdown("\n".join(summary_lines)))
    if not agreement.empty:
        display(
            agreement.reindex(sorted(agreement.index, key=[*AREA_LABELS, *agreement.index].index))
            .rename(index=AREA_LABELS, columns={"agree": "Agree", "compared": "Compared", "agreement": "Agreement"})
            .rename_axis("Judgement area")
        )
    rules = pd.DataFrame(
        {
            fw: {
                "inspections checked": r.get("inspections_checked"),
                "overall outside key range": len(r.get("overall_outside_key_range", [])),
                "inadequate key but overall not inadequate": len(
                    r.get("inadequate_key_but_overall_not_inadequate", [])
                ),
                "leadership inadequate but overall not": len(r.get("leadership_inadequate_overall_not_inadequate", [])),
            }
            for fw, r in validation.get("rules", {}).items()
        }
    )
    check_lists = (
        "overall_outside_key_range",
        "inadequate_key_but_overall_not_inadequate",
        "leadership_inadequate_overall_not_inadequate",
    )
    flagged = {
        fw: sorted(set().union(*(r.get(key, []) for key in check_lists)))
        for fw, r in validation.get("rules", {}).items()
    }
    rules.loc["inspections flagged (distinct)"] = {fw: len(ids) for fw, ids in flagged.items()}
    record("rule_exceptions", {fw: len(ids) for fw, ids in flagged.items() if fw != "ILACS"})
    record("ilacs_overall_not_inadequate_with_inadequate_key", len(flagged.get("ILACS", [])))
    display(rules.reindex(columns=in_time_order(rules.columns)).rename_axis("Check"))
    display(
        Markdown(
            "; ".join(
                (
                    f"**ILACS**: {len(ids)} inspection(s) flagged by these checks (observations, not exceptions:"
                    " ILACS has no rule forcing the overall grade)"
                    if fw == "ILACS"
                    else f"**{fw}**: {len(ids)} exception(s) to the framework's rules"
                )
                + (f" ({', '.join(ids)})" if ids else "")
                for fw, ids in ((fw, flagged[fw]) for fw in in_time_order(flagged))
            )
            + "."
        )
    )
    gaps = validation.get("known_gaps", {})
    if gaps.get("note"):
        display(Markdown(f"**Known gaps.** {gaps['note']}"))

# %% [markdown]
# ## Provenance
#
# The package versions and the checksum of the processed data this report was run with.

# %%
versions = record("package_versions", package_versions())
checksum = record("data_checksum", data_checksum(paths.DATA_PROCESSED))
display(pd.Series({"processed-data checksum (sha256)": checksum, **versions}, name="value").to_frame())
