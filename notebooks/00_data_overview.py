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
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import Markdown, display

from analysis import overview, paths
from analysis.data import load as load_data
from analysis.data import select_inspections
from analysis.publish.figures import FRAMEWORK_COLOURS, GRADE_COLOURS
from analysis.publish.records import data_checksum, package_versions, record, seed_everything
from analysis.vocab import AREA_LABELS, FRAMEWORKS, GRADE_ORDER_WITH_ADEQUATE, NOT_JUDGED, SIF_ERA_AUTHORITIES

seed_everything(seed)
sns.set_theme(style="whitegrid", context="notebook")
pd.set_option("display.max_columns", 20, "display.width", 140)

processed = load_data(paths.DATA_PROCESSED)
inspections_all, judgements_all, validation = processed.inspections, processed.judgements, processed.validation
inspections, judged = overview.overview_tables(
    inspections_all, judgements_all, processed.local_authorities, framework, include_secondary, as_at
)
inspections = inspections.assign(year=overview.inspection_year(inspections))
judged = judged.merge(inspections[["inspection_id", "year"]], on="inspection_id", how="left")

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
    fig, ax = plt.subplots(figsize=(10, 4))
    sns.histplot(
        inspections,
        x="year",
        hue="framework",
        multiple="stack",
        discrete=True,
        shrink=0.85,
        hue_order=[f for f in FRAMEWORKS if f in per_year.columns],
        palette=FRAMEWORK_COLOURS,
        ax=ax,
    )
    ax.set(xlabel="Year of inspection", ylabel="Inspections", title="Inspections per framework and year")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    plt.show()
    display(per_year.T)

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
    grid = sns.displot(
        headline,
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
        aspect=1.0,
    )
    grid.set_axis_labels("Year of inspection", "Share of inspections")
    grid.set_titles("{col_name}")
    for axis, name in zip(grid.axes.flat, frameworks_present):
        years = sorted(headline.loc[headline["framework"] == name, "year"].dropna().astype(int).unique())
        axis.set_xticks(years[:: max(1, len(years) // 4)])
    grid.figure.suptitle("Headline grade by framework and year", y=1.03)
    plt.show()
    display((shares_by_framework * 100).round(1).rename_axis(columns="grade (% of inspections)"))

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
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(area_order) + 1.2))
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
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title="grade")
    plt.show()
    display(mix.loc[area_order].assign(label=[AREA_LABELS[a] for a in area_order]).set_index("label", append=True))

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
display(cover)

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
        display(agreement.rename_axis("area"))
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
    display(rules.rename_axis("check"))
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
                for fw, ids in flagged.items()
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
