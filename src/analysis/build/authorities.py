"""The canonical table of local authorities, built from the raw lookup; name and URN resolution
with the raw lookup's names as well (the shared, table-only resolution is analysis.las).

One row per English upper-tier authority with children's services responsibilities at any time
since 2013: the 152 of the SIF era plus the six created since (Bournemouth, Christchurch and Poole
and Dorset in 2019; North and West Northamptonshire in 2021; Cumberland and Westmorland and Furness
in 2023), 158 in all, 153 current and 5 abolished.

Where each column comes from:
- current authorities: data/raw lookups/la_lookup.csv (data-to-insight), one row each;
- abolished authorities, reorganisations and code changes: la_changes.yaml in this package, each
  fact with its source;
- la_type is derived from the code's prefix (E06 unitary, E08 metropolitan district, E09 London
  borough, E10 county) because la_lookup.csv's `ons_la_type` is stale for the 2023 unitaries
  (Cumberland, Westmorland and Furness and North Yorkshire are listed as "County").

The canonical `la_code` is the ONS code Ofsted's ODS and la_lookup.csv use for the authority today,
or the last code of an abolished one. Other codes of the same authority are kept in `former_codes`
(e.g. Buckinghamshire E10000002) or `newer_codes` (Barnsley E08000038 and Sheffield E08000039,
used only by the 2025 workforce release). An abolished authority keeps its own code: DfE rows for
Northamptonshire stay under E10000021, never under its successors.

The DfE statistical neighbours (dfe/New_Statistical_Neighbour_Groupings_April_2021.csv) are read
here too, their DfE numbers resolved to the canonical codes: read_statistical_neighbours.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.las import (
    CHANGES_YAML,
    LocalAuthorityError,
    alias_pairs,
    code_index,
    index_names,
    load_changes,
    resolve_name,
)
from analysis.schema import LA_FIELDS, LA_TYPES

__all__ = [
    "LocalAuthorityError",
    "build_local_authorities",
    "code_index",
    "la_code_for_name",
    "la_code_for_urn",
    "read_statistical_neighbours",
]

LA_COLUMNS: list[str] = [field.name for field in LA_FIELDS]
LA_LOOKUP: str = "lookups/la_lookup.csv"
NEIGHBOURS: str = "dfe/New_Statistical_Neighbour_Groupings_April_2021.csv"
NEIGHBOURS_PER_AUTHORITY = 10

# --------------------------------------------------------------------------------------------------
# The table


def _read_lookup(raw_dir: Path) -> pd.DataFrame:
    """la_lookup.csv rows for current authorities (those with an ONS code in `la_code_new`)."""
    path = raw_dir / LA_LOOKUP
    if not path.is_file():
        raise FileNotFoundError(f"{path}: expected data-to-insight's la_lookup.csv, found no file")
    # The file starts with a byte-order mark; `urn` and `la_code` are integers.
    lookup = pd.read_csv(path, encoding="utf-8-sig", dtype={"la_code_new": str, "also_known_as": str})
    expected = {"urn", "la_code", "la_code_new", "local_authority_ons_name", "region_name", "also_known_as"}
    missing = expected - set(lookup.columns)
    if missing:
        raise ValueError(f"{path}: expected columns {sorted(expected)}, missing {sorted(missing)}")
    # Quirk: the abolished Cumbria (909), Northamptonshire (928) and Poole (836) have rows with an
    # empty `la_code_new`; they are described in la_changes.yaml instead.
    return lookup[lookup["la_code_new"].notna()].copy()


def _code_changes_for(code: str, which: str) -> list[str]:
    """Other codes of the authority whose canonical code is `code`: which='former' or 'newer'."""
    found = []
    for change in load_changes()["code_changes"]:
        canonical, other = (
            (change["new_code"], change["old_code"])
            if change["canonical"] == "new"
            else (change["old_code"], change["new_code"])
        )
        if canonical == code and (which == "former") == (change["canonical"] == "new"):
            found.append(other)
    return sorted(found)


def _reorganisation_links() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str]]:
    """predecessors by successor, successors by predecessor, and creation date by successor."""
    predecessors: dict[str, set[str]] = {}
    successors: dict[str, set[str]] = {}
    created: dict[str, str] = {}
    for reorganisation in load_changes()["reorganisations"]:
        for before, after in reorganisation["links"]:
            predecessors.setdefault(after, set()).add(before)
            successors.setdefault(before, set()).add(after)
        for after in reorganisation["successors"]:
            created[after] = reorganisation["date"]
    return predecessors, successors, created


def _join(codes: set[str] | list[str] | None) -> str | None:
    return ";".join(sorted(codes)) if codes else None


def build_local_authorities(raw_dir: Path) -> pd.DataFrame:
    """The canonical authority table (columns LA_COLUMNS), sorted by la_code."""
    lookup = _read_lookup(raw_dir)
    rows = [
        {
            "la_code": row.la_code_new,
            "la_name": row.local_authority_ons_name,
            "dfe_la_number": int(row.la_code),
            "ofsted_urn": int(row.urn),
            "region": row.region_name,
            "status": "current",
        }
        for row in lookup.itertuples()
    ]
    for entry in load_changes()["abolished"]:
        rows.append(
            {
                "la_code": entry["la_code"],
                "la_name": entry["la_name"],
                "dfe_la_number": int(entry["dfe_la_number"]),
                "ofsted_urn": None,
                "region": entry["region"],
                "status": "abolished",
                "valid_to": entry["valid_to"],
            }
        )
    table = pd.DataFrame(rows)
    predecessors, successors, created = _reorganisation_links()
    table["la_type"] = table["la_code"].str[:3].map(LA_TYPES)
    table["predecessor_codes"] = table["la_code"].map(lambda c: _join(predecessors.get(c)))
    table["successor_codes"] = table["la_code"].map(lambda c: _join(successors.get(c)))
    table["former_codes"] = table["la_code"].map(lambda c: _join(_code_changes_for(c, "former")))
    table["newer_codes"] = table["la_code"].map(lambda c: _join(_code_changes_for(c, "newer")))
    table["valid_from"] = table["la_code"].map(created)
    if "valid_to" not in table:
        table["valid_to"] = None
    table["dfe_la_number"] = table["dfe_la_number"].astype("Int64")
    table["ofsted_urn"] = table["ofsted_urn"].astype("Int64")
    for column in ("predecessor_codes", "successor_codes", "former_codes", "newer_codes", "valid_from", "valid_to"):
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    table = table[LA_COLUMNS].sort_values("la_code", ignore_index=True)
    _check_table(table, raw_dir)
    return table


def _check_table(table: pd.DataFrame, raw_dir: Path) -> None:
    """Stop on a table that breaks the invariants every user of it relies on."""
    problems = []
    for column in ("la_code", "la_name", "dfe_la_number"):
        duplicated = table[table[column].duplicated(keep=False)][column].tolist()
        if duplicated:
            problems.append(f"{column} not unique: {duplicated}")
    if table["la_type"].isna().any():
        problems.append(f"unknown code prefix: {table.loc[table['la_type'].isna(), 'la_code'].tolist()}")
    every_code = [c for column in ("former_codes", "newer_codes") for v in table[column].dropna() for c in v.split(";")]
    clash = set(every_code) & set(table["la_code"])
    if clash or len(every_code) != len(set(every_code)):
        problems.append(f"codes used twice: {sorted(clash) or every_code}")
    linked = {
        c for column in ("predecessor_codes", "successor_codes") for v in table[column].dropna() for c in v.split(";")
    }
    if linked - set(table["la_code"]):
        problems.append(f"reorganisation codes not in the table: {sorted(linked - set(table['la_code']))}")
    if problems:
        raise LocalAuthorityError(f"{raw_dir / LA_LOOKUP} with {CHANGES_YAML.name}: " + "; ".join(problems))


# --------------------------------------------------------------------------------------------------
# Resolution


@functools.cache
def default_local_authorities() -> pd.DataFrame:
    """The table built from the default raw folder (RAW_DATA_DIR or ../shared/data/raw), cached."""
    return build_local_authorities(paths.raw_data_dir())


def name_index(las: pd.DataFrame, raw_dir: Path | None = None) -> dict[str, str]:
    """Normalised name -> canonical code, from the table, la_lookup.csv's names and la_aliases.yaml."""
    pairs: list[tuple[str, str, str]] = [(n, c, "table") for n, c in zip(las["la_name"], las["la_code"])]
    lookup = _read_lookup(raw_dir or paths.raw_data_dir())
    for row in lookup.itertuples():
        pairs.append((row.local_authority_ons_name, row.la_code_new, "la_lookup.csv"))
        if isinstance(row.also_known_as, str):
            # Quirk: also_known_as is a bracketed list written as text, "[Kingston Upon Hull, Hull]".
            # In BCP's "[BCP, Bournemouth, Christchurch & Poole]" the separator also splits the name;
            # the piece "Bournemouth" then clashes with the old borough and is skipped (las.index_names).
            for alias in row.also_known_as.strip("[]").split(", "):
                pairs.append((alias, row.la_code_new, "la_lookup.csv also_known_as"))
    pairs += alias_pairs()
    return index_names(pairs, set(las["la_code"]))


def la_code_for_name(name: str, las: pd.DataFrame | None = None) -> str:
    """The canonical code for an authority name as printed anywhere (report, ODS, DfE, press).

    'Dorset' is Dorset Council (E06000059, from 2019); the old county is 'Dorset County Council'.
    Raises LocalAuthorityError naming the unknown name.
    """
    return resolve_name(name, _default_index() if las is None else _index_for(las))


@functools.cache
def _default_index() -> dict[str, str]:
    return name_index(default_local_authorities())


_INDEX_CACHE: list[tuple[pd.DataFrame, dict[str, str]]] = []


def _index_for(las: pd.DataFrame) -> dict[str, str]:
    """name_index(las), reused while the same table object is passed (resolving many names)."""
    if _INDEX_CACHE and _INDEX_CACHE[0][0] is las:
        return _INDEX_CACHE[0][1]
    _INDEX_CACHE[:] = [(las, name_index(las))]
    return _INDEX_CACHE[0][1]


_URN_CACHE: list[tuple[pd.DataFrame, dict[int, str]]] = []


def _urn_index(las: pd.DataFrame) -> dict[int, str]:
    """Ofsted URN -> canonical code, built once per table object (the build resolves thousands)."""
    if not (_URN_CACHE and _URN_CACHE[0][0] is las):
        known = las[las["ofsted_urn"].notna()]
        _URN_CACHE[:] = [(las, {int(u): str(c) for u, c in zip(known["ofsted_urn"], known["la_code"])})]
    return _URN_CACHE[0][1]


def canonical_code(code: str, las: pd.DataFrame | None = None) -> str:
    """The canonical code for any ONS code of an authority (E10000002 -> E06000060)."""
    index = code_index(default_local_authorities() if las is None else las)
    try:
        return index[str(code).strip()]
    except KeyError:
        raise LocalAuthorityError(
            f"unknown local authority code {code!r}: not a current, former or abolished code"
        ) from None


def la_code_for_urn(urn: int | str, las: pd.DataFrame | None = None) -> str:
    """The canonical code for an Ofsted URN (as in MANIFEST.csv or a report's page address)."""
    table = default_local_authorities() if las is None else las
    try:
        wanted = int(str(urn).strip())
    except ValueError:
        raise LocalAuthorityError(f"Ofsted URN {urn!r} is not a number") from None
    try:
        return _urn_index(table)[wanted]
    except KeyError:
        raise LocalAuthorityError(f"unknown Ofsted URN {urn!r}: no authority in {LA_LOOKUP} has it") from None


# --------------------------------------------------------------------------------------------------
# Statistical neighbours


#: Names of the "Old SNs:" block that mean another authority today: "Dorset (Pre LG)" is the county
#: abolished in 2019, "Dorset County" in local_authorities.csv ("Dorset" is Dorset Council, 2019-).
_PRE_LG_NAMES = {"Dorset (Pre LG)": "Dorset County"}


def read_statistical_neighbours(raw_dir: Path, las: pd.DataFrame) -> pd.DataFrame:
    """The DfE statistical neighbour groupings (April 2021) as la_code, neighbour_code, rank (1 closest).

    The raw file (dfe/New_Statistical_Neighbour_Groupings_April_2021.csv) has one row per authority:
    its DfE number ("LA num"), name, region and ten neighbours by DfE number (SN1 .. SN10), each with a
    closeness band (SNP). Quirks: a byte-order mark; a trailing comma (an unnamed empty column); after
    the 152 authorities of 2021 a block headed "Old SNs:" gives the groupings of the four authorities
    abolished in 2019 and 2021 (Dorset, Poole and Bournemouth "(Pre LG)", Northamptonshire), kept here
    under their own codes. DfE numbers are resolved to the canonical la_code through
    local_authorities.csv's `dfe_la_number`; each row's name is checked against the same code by the
    name resolution (la_code_for_name, "(Pre LG)" removed). Anything that does not resolve, a name
    naming another authority, a missing neighbour or an authority listed twice stops the build with
    an error naming the file.
    """
    path = raw_dir / NEIGHBOURS
    if not path.is_file():
        raise FileNotFoundError(f"{path}: expected the DfE statistical neighbour groupings, found no file")
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    ranks = range(1, NEIGHBOURS_PER_AUTHORITY + 1)
    expected = {"LA num", "LA Name", *(f"SN{rank}" for rank in ranks)}
    if expected - set(raw.columns):
        raise LocalAuthorityError(
            f"{path}: expected columns {sorted(expected)}, missing {sorted(expected - set(raw.columns))}"
        )
    rows = raw[raw["LA num"].notna()]  # blank lines and the "Old SNs:" heading have no number
    by_number = {str(int(n)): c for n, c in zip(las["dfe_la_number"], las["la_code"])}
    problems: list[str] = []

    def code(number: object, what: str) -> str | None:
        found = by_number.get(str(number).strip())
        if found is None:
            problems.append(f"{what}: DfE number {number!r} is no authority of local_authorities.csv")
        return found

    out = []
    for row in rows.to_dict("records"):
        number, name = row["LA num"], str(row["LA Name"])
        la_code = code(number, f"row {name!r}")
        if la_code is None:
            continue
        try:
            named = la_code_for_name(_PRE_LG_NAMES.get(name, name.replace("(Pre LG)", "").strip()), las)
        except LocalAuthorityError as error:
            problems.append(f"row {name!r}: {error}")
            continue
        if named != la_code:
            problems.append(f"row {name!r}: DfE number {number} is {la_code}, the name is {named}")
        for rank in ranks:
            value = row[f"SN{rank}"]
            if pd.isna(value):
                problems.append(f"row {name!r}: no SN{rank}")
                continue
            out.append({"la_code": la_code, "neighbour_code": code(value, f"row {name!r} SN{rank}"), "rank": rank})
    table = pd.DataFrame(out, columns=["la_code", "neighbour_code", "rank"])
    twice = sorted(set(table.loc[table.duplicated(["la_code", "rank"]), "la_code"]))
    if twice:
        problems.append(f"authorities listed twice: {twice}")
    repeated = sorted(set(table.loc[table.duplicated(["la_code", "neighbour_code"]), "la_code"]))
    if repeated:
        problems.append(f"a neighbour listed twice for {repeated}")
    if (table["la_code"] == table["neighbour_code"]).any():
        problems.append(
            f"an authority its own neighbour: {sorted(set(table.loc[table['la_code'] == table['neighbour_code'], 'la_code']))}"
        )
    if problems:
        raise LocalAuthorityError(f"{path}: " + "; ".join(problems))
    table["rank"] = table["rank"].astype("Int64")
    return table.sort_values(["la_code", "rank"], ignore_index=True)
