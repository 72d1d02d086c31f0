"""The grade colours stay apart for colour-blind readers: every pair of the four grades, simulated
under deuteranopia and protanopia (Machado, Oliveira and Fernandes 2009, severity 1), differs by more
than a threshold the old green-to-red scale failed (Outstanding and Inadequate 0.03 apart)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from analysis.publish.figures import GRADE_COLOURS

MACHADO = {
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]]
    ),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
}
FOUR = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
APART = 0.2  # Euclidean distance in linear RGB


def _linear(colour: str) -> np.ndarray:
    c = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _distance(a: str, b: str, matrix: np.ndarray) -> float:
    return float(np.linalg.norm(np.clip(matrix @ _linear(a), 0, 1) - np.clip(matrix @ _linear(b), 0, 1)))


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
def test_the_four_grades_stay_apart_under_simulated_colour_blindness(deficiency: str) -> None:
    for a, b in itertools.combinations(FOUR, 2):
        assert _distance(GRADE_COLOURS[a], GRADE_COLOURS[b], MACHADO[deficiency]) > APART, (deficiency, a, b)


def test_the_check_would_have_caught_the_old_green_to_red_scale() -> None:
    assert _distance("#1a7837", "#b2182b", MACHADO["deuteranopia"]) < APART  # old Outstanding vs old Inadequate


def test_the_scale_is_ordinal_dark_light_light_dark() -> None:
    lightness = {g: float(_linear(GRADE_COLOURS[g]) @ [0.2126, 0.7152, 0.0722]) for g in FOUR}
    assert (
        lightness["Outstanding"] < lightness["Good"]
        and lightness["Inadequate"] < lightness["Requires improvement to be good"]
    )
