"""Callback inputs, checked before any work: the one place that says what a callback may be given.

Dash hands every Input and State to a callback as decoded JSON from the request body: whatever the browser
(or anyone else) posts to ``/_dash-update-component``, of any type and size. Every server callback first
passes its arguments through these helpers, so a wrong type, an over-long string or a huge list becomes the
argument's default (None, [], the allowed default) in time independent of the garbage; the pages' own parsers
then give the Dutch message and default state they give a bad link. Nothing here touches the data, and
nothing is ever split, scanned or echoed beyond the limits below.

Each helper optionally appends a Dutch note to ``notes`` when it drops or cuts something, for pages that
show messages.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

#: Longest text a control holds: an area code or village slug, an indicator id, a search text, a year.
MAX_TEXT = 200
#: Longest path or query string of a page URL (8 areas and 8 indicators fit easily).
MAX_URL = 2000
#: Years a control may hold; anything else is not a year of this monitor.
YEARS = range(1900, 2101)
#: Shown in a message instead of the rest of an over-long value.
ELLIPSIS = "…"

T = TypeVar("T")


def _note(notes: list[str] | None, text: str) -> None:
    if notes is not None and text not in notes:
        notes.append(text)


def clip(text: str, max_len: int = 40) -> str:
    """``text`` for a message: at most ``max_len`` characters, '…' when it was longer (never echo a 10 MB value)."""
    return text if len(text) <= max_len else text[:max_len] + ELLIPSIS


def as_str(value: Any, max_len: int = MAX_TEXT, *, notes: list[str] | None = None, what: str = "invoer") -> str | None:
    """``value`` stripped, if it is text of at most ``max_len`` characters; else None.

    Numbers are not text here: no code, id or search text is ever a number, and ``str(12)`` would make one.
    """
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        _note(notes, f"Ongeldige {what} is genegeerd.")
        return None
    return value.strip() or None


def as_list(value: Any, max_items: int, max_len: int = MAX_TEXT, *, notes: list[str] | None = None,
            what: str = "keuzes") -> list[str]:
    """The first ``max_items`` distinct texts of a list (each at most ``max_len`` characters, stripped).

    One string counts as a one-item list (a multi-dropdown may hold a plain value), never as its characters.
    Other types give []; non-text and over-long items are dropped. Only ``max_items`` items are ever looked at
    beyond the ones dropped, and at most ``4 * max_items`` in all, so a 5,000-item list costs no more than a short one.
    """
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        _note(notes, f"Ongeldige {what} zijn genegeerd.")
        return []
    out: list[str] = []
    more = len(value) > 4 * max_items
    for item in value[: 4 * max_items]:
        text = as_str(item, max_len)
        if text is None:
            if item is not None:
                _note(notes, f"Ongeldige {what} zijn genegeerd.")
        elif text not in out:
            if len(out) == max_items:
                more = True
                break
            out.append(text)
    if more:
        _note(notes, too_many(max_items, what))
    return out


def too_many(limit: int, what: str) -> str:
    """The Dutch message for a list cut to its first ``limit`` items (from a control or a link)."""
    return f"Er kunnen hoogstens {limit} {what} tegelijk; de eerste {limit} staan er."


def as_choice(value: Any, allowed: Collection[T], default: T | None = None) -> T | None:
    """``value`` if it is one of ``allowed`` (a set, dict or tuple of texts), else ``default``.

    Only hashable texts are looked up, so a list or dict can never raise 'unhashable type'.
    """
    if isinstance(value, str) and len(value) <= MAX_TEXT and value in allowed:
        return value  # type: ignore[return-value]
    return default


def as_year(value: Any) -> int | None:
    """A year from a control (an int, or its digits as text); None for anything else, booleans included."""
    if isinstance(value, str) and len(value) <= 4 and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in YEARS:
        return value
    return None


def as_dict(value: Any, keys: Collection[str]) -> dict[str, Any]:
    """The entries of ``keys`` in ``value`` if it is a dict (its other keys ignored, however many), else {}."""
    if not isinstance(value, Mapping):
        return {}
    return {k: value[k] for k in keys if k in value}


def dig(value: Any, *path: str | int) -> Any:
    """``value[p0][p1]…`` through dicts (str keys) and lists (int indexes); None where the shape does not fit.

    For the nested event data plotly sends (``clickData['points'][0]['location']``).
    """
    for step in path:
        if isinstance(step, str) and isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(step, int) and isinstance(value, list | tuple) and -len(value) <= step < len(value):
            value = value[step]
        else:
            return None
    return value
