"""Local authority names and codes, resolved against the canonical authority table.

Shared by both halves: the build resolves the names and codes printed in reports, the ODS, DfE files
and press pages while it writes local_authorities.csv (analysis.build.authorities adds the names of
the raw la_lookup.csv); the analysis resolves the names a claim gives against the processed table.
Package data beside this file: la_changes.yaml (abolished authorities, reorganisations, code changes,
each fact with its source) and la_aliases.yaml (names as printed -> canonical code).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths

CHANGES_YAML: Path = Path(__file__).with_name("la_changes.yaml")
ALIASES_YAML: Path = Path(__file__).with_name("la_aliases.yaml")


#: Ofsted's public page of a local authority's inspection reports, by the authority's Ofsted URN.
OFSTED_PAGE = "https://reports.ofsted.gov.uk/provider/44/{urn}"


def ofsted_page(urn: object) -> str | None:
    """Ofsted's page of the authority's inspection reports for its URN (a number, or its text
    as read from a CSV); None when the URN is missing (an abolished authority no raw file confirms)."""
    if urn is None or (isinstance(urn, float) and pd.isna(urn)) or urn is pd.NA or str(urn).strip() == "":
        return None
    return OFSTED_PAGE.format(urn=int(float(urn)))


class LocalAuthorityError(LookupError):
    """A name, code or URN that matches no local authority, or an inconsistent lookup."""


@functools.cache
def load_changes() -> dict[str, Any]:
    """la_changes.yaml as a dict (abolished, reorganisations, code_changes, abolished_districts, ...)."""
    return paths.read_yaml(CHANGES_YAML)


@functools.cache
def load_aliases() -> dict[str, str]:
    """la_aliases.yaml: alias as written -> canonical code."""
    return dict(paths.read_yaml(ALIASES_YAML)["aliases"])


# --------------------------------------------------------------------------------------------------
# Names


def normalise_name(name: str) -> str:
    """A matching key for an authority name: lower case, '&' -> 'and', punctuation dropped."""
    key = str(name).lower().replace("&", " and ")
    key = re.sub(r",\s*(city|county) of$", "", key.strip())  # ONS "Bristol, City of"
    key = re.sub(r"[.,'’\-()]", " ", key)  # "St. Helens", "Southend-on-Sea", "Bournemouth, Christchurch"
    return re.sub(r"\s+", " ", key).strip()


# Council words around a place name, as in report titles and council names. Longest first.
_PREFIXES = ("london borough of ", "royal borough of ", "metropolitan borough of ", "borough of ", "city of ", "the ")
_SUFFIXES = (
    " metropolitan borough council",
    " metropolitan district council",
    " county borough council",
    " borough council",
    " county council",
    " district council",
    " city council",
    " council",
)


def strip_council_words(key: str) -> str:
    """A normalised name without 'London Borough of', '... County Council' and the like."""
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    return key.strip()


def _candidate_keys(name: str) -> list[str]:
    key = normalise_name(name)
    return [key, strip_council_words(key)]


def index_names(pairs: list[tuple[str, str, str]], known: set[str]) -> dict[str, str]:
    """Normalised name -> canonical code from (name, code, origin) pairs; a name that means two
    authorities raises, except a piece of la_lookup.csv's also_known_as list (see build.authorities)."""
    index: dict[str, str] = {}
    for name, code, origin in pairs:
        if code not in known:
            raise LocalAuthorityError(f"{origin}: name {name!r} points at {code}, which is not a canonical la_code")
        key = normalise_name(name)
        if key in index and index[key] != code:
            # "Bournemouth" alone in BCP's also_known_as list is not a name for BCP: it is the old borough.
            if origin == "la_lookup.csv also_known_as":
                continue
            raise LocalAuthorityError(f"{origin}: name {name!r} means both {index[key]} and {code}")
        index.setdefault(key, code)
    return index


def alias_pairs() -> list[tuple[str, str, str]]:
    """(name, code, origin) for every alias of la_aliases.yaml."""
    return [(alias, code, ALIASES_YAML.name) for alias, code in load_aliases().items()]


def table_pairs(las: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(name, code, origin) for the table's own names and every alias of la_aliases.yaml."""
    return [(n, c, "table") for n, c in zip(las["la_name"], las["la_code"])] + alias_pairs()


def resolve_name(name: str, index: dict[str, str]) -> str:
    """The canonical code for an authority name under a name index. Raises LocalAuthorityError."""
    for key in _candidate_keys(name):
        if key in index:
            return index[key]
    raise LocalAuthorityError(
        f"unknown local authority name {name!r} (looked up as {_candidate_keys(name)}): "
        f"add it to {ALIASES_YAML.relative_to(paths.ROOT)}"
    )


_INDEX_CACHE: list[tuple[pd.DataFrame, dict[str, str]]] = []


def la_code_for_name(name: str, las: pd.DataFrame) -> str:
    """The canonical code for an authority name: the table's names and la_aliases.yaml.

    'Dorset' is Dorset Council (E06000059, from 2019); the old county is 'Dorset County'.
    The index is built once per table object (many names are resolved against one table).
    """
    if not (_INDEX_CACHE and _INDEX_CACHE[0][0] is las):
        known = set(las["la_code"])
        # The table may be a part of the real one (a test's, a selection's): aliases of authorities
        # it does not hold cannot name any of its rows, so they are left out of its index.
        pairs = [pair for pair in table_pairs(las) if pair[1] in known]
        _INDEX_CACHE[:] = [(las, index_names(pairs, known))]
    return resolve_name(name, _INDEX_CACHE[0][1])


# --------------------------------------------------------------------------------------------------
# Codes


def code_index(las: pd.DataFrame) -> dict[str, str]:
    """Every ONS code known for an authority (canonical, former, newer) -> canonical code."""
    index = {code: code for code in las["la_code"]}
    for column in ("former_codes", "newer_codes"):
        for canonical, codes in zip(las["la_code"], las[column]):
            for code in (codes or "").split(";"):
                if code:
                    index[code] = canonical
    return index
