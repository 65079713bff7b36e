"""View state <-> URL query string, with validation and Dutch messages.

Every page keeps its whole state in the query string, so a copied link
reproduces the view. Anything unknown in a link (area, indicator, level,
year, option) becomes a readable Dutch message plus a sensible default:
a bad link must never produce a server error or an empty page.

Pure module: what is valid comes in as a :class:`Catalog`, built by
``dashboard.data.catalog()`` from the database and the indicator registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

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


#: The levels the map draws, with their labels.
NIVEAUS: dict[str, str] = {n: level_word(n, plural=True, capital=True) for n in ("gemeente", "wijk", "buurt")}
DEFAULT_NIVEAU = "buurt"
DEFAULT_KLASSEN = "kwantielen"
KLASSEN = ("kwantielen", "gelijk", "jenks")
MAX_TREND_AREAS = 6


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

    def default_indicator(self, niveau: str, theme: str | None = None) -> str | None:
        """First indicator (preferred ones first) with data at ``niveau``, optionally within ``theme``."""
        order = [i for i in self.preferred if i in self.titles] + [i for i in self.titles if i not in self.preferred]
        if theme:
            order = [i for i in order if self.themes_of.get(i) == theme]
        for ind in order:
            if self.years(ind, niveau):
                return ind
        return order[0] if order else None


@dataclass(frozen=True)
class KaartState:
    niveau: str = DEFAULT_NIVEAU
    thema: str | None = None
    indicator: str | None = None
    jaar: int | None = None
    klassen: str = DEFAULT_KLASSEN
    gemeente: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class TrendsState:
    indicator: str | None = None
    codes: tuple[str, ...] = ()
    vergelijk: tuple[str, ...] = ("gemeente", "drenthe")
    messages: tuple[str, ...] = field(default=(), compare=False)


def first(value: Any) -> str | None:
    """One query value as text: Dash gives a list when a key is repeated."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def as_year(value: Any) -> int | None:
    text = first(value)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _label(catalog: Catalog, ind: str | None) -> str:
    return f"'{catalog.titles.get(ind, ind)}'" if ind else "geen indicator"


def resolve_code(raw: str, areas: Mapping[str, Any]) -> str | None:
    """The known area code ``raw`` means, ignoring case (links get retyped; village slugs are lower case)."""
    raw = raw.strip()
    if raw in areas:
        return raw
    low = raw.lower()
    return next((code for code in areas if code.lower() == low), None)


def split_list(raw: Any) -> list[str]:
    """Comma-separated query values (one string or repeated parameters) as a clean list."""
    parts = raw if isinstance(raw, list | tuple) else [raw] if raw else []
    return [p.strip() for part in parts for p in str(part).split(",") if p.strip()]


def parse_codes(raw: Any, areas: Mapping[str, Any], limit: int) -> tuple[list[str], list[str]]:
    """Known area codes from a link (unknown ones dropped, at most ``limit``) and the Dutch messages."""
    msgs: list[str] = []
    codes: list[str] = []
    for raw_code in split_list(raw):
        code = resolve_code(raw_code, areas)
        if code is None:
            msgs.append(f"Gebied '{raw_code}' uit de link is onbekend en is weggelaten.")
        elif code not in codes:
            codes.append(code)
    if len(codes) > limit:
        msgs.append(f"Er kunnen hoogstens {limit} gebieden tegelijk; de eerste {limit} staan er.")
        codes = codes[:limit]
    return codes, msgs


def parse_kaart(query: Mapping[str, Any], catalog: Catalog) -> tuple[KaartState, list[str]]:
    """Validated map state from ``query``; messages say what was replaced and by what."""
    msgs: list[str] = []
    niveau = first(query.get("niveau"))
    code = first(query.get("code"))
    if code:
        known = resolve_code(code, catalog.areas)
        if known is None:
            msgs.append(f"Gebied '{code}' uit de link is onbekend; er is geen gebied geselecteerd.")
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
        msgs.append(f"Niveau '{niveau}' bestaat niet; kies gemeente, wijk of buurt. We tonen buurten.")
        niveau = DEFAULT_NIVEAU

    thema = first(query.get("thema"))
    if thema and thema not in catalog.themes:
        msgs.append(f"Thema '{thema}' is onbekend; we tonen alle thema's.")
        thema = None

    indicator = first(query.get("indicator"))
    if indicator and indicator not in catalog.titles:
        fallback = catalog.default_indicator(niveau, thema)
        msgs.append(f"Indicator '{indicator}' is onbekend; we tonen {_label(catalog, fallback)}.")
        indicator = fallback
    elif not indicator:
        indicator = catalog.default_indicator(niveau, thema)
    if indicator and not catalog.years(indicator, niveau):
        fallback = catalog.default_indicator(niveau, thema) or catalog.default_indicator(niveau)
        msgs.append(f"Voor {_label(catalog, indicator)} zijn geen gegevens op {niveau}niveau; "
                    f"we tonen {_label(catalog, fallback)}.")
        indicator = fallback
    if indicator:
        thema = catalog.themes_of.get(indicator, thema)

    years = list(catalog.years(indicator, niveau)) if indicator else []
    raw_year = first(query.get("jaar"))
    jaar = as_year(raw_year)
    if raw_year is not None and jaar not in years:
        latest = years[-1] if years else None
        avail = f"beschikbaar: {', '.join(map(str, years))}" if years else "geen jaren beschikbaar"
        msgs.append(f"Jaar '{raw_year}' heeft geen gegevens voor {_label(catalog, indicator)} ({avail}); "
                    f"we tonen {latest if latest else 'niets'}.")
        jaar = latest
    elif jaar is None:
        jaar = years[-1] if years else None

    klassen = first(query.get("klassen")) or DEFAULT_KLASSEN
    if klassen not in KLASSEN:
        msgs.append(f"Indeling '{klassen}' is onbekend; we gebruiken kwantielen.")
        klassen = DEFAULT_KLASSEN

    gemeente = first(query.get("gemeente"))
    if gemeente:
        gemeente = gemeente.upper()
        if gemeente not in catalog.gemeenten:
            msgs.append(f"Gemeente '{gemeente}' hoort niet bij deze monitor; we tonen alle gemeenten.")
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
    return "?" + urlencode(params)


def kaart_from_controls(
    niveau: str | None, indicator: str | None, jaar: Any, klassen: str | None,
    gemeente: str | None, code: str | None, catalog: Catalog,
) -> tuple[KaartState, list[str]]:
    """Validated state from the page's controls (same rules as a URL)."""
    query = {"niveau": niveau, "indicator": indicator, "jaar": jaar, "klassen": klassen, "gemeente": gemeente,
             "code": code}
    return parse_kaart({k: v for k, v in query.items() if v not in (None, "")}, catalog)


def parse_trends(query: Mapping[str, Any], catalog: Catalog) -> TrendsState:
    """Validated trends state; unknown areas are dropped with a message."""
    msgs: list[str] = []
    indicator = first(query.get("indicator"))
    if indicator and indicator not in catalog.titles:
        fallback = catalog.default_indicator("gemeente")
        msgs.append(f"Indicator '{indicator}' is onbekend; we tonen {_label(catalog, fallback)}.")
        indicator = fallback
    indicator = indicator or catalog.default_indicator("gemeente")

    codes, code_msgs = parse_codes(query.get("codes"), catalog.areas, MAX_TREND_AREAS)
    msgs += code_msgs

    raw_ref = first(query.get("vergelijk"))
    vergelijk: tuple[str, ...] = ("gemeente", "drenthe")
    if raw_ref is not None:
        refs = [r.strip() for r in raw_ref.split(",") if r.strip()]
        bad = [r for r in refs if r not in ("gemeente", "drenthe", "geen")]
        if bad:
            msgs.append(f"Vergelijking '{', '.join(bad)}' is onbekend; kies gemeente en/of drenthe.")
        vergelijk = tuple(r for r in refs if r in ("gemeente", "drenthe"))
    return TrendsState(indicator, tuple(codes), vergelijk, tuple(msgs))


def trends_query(state: TrendsState) -> str:
    params: dict[str, Any] = {}
    if state.indicator:
        params["indicator"] = state.indicator
    if state.codes:
        params["codes"] = ",".join(state.codes)
    if tuple(state.vergelijk) != ("gemeente", "drenthe"):
        params["vergelijk"] = ",".join(state.vergelijk) or "geen"
    return "?" + urlencode(params, safe=",")


def with_messages(state: TrendsState, msgs: Sequence[str]) -> TrendsState:
    return replace(state, messages=tuple(msgs))
