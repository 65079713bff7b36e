"""Kaart's view state <-> URL query string (``/?niveau=buurt&indicator=...&jaar=2024&code=BU...``).

Pure module: what is valid comes in as a :class:`~dashboard.links.Catalog`; the shared reading rules
(one value, a year, an area code) are in :mod:`dashboard.links`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard import links
from dashboard.formatting import level_word
from dashboard.links import Catalog, as_year, first, resolve_code
from dashboard.validate import clip

#: The levels the map draws, with their labels.
NIVEAUS: dict[str, str] = {n: level_word(n, plural=True, capital=True) for n in ("gemeente", "wijk", "buurt")}
DEFAULT_NIVEAU = "buurt"
DEFAULT_KLASSEN = "kwantielen"
KLASSEN = ("kwantielen", "gelijk", "jenks")


@dataclass(frozen=True)
class KaartState:
    niveau: str = DEFAULT_NIVEAU
    thema: str | None = None
    indicator: str | None = None
    jaar: int | None = None
    klassen: str = DEFAULT_KLASSEN
    gemeente: str | None = None
    code: str | None = None


def parse_kaart(query: Mapping[str, Any], catalog: Catalog) -> tuple[KaartState, list[str]]:
    """Validated map state from ``query``; messages say what was replaced and by what."""
    msgs: list[str] = []
    niveau = first(query.get("niveau"))
    code = first(query.get("code"))
    if code:
        known = resolve_code(code, catalog.areas)
        if known is None:
            msgs.append(f"Gebied '{clip(code)}' uit de link is onbekend; er is geen gebied geselecteerd.")
        code = known
    if niveau is None:
        # A link with only an area shows that area's own level, if the map has one.
        area_level = catalog.areas[code][1] if code else None
        niveau = area_level if area_level in NIVEAUS else DEFAULT_NIVEAU
    elif niveau == "dorp":
        msgs.append("Dorpen hebben geen eigen grenzen op de kaart; we tonen buurten. "
                    "Zoek een dorp via ‘Zoek’ bovenaan voor zijn profiel.")
        niveau = DEFAULT_NIVEAU
    elif niveau not in NIVEAUS:
        msgs.append(f"Niveau '{clip(niveau)}' bestaat niet; kies gemeente, wijk of buurt. We tonen buurten.")
        niveau = DEFAULT_NIVEAU

    thema = first(query.get("thema"))
    if thema and thema not in catalog.themes:
        msgs.append(f"Thema '{clip(thema)}' is onbekend; we tonen alle thema's.")
        thema = None

    indicator = first(query.get("indicator"))
    if indicator and indicator not in catalog.titles:
        fallback = catalog.default_indicator(niveau, thema)
        msgs.append(f"Indicator '{clip(indicator)}' is onbekend; we tonen {catalog.label(fallback)}.")
        indicator = fallback
    elif not indicator:
        indicator = catalog.default_indicator(niveau, thema)
    if indicator and not catalog.years(indicator, niveau):
        fallback = catalog.default_indicator(niveau, thema) or catalog.default_indicator(niveau)
        msgs.append(f"Voor {catalog.label(indicator)} zijn geen gegevens op {niveau}niveau; "
                    f"we tonen {catalog.label(fallback)}.")
        indicator = fallback
    if indicator:
        thema = catalog.themes_of.get(indicator, thema)

    years = list(catalog.years(indicator, niveau)) if indicator else []
    raw_year = first(query.get("jaar"))
    jaar = as_year(raw_year)
    if raw_year is not None and jaar not in years:
        latest = years[-1] if years else None
        avail = f"beschikbaar: {', '.join(map(str, years))}" if years else "geen jaren beschikbaar"
        msgs.append(f"Jaar '{clip(raw_year)}' heeft geen gegevens voor {catalog.label(indicator)} ({avail}); "
                    f"we tonen {latest if latest else 'niets'}.")
        jaar = latest
    elif jaar is None:
        jaar = years[-1] if years else None

    klassen = first(query.get("klassen")) or DEFAULT_KLASSEN
    if klassen not in KLASSEN:
        msgs.append(f"Indeling '{clip(klassen)}' is onbekend; we gebruiken kwantielen.")
        klassen = DEFAULT_KLASSEN

    gemeente = first(query.get("gemeente"))
    if gemeente:
        gemeente = gemeente.upper()
        if gemeente not in catalog.gemeenten:
            msgs.append(f"Gemeente '{clip(gemeente)}' hoort niet bij deze monitor; we tonen alle gemeenten.")
            gemeente = None

    state = KaartState(niveau, thema, indicator, jaar, klassen, gemeente, code)
    return state, msgs


def kaart_query(state: KaartState) -> str:
    """The query string (with '?') that reproduces ``state``; defaults are left out."""
    params: dict[str, Any] = {"niveau": state.niveau}
    if state.indicator:
        params["indicator"] = state.indicator
    if state.jaar is not None:
        params["jaar"] = state.jaar
    if state.klassen != DEFAULT_KLASSEN:
        params["klassen"] = state.klassen
    if state.gemeente:
        params["gemeente"] = state.gemeente
    if state.code:
        params["code"] = state.code
    return links.query(**params)


def kaart_from_controls(
    niveau: str | None, indicator: str | None, jaar: Any, klassen: str | None,
    gemeente: str | None, code: str | None, catalog: Catalog,
) -> tuple[KaartState, list[str]]:
    """Validated state from the page's controls (same rules as a URL)."""
    query = {"niveau": niveau, "indicator": indicator, "jaar": jaar, "klassen": klassen, "gemeente": gemeente,
             "code": code}
    return parse_kaart({k: v for k, v in query.items() if v not in (None, "")}, catalog)
