"""Internal links, both ways: the one builder for every href, and the shared rules for reading a query string.

Every page keeps its whole state in the query string, so a copied link reproduces the view. Links are built
only by :func:`href` (page path + query, behind the app's URL prefix: setting ``url_prefix``, Dash's
``requests_pathname_prefix``) and :func:`query`; a page's own parser turns a query back into its state with the
helpers below. Anything unknown in a link becomes a readable Dutch message plus a sensible default: a bad link
must never produce a server error or an empty page.

What a link may refer to comes in as a :class:`Catalog`, built by ``dashboard.data.catalog()`` from the database
and the indicator registry, so the parsers stay pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import dash

from dashboard.validate import MAX_TEXT, clip, too_many
from dorpenmonitor.codes import LEVELS


def prefixed(path: str) -> str:
    """``path`` ('/profiel', '/geo/x.geojson', '/assets/…') behind the app's URL prefix ('/monitor/profiel')."""
    return dash.get_relative_path(path)


def query(**params: Any) -> str:
    """'?code=GM0106&codes=A,B' from the non-None ``params`` (commas stay readable); '' without any."""
    kept = {k: v for k, v in params.items() if v is not None}
    return "?" + urlencode(kept, safe=",") if kept else ""


def href(page: str, **params: Any) -> str:
    """The link to ``page`` ('/', '/trends', …) with ``params`` as its query, behind the URL prefix."""
    return prefixed(page) + query(**params)


def profile_href(code: str) -> str:
    """The area profile of ``code``."""
    return href("/profiel", code=code)


@dataclass(frozen=True)
class Catalog:
    """What a URL may refer to.

    ``titles``/``themes_of``: indicator id → Dutch title / theme, in display
    order; ``years``: (indicator, niveau) → years with data, ascending;
    ``areas``: code → (naam, niveau); ``gemeenten``: GM code → naam.
    """

    titles: Mapping[str, str]
    themes_of: Mapping[str, str]
    themes: Sequence[str]
    years: Callable[[str, str], Sequence[int]]
    areas: Mapping[str, tuple[str, str]]
    gemeenten: Mapping[str, str]
    preferred: Sequence[str] = ("bevolkingsdichtheid", "inwoners")
    #: Indicators whose change in % means nothing (scores, classes): only the absolute difference.
    no_relative_change: frozenset[str] = frozenset()

    def default_indicator(self, niveau: str, theme: str | None = None) -> str | None:
        """First indicator (preferred ones first) with data at ``niveau``, optionally within ``theme``."""
        order = [i for i in self.preferred if i in self.titles] + [i for i in self.titles if i not in self.preferred]
        if theme:
            order = [i for i in order if self.themes_of.get(i) == theme]
        for ind in order:
            if self.years(ind, niveau):
                return ind
        return order[0] if order else None

    def longest_series(self, niveau: str) -> str | None:
        """The indicator with the most years at ``niveau`` (display order breaks ties): what a trend page opens
        with, since the map's default (one year of bevolkingsdichtheid) draws a single dot."""
        best = max(self.titles, key=lambda i: len(self.years(i, niveau)), default=None)
        return best if best and self.years(best, niveau) else self.default_indicator(niveau)

    def no_data(self, ind: str | None, niveau: str) -> str:
        """Why ``ind`` shows nothing, for a message: 'geen gegevens op wijkniveau', or 'op geen enkel niveau
        gegevens' when it has none at all (nine indicators wait for tables the snapshot lacks: 'geen gegevens op
        wijkniveau' suggested another level had them)."""
        anywhere = ind is not None and any(self.years(ind, n) for n in LEVELS)
        return f"geen gegevens op {niveau}niveau" if anywhere else "op geen enkel niveau gegevens"

    def label(self, ind: str | None) -> str:
        """"'Inwoners'" for a message about an indicator; 'geen indicator' for none."""
        return f"'{self.titles.get(ind, ind)}'" if ind else "geen indicator"


def first(value: Any) -> str | None:
    """One query value as text: Dash gives a list when a key is repeated.

    An over-long value is cut (with '…', so it matches nothing): no valid value is that long, and the
    message that names it must not echo megabytes.
    """
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = clip(str(value), MAX_TEXT).strip()
    return text or None


def as_year(value: Any) -> int | None:
    text = first(value)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def resolve_code(raw: str, areas: Mapping[str, Any]) -> str | None:
    """The known area code ``raw`` means, ignoring case (links get retyped; village slugs are lower case)."""
    raw = raw.strip()
    if raw in areas:
        return raw
    low = raw.lower()
    return next((code for code in areas if code.lower() == low), None)


def split_list(raw: Any, limit: int) -> list[str]:
    """Comma-separated query values (one string or repeated parameters) as a clean list.

    At most ``limit + 1`` items (so a caller can tell there were more than ``limit``), each cut like
    :func:`first`: the work is bounded by ``limit``, not by the size of the link.
    """
    parts = raw if isinstance(raw, list | tuple) else [raw] if raw else []
    out: list[str] = []
    for part in parts[: limit + 1]:
        for p in str(part).split(",", limit + 1)[: limit + 1]:
            if p.strip():
                out.append(clip(p.strip(), MAX_TEXT))
            if len(out) > limit:
                return out
    return out


def parse_codes(raw: Any, areas: Mapping[str, Any], limit: int) -> tuple[list[str], list[str]]:
    """Known area codes from a link (unknown ones dropped) and the Dutch messages.

    Only the first ``limit`` codes are looked up, known or not: more is cut with a message before any lookup.
    """
    msgs: list[str] = []
    raw_codes = split_list(raw, limit)
    if len(raw_codes) > limit:
        msgs.append(too_many(limit, "gebieden"))
        raw_codes = raw_codes[:limit]
    codes: list[str] = []
    for raw_code in raw_codes:
        code = resolve_code(raw_code, areas)
        if code is None:
            msgs.append(f"Gebied '{clip(raw_code)}' uit de link is onbekend en is weggelaten.")
        elif code not in codes:
            codes.append(code)
    return codes, msgs
