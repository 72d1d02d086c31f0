"""Context statistics for each local authority and year, in long format.

`build_la_context(raw_dir, las)` returns one row per (la_code, year, measure) with the value and the
file it came from, sorted by la_code, measure, year. Only values the publishers printed are kept:
suppressed cells are dropped (and counted, see `dfe_missing_counts`), never imputed.

DfE measures (files in raw/dfe, rows with geographic_level "Local authority"; `year` is the file's
`time_period`, the collection year ending 31 March, or the September census for the workforce):
- children_in_need: b1 `At31_episodes`, children in need at 31 March. A child has at most one open
  episode on a given day, so open episodes at 31 March count children; it is DfE's headline figure
  (b1 has no `At31_child` column; `Anypoint_child` counts everyone in need at any point in the year).
- referrals: c1 `referral_count`, referrals received in the year.
- cpp_starts: d3 `CPP_start`, child protection plans started in the year.
- cpp_subsequent_pct: d3 `CPP_subsequent_percent`, % of those plans that were a second or later plan.
- sw_turnover_rate_fte, sw_agency_rate_fte, sw_vacancy_rate_fte: children's social worker turnover,
  agency worker and vacancy rates (%, FTE) from csww_indicators_2017_to_2025.csv.
- child_population_0_17: ONS mid-year estimate of children aged 0 to 17.
- looked_after, looked_after_rate: children looked after on 31 March (number, and rate per 10,000
  children) from cla_number_and_rate_per_10k_children.csv (2021-2025 only).

Codes: each row's `new_la_code` is mapped to the canonical code (analysis.las), so Buckinghamshire's
E10000002 rows join E06000060's. An abolished authority keeps its own code (Northamptonshire's rows
stay under E10000021). The workforce file reports two pairs of authorities only jointly (Kingston
upon Thames with Richmond upon Thames, "314 / 318"; North with West Northamptonshire, "940 / 941");
those rows cannot be split and are left out, so the four have no workforce measures.

Suppression marks in DfE files ("c" confidential, "x" not available, "z" not applicable, "u" low
reliability, "low" rounds to zero, ":" and blanks) become missing: they are counted per measure
and mark, logged at INFO, and left out of the table. An unexpected text is treated the same way
and logged as a WARNING, so one odd cell never stops the build.

IMD 2019 (year 2019), for each upper-tier authority:
- imd_avg_rank: population-weighted mean of the IMD rank of its LSOAs (1 = most deprived of 32,844),
  weights = File 6 total population mid-2015 (excluding prisoners). This is MHCLG's "average rank"
  summary; a lower value means more deprived.
- imd_share_most_deprived_decile: share (0 to 1) of its LSOAs in the most deprived national decile
  (File 2 decile 1), unweighted.
LSOAs are assigned via their 2019 district (File 2) to an upper tier with the April 2023 LTLA-UTLA
lookup. Districts abolished since 2019 are missing from that lookup; la_changes.yaml
(`abolished_districts`) gives each its county before the reorganisation and its upper tier today.
Two partitions of England's 32,844 LSOAs are built and each must use every LSOA exactly once:
- today's 153 authorities (Cumbria's districts go to Cumberland or Westmorland and Furness ...);
- the 152 authorities of 2013 (the SIF era). It differs only for the abolished ones: Cumbria and
  Northamptonshire are the union of their districts; Bournemouth, Poole and Dorset County are rebuilt
  from the 2011 LSOA names (IMD 2019 already codes them BCP and Dorset; see la_changes.yaml).
The table has IMD rows for all 158 authorities: the current ones from the first partition, the five
abolished ones from the second.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import las as la

log = logging.getLogger(__name__)

CONTEXT_COLUMNS: list[str] = ["la_code", "year", "measure", "value", "source"]

#: DfE suppression and status marks (EES conventions), all read as missing.
SUPPRESSION_MARKS: dict[str, str] = {
    "c": "confidential",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to zero",
    ":": "not available",
    "": "blank",
}


@dataclass(frozen=True)
class DfeMeasure:
    """One measure read from one column of a DfE long-format file (optionally one row type)."""

    measure: str
    file: str
    column: str
    row_filter: tuple[str, str] | None = None  # (column, value) selecting the rows


CLA_ON_31_MARCH = ("population_type", "Children looked after on 31 March each year")

DFE_MEASURES: list[DfeMeasure] = [
    DfeMeasure("children_in_need", "b1_children_in_need_2013_to_2025.csv", "At31_episodes"),
    DfeMeasure("referrals", "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "referral_count"),
    DfeMeasure("cpp_starts", "d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_start"),
    DfeMeasure("cpp_subsequent_pct", "d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent_percent"),
    DfeMeasure("sw_turnover_rate_fte", "csww_indicators_2017_to_2025.csv", "turnover_rate_fte"),
    DfeMeasure("sw_agency_rate_fte", "csww_indicators_2017_to_2025.csv", "agency_rate_fte"),
    DfeMeasure("sw_vacancy_rate_fte", "csww_indicators_2017_to_2025.csv", "vacancy_rate_fte"),
    DfeMeasure("child_population_0_17", "ons_mid-year_population_estimates_2012_to_2024.csv", "population_estimate"),
    DfeMeasure("looked_after", "cla_number_and_rate_per_10k_children.csv", "children_count", CLA_ON_31_MARCH),
    DfeMeasure("looked_after_rate", "cla_number_and_rate_per_10k_children.csv", "rate_per_10000", CLA_ON_31_MARCH),
]

IMD_FILE = "imd2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
POPULATION_FILE = "imd2019/File_6_-_IoD2019_Population_Denominators.csv.gz"
LTLA_UTLA_FILE = "dfe/LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
IMD_YEAR = 2019
LSOAS_IN_ENGLAND = 32_844


# --------------------------------------------------------------------------------------------------
# Reading


def _read_csv(path: Path, columns: list[str], **options) -> pd.DataFrame:
    """A CSV with the columns checked; a clear error naming the file if absent or different."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: expected a raw data file, found no file")
    # Several files start with a byte-order mark.
    frame = pd.read_csv(path, encoding="utf-8-sig", **options)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: expected columns {columns}, missing {missing}; found {list(frame.columns)}")
    return frame


def _read_dfe_file(raw_dir: Path, file: str) -> pd.DataFrame:
    """A DfE file's local-authority rows, every cell as text (so marks are seen, not guessed)."""
    frame = _read_csv(
        raw_dir / "dfe" / file,
        ["time_period", "geographic_level", "old_la_code", "new_la_code", "la_name"],
        dtype=str,
        keep_default_na=False,
    )
    return frame[frame["geographic_level"] == "Local authority"].copy()


def parse_value(text: str) -> tuple[float, str | None]:
    """(number, None) for a number as printed ("1,234", "12.5"); (nan, mark) for anything else."""
    cleaned = str(text).strip()
    if re.fullmatch(r"-?[\d,]*\.?\d+", cleaned):
        return float(cleaned.replace(",", "")), None
    return np.nan, cleaned


def _canonical_codes(rows: pd.DataFrame, las: pd.DataFrame, file: str) -> pd.Series:
    """Canonical la_code for each DfE row, checked against the DfE number of that authority."""
    codes = la.code_index(las)
    unknown = sorted(set(rows["new_la_code"].unique()) - set(codes))
    if unknown:
        raise ValueError(f"{file}: local authority codes {unknown} match no authority in the canonical table")
    canonical = rows["new_la_code"].map(codes)
    numbers = dict(zip(las["la_code"], las["dfe_la_number"].astype(int).astype(str)))
    wrong = rows[canonical.map(numbers) != rows["old_la_code"]]
    if not wrong.empty:
        raise ValueError(
            f"{file}: DfE number and ONS code disagree with the canonical table for "
            f"{wrong[['old_la_code', 'new_la_code', 'la_name']].drop_duplicates().values.tolist()}"
        )
    return canonical


def read_dfe_measures(raw_dir: Path, las: pd.DataFrame) -> pd.DataFrame:
    """Every DfE measure, value or mark: la_code, year, measure, value, source, mark (None if a number)."""
    files: dict[str, pd.DataFrame] = {}
    parts = []
    for spec in DFE_MEASURES:
        if spec.file not in files:
            rows = _read_dfe_file(raw_dir, spec.file)
            # Quirk: the workforce file gives some shared services as one row, e.g. "314 / 318".
            joint = rows["new_la_code"].str.contains("/")
            if joint.any():
                log.info(
                    "%s: %d rows for jointly reported authorities left out: %s",
                    spec.file,
                    int(joint.sum()),
                    sorted(set(rows.loc[joint, "la_name"])),
                )
            rows = rows[~joint].copy()
            rows["la_code"] = _canonical_codes(rows, las, spec.file)
            files[spec.file] = rows
        rows = files[spec.file]
        if spec.column not in rows.columns:
            raise ValueError(
                f"{raw_dir / 'dfe' / spec.file}: expected column {spec.column!r}, found {list(rows.columns)}"
            )
        if spec.row_filter:
            column, wanted = spec.row_filter
            rows = rows[rows[column] == wanted]
            if rows.empty:
                raise ValueError(f"{spec.file}: no rows with {column} == {wanted!r}")
        # Each distinct cell parsed once (a column repeats its few marks and many of its values).
        cells = rows[spec.column].tolist()  # plain strings: iterating a pandas string column is slow
        once = {text: parse_value(text) for text in set(cells)}
        parsed = [once[v] for v in cells]
        parts.append(
            pd.DataFrame(
                {
                    "la_code": rows["la_code"].to_numpy(),
                    "year": rows["time_period"].astype(int).to_numpy(),
                    "measure": spec.measure,
                    "value": [p[0] for p in parsed],
                    "source": spec.file,
                    "mark": [p[1] for p in parsed],
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    duplicated = frame[frame.duplicated(["la_code", "year", "measure"], keep=False)]
    if not duplicated.empty:
        raise ValueError(f"DfE files give two values for one authority, year and measure:\n{duplicated.head(10)}")
    _log_missing(frame)
    return frame


def _log_missing(frame: pd.DataFrame) -> None:
    for (measure, mark), n in frame[frame["mark"].notna()].groupby(["measure", "mark"]).size().items():
        if mark in SUPPRESSION_MARKS:
            log.info("%s: %d values marked %r (%s) read as missing", measure, n, mark, SUPPRESSION_MARKS[mark])
        else:
            log.warning("%s: %d values with unexpected text %r read as missing", measure, n, mark)


def dfe_missing_counts(raw_dir: Path, las: pd.DataFrame) -> pd.DataFrame:
    """How many DfE values each measure lost to each suppression mark: measure, mark, n."""
    frame = read_dfe_measures(raw_dir, las)
    missing = frame[frame["mark"].notna()]
    return missing.groupby(["measure", "mark"]).size().rename("n").reset_index()


# --------------------------------------------------------------------------------------------------
# IMD 2019


def read_lsoas(raw_dir: Path) -> pd.DataFrame:
    """One row per LSOA: lsoa, lsoa_name, district (2019 code), imd_rank, imd_decile, population."""
    imd = _read_csv(raw_dir / IMD_FILE, [])
    headers = list(imd.columns)
    expected = [
        "LSOA code (2011)",
        "LSOA name (2011)",
        "Local Authority District code (2019)",
        "Index of Multiple Deprivation (IMD) Rank",
        "Index of Multiple Deprivation (IMD) Decile",
    ]
    found = [headers[i] if i < len(headers) else None for i in (0, 1, 2, 4, 5)]
    if not all(str(f).startswith(e) for f, e in zip(found, expected)):
        raise ValueError(f"{raw_dir / IMD_FILE}: expected columns 1, 2, 3, 5, 6 to start {expected}, found {found}")
    # Quirk: ranks are not all distinct; 26 pairs of LSOAs share a rank (tied scores). Harmless here.
    imd = imd.iloc[:, [0, 1, 2, 4, 5]].set_axis(["lsoa", "lsoa_name", "district", "imd_rank", "imd_decile"], axis=1)
    # Quirk: File 6 prints populations with thousands separators ("1,296").
    population = _read_csv(raw_dir / POPULATION_FILE, ["LSOA code (2011)"], thousands=",")
    total = [c for c in population.columns if c.startswith("Total population")]
    if len(total) != 1:
        raise ValueError(f"{raw_dir / POPULATION_FILE}: expected one 'Total population' column, found {total}")
    population = population[["LSOA code (2011)", total[0]]].set_axis(["lsoa", "population"], axis=1)
    lsoas = imd.merge(population, on="lsoa", how="outer", validate="one_to_one", indicator=True)
    if (lsoas["_merge"] != "both").any() or len(lsoas) != LSOAS_IN_ENGLAND:
        raise ValueError(
            f"{IMD_FILE} and {POPULATION_FILE}: expected the same {LSOAS_IN_ENGLAND} LSOAs in both, "
            f"found {len(lsoas)} with {int((lsoas['_merge'] != 'both').sum())} in one file only"
        )
    return lsoas.drop(columns="_merge").sort_values("lsoa", ignore_index=True)


def read_ltla_utla(raw_dir: Path) -> pd.DataFrame:
    """England rows of the April 2023 lower-to-upper tier lookup: ltla, utla."""
    lookup = _read_csv(raw_dir / LTLA_UTLA_FILE, ["LTLA23CD", "UTLA23CD"], dtype=str)
    lookup = lookup[lookup["LTLA23CD"].str.startswith("E")]  # the file also covers Wales
    return lookup[["LTLA23CD", "UTLA23CD"]].set_axis(["ltla", "utla"], axis=1).reset_index(drop=True)


def district_upper_tiers(raw_dir: Path, district_codes: list[str]) -> pd.DataFrame:
    """Each 2019 district code with its upper tier today (`current`) and in 2013 (`county`).

    `county` is None for the Dorset-area districts (E06000058, E06000059), whose 2013 upper tier
    depends on the LSOA (see `assign_lsoas`).
    """
    districts = pd.DataFrame({"district": sorted(set(district_codes))})
    lookup = dict(zip(*read_ltla_utla(raw_dir).T.values))
    abolished = {d["code"]: d for d in la.load_changes()["abolished_districts"]}
    both = sorted(set(lookup) & set(abolished))
    if both:
        raise ValueError(f"{la.CHANGES_YAML.name}: districts {both} are in {LTLA_UTLA_FILE} too")
    districts["current"] = districts["district"].map(
        lambda d: abolished[d]["current"] if d in abolished else lookup.get(d)
    )
    districts["county"] = districts["district"].map(
        lambda d: abolished[d]["county"] if d in abolished else lookup.get(d)
    )
    dorset_area = districts["district"].isin(["E06000058", "E06000059"])
    districts.loc[dorset_area, "county"] = None
    unassigned = districts.loc[districts["current"].isna(), "district"].tolist()
    if unassigned:
        raise ValueError(
            f"{IMD_FILE}: districts {unassigned} are neither in {LTLA_UTLA_FILE} nor in "
            f"{la.CHANGES_YAML.name} abolished_districts"
        )
    return districts


def assign_lsoas(raw_dir: Path) -> pd.DataFrame:
    """read_lsoas() with `current` (upper tier today) and `county` (upper tier in 2013) per LSOA."""
    lsoas = read_lsoas(raw_dir)
    tiers = district_upper_tiers(raw_dir, lsoas["district"].tolist())
    lsoas = lsoas.merge(tiers, on="district", how="left", validate="many_to_one")
    prefixes = la.load_changes()["lsoa_name_prefixes_2019"]
    # LSOA names are "<2011 district name> <3 digits><letter>", e.g. "Weymouth and Portland 004C".
    dorset_area = lsoas["county"].isna()
    old_district = lsoas.loc[dorset_area, "lsoa_name"].str.replace(r" \d{3}[A-Z]$", "", regex=True)
    lsoas.loc[dorset_area, "county"] = old_district.map(prefixes)
    unassigned = lsoas.loc[lsoas["county"].isna(), "lsoa_name"].tolist()
    if unassigned:
        raise ValueError(
            f"{IMD_FILE}: LSOAs {unassigned[:5]} ({len(unassigned)}) match no lsoa_name_prefixes_2019 entry"
        )
    return lsoas


def _imd_summary(lsoas: pd.DataFrame, by: str) -> pd.DataFrame:
    """imd_avg_rank and imd_share_most_deprived_decile per value of `by` (long)."""
    weighted = lsoas["imd_rank"] * lsoas["population"]
    grouped = lsoas.assign(weighted=weighted, decile1=lsoas["imd_decile"].eq(1)).groupby(by)
    avg_rank = grouped["weighted"].sum() / grouped["population"].sum()
    share = grouped["decile1"].mean()
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "la_code": avg_rank.index,
                    "measure": "imd_avg_rank",
                    "value": avg_rank.to_numpy(),
                    "source": f"{Path(IMD_FILE).name}; {Path(POPULATION_FILE).name}",
                }
            ),
            pd.DataFrame(
                {
                    "la_code": share.index,
                    "measure": "imd_share_most_deprived_decile",
                    "value": share.to_numpy(),
                    "source": Path(IMD_FILE).name,
                }
            ),
        ],
        ignore_index=True,
    )


def imd_by_authority(raw_dir: Path, las: pd.DataFrame) -> pd.DataFrame:
    """IMD 2019 rows (la_code, year, measure, value, source) for every authority in `las`."""
    lsoas = assign_lsoas(raw_dir)
    current = set(las.loc[las["status"] == "current", "la_code"])
    abolished = set(las.loc[las["status"] == "abolished", "la_code"])
    # unique() first: a set of 32,844 pandas strings one by one is slow.
    tiers_today, tiers_2013 = set(lsoas["current"].unique()), set(lsoas["county"].unique())
    if tiers_today != current:
        raise ValueError(
            f"IMD upper tiers today differ from the current authorities: extra {sorted(tiers_today - current)}, "
            f"missing {sorted(current - tiers_today)}"
        )
    if not abolished <= tiers_2013:
        raise ValueError(f"IMD: no LSOAs for abolished authorities {sorted(abolished - tiers_2013)}")
    today = _imd_summary(lsoas, "current")
    before = _imd_summary(lsoas, "county")
    rows = pd.concat([today, before[before["la_code"].isin(abolished)]], ignore_index=True)
    rows.insert(1, "year", IMD_YEAR)
    return rows


# --------------------------------------------------------------------------------------------------
# The table


def build_la_context(raw_dir: Path, las: pd.DataFrame) -> pd.DataFrame:
    """The context table: la_code, year, measure, value, source; suppressed values left out; sorted."""
    dfe = read_dfe_measures(raw_dir, las)
    dfe = dfe[dfe["mark"].isna()].drop(columns="mark")
    table = pd.concat([dfe, imd_by_authority(raw_dir, las)], ignore_index=True)[CONTEXT_COLUMNS]
    table["year"] = table["year"].astype("Int64")
    table["value"] = table["value"].astype(float)
    unknown = set(table["la_code"].unique()) - set(las["la_code"])
    if unknown:
        raise ValueError(f"context rows for codes not in the authority table: {sorted(unknown)}")
    return table.sort_values(["la_code", "measure", "year", "source"], ignore_index=True)
