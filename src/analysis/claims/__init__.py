"""The claims registry and the computations that test it.

    registry       claims.yaml: reading it, its rules, `record_hypothesis`
    computations   the named computations a figure refers to (`COMPUTATIONS`)
    compare        computed against published: verdicts, explanations, tables

The names notebooks use are re-exported here (`from analysis import claims; claims.evaluate(...)`).
"""

from analysis.claims.compare import (
    Evaluation,
    claim_verdicts,
    evaluate,
    evaluate_figure,
    explain,
    format_value,
    load_registry,
    verdict_table,
)
from analysis.claims.computations import COMPUTATIONS, computation, population
from analysis.claims.registry import (
    FIGURE_VERDICTS,
    HYPOTHESIS_RECORD_KEY,
    HYPOTHESIS_VERDICTS,
    NOT_YET_TESTED,
    REGISTRY,
    NotTestable,
    RegistryError,
    Result,
    read_entries,
    record_hypothesis,
    validate_registry,
    windows,
)

__all__ = [
    "COMPUTATIONS",
    "FIGURE_VERDICTS",
    "HYPOTHESIS_RECORD_KEY",
    "HYPOTHESIS_VERDICTS",
    "NOT_YET_TESTED",
    "REGISTRY",
    "Evaluation",
    "NotTestable",
    "RegistryError",
    "Result",
    "claim_verdicts",
    "computation",
    "evaluate",
    "evaluate_figure",
    "explain",
    "format_value",
    "load_registry",
    "population",
    "read_entries",
    "record_hypothesis",
    "validate_registry",
    "verdict_table",
    "windows",
]
