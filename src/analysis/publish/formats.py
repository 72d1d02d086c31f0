"""How the reports print an estimate, its interval and its p-value: one spelling for every notebook."""

from __future__ import annotations

from typing import Any

import pandas as pd


def interval(estimate: float, low: float, high: float, digits: int = 2) -> str:
    """'0.42 (0.35 to 0.50)'; '-' when there is no estimate."""
    if pd.isna(estimate):
        return "-"
    return f"{estimate:.{digits}f} ({low:.{digits}f} to {high:.{digits}f})"


def estimate_interval(estimate: Any, digits: int = 2) -> str:
    """`interval` of a result with estimate, ci_low and ci_high (analysis.models.results.Estimate)."""
    return interval(estimate.estimate, estimate.ci_low, estimate.ci_high, digits)


def p_value(value: float) -> str:
    """'0.015', '<0.001', or '-' when there is no test, for tables."""
    return "-" if pd.isna(value) else ("<0.001" if value < 0.001 else f"{value:.3f}")


def p_text(value: float) -> str:
    """'p = 0.015' or 'p < 0.001', for sentences."""
    return "p " + ("< 0.001" if value < 0.001 else f"= {value:.3f}") if pd.notna(value) else "no p-value"
