"""Colours, fonts and palettes: the one place the look of figures, downloads and spinners is set.

The CSS (``assets/style.css``, ``--kleur-merk``) repeats :data:`ACCENT` because a stylesheet cannot import
Python; ``tests/test_theme.py`` checks the two agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plotly.colors import sample_colorscale, sequential, unlabel_rgb

from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")

#: The monitor's deep blue (10:1 contrast with white): headings, primary buttons, spinners, sparklines, PDF/Excel.
ACCENT = "#173f6b"
#: Body text and muted text in documents we draw ourselves (PDF).
INK = "#212529"
MUTED = "#606770"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
GRID = "#e6e6e6"

#: Not drawn with the palette: suppressed by CBS vs. not published / not in the snapshot.
MISSING_COLORS: dict[str, str] = {"geheim": "#8c8c8c", "ontbreekt": "#e4e4e4"}
#: Okabe–Ito (distinguishable with the common forms of colour blindness), its yellow (no white text on it, no line
#: on white) replaced by Tol's wine: one colour per area for Vergelijken's eight, which repeated the first.
LINE_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                                "#882255")

#: A map's bounding box: minx, miny, maxx, maxy (lon/lat).
Bounds = tuple[float, float, float, float]


def palette(direction: str, k: int) -> list[str]:
    """``k`` colours, lightest first, such that *worse* is always darker and warmer.

    Evaluative indicators use ColorBrewer YlOrRd (colour-blind safe); for
    'hoger is beter' it is reversed, so low (bad) values are dark red.
    Neutral indicators use ColorBrewer Blues: no judgement, just 'more'.
    """
    if k <= 0:
        return []
    scale = sequential.Blues if direction == "neutraal" else sequential.YlOrRd
    points = [0.5] if k == 1 else list(np.linspace(0.12, 1.0, k))
    # Hex, not 'rgb(r, g, b)': the colours travel in every switch (colourscale and legend), 7 bytes each.
    colors = [to_hex(c) for c in sample_colorscale(scale, points, colortype="rgb")]
    return colors[::-1] if direction == "hoger is beter" else colors


def to_hex(color: str) -> str:
    """'rgb(223, 236, 247)' → '#dfecf7' (hex colours pass through)."""
    if color.startswith("#"):
        return color
    r, g, b = unlabel_rgb(color)[:3]
    return f"#{round(r):02x}{round(g):02x}{round(b):02x}"


def rgb(color: str) -> tuple[int, int, int]:
    """'#173f6b' → (23, 63, 107), for fpdf and openpyxl."""
    h = color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
