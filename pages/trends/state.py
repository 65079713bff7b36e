"""Trends' view state <-> URL query string (``/trends?indicator=inwoners&codes=GM0106,DP1680_gieten``).

Pure module: what is valid comes in as a :class:`~dashboard.links.Catalog`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dashboard import links
from dashboard.links import Catalog, first, parse_codes
from dashboard.validate import clip

MAX_TREND_AREAS = 6
#: The benchmarks a trend can be drawn against, with their labels.
VERGELIJK: dict[str, str] = {"gemeente": "eigen gemeente", "drenthe": "Drenthe (12 gemeenten)"}
#: How buurt and village series are shown: on the current division (default) or as published.
INDELINGEN: tuple[str, ...] = ("omgerekend", "gepubliceerd")
#: Benchmarks a trend is drawn against unless the link says otherwise.
DEFAULT_VERGELIJK: tuple[str, ...] = ("gemeente", "drenthe")


@dataclass(frozen=True)
class TrendsState:
    indicator: str | None = None
    codes: tuple[str, ...] = ()
    vergelijk: tuple[str, ...] = DEFAULT_VERGELIJK
    messages: tuple[str, ...] = field(default=(), compare=False)
    indeling: str = "omgerekend"


def parse_trends(query: Mapping[str, Any], catalog: Catalog) -> TrendsState:
    """Validated trends state; unknown areas are dropped with a message."""
    msgs: list[str] = []
    indicator = first(query.get("indicator"))
    if indicator and indicator not in catalog.titles:
        fallback = catalog.longest_series("gemeente")
        msgs.append(f"Indicator '{clip(indicator)}' is onbekend; we tonen {catalog.label(fallback)}.")
        indicator = fallback
    indicator = indicator or catalog.longest_series("gemeente")

    codes, code_msgs = parse_codes(query.get("codes"), catalog.areas, MAX_TREND_AREAS)
    msgs += code_msgs

    raw_ref = first(query.get("vergelijk"))
    vergelijk = DEFAULT_VERGELIJK
    if raw_ref is not None:
        refs = [r.strip() for r in raw_ref.split(",") if r.strip()]
        bad = [r for r in refs if r not in ("gemeente", "drenthe", "geen")]
        if bad:
            msgs.append(f"Vergelijking '{clip(', '.join(bad))}' is onbekend; kies gemeente en/of drenthe.")
        vergelijk = tuple(r for r in refs if r in ("gemeente", "drenthe"))
    indeling = first(query.get("indeling")) or "omgerekend"
    if indeling not in INDELINGEN:
        msgs.append(f"Indeling '{clip(indeling)}' is onbekend; we tonen de reeks omgerekend naar de huidige indeling.")
        indeling = "omgerekend"
    return TrendsState(indicator, tuple(codes), vergelijk, tuple(msgs), indeling)


def trends_query(state: TrendsState) -> str:
    params: dict[str, Any] = {}
    if state.indicator:
        params["indicator"] = state.indicator
    if state.codes:
        params["codes"] = ",".join(state.codes)
    if tuple(state.vergelijk) != DEFAULT_VERGELIJK:
        params["vergelijk"] = ",".join(state.vergelijk) or "geen"
    if state.indeling != "omgerekend":
        params["indeling"] = state.indeling
    return links.query(**params)
