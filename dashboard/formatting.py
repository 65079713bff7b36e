"""Numbers and units in Dutch notation: the one place every page, figure and download formats a value.

Pure module (no data, no Dash). ``meta`` is anything with ``unit`` and
``decimals`` (an ``indicators.REGISTRY`` record, a
:class:`dashboard.briefing.KeyFigure`).

* :func:`fmt_number` — '1.234,5' (thousands dot, decimal comma), '–' when missing;
* :func:`fmt_value` — with the unit where it belongs: '28,1%', '€ 312.000', '1,2 km',
  '312 (× 1.000 euro)'; counts, scores and classes stay bare;
* :func:`fmt_short` / :func:`unit_label` — for tables with a separate unit column;
* :func:`unit_affixes` — the text before and after the number, also used by the map's
  plotly hover template, so hover and tables cannot drift apart;
* :func:`slug` — file-name-safe text (``indicators.villages.slug``, the village-code rule).
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from dorpenmonitor.text import slug as text_slug

MISSING = "–"
#: Units not written after the number (a count, score or class reads better bare).
BARE_UNITS: tuple[str, ...] = ("", "aantal", "score", "klasse (1-5)")
#: Units that stay with the number even in a table with a unit column.
ATTACHED_UNITS: tuple[str, ...] = ("%", "euro")


class HasUnit(Protocol):
    unit: str
    decimals: int


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def fmt_number(value: float | None, decimals: int = 0) -> str:
    """Dutch number format: 1.234,5 (thousands dot, decimal comma); '–' for missing."""
    if is_missing(value):
        return MISSING
    text = f"{value:,.{max(int(decimals), 0)}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def unit_affixes(unit: str) -> tuple[str, str]:
    """(text before, text after) the number for ``unit``: ('€ ', ''), ('', '%'), ('', ' km'), ('', '')."""
    u = (unit or "").strip()
    if u in BARE_UNITS:
        return "", ""
    if u == "euro":
        return "€ ", ""
    if u == "%":
        return "", "%"
    if u.startswith("×"):  # '× 1.000 euro' reads best after the number, in brackets
        return "", f" ({u})"
    return "", f" {u}"


def fmt_value(value: float | None, meta: HasUnit, unit: bool = True) -> str:
    """Value in Dutch notation with its unit ('28,1%', '€ 312.000', '1,2 km'); ``unit=False``: the number only."""
    if is_missing(value):
        return MISSING
    num = fmt_number(value, meta.decimals)
    if not unit:
        return num
    before, after = unit_affixes(meta.unit)
    return f"{before}{num}{after}"


def fmt_short(value: float | None, meta: HasUnit) -> str:
    """Value for a table with a separate unit column: only % and € stay with the number."""
    return fmt_value(value, meta, unit=(meta.unit or "").strip() in ATTACHED_UNITS)


def unit_label(meta: HasUnit) -> str:
    """The unit column's text beside :func:`fmt_short` ('' where the number says it all)."""
    u = (meta.unit or "").strip()
    return "" if u in ATTACHED_UNITS or u in ("", "aantal") else u


def fmt_pct(value: float | None, decimals: int = 0) -> str:
    """'28%' for chart labels; '' when missing (an empty bar needs no label)."""
    return "" if is_missing(value) else f"{fmt_number(value, decimals)}%"


def slug(text: str) -> str:
    """File-name-safe lower-case ASCII ('Nieuw-Amsterdam' → 'nieuw-amsterdam'); 'export' when nothing is left."""
    return text_slug(text) or "export"
