"""Colours and labels the reports' figures share, so every chart reads the same way."""

from __future__ import annotations

from analysis.vocab import ILACS, PRE_SIF, SIF

#: Colours of the grades in every report's charts and the authority pages: ColorBrewer's RdBu, an
#: ordinal scheme from dark blue (best) to dark red (worst) that stays apart for colour-blind readers
#: (tests/analysis/test_palette.py simulates deuteranopia and protanopia; the old green-to-red scale put
#: Outstanding and Inadequate 0.03 apart under deuteranopia). The old Adequate is a light tint between
#: Good and Requires improvement.
GRADE_COLOURS: dict[str, str] = {
    "Outstanding": "#0571b0",
    "Good": "#92c5de",
    "Adequate": "#fddbc7",
    "Requires improvement to be good": "#f4a582",
    "Inadequate": "#ca0020",
    "Not judged": "#bdbdbd",
}
#: Colours of the three inspection frameworks.
FRAMEWORK_COLOURS: dict[str, str] = {PRE_SIF: "#969696", SIF: "#4393c3", ILACS: "#762a83"}
