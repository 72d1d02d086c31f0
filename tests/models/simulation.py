"""Seeded simulated authorities whose truth is known, for the method checks of analysis.models
(tests/models/test_transitions.py, test_latent.py).

A latent quality z per authority and framework, each inspection grading y = z + noise through its
framework's thresholds (low y = better grade). "Order kept" carries z unchanged across a framework
change; "rotated" moves the best 40% of authorities to the bottom of the next framework's order (a
cyclic reshuffle, which no margin shift can produce). With noise 0.5, two inspections of one
authority have latent scores that correlate 1 / (1 + 0.5^2) = 0.8 (order kept).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.data import Data
from analysis.models import transitions as tr
from analysis.models import verdict as v
from analysis.vocab import (
    ADEQUATE,
    CHILD_PROTECTION,
    GRADE_ORDER,
    ILACS_STANDARD,
    REQUIRES_IMPROVEMENT,
    SIF_REINSPECTION,
)

#: Four-grade thresholds of the earlier framework on the latent scale (low = better).
CUTS = np.array([-1.3, 0.0, 1.1])
DAY = np.timedelta64(1, "D")


def _change(z: np.ndarray, change: str, rng: np.random.Generator) -> np.ndarray:
    """The latent quality after a framework change."""
    if change == "kept":
        return z
    if change == "rotated":
        return stats.norm.ppf((stats.norm.cdf(z) + 0.6) % 1.0)
    raise ValueError(change)


def simulate_inspections(
    seed: int,
    n_las: int = 150,
    noise: float = 0.5,
    change: str = "kept",
    scheme: str = "shifted thresholds",
    reinspected: float = 0.3,
) -> pd.DataFrame:
    """One row per simulated inspection: la_code, inspection_id, framework, inspection_type, start_date,
    grade, level (0-based in GRADE_ORDER). Per authority: a 2012-13 child protection inspection, a SIF,
    a SIF re-inspection for a share `reinspected`, two ILACS.

    scheme "shifted thresholds": four grades everywhere, SIF thresholds 0.5 harder and ILACS 0.3
    easier than the earlier framework's (a threshold shift inside categories). scheme "step": three
    latent categories everywhere (the same partition), the SIF labelling each a grade worse (every
    grade down a step: ridits unchanged)."""
    rng = np.random.default_rng(seed)
    z_pre = rng.normal(size=n_las)
    z_sif = _change(z_pre, change, rng)
    z_ilacs = _change(z_sif, change, rng)
    if scheme == "shifted thresholds":
        cuts = {"pre-SIF": CUTS, "SIF": CUTS - 0.5, "ILACS": CUTS + 0.3}
        offset = {"pre-SIF": 0, "SIF": 0, "ILACS": 0}
    elif scheme == "step":
        cuts = {f: np.array([-0.8, 0.6]) for f in ("pre-SIF", "SIF", "ILACS")}
        offset = {"pre-SIF": 0, "SIF": 1, "ILACS": 0}
    else:
        raise ValueError(scheme)
    la = np.array([f"E{i:08d}" for i in range(n_las)])
    start = np.datetime64("2012-09-01") + rng.integers(0, 300, n_las) * DAY
    sif_start = np.datetime64("2014-01-01") + rng.integers(0, 3 * 365, n_las) * DAY
    re_start = sif_start + rng.integers(2 * 365, 3 * 365, n_las) * DAY
    il_start = np.datetime64("2018-06-01") + rng.integers(0, 2 * 365, n_las) * DAY
    il2_start = il_start + rng.integers(3 * 365, 5 * 365, n_las) * DAY
    has_re = rng.random(n_las) < reinspected
    plan = [
        ("pre", "pre-SIF", CHILD_PROTECTION, z_pre, start, np.ones(n_las, bool)),
        ("sif", "SIF", "SIF", z_sif, sif_start, np.ones(n_las, bool)),
        ("re", "SIF", SIF_REINSPECTION, z_sif, re_start, has_re),
        ("il1", "ILACS", ILACS_STANDARD, z_ilacs, il_start, np.ones(n_las, bool)),
        ("il2", "ILACS", ILACS_STANDARD, z_ilacs, il2_start, np.ones(n_las, bool)),
    ]
    parts = []
    for key, framework, itype, z, when, present in plan:
        y = z + noise * rng.normal(size=n_las)
        level = np.searchsorted(cuts[framework], y) + offset[framework]
        grade = np.array(GRADE_ORDER)[level]
        if framework == "pre-SIF":
            grade = np.where(grade == REQUIRES_IMPROVEMENT, ADEQUATE, grade)
        parts.append(
            pd.DataFrame(
                {
                    "la_code": la,
                    "inspection_id": [f"{c}-{key}" for c in la],
                    "framework": framework,
                    "inspection_type": itype,
                    "start_date": when,
                    "grade": grade,
                    "level": level,
                }
            )[present]
        )
    return pd.concat(parts, ignore_index=True)


def simulate_data(seed: int, **options) -> Data:
    """The simulated inspections as a Data object: pre-SIF grades safeguarding, SIF grades overall and
    help and protection (one grade), ILACS overall; published 60 days after the start."""
    rows = simulate_inspections(seed, **options)
    inspections = rows[["inspection_id", "la_code", "framework", "inspection_type", "start_date"]].copy()
    inspections["start_date"] = pd.to_datetime(inspections["start_date"])
    inspections["end_date"] = inspections["start_date"] + pd.Timedelta(days=5)
    inspections["published_date"] = inspections["start_date"] + pd.Timedelta(days=60)
    inspections["la_name"] = inspections["la_code"]
    inspections["source_quality"] = "primary"
    areas = {"pre-SIF": ["safeguarding"], "SIF": ["overall", "help_protection"], "ILACS": ["overall"]}
    judgements = pd.concat(
        [
            rows[rows["framework"] == f][["inspection_id", "grade"]].assign(area=area, source_quality="primary")
            for f, names in areas.items()
            for area in names
        ],
        ignore_index=True,
    )
    las = pd.DataFrame({"la_code": rows["la_code"].unique(), "la_name": rows["la_code"].unique(), "region": "R"})
    return Data(inspections, judgements, las)


def simulated_sequence(seed: int, **options) -> pd.DataFrame:
    """The pair model's input straight from the simulation (no Data round trip: fast for many seeds)."""
    rows = simulate_inspections(seed, **options)
    area = rows["framework"].map({"pre-SIF": "safeguarding", "SIF": "overall", "ILACS": "overall"})
    start = pd.to_datetime(rows["start_date"])
    return pd.DataFrame(
        {
            "la_code": rows["la_code"],
            "inspection_id": rows["inspection_id"],
            "framework": rows["framework"],
            "area": area,
            "level": rows["level"] + 1,
            "date": start + pd.Timedelta(days=60),
            "order_date": start,
        }
    ).sort_values(["la_code", "order_date"])


#: The one primary comparison of the decision rule that the simulation has (its earlier framework is
#: the 2012-13 child protection inspection).
PRIMARY = "2012-13 child protection -> first SIF help and protection"


def simulated_verdict(data: Data, rule: dict, penalty: v.Estimate) -> str:
    """A version of the decision rule on simulated councils: their transition tests on PRIMARY (the
    rule's primary comparisons narrowed to it), the given penalty (that version's statistic) and no
    learning slope."""
    rule = {**rule, "primary_comparisons": [PRIMARY]}
    summary = tr.transition_summary(tr.pairs(data, PRIMARY), n_boot=500, seed=1)
    item = v.ComparisonEvidence(
        PRIMARY, summary.n, summary.stuart_maxwell, summary.net_decline, summary.quasi_symmetry_lr
    )
    no_learning = v.Estimate(1.0, 0.8, 1.2, 0.9)
    return v.decide(v.Evidence((item,), penalty, no_learning), rule).verdict
