"""Colours and labels the reports' figures share, so every chart reads the same way."""

from __future__ import annotations

from analysis.vocab import ILACS, PRE_SIF, SIF

#: Colours of the grades in every report's charts (best green to worst red; the old Adequate amber).
GRADE_COLOURS: dict[str, str] = {
    "Outstanding": "#1a7837",
    "Good": "#7fbf7b",
    "Adequate": "#fee08b",
    "Requires improvement to be good": "#f4a582",
    "Inadequate": "#b2182b",
    "Not judged": "#bdbdbd",
}
#: Colours of the three inspection frameworks.
FRAMEWORK_COLOURS: dict[str, str] = {PRE_SIF: "#969696", SIF: "#4393c3", ILACS: "#762a83"}
