"""Indicators of the Dorpenmonitor: registry, computation, villages and the API the dashboard calls.

Stable public API (names and signatures are relied on by the dashboard and CLI):

Registry
    ``indicators.REGISTRY``: ``dict[id, Indicator]`` of every indicator (frozen records with
    id, title, description, formula, unit, theme, numerator, denominator, sources, direction,
    decimals, min_denominator, aggregation, caveat; ``compute`` is the pure function).
    ``indicators.get(id) -> Indicator`` (KeyError with the valid ids, in Dutch).
    ``indicators.THEMES``: the five themes in display order.

Values (``indicators.api``; ``niveau`` is 'gemeente', 'wijk', 'buurt' or 'dorp')
    ``compute(store, niveau, jaar, indicator_ids=None, gemeente=None) -> DataFrame``
        tidy: code, naam, niveau, jaar, indicator, waarde, eenheid, status
        ('ok', 'geheim', 'ontbreekt', 'onbetrouwbaar'), note, dekking, gemeente_code,
        rank_in_gemeente.
    ``values(store, indicator_id, niveau, jaar, gemeente=None) -> DataFrame``
        code, naam, gemeente_code, waarde, status, rank_in_gemeente (1 = highest), note, dekking;
        cached per (store.url, niveau, jaar): well under 10 ms when warm.
    ``trend(store, indicator_id, codes) -> DataFrame``
        code, naam, jaar, waarde, status, bron (CBS table ids), breuk (bool), note.
    ``benchmarks(store, indicator_id, code, jaar) -> dict``
        the value with its gemeente, Drenthe (12), monitor (13), rank and comparable areas.
    ``years(store, indicator_id, niveau) -> list[int]``
    ``areas(store) -> DataFrame`` code, naam, niveau, gemeente_code, gemeente_naam (incl. dorpen).
    ``villages(store, config=None) -> list[Village]``; ``clear_cache()`` after a database reload.

Other entry points
    ``indicators.export.main(args) -> int``: body of ``dorpenmonitor export``.
    ``indicators.catalogue.write(path=None)``: regenerate docs/indicatoren.md.
"""

from indicators import definitions as _definitions  # noqa: F401  (importing registers every indicator)
from indicators.registry import REGISTRY, THEMES, Indicator, get

__all__ = ["REGISTRY", "THEMES", "Indicator", "get"]
