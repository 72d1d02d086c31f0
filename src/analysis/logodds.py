"""Which words distinguish two sets of texts: the log-odds ratio with an informative Dirichlet prior.

Monroe, Colaresi and Quinn (2008), "Fightin' words", Political Analysis 16(4), section 3.5: for word w
with counts y_a, y_b in the two sets (totals n_a, n_b) and prior counts alpha_w (alpha_0 in all),

    delta_w = log((y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w))
            - log((y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w)),
    var(delta_w) ~ 1 / (y_a + alpha_w) + 1 / (y_b + alpha_w),   z_w = delta_w / sqrt(var).

The prior is informative: alpha_w is the word's share of the two sets' pooled counts times alpha_0,
`prior_size`. By default alpha_0 is the pooled count itself (the prior weighs as much as the data:
this project's choice, which shrinks rare words hard and leaves common ones nearly as counted; a
parameter). A few lines of numpy (issue 9: the PyPI
package for it is broken).

Within strata (the overall grade, so that an inadequate report's words are compared with another
inadequate report's), each stratum gives delta and var, with the prior of that stratum's own pooled
counts (a prior shared across strata would pull the smaller side of a stratum toward the other
strata's word shares and invent a difference), and the pooled estimate is their inverse-variance
weighted mean (a fixed-effect meta-analysis over strata): stated here as the assumption the notebook
makes. Shared by both halves: the build picks its example sentences for the
words this ranks first; notebooks/20_report_language ranks with it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def log_odds(
    counts_a: np.ndarray, counts_b: np.ndarray, prior: np.ndarray | None = None, prior_size: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(delta, var) for each word: set a against set b (positive delta: more used in a).

    `prior`: per-word prior shares (default the pooled counts' shares); `prior_size`: alpha_0
    (default the pooled count)."""
    a = np.asarray(counts_a, dtype=float)
    b = np.asarray(counts_b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"expected two count vectors of one length, found shapes {a.shape} and {b.shape}")
    pooled = a + b
    if pooled.sum() <= 0:
        raise ValueError("expected some words counted, found none")
    share = pooled / pooled.sum() if prior is None else np.asarray(prior, dtype=float) / np.sum(prior)
    alpha0 = float(pooled.sum()) if prior_size is None else float(prior_size)
    alpha = np.maximum(share * alpha0, 1e-9)
    na, nb = a.sum(), b.sum()
    delta = np.log((a + alpha) / (na + alpha0 - a - alpha)) - np.log((b + alpha) / (nb + alpha0 - b - alpha))
    var = 1.0 / (a + alpha) + 1.0 / (b + alpha)
    return delta, var


def stratified(
    pairs: list[tuple[np.ndarray, np.ndarray]], prior_size: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(delta, z) pooled over strata: each stratum's (counts_a, counts_b) scored by log_odds with its
    own pooled counts as prior, then the inverse-variance weighted mean of the strata's deltas."""
    if not pairs:
        raise ValueError("expected at least one stratum, found none")
    weights = np.zeros(len(pairs[0][0]), dtype=float)
    weighted = np.zeros_like(weights)
    for a, b in pairs:
        if np.sum(a) == 0 or np.sum(b) == 0:
            continue  # a stratum with one side empty says nothing about the difference
        delta, var = log_odds(a, b, prior_size=prior_size)
        weights += 1.0 / var
        weighted += delta / var
    if not weights.any():
        raise ValueError("expected a stratum with words on both sides, found none")
    delta = np.divide(weighted, weights, out=np.zeros_like(weighted), where=weights > 0)
    z = delta * np.sqrt(weights)
    return delta, z


def distinguishing(terms: pd.DataFrame, a: str, b: str, section: str, prior_size: float | None = None) -> pd.DataFrame:
    """Words of `section` ranked by the within-grade log-odds of group a against group b (stratified,
    strata the overall grades): columns term, delta, z, count_a, count_b, most distinctive of a first.

    `terms`: data/processed/report_terms.csv (group, grade, section, term, count)."""
    if not {"group", "grade", "section", "term", "count"} <= set(terms.columns):
        raise ValueError(
            f"expected report_terms' columns group, grade, section, term, count; found {list(terms.columns)}"
        )
    part = terms[(terms["section"] == section) & terms["group"].isin([a, b])]
    if part.empty:
        raise ValueError(f"no words of section {section!r} for {a!r} or {b!r} in the term table")
    table = part.pivot_table(index="term", columns=["grade", "group"], values="count", aggfunc="sum", fill_value=0)
    grades = sorted({g for g, _ in table.columns})
    pairs = [
        (table[(g, a)].to_numpy(), table[(g, b)].to_numpy())
        for g in grades
        if (g, a) in table.columns and (g, b) in table.columns
    ]
    if not pairs:
        raise ValueError(f"no words of section {section!r} for both {a!r} and {b!r} in the same grade")
    delta, z = stratified(pairs, prior_size)
    counts = part.pivot_table(index="term", columns="group", values="count", aggfunc="sum", fill_value=0)
    out = pd.DataFrame(
        {"term": table.index, "delta": delta, "z": z, "count_a": counts[a].to_numpy(), "count_b": counts[b].to_numpy()}
    )
    return out.sort_values(["z", "term"], ascending=[False, True]).reset_index(drop=True)
