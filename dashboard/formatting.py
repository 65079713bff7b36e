"""Numbers and units in Dutch notation: the one place every page, figure and download formats a value.

Pure module (no data, no Dash; only core words). ``meta`` is anything with ``unit`` and
``decimals`` (an ``indicators.REGISTRY`` record, a
:class:`pages.profiel.briefing.KeyFigure`).

* :func:`fmt_number` — '1.234,5' (thousands dot, decimal comma), '–' when missing;
* :func:`fmt_value` — with the unit where it belongs: '28,1%', '€ 312.000', '1,2 km',
  '312 (× 1.000 euro)'; counts, scores and classes stay bare;
* :func:`fmt_short` / :func:`unit_label` — for tables with a separate unit column;
* :func:`unit_affixes` — the text before and after the number, also used by the map's
  plotly hover template, so hover and tables cannot drift apart;
* :func:`slug` — file-name-safe text (``dorpenmonitor.text.slug``, the village-code rule);
* :func:`level_word` — 'buurt', 'buurten', 'Buurten'; :func:`status_word` — what a user reads for a status;
* :func:`tables_label` — 'CBS 85984NED, 85318NED' for the tables a figure came from;
* :func:`partial_basis` — the part of a cube note saying an aggregate rests on only some of its buurten.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from dorpenmonitor.codes import STATUS_WORDS
from dorpenmonitor.text import slug as text_slug

MISSING = "–"
#: Units not written after the number (a count, score or class reads better bare).
BARE_UNITS: tuple[str, ...] = ("", "aantal", "score", "klasse (1-5)")
#: Units that stay with the number even in a table with a unit column.
ATTACHED_UNITS: tuple[str, ...] = ("%", "euro")


class HasUnit(Protocol):
    unit: str
    decimals: int


class IndicatorMeta(HasUnit, Protocol):
    """What figures and pages read from an indicator record (``indicators.REGISTRY`` values)."""

    id: str
    title: str
    direction: str
    sources: tuple[str, ...]


def hover_escape(text: str) -> str:
    """Text safe inside a plotly hovertemplate: it treats %{...} as a placeholder and accepts a little HTML."""
    return text.replace("%{", "% {").replace("<", "&lt;").replace(">", "&gt;")


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
    if decimals < 0:
        # Negative decimals round to tens, hundreds, thousands (WOZ: CBS publishes whole thousands).
        value = round(float(value), int(decimals))
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


#: Level words, (singular, plural): the one table every page, label and download uses.
LEVEL_WORDS: dict[str, tuple[str, str]] = {
    "gemeente": ("gemeente", "gemeenten"),
    "wijk": ("wijk", "wijken"),
    "buurt": ("buurt", "buurten"),
    "dorp": ("dorp", "dorpen"),
}


def level_word(niveau: str, plural: bool = False, capital: bool = False) -> str:
    """'buurt', 'buurten' or 'Buurten' for a level; an unknown level comes back as given."""
    words = LEVEL_WORDS.get(niveau)
    word = words[1 if plural else 0] if words else niveau
    return word.capitalize() if capital else word


def status_word(status: str, short: bool = False) -> str:
    """What a user reads for a value's status ('geheim (CBS)', 'geen gegevens'); ``short`` drops the bracket
    ('geheim') for narrow table cells. '' for ok, the status itself when unknown."""
    word = STATUS_WORDS.get(status, status)
    return word.split(" (")[0] if short else word


def tables_label(tables: Sequence[str]) -> str:
    """'CBS 85984NED, 85318NED' for the CBS tables a figure actually came from ('CBS' when unknown)."""
    names = ", ".join(dict.fromkeys(str(t).split("@")[0] for t in tables if t))
    return f"CBS {names}" if names else "CBS"


#: What a user reads above the list of figures that rest on only some of a village's buurten (the Profiel's
#: wording; :func:`partial_basis` finds those figures).
PARTIAL_TEXT = "Niet voor alle buurten bekend, dus berekend op een deel van het dorp"
#: The parts of a cube note that ``indicators.aggregate`` writes when an aggregate misses members: the
#: coverage ('op basis van 71% van de inwoners') and the count ('1 van 2 gebieden').
_PARTIAL_PART = re.compile(r"op basis van \d+% van de (inwoners|gebieden)|\d+ van \d+ gebieden")


def partial_basis(note: object) -> str:
    """'op basis van 71% van de inwoners; 1 van 2 gebieden' when a cube note says the figure rests on only part
    of its area's members, '' for a complete figure (other parts of the note are left out)."""
    if not isinstance(note, str) or not note:
        return ""
    return "; ".join(p.strip() for p in note.split(";") if _PARTIAL_PART.fullmatch(p.strip()))


def years_text(years: Iterable[object]) -> str:
    """'1997–2003, 2005 en 2008': years in order, runs of three or more as a range."""
    ys = sorted({int(y) for y in years})  # type: ignore[call-overload]
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    parts: list[str] = []
    for r in runs:
        parts += [f"{r[0]}–{r[-1]}"] if len(r) >= 3 else [str(y) for y in r]
    return f"{', '.join(parts[:-1])} en {parts[-1]}" if len(parts) > 1 else "".join(parts)


def fmt_date(stamp: str) -> str:
    """'27-11-2026' from an ISO date or timestamp (a UTC time counts in Amsterdam's day); other text as it is.

    One date format on every page: the footer showed '2026-11-27' beside '27-11-2026' everywhere else.
    """
    try:
        t = dt.datetime.fromisoformat(str(stamp).strip())
    except ValueError:
        return str(stamp)
    if t.tzinfo is not None:
        t = t.astimezone(ZoneInfo("Europe/Amsterdam"))
    return f"{t:%d-%m-%Y}"


def to_float(x: object) -> float | None:
    """A number as float, None for anything missing or not a number."""
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v
