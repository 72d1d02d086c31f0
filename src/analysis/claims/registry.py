"""The claims registry (claims.yaml beside this file): reading it, its rules, and the records a
model notebook leaves on a hypothesis.

Each entry is one claim from a seed article: its source, a quote of at most one sentence, its kind
(figure, rule or hypothesis) and one or more *figures*; a figure names a computation in
`analysis.claims.computations` with its arguments, the published value, how the two are compared and
why that tolerance. Nothing in the registry says whether a claim holds: verdicts are computed
(`analysis.claims.compare`), and a stored verdict-like key is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.publish.records import record

REGISTRY: Path = Path(__file__).with_name("claims.yaml")
KINDS: tuple[str, ...] = ("figure", "rule", "hypothesis")
COMPARISONS: tuple[str, ...] = ("within", "greater", "less", "at_least", "at_most", "same_set", "equal")
FIGURE_VERDICTS: tuple[str, ...] = ("reproduced", "differs", "not testable")
HYPOTHESIS_VERDICTS: tuple[str, ...] = ("supported", "not supported", "inconclusive")
NOT_YET_TESTED = "not yet tested"
#: Record key under which a model notebook leaves its finding on a hypothesis.
HYPOTHESIS_RECORD_KEY = "hypothesis.{id}"
#: Keys a registry entry / figure may have. A stored verdict is refused: verdicts are computed.
ENTRY_KEYS = {"id", "source", "quote", "kind", "figures", "test_notebook", "note"}
FIGURE_KEYS = {
    "name",
    "computation",
    "published",
    "compare",
    "tolerance",
    "justification",
    "field",
    "alternatives",
    "operationalisation",
}
FORBIDDEN_KEYS = {"verdict", "result", "reproduced", "status", "computed"}


class NotTestable(Exception):
    """The data cannot test this figure; the message says why (computed from the data)."""


class RegistryError(ValueError):
    """claims.yaml breaks the registry's rules."""


@dataclass
class Result:
    """What a computation found: the value, and the rows it looked at (for explaining differences).

    `members` has one row per inspection (or authority) in the population with columns la_name,
    inspection_id, inspection_type, source_quality and `counted` (True for rows in the value).
    """

    value: Any
    members: pd.DataFrame | None = None
    note: str = ""
    #: fields of a dict value the data cannot determine, with the reason (asking for one is NotTestable)
    undetermined: dict[str, str] = field(default_factory=dict)


def _forbidden(node: Any, where: str) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).lower() in FORBIDDEN_KEYS:
                found.append(f"{where}.{key}")
            found += _forbidden(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _forbidden(value, f"{where}[{i}]")
    return found


def validate_registry(entries: list[dict], computations: Mapping[str, Any]) -> None:
    """Raise RegistryError listing every rule an entry breaks (see the module docstring);
    `computations` are the known computation names (analysis.claims.computations.COMPUTATIONS)."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        cid = entry.get("id", f"#{i}")
        problems += [f"{cid}: stored verdict-like key {k} (verdicts are computed)" for k in _forbidden(entry, cid)]
        if cid in seen:
            problems.append(f"{cid}: duplicate id")
        seen.add(cid)
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            problems.append(f"{cid}: unknown keys {sorted(unknown)}")
        for key in ("source", "quote", "kind", "figures"):
            if key not in entry:
                problems.append(f"{cid}: missing {key}")
        source = entry.get("source", {})
        if not all(source.get(k) for k in ("article", "outlet", "date")):
            problems.append(f"{cid}: source needs article, outlet and date")
        quote = str(entry.get("quote", ""))
        if len(re.findall(r"[.!?](?:\s|$)", quote.strip())) > 1:
            problems.append(f"{cid}: quote is more than one sentence")
        kind = entry.get("kind")
        if kind not in KINDS:
            problems.append(f"{cid}: kind must be one of {KINDS}")
        if kind == "hypothesis" and not entry.get("test_notebook"):
            problems.append(f"{cid}: a hypothesis needs test_notebook")
        for j, figure in enumerate(entry.get("figures") or []):
            fid = f"{cid}.{figure.get('name', j)}"
            unknown = set(figure) - FIGURE_KEYS
            if unknown:
                problems.append(f"{fid}: unknown keys {sorted(unknown)}")
            comp = figure.get("computation") or {}
            if comp.get("function") not in computations:
                problems.append(
                    f"{fid}: computation.function {comp.get('function')!r} is not in analysis.claims.computations.COMPUTATIONS"
                )
            if kind != "hypothesis":
                for key in ("published", "compare", "justification"):
                    if key not in figure:
                        problems.append(f"{fid}: missing {key}")
                if figure.get("compare") not in COMPARISONS:
                    problems.append(f"{fid}: compare must be one of {COMPARISONS}")
                if figure.get("compare") in ("within",) and not isinstance(figure.get("tolerance"), (int, float)):
                    problems.append(f"{fid}: compare 'within' needs a numeric tolerance")
        if not entry.get("figures"):
            problems.append(f"{cid}: no figures")
    if problems:
        raise RegistryError("claims registry:\n  " + "\n  ".join(problems))


def read_entries(path: Path | str = REGISTRY) -> list[dict]:
    """The registry entries as written (not yet validated: see analysis.claims.load_registry)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["claims"]


def windows(path: Path | str = REGISTRY) -> dict[str, dict[str, Any]]:
    """The named time windows of the registry (its `windows:` block), e.g. ``windows()["dec_2016"]``
    -> ``{"framework": "SIF", "as_at": "2016-12-31"}``: the windows the claims use, for reports that
    draw the same populations (so no date is typed twice)."""
    found = yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("windows") or {}
    return {name: dict(window) for name, window in found.items()}


def record_hypothesis(hypothesis: str, verdict: str, evidence: str) -> dict:
    """For model notebooks: record the finding on a registered hypothesis so 01_cited_figures shows it."""
    if verdict not in HYPOTHESIS_VERDICTS:
        raise ValueError(f"verdict must be one of {HYPOTHESIS_VERDICTS}, not {verdict!r}")
    return record(HYPOTHESIS_RECORD_KEY.format(id=hypothesis), {"verdict": verdict, "evidence": evidence})
