"""Kaart's view state <-> URL query string (``/?niveau=buurt&indicator=...&jaar=2024&code=BU...``).

Pure module: what is valid comes in as a :class:`~dashboard.links.Catalog`; the shared reading rules
(one value, a year, an area code) are in :mod:`dashboard.links`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dashboard import links
from dashboard.formatting import level_word, years_text
from dashboard.links import Catalog, as_year, first, resolve_code
from dashboard.validate import clip

#: The levels the map draws, with their labels.
NIVEAUS: dict[str, str] = {n: level_word(n, plural=True, capital=True) for n in ("gemeente", "wijk", "buurt")}
DEFAULT_NIVEAU = "buurt"
DEFAULT_KLASSEN = "kwantielen"
KLASSEN = ("kwantielen", "gelijk", "jenks")
#: What the map shows: the value in one year, or the change between two years (issue 9).
WEERGAVEN: dict[str, str] = {"waarde": "Waarde in één jaar", "verandering": "Verandering tussen twee jaren"}
DEFAULT_WEERGAVE = "waarde"
#: How a change is measured: the absolute difference or the percentage of the first year.
MATEN: dict[str, str] = {"abs": "Absoluut", "pct": "%"}
DEFAULT_MAAT = "abs"


@dataclass(frozen=True)
class KaartState:
    niveau: str = DEFAULT_NIVEAU
    thema: str | None = None
    indicator: str | None = None
    jaar: int | None = None
    klassen: str = DEFAULT_KLASSEN
    gemeente: str | None = None
    code: str | None = None
    weergave: str = DEFAULT_WEERGAVE
    van: int | None = None
    maat: str = DEFAULT_MAAT

    @property
    def binnen(self) -> str | None:
        """The gemeente whose areas the legend counts and the ranked table and CSV list. At gemeente level the
        chosen gemeente only zooms: a ranking of one gemeente 'in' itself (one row, legend 1, 0, 0, 0, 0) says
        nothing, so all 13 stay listed."""
        return self.gemeente if self.niveau != "gemeente" else None

    @property
    def verandering(self) -> bool:
        """True when the map shows the change between ``van`` and ``jaar``."""
        return self.weergave == "verandering" and self.van is not None and self.jaar is not None


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
        msgs.append(f"Voor {catalog.label(indicator)} zijn {catalog.no_data(indicator, niveau)}; "
                    f"we tonen {catalog.label(fallback)}.")
        indicator = fallback
    if indicator:
        thema = catalog.themes_of.get(indicator, thema)

    years = list(catalog.years(indicator, niveau)) if indicator else []
    raw_year = first(query.get("jaar"))
    jaar = as_year(raw_year)
    if raw_year is not None and jaar not in years:
        latest = years[-1] if years else None
        avail = f"beschikbaar: {years_text(years)}" if years else "geen jaren beschikbaar"
        what = (f"heeft geen gegevens voor {catalog.label(indicator)}" if jaar is not None
                else "is geen jaartal")
        msgs.append(f"Jaar '{clip(raw_year)}' {what} ({avail}); we tonen {latest if latest else 'niets'}.")
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

    weergave, van, maat = _change_view(query, years, jaar, msgs, catalog.label(indicator), niveau)
    if maat == "pct" and indicator in catalog.no_relative_change:
        msgs.append(no_pct_message(catalog.label(indicator)))
        maat = DEFAULT_MAAT
    state = KaartState(niveau, thema, indicator, jaar, klassen, gemeente, code, weergave, van, maat)
    return state, msgs


def no_change_message(label: str, niveau: str, years: Sequence[int], jaar: int | None) -> str:
    """Why a change cannot be shown: 'Voor een verandering is een eerder jaar dan 2024 nodig, en
    'Bevolkingsdichtheid' op buurtniveau heeft alleen 2024; ...' (``label``: the indicator as a message names it)."""
    return (f"Voor een verandering is een eerder jaar dan {jaar if jaar else '–'} nodig, en {label} op {niveau}niveau "
            "heeft "
            f"{'alleen ' + str(jaar) if list(years) == [jaar] else 'geen eerder jaar'}; "
            "we tonen de waarde in één jaar.")


def no_pct_message(label: str) -> str:
    """Why a change in % is refused for a score or class."""
    return (f"Een verandering in % zegt niets bij {label}: de nul van die schaal is geen 'niets' (een score rond 0 "
            "kan van teken wisselen); we tonen het absolute verschil.")


def _change_view(query: Mapping[str, Any], years: list[int], jaar: int | None,
                 msgs: list[str], label: str, niveau: str) -> tuple[str, int | None, str]:
    """(weergave, van, maat) from ``query``: a change needs an earlier year with data, else the value is shown."""
    weergave = first(query.get("weergave")) or DEFAULT_WEERGAVE
    if weergave not in WEERGAVEN:
        msgs.append(f"Weergave '{clip(weergave)}' is onbekend; we tonen de waarde in één jaar.")
        weergave = DEFAULT_WEERGAVE
    maat = first(query.get("maat")) or DEFAULT_MAAT
    if maat not in MATEN:
        msgs.append(f"Maat '{clip(maat)}' is onbekend; we tonen het absolute verschil.")
        maat = DEFAULT_MAAT
    earlier = [y for y in years if jaar is not None and y < jaar]
    raw_van = first(query.get("van"))
    van = as_year(raw_van)
    if weergave != "verandering":
        return weergave, None, DEFAULT_MAAT
    if not earlier:
        msgs.append(no_change_message(label, niveau, years, jaar))
        return DEFAULT_WEERGAVE, None, DEFAULT_MAAT
    if raw_van is not None and van not in earlier:
        msgs.append(f"Jaar '{clip(raw_van)}' kan niet het beginjaar zijn (kies een eerder jaar met gegevens: "
                    f"{', '.join(map(str, earlier))}); we tonen {earlier[0]}.")
        van = earlier[0]
    elif van is None:
        # Default: about five years back (a span people ask about), else the earliest year there is.
        van = max((y for y in earlier if y <= jaar - 5), default=earlier[0])
    return weergave, van, maat


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
    if state.verandering:
        params.update(weergave=state.weergave, van=state.van)
        if state.maat != DEFAULT_MAAT:
            params["maat"] = state.maat
    return links.query(**params)


def kaart_from_controls(
    niveau: str | None, indicator: str | None, jaar: Any, klassen: str | None,
    gemeente: str | None, code: str | None, catalog: Catalog, weergave: str | None = None, van: Any = None,
    maat: str | None = None,
) -> tuple[KaartState, list[str]]:
    """Validated state from the page's controls (same rules as a URL)."""
    query = {"niveau": niveau, "indicator": indicator, "jaar": jaar, "klassen": klassen, "gemeente": gemeente,
             "code": code, "weergave": weergave, "van": van, "maat": maat}
    return parse_kaart({k: v for k, v in query.items() if v not in (None, "")}, catalog)
