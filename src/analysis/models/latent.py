"""The penalty of version 2 of the decision rule: reordering across a framework change on a latent scale.

Where the values come from: the pair model's sequence and pairs (analysis.models.transitions
`headline_sequence`, `consecutive_pairs`: every dated inspection with a headline grade, in each
authority's order, and every consecutive pair of them). The method is verdict_rule_v2.yaml's "penalty":

1. Thresholds. Each (framework, area) group's grades are read as a standard normal latent score cut at
   the probits of the group's cumulative grade shares (counted rows only): the first step of the
   two-step polychoric estimator (Olsson 1979). A framework that grades harder has other thresholds,
   not other scores, so a threshold shift of any size, inside categories or by whole grades, is absorbed.
2. Correlation. The two latent scores of a consecutive pair are bivariate normal with correlation
   rho = tanh(b0 + b1 * years_apart + b2 * crosses_framework). b maximises the pairwise likelihood of
   the observed pairs, each pair's probability the bivariate normal mass of the rectangle between its
   two grades' thresholds, the thresholds held at step 1 (every inspection but an authority's first
   and last is in two pairs: a composite likelihood, so the interval comes from the bootstrap).
3. Penalty. tanh(b0 + b1 * y) - tanh(b0 + b1 * y + b2), y the median years apart of the crossing pairs:
   how much less an authority's two grades agree, on the latent scale, when a framework change lies
   between them, at equal time apart. Positive = orders reshuffled more across frameworks.
4. Interval. The percentile interval of a seeded bootstrap over authorities (the authorities of the
   counted sequence): every resample refits the thresholds and b, so the thresholds' sampling noise is
   in the interval. Resamples are weights (an authority drawn m times counts m times), fitted all at
   once as numpy arrays (resamples x pairs), in blocks of BLOCK resamples, by Newton's method with the
   analytic Hessian (the outer-product information where it is not negative definite), starting from
   the fit on the data. The p-value is the bootstrap's two-sided one: twice the smaller share
   of resampled penalties at or beyond 0 (the rule reads the estimate and interval only).

The bivariate normal distribution function is Drezner and Wesolowsky's (1990) integral over the
correlation, Phi2(h, k; rho) = Phi(h) Phi(k) + int_0^rho phi2(h, k; r) dr, by Gauss-Legendre quadrature
(6, 10 or 20 points by the largest |rho|: within 1e-8 of scipy's multivariate_normal.cdf for
|rho| <= 0.95, tests/models/test_latent.py); its derivative in rho is the bivariate normal density.
Latent bounds are clipped at +-8 (the normal mass beyond is below 1e-15) and rho at +-RHO_MAX, where
the 20-point rule is still within 1e-8.

Assumed: a latent score per inspection, standard normal within its framework and area (so a group's
grade mix says only where its thresholds are); authorities independent (the bootstrap unit). A
resample whose fit has not converged after MAX_ITER steps, or whose step is not a number, is left out
of the interval and counted (`n_failed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from analysis.data import Data
from analysis.models import transitions
from analysis.models.results import Estimate, row, tidy

MODEL = "penalty_latent"
COMPARISON = "all consecutive pairs"
BOUND = 8.0  # latent bounds of the outermost grades
RHO_MAX = 0.97  # |rho| is kept below this
#: Gauss-Legendre rules by the largest |rho| they are used for (errors against scipy: below 1e-8 for
#: 6 points up to 0.65, 1e-11 for 10 up to 0.8, 1e-8 for 20 up to 0.95; tests/models/test_latent.py).
QUADRATURE = [(0.65, np.polynomial.legendre.leggauss(6)), (0.8, np.polynomial.legendre.leggauss(10))]
QUADRATURE_ABOVE = np.polynomial.legendre.leggauss(20)
BLOCK = 50  # resamples fitted together
MAX_ITER = 40
PROBABILITY_FLOOR = 1e-12  # the smallest probability a pair is given (see _fit)
TOLERANCE = 1e-4  # largest change of a coefficient at convergence (their bootstrap spread is about 0.1)
START = (np.arctanh(0.5), 0.0, 0.0)  # b0, b1, b2 of the first fit


def _phi(x: np.ndarray) -> np.ndarray:
    return 0.5 * special.erfc(-x / np.sqrt(2.0))


@dataclass(frozen=True)
class _Corners:
    """What the bivariate normal at points (h, k) needs that does not depend on rho, computed once."""

    squares: np.ndarray  # h^2 + k^2 (h, k clipped to +-BOUND)
    product: np.ndarray  # h k
    margins: np.ndarray  # Phi(h) Phi(k)

    @classmethod
    def of(cls, h: np.ndarray, k: np.ndarray) -> _Corners:
        h, k = np.clip(np.asarray(h, float), -BOUND, BOUND), np.clip(np.asarray(k, float), -BOUND, BOUND)
        return cls(h * h + k * k, h * k, _phi(h) * _phi(k))

    def cdf(self, rho: np.ndarray) -> np.ndarray:
        """Phi2 at the points; rho broadcasts against them (e.g. one rho for a pair's four corners)."""
        largest = np.abs(rho).max() if rho.size else 0.0
        nodes, weights = next((rule for limit, rule in QUADRATURE if largest <= limit), QUADRATURE_ABOVE)
        r = rho[..., None] * (nodes + 1.0) / 2.0
        one_minus = 1.0 - r * r
        exponent = (self.squares[..., None] - 2.0 * r * self.product[..., None]) / (2.0 * one_minus)
        integral = (np.exp(-exponent) / np.sqrt(one_minus) * weights).sum(axis=-1) * rho / (4.0 * np.pi)
        return self.margins + integral

    def pdf(self, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The density at the points and its derivative in rho (both 0 at the bounds +-BOUND):
        d/drho log phi2 = rho / (1 - rho^2) - (rho (h^2 + k^2) - h k (1 + rho^2)) / (1 - rho^2)^2."""
        one_minus = 1.0 - rho * rho
        density = np.exp(-(self.squares - 2.0 * rho * self.product) / (2.0 * one_minus)) / (
            2.0 * np.pi * np.sqrt(one_minus)
        )
        slope = density * (
            rho / one_minus - (rho * self.squares - self.product * (1.0 + rho * rho)) / (one_minus * one_minus)
        )
        return density, slope


def bivariate_normal_cdf(h: np.ndarray, k: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """P(X <= h, Y <= k) for standard bivariate normal X, Y with correlation rho (elementwise)."""
    h, k, rho = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(rho, float))
    return _Corners.of(h, k).cdf(rho)


def bivariate_normal_pdf(h: np.ndarray, k: np.ndarray, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The standard bivariate normal density and its derivative in rho (see _Corners.pdf)."""
    h, k, rho = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(rho, float))
    return _Corners.of(h, k).pdf(rho)


def thresholds(groups: np.ndarray, levels: np.ndarray, weights: np.ndarray, n_groups: int, n_levels: int) -> np.ndarray:
    """Latent thresholds per resample and group: array (resamples, groups, n_levels + 1), the bounds
    of level j (1-based) at [j - 1] and [j], outermost at -+BOUND. `weights` (resamples, rows) count
    each sequence row; groups and levels are 0-based codes of the rows."""
    counts = np.zeros((weights.shape[0], n_groups, n_levels))
    np.add.at(counts, (slice(None), groups, levels), weights)
    totals = counts.sum(axis=2, keepdims=True)
    cumulative = np.cumsum(counts, axis=2) / np.where(totals > 0, totals, 1.0)
    with np.errstate(divide="ignore"):
        inner = special.ndtri(np.clip(cumulative[:, :, :-1], 0.0, 1.0))
    inner = np.clip(inner, -BOUND, BOUND)
    outer = np.full(counts.shape[:2] + (1,), BOUND)
    return np.concatenate([-outer, inner, outer], axis=2)


def _fit(
    corners: np.ndarray, design: np.ndarray, weights: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """b per resample (resamples, 3) and whether it converged, by Newton's method on the pairwise
    log-likelihood (the outer-product information where the Hessian is not negative definite), the
    step capped at 1 in every coefficient.

    corners: (resamples, pairs, 4) latent bounds lower1, upper1, lower2, upper2; design: (pairs, 3);
    weights: (resamples, pairs)."""
    b = np.array(start, float).copy()
    converged = np.zeros(len(b), bool)
    broken = np.zeros(len(b), bool)  # a step that is not a number: the resample is given up
    lo1, up1, lo2, up2 = (corners[..., i] for i in range(4))
    points = _Corners.of(np.stack([up1, lo1, up1, lo1], axis=-1), np.stack([up2, up2, lo2, lo2], axis=-1))
    sign = np.array([1.0, -1.0, -1.0, 1.0])
    for _ in range(MAX_ITER):
        active = np.flatnonzero(~converged & ~broken)  # only the resamples still moving are computed
        if len(active) == 0:
            break
        here = _Corners(points.squares[active], points.product[active], points.margins[active])
        w = weights[active]
        rho = _rho(b[active] @ design.T)
        # A rectangle's mass is a difference of four distribution values; far in a tail it can cancel to
        # 0 or below, so it is floored (a pair that improbable only occurs on the way to the optimum).
        probability = np.maximum(here.cdf(rho[..., None]) @ sign, PROBABILITY_FLOOR)
        density, slope = here.pdf(rho[..., None])
        first = (density @ sign) / probability  # d log P / d rho
        second = (slope @ sign) / probability - first * first  # d2 log P / d rho2
        g = 1.0 - rho * rho  # d rho / d eta
        d_eta = first * g
        d2_eta = second * g * g - 2.0 * rho * first * g
        gradient = np.einsum("rp,rp,pj->rj", w, d_eta, design)
        hessian = np.einsum("rp,rp,pj,pk->rjk", w, d2_eta, design, design)
        outer = np.einsum("rp,rp,rp,pj,pk->rjk", w, d_eta, d_eta, design, design)
        finite = np.isfinite(hessian).all(axis=(1, 2)) & np.isfinite(outer).all(axis=(1, 2))
        hessian, outer = (
            np.where(finite[:, None, None], hessian, -np.eye(3)),
            np.where(finite[:, None, None], outer, np.eye(3)),
        )
        concave = np.linalg.eigvalsh(hessian).max(axis=1) < 0
        curvature = np.where(concave[:, None, None], -hessian, outer) + 1e-12 * np.eye(3)
        step = np.linalg.solve(curvature, np.where(finite[:, None], gradient, 0.0)[..., None])[..., 0]
        finite &= np.isfinite(step).all(axis=1)
        broken[active[~finite]] = True
        step = np.where(finite[:, None], step, 0.0)
        largest = np.abs(step).max(axis=1, keepdims=True)
        step = np.where(largest > 1.0, step / largest, step)
        b[active] += step
        converged[active] = finite & (np.abs(step).max(axis=1) < TOLERANCE)
    return b, converged


def _rho(eta: np.ndarray) -> np.ndarray:
    """tanh(eta) with |rho| <= RHO_MAX."""
    return np.tanh(np.clip(eta, -np.arctanh(RHO_MAX), np.arctanh(RHO_MAX)))


def _correlations(b: np.ndarray, years: float) -> tuple[np.ndarray, np.ndarray]:
    """(rho of a within-framework pair, rho of a crossing pair), `years` apart, per row of b."""
    return _rho(b[:, 0] + b[:, 1] * years), _rho(b[:, 0] + b[:, 1] * years + b[:, 2])


@dataclass(frozen=True)
class LatentPenaltyResult:
    """Version 2's penalty: the drop in latent correlation across a framework change at equal time apart."""

    penalty: Estimate  # rho within - rho crossing at `years`, bootstrap percentile CI and p
    rho_within: Estimate  # latent correlation of a within-framework pair `years` apart
    rho_crossing: Estimate  # latent correlation of a crossing pair `years` apart
    coefficients: tuple[float, float, float]  # b0, b1 (per year apart), b2 (crosses a framework change)
    years: float  # the median years apart of the crossing pairs, where the penalty is read
    n_pairs: int  # consecutive pairs in the model (with known years apart)
    n_authorities: int  # authorities in the bootstrap (of the counted sequence)
    n_crossing: int  # pairs that cross a framework change
    n_undated: int  # pairs left out because their years apart are unknown
    n_groups: int  # (framework, area) groups with their own thresholds
    n_boot: int  # resamples drawn
    n_failed: int  # resamples whose fit did not converge (left out of the interval)
    converged: bool  # whether the fit on the data itself converged
    seed: int  # the bootstrap's seed
    level: float  # confidence level of the interval
    parameters: dict[str, Any] = field(default_factory=dict)  # options that built the sequence

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows: the penalty, both correlations, the coefficients and the counts."""
        return [
            self.penalty.row("latent_penalty", self.n_pairs),
            self.rho_within.row("rho_within", self.n_pairs - self.n_crossing),
            self.rho_crossing.row("rho_crossing", self.n_crossing),
            row("b0_intercept", self.coefficients[0], n=self.n_pairs),
            row("b1_years_apart", self.coefficients[1], n=self.n_pairs),
            row("b2_crosses_framework", self.coefficients[2], n=self.n_pairs),
            row("years_apart_read_at", self.years, n=self.n_crossing),
            row("n_authorities", self.n_authorities, n=self.n_pairs),
            row("n_crossing", self.n_crossing, n=self.n_pairs),
            row("n_undated", self.n_undated, n=self.n_pairs + self.n_undated),
            row("n_groups", self.n_groups, n=self.n_pairs),
            row("n_boot_failed", self.n_failed, n=self.n_boot),
        ]

    def to_tidy(self) -> pd.DataFrame:
        return tidy(MODEL, COMPARISON, self.rows(), {**self.parameters, "n_boot": self.n_boot, "seed": self.seed})


def _codes(values: pd.Series) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), len(uniques)


def latent_penalty(
    sequence: pd.DataFrame, pairs: pd.DataFrame, n_boot: int = 400, seed: int = 1, level: float = 0.95
) -> LatentPenaltyResult:
    """Version 2's penalty on a headline sequence (transitions.headline_sequence, or a simulated one
    with columns la_code, inspection_id, framework, area, level and optionally counted) and its
    consecutive pairs (transitions.consecutive_pairs of that sequence)."""
    counted = sequence["counted"].astype(bool) if "counted" in sequence else pd.Series(True, index=sequence.index)
    rows = sequence[counted]
    dated = pairs[pairs["years_apart"].notna()]
    n_undated = int(len(pairs) - len(dated))
    by_id = rows.set_index("inspection_id")
    group_key = rows["framework"].astype(str) + " | " + rows["area"].astype(str)
    group_codes, n_groups = _codes(group_key)
    group_of = dict(zip(rows["inspection_id"], group_codes))
    n_levels = int(rows["level"].max())
    authority_codes, n_authorities = _codes(rows["la_code"])
    authority_of = dict(zip(rows["la_code"], authority_codes))
    crossing = dated["crosses_framework"].to_numpy(float)
    years = float(np.median(dated.loc[crossing == 1, "years_apart"])) if (crossing == 1).any() else float("nan")
    nan = Estimate(float("nan"))
    counts_only = dict(
        years=years,
        n_pairs=int(len(dated)),
        n_authorities=n_authorities,
        n_crossing=int(crossing.sum()),
        n_undated=n_undated,
        n_groups=n_groups,
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        parameters=dict(sequence.attrs.get("parameters", {})),
    )
    if len(dated) < 4 or crossing.min(initial=1) == crossing.max(initial=0):
        return LatentPenaltyResult(nan, nan, nan, (np.nan,) * 3, n_failed=0, converged=False, **counts_only)

    # Load inputs: each pair's two groups and levels, its authority, and its design row.
    earlier_group = dated["earlier_id"].map(group_of).to_numpy(np.int64)
    later_group = dated["later_id"].map(group_of).to_numpy(np.int64)
    earlier_level = dated["earlier_id"].map(by_id["level"]).to_numpy(np.int64)
    later_level = dated["later_id"].map(by_id["level"]).to_numpy(np.int64)
    pair_authority = dated["la_code"].map(authority_of).to_numpy(np.int64)
    design = np.column_stack([np.ones(len(dated)), dated["years_apart"].to_numpy(float), crossing])
    row_groups, row_levels = group_codes, rows["level"].to_numpy(np.int64) - 1
    row_authority = rows["la_code"].map(authority_of).to_numpy(np.int64)

    # Process data: the fit on the data, then the resamples in blocks.
    def fit(authority_weights: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cuts = thresholds(row_groups, row_levels, authority_weights[:, row_authority], n_groups, n_levels)
        resample = np.arange(len(authority_weights))[:, None]
        corners = np.stack(
            [
                cuts[resample, earlier_group, earlier_level - 1],
                cuts[resample, earlier_group, earlier_level],
                cuts[resample, later_group, later_level - 1],
                cuts[resample, later_group, later_level],
            ],
            axis=-1,
        )
        return _fit(corners, design, authority_weights[:, pair_authority], start)

    b, converged = fit(np.ones((1, n_authorities)), np.array([START]))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_authorities, size=(n_boot, n_authorities))
    counts = np.zeros((n_boot, n_authorities))
    np.add.at(counts, (np.arange(n_boot)[:, None], draws), 1.0)
    boot_b, boot_ok = [], []
    for first in range(0, n_boot, BLOCK):
        block = counts[first : first + BLOCK]
        fitted, ok = fit(block, np.repeat(b, len(block), axis=0))
        boot_b.append(fitted)
        boot_ok.append(ok)
    boot_b, boot_ok = np.concatenate(boot_b), np.concatenate(boot_ok)
    good = boot_b[boot_ok]

    def interval(point: float, values: np.ndarray, with_p: bool = False) -> Estimate:
        if not converged[0] or len(values) == 0:
            return nan
        low, high = np.quantile(values, [(1 - level) / 2, 1 - (1 - level) / 2])
        p = min(1.0, 2 * min(np.mean(values <= 0), np.mean(values >= 0))) if with_p else float("nan")
        return Estimate(float(point), float(low), float(high), float(p))

    within, across = _correlations(b, years)
    boot_within, boot_across = _correlations(good, years)

    # Save outputs: the result record.
    return LatentPenaltyResult(
        penalty=interval(float(within[0] - across[0]), boot_within - boot_across, with_p=True),
        rho_within=interval(float(within[0]), boot_within),
        rho_crossing=interval(float(across[0]), boot_across),
        coefficients=tuple(float(v) for v in b[0]),
        n_failed=int((~boot_ok).sum()),
        converged=bool(converged[0]),
        **counts_only,
    )


def pair_model(
    data: Data, n_boot: int = 400, seed: int = 1, level: float = 0.95, **sequence_options: Any
) -> LatentPenaltyResult:
    """Version 2's penalty on the dataset: the sequence and pairs of version 1's pair model
    (transitions.headline_sequence(data, **sequence_options), consecutive_pairs) -> latent_penalty."""
    sequence = transitions.headline_sequence(data, **sequence_options)
    return latent_penalty(sequence, transitions.consecutive_pairs(sequence), n_boot=n_boot, seed=seed, level=level)
